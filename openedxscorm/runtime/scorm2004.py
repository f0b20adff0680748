"""The SCORM 2004 (4th edition) data model (RTE chapter 4), one row per element; `n` is a collection index."""
from .elements import READ_ONLY, WRITE_ONLY, Collection, Element, keyword
from .vocab import (
    SCORM2004_AUDIO_CAPTIONING,
    SCORM2004_COMMENT_LOCATION_SPM,
    SCORM2004_COMMENT_SPM,
    SCORM2004_COMPLETION_STATUS,
    SCORM2004_CREDIT,
    SCORM2004_DESCRIPTION_SPM,
    SCORM2004_EXIT,
    SCORM2004_INTERACTION_TYPE,
    SCORM2004_LANGUAGE_SPM,
    SCORM2004_LOCATION_SPM,
    SCORM2004_LONG_IDENTIFIER_SPM,
    SCORM2004_MODE,
    SCORM2004_NAV_REQUEST,
    SCORM2004_NON_NEGATIVE,
    SCORM2004_PROGRESS_RANGE,
    SCORM2004_RESPONSE_SPM,
    SCORM2004_RESULT,
    SCORM2004_SCALED_RANGE,
    SCORM2004_SUCCESS_STATUS,
    SCORM2004_SUSPEND_DATA_SPM,
)

_ID = Element("long_identifier", spm=SCORM2004_LONG_IDENTIFIER_SPM)
_OBJ = ("id",)   # objective leaves need the objective's id first
_INT = ("id",)   # interaction leaves need the interaction's id first


def _comments(access):
    return {
        "comment": Element("localized_string", access, spm=SCORM2004_COMMENT_SPM),
        "location": Element("string", access, spm=SCORM2004_COMMENT_LOCATION_SPM),
        "timestamp": Element("time2004", access),
    }


ELEMENTS = {
    "cmi._version": keyword(),
    "cmi.comments_from_learner._children": keyword(),
    "cmi.comments_from_learner._count": keyword(),
    **{f"cmi.comments_from_learner.n.{leaf}": el for leaf, el in _comments("read-write").items()},
    "cmi.comments_from_lms._children": keyword(),
    "cmi.comments_from_lms._count": keyword(),
    **{f"cmi.comments_from_lms.n.{leaf}": el for leaf, el in _comments(READ_ONLY).items()},
    "cmi.completion_status": Element("vocabulary", vocab=SCORM2004_COMPLETION_STATUS),
    "cmi.completion_threshold": Element("real", READ_ONLY, range=SCORM2004_PROGRESS_RANGE),
    "cmi.credit": Element("vocabulary", READ_ONLY, vocab=SCORM2004_CREDIT),
    "cmi.entry": Element("vocabulary", READ_ONLY, vocab=("ab-initio", "resume", "")),
    "cmi.exit": Element("vocabulary", WRITE_ONLY, vocab=SCORM2004_EXIT, session=True),
    "cmi.interactions._children": keyword(),
    "cmi.interactions._count": keyword(),
    "cmi.interactions.n.id": _ID,
    "cmi.interactions.n.type": Element("vocabulary", vocab=SCORM2004_INTERACTION_TYPE, requires=_INT),
    "cmi.interactions.n.objectives._count": keyword(),
    "cmi.interactions.n.objectives.n.id": _ID,
    "cmi.interactions.n.timestamp": Element("time2004", requires=_INT),
    "cmi.interactions.n.correct_responses._count": keyword(),
    "cmi.interactions.n.correct_responses.n.pattern": Element("string", spm=SCORM2004_RESPONSE_SPM),
    "cmi.interactions.n.weighting": Element("real", requires=_INT),
    "cmi.interactions.n.learner_response": Element(
        "string", spm=SCORM2004_RESPONSE_SPM, requires=("id", "type"),
    ),
    "cmi.interactions.n.result": Element("result2004", vocab=SCORM2004_RESULT, requires=_INT),
    "cmi.interactions.n.latency": Element("timeinterval", requires=_INT),
    "cmi.interactions.n.description": Element(
        "localized_string", spm=SCORM2004_DESCRIPTION_SPM, requires=_INT,
    ),
    "cmi.launch_data": Element("string", READ_ONLY, spm=SCORM2004_RESPONSE_SPM),
    "cmi.learner_id": Element("long_identifier", READ_ONLY, spm=SCORM2004_LONG_IDENTIFIER_SPM),
    "cmi.learner_name": Element("localized_string", READ_ONLY, spm=SCORM2004_DESCRIPTION_SPM),
    "cmi.learner_preference._children": keyword(),
    "cmi.learner_preference.audio_level": Element("real", range=SCORM2004_NON_NEGATIVE),
    "cmi.learner_preference.language": Element("language", spm=SCORM2004_LANGUAGE_SPM),
    "cmi.learner_preference.delivery_speed": Element("real", range=SCORM2004_NON_NEGATIVE),
    "cmi.learner_preference.audio_captioning": Element("vocabulary", vocab=SCORM2004_AUDIO_CAPTIONING),
    "cmi.location": Element("string", spm=SCORM2004_LOCATION_SPM),
    "cmi.max_time_allowed": Element("timeinterval", READ_ONLY),
    "cmi.mode": Element("vocabulary", READ_ONLY, vocab=SCORM2004_MODE),
    "cmi.objectives._children": keyword(),
    "cmi.objectives._count": keyword(),
    "cmi.objectives.n.id": _ID,
    "cmi.objectives.n.score._children": keyword(),
    "cmi.objectives.n.score.scaled": Element("real", range=SCORM2004_SCALED_RANGE, requires=_OBJ),
    "cmi.objectives.n.score.raw": Element("real", requires=_OBJ),
    "cmi.objectives.n.score.min": Element("real", requires=_OBJ),
    "cmi.objectives.n.score.max": Element("real", requires=_OBJ),
    "cmi.objectives.n.success_status": Element("vocabulary", vocab=SCORM2004_SUCCESS_STATUS, requires=_OBJ),
    "cmi.objectives.n.completion_status": Element(
        "vocabulary", vocab=SCORM2004_COMPLETION_STATUS, requires=_OBJ,
    ),
    "cmi.objectives.n.progress_measure": Element("real", range=SCORM2004_PROGRESS_RANGE, requires=_OBJ),
    "cmi.objectives.n.description": Element(
        "localized_string", spm=SCORM2004_DESCRIPTION_SPM, requires=_OBJ,
    ),
    "cmi.progress_measure": Element("real", range=SCORM2004_PROGRESS_RANGE),
    "cmi.scaled_passing_score": Element("real", READ_ONLY, range=SCORM2004_SCALED_RANGE),
    "cmi.score._children": keyword(),
    "cmi.score.scaled": Element("real", range=SCORM2004_SCALED_RANGE),
    "cmi.score.raw": Element("real"),
    "cmi.score.min": Element("real"),
    "cmi.score.max": Element("real"),
    "cmi.session_time": Element("timeinterval", WRITE_ONLY, session=True),
    "cmi.success_status": Element("vocabulary", vocab=SCORM2004_SUCCESS_STATUS),
    "cmi.suspend_data": Element("string", spm=SCORM2004_SUSPEND_DATA_SPM),
    "cmi.time_limit_action": Element(
        "vocabulary", READ_ONLY, vocab=("exit,message", "exit,no message", "continue,message", "continue,no message"),
    ),
    "cmi.total_time": Element("timeinterval", READ_ONLY),
    "adl.nav.request": Element("nav_request", vocab=SCORM2004_NAV_REQUEST, session=True),
}

# Dependencies between an entry and its parent entry (4th edition RTE 4.1.7): an interaction's objectives
# and correct responses need the interaction's id, correct responses also its type.
PARENT_REQUIRES = {
    "cmi.interactions.n.objectives": ("cmi.interactions.n.id",),
    "cmi.interactions.n.correct_responses": ("cmi.interactions.n.id", "cmi.interactions.n.type"),
}

COLLECTIONS = {
    "cmi.objectives": Collection(unique_id=True, fixed_id=True),
    "cmi.interactions": Collection(),
    "cmi.interactions.n.objectives": Collection(unique_id=True),
    "cmi.interactions.n.correct_responses": Collection(id_leaf=None),
    "cmi.comments_from_learner": Collection(id_leaf=None),
    "cmi.comments_from_lms": Collection(id_leaf=None),
}

LAUNCH_ELEMENTS = {
    "learner_id": "cmi.learner_id",
    "learner_name": "cmi.learner_name",
    "credit": "cmi.credit",
    "mode": "cmi.mode",
    "entry": "cmi.entry",
    "total_time": "cmi.total_time",
    "launch_data": "cmi.launch_data",
    "scaled_passing_score": "cmi.scaled_passing_score",
    "completion_threshold": "cmi.completion_threshold",
    "max_time_allowed": "cmi.max_time_allowed",
    "time_limit_action": "cmi.time_limit_action",
}
EXIT = "cmi.exit"
SESSION_TIME = "cmi.session_time"
SUSPEND_DATA = "cmi.suspend_data"
