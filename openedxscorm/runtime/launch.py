"""The values the browser API starts with: what the LMS provides at launch, then what the learner stored."""
import re

from .datamodel import standard_of, validate_set
from .errors import CommitRejected
from .loading import loaded
from .timespan import FORMATTERS
from .valuetypes import CHECKS, is_text
from .vocab import SCORM12, SCORM2004

CREDIT_VALUES = {True: "credit", False: "no-credit", "credit": "credit", "no-credit": "no-credit"}

# Statuses a fresh data model reads before the SCO writes any.
INITIAL_STATUS = {
    SCORM12: {"cmi.core.lesson_status": "not attempted"},
    SCORM2004: {"cmi.completion_status": "unknown", "cmi.success_status": "unknown"},
}


OBJECTIVE_ID = "cmi.objectives.%d.id"
OBJECTIVE_INDEX = re.compile(r"cmi\.objectives\.([0-9]{1,16})\.")


def with_objectives(standard, data, objective_ids):
    """`data` with each objective the manifest declares for the SCO (RTE 4.2.17: the LMS initializes
    cmi.objectives.n.id from the objectiveIDs of its sequencing data) added after the entries already there,
    unless an entry already has that id."""
    data = dict(data)
    present = {value for name, value in data.items() if name.startswith("cmi.objectives.") and name.endswith(".id")}
    count = max((int(match.group(1)) + 1 for match in map(OBJECTIVE_INDEX.match, data) if match), default=0)
    for identifier in objective_ids or ():
        if identifier in present:
            continue
        try:
            validate_set(standard, {"data": data}, OBJECTIVE_ID % count, identifier)
        except CommitRejected:
            continue  # an id the data model cannot hold (too long, blank) is left out
        data[OBJECTIVE_ID % count] = identifier
        present.add(identifier)
        count += 1
    return data


# Launch settings read from the manifest: one the data model cannot hold (a max_time_allowed of "P", a mastery
# score of "abc") is left out, as the standards leave an element the LMS has no value for.
MANIFEST_SETTINGS = ("launch_data", "mastery_score", "scaled_passing_score", "completion_threshold",
                     "max_time_allowed", "time_limit_action")


def _text(value):
    return value if isinstance(value, str) else str(value)


def _holds(spec, element_name, text):
    element = spec.elements[element_name]
    return is_text(text) and CHECKS[element.type](text, element, element.spm) is None


def initial_values(standard, state, *, learner_id, learner_name, credit=True, mode="normal", launch_data=None,
                   mastery_score=None, scaled_passing_score=None, completion_threshold=None,
                   max_time_allowed=None, time_limit_action=None, objective_ids=()):
    """element -> value to seed the browser API with. Session-only elements (exit, session_time) are left
    out; stored collections (interactions, objectives) are included so their _count continues, and the
    objectives the manifest declares (`objective_ids`) are there from the first launch."""
    spec = standard_of(standard)
    state = loaded(spec, state)
    session_only = {name for name, element in spec.elements.items() if element.session}
    values = dict(INITIAL_STATUS[spec.name])
    data = with_objectives(spec.name, state["data"], objective_ids)
    values.update((name, value) for name, value in data.items() if name not in session_only)
    provided = {
        "learner_id": learner_id, "learner_name": learner_name, "credit": CREDIT_VALUES[credit], "mode": mode,
        "entry": state["entry"], "total_time": FORMATTERS[spec.name](state["total_time"]),
        "launch_data": launch_data, "mastery_score": mastery_score,
        "scaled_passing_score": scaled_passing_score, "completion_threshold": completion_threshold,
        "max_time_allowed": max_time_allowed, "time_limit_action": time_limit_action,
    }
    for key, value in provided.items():
        element = spec.launch_elements.get(key)
        if element and value is not None and (key not in MANIFEST_SETTINGS or _holds(spec, element, _text(value))):
            values[element] = _text(value)
    return values
