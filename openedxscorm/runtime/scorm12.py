"""The SCORM 1.2 data model (RTE chapter 3), one row per element; `n` stands for a collection index."""
from .elements import READ_ONLY, WRITE_ONLY, Collection, Element, keyword
from .vocab import (
    SCORM12_AUDIO_RANGE,
    SCORM12_CREDIT,
    SCORM12_EXIT,
    SCORM12_INTERACTION_TYPE,
    SCORM12_LESSON_MODE,
    SCORM12_LESSON_STATUS,
    SCORM12_LESSON_STATUS_SET,
    SCORM12_RESULT,
    SCORM12_SCORE_RANGE,
    SCORM12_SPEED_RANGE,
    SCORM12_STRING255,
    SCORM12_STRING4096,
    SCORM12_TEXT_RANGE,
)

_SCORE = Element("decimal_or_blank12", range=SCORM12_SCORE_RANGE)

ELEMENTS = {
    "cmi._version": keyword(),
    "cmi.core._children": keyword(),
    "cmi.core.student_id": Element("identifier12", READ_ONLY, spm=SCORM12_STRING255),
    "cmi.core.student_name": Element("string", READ_ONLY, spm=SCORM12_STRING255),
    "cmi.core.lesson_location": Element("string", spm=SCORM12_STRING255),
    "cmi.core.credit": Element("vocabulary", READ_ONLY, vocab=SCORM12_CREDIT),
    # "not attempted" may be read but not written (RTE 3.4.4).
    "cmi.core.lesson_status": Element("vocabulary", vocab=SCORM12_LESSON_STATUS_SET),
    "cmi.core.entry": Element("vocabulary", READ_ONLY, vocab=("ab-initio", "resume", "")),
    "cmi.core.score._children": keyword(),
    "cmi.core.score.raw": _SCORE,
    "cmi.core.score.min": _SCORE,
    "cmi.core.score.max": _SCORE,
    "cmi.core.total_time": Element("timespan12", READ_ONLY),
    "cmi.core.lesson_mode": Element("vocabulary", READ_ONLY, vocab=SCORM12_LESSON_MODE),
    "cmi.core.exit": Element("vocabulary", WRITE_ONLY, vocab=SCORM12_EXIT, session=True),
    "cmi.core.session_time": Element("timespan12", WRITE_ONLY, session=True),
    "cmi.suspend_data": Element("string", spm=SCORM12_STRING4096, limit_setting="SCORM12_SUSPEND_DATA_LIMIT"),
    "cmi.launch_data": Element("string", READ_ONLY, spm=SCORM12_STRING4096),
    "cmi.comments": Element("string", spm=SCORM12_STRING4096),
    "cmi.comments_from_lms": Element("string", READ_ONLY, spm=SCORM12_STRING4096),
    "cmi.objectives._children": keyword(),
    "cmi.objectives._count": keyword(),
    "cmi.objectives.n.id": Element("identifier12", spm=SCORM12_STRING255),
    "cmi.objectives.n.score._children": keyword(),
    "cmi.objectives.n.score.raw": _SCORE,
    "cmi.objectives.n.score.min": _SCORE,
    "cmi.objectives.n.score.max": _SCORE,
    "cmi.objectives.n.status": Element("vocabulary", vocab=SCORM12_LESSON_STATUS),
    "cmi.student_data._children": keyword(),
    "cmi.student_data.mastery_score": Element("decimal_or_blank12", READ_ONLY, range=SCORM12_SCORE_RANGE),
    "cmi.student_data.max_time_allowed": Element("timespan12", READ_ONLY),
    "cmi.student_data.time_limit_action": Element(
        "vocabulary", READ_ONLY, vocab=("exit,message", "exit,no message", "continue,message", "continue,no message"),
    ),
    "cmi.student_preference._children": keyword(),
    "cmi.student_preference.audio": Element("integer", range=SCORM12_AUDIO_RANGE),
    "cmi.student_preference.language": Element("string", spm=SCORM12_STRING255),
    "cmi.student_preference.speed": Element("integer", range=SCORM12_SPEED_RANGE),
    "cmi.student_preference.text": Element("integer", range=SCORM12_TEXT_RANGE),
    "cmi.interactions._children": keyword(),
    "cmi.interactions._count": keyword(),
    "cmi.interactions.n.id": Element("identifier12", WRITE_ONLY, spm=SCORM12_STRING255),
    "cmi.interactions.n.objectives._count": keyword(),
    "cmi.interactions.n.objectives.n.id": Element("identifier12", WRITE_ONLY, spm=SCORM12_STRING255),
    "cmi.interactions.n.time": Element("time12", WRITE_ONLY),
    "cmi.interactions.n.type": Element("vocabulary", WRITE_ONLY, vocab=SCORM12_INTERACTION_TYPE),
    "cmi.interactions.n.correct_responses._count": keyword(),
    "cmi.interactions.n.correct_responses.n.pattern": Element("feedback12", WRITE_ONLY),
    "cmi.interactions.n.weighting": Element("decimal12", WRITE_ONLY),
    "cmi.interactions.n.student_response": Element("feedback12", WRITE_ONLY),
    "cmi.interactions.n.result": Element("result12", WRITE_ONLY, vocab=SCORM12_RESULT),
    "cmi.interactions.n.latency": Element("timespan12", WRITE_ONLY),
}

# SCORM 1.2 sets no order on an entry's leaves; entries are still added one index at a time.
COLLECTIONS = {
    "cmi.objectives": Collection(),
    "cmi.interactions": Collection(),
    "cmi.interactions.n.objectives": Collection(),
    "cmi.interactions.n.correct_responses": Collection(id_leaf=None),
}

# Elements the LMS gives at launch (not stored from commits) and where to find the learner's status.
LAUNCH_ELEMENTS = {
    "learner_id": "cmi.core.student_id",
    "learner_name": "cmi.core.student_name",
    "credit": "cmi.core.credit",
    "mode": "cmi.core.lesson_mode",
    "entry": "cmi.core.entry",
    "total_time": "cmi.core.total_time",
    "launch_data": "cmi.launch_data",
    "mastery_score": "cmi.student_data.mastery_score",
    "max_time_allowed": "cmi.student_data.max_time_allowed",
    "time_limit_action": "cmi.student_data.time_limit_action",
}
EXIT = "cmi.core.exit"
SESSION_TIME = "cmi.core.session_time"
SUSPEND_DATA = "cmi.suspend_data"
