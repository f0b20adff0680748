"""What one SCO's stored run-time state (learner_store) means for sequencing: attempted, suspended, its
objectives and measure."""
from decimal import Decimal, InvalidOperation

from ..runtime import SCORM2004
from ..sequencing import LeafStatus

OBJECTIVE_ELEMENT = "cmi.objectives.%d.%s"
SCALED_SCORE = {SCORM2004: "cmi.score.scaled"}
SUSPEND_EXITS = ("suspend",)


def attempted(state):
    state = state or {}
    return bool(state.get("sessions") or state.get("session") or state.get("data"))


def _number(value):
    try:
        return float(Decimal(str(value))) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _reported_objectives(data):
    """cmi.objectives.n (2004) as {id: {"success", "measure"}}."""
    found, index = {}, 0
    while OBJECTIVE_ELEMENT % (index, "id") in data:
        identifier = data[OBJECTIVE_ELEMENT % (index, "id")]
        found[identifier] = {"success": data.get(OBJECTIVE_ELEMENT % (index, "success_status"), "unknown"),
                             "measure": _number(data.get(OBJECTIVE_ELEMENT % (index, "score.scaled")))}
        index += 1
    return found


def leaf_status(standard, state, derived):
    """The sequencing view of one SCO's state, from what runtime.derive said about it."""
    state = state or {}
    data = state.get("data", {})
    tried = attempted(state)
    return LeafStatus(
        attempted=tried,
        attempts=state.get("attempt", 1) if tried else 0,
        attempt_ended=bool(state.get("attempt_ended")) or (tried and not state.get("session")
                                                            and state.get("last_exit") not in SUSPEND_EXITS),
        suspended=state.get("last_exit") in SUSPEND_EXITS,
        completion=derived.get("completion", "unknown"),
        success=derived.get("success", "unknown"),
        measure=_number(data.get(SCALED_SCORE.get(standard, ""))),
        objectives=_reported_objectives(data),
    )
