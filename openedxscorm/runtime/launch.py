"""The values the browser API starts with: what the LMS provides at launch, then what the learner stored."""
from .datamodel import standard_of
from .loading import loaded
from .timespan import FORMATTERS
from .vocab import SCORM12, SCORM2004

CREDIT_VALUES = {True: "credit", False: "no-credit", "credit": "credit", "no-credit": "no-credit"}

# Statuses a fresh data model reads before the SCO writes any.
INITIAL_STATUS = {
    SCORM12: {"cmi.core.lesson_status": "not attempted"},
    SCORM2004: {"cmi.completion_status": "unknown", "cmi.success_status": "unknown"},
}


def _text(value):
    return value if isinstance(value, str) else str(value)


def initial_values(standard, state, *, learner_id, learner_name, credit=True, mode="normal", launch_data=None,
                   mastery_score=None, scaled_passing_score=None, completion_threshold=None,
                   max_time_allowed=None, time_limit_action=None):
    """element -> value to seed the browser API with. Session-only elements (exit, session_time) are left
    out; stored collections (interactions, objectives) are included so their _count continues."""
    spec = standard_of(standard)
    state = loaded(spec, state)
    session_only = {name for name, element in spec.elements.items() if element.session}
    values = dict(INITIAL_STATUS[spec.name])
    values.update((name, value) for name, value in state["data"].items() if name not in session_only)
    provided = {
        "learner_id": learner_id, "learner_name": learner_name, "credit": CREDIT_VALUES[credit], "mode": mode,
        "entry": state["entry"], "total_time": FORMATTERS[spec.name](state["total_time"]),
        "launch_data": launch_data, "mastery_score": mastery_score,
        "scaled_passing_score": scaled_passing_score, "completion_threshold": completion_threshold,
        "max_time_allowed": max_time_allowed, "time_limit_action": time_limit_action,
    }
    for key, value in provided.items():
        element = spec.launch_elements.get(key)
        if element and value is not None:
            values[element] = _text(value)
    return values
