"""SetValue acceptance per element type, table-driven: (standard, element, value, SCORM error code or 0)."""
import pytest

from openedxscorm.runtime import CommitRejected, apply_commit, blank_state, validate_set

OK = 0

SCORM12_CASES = [
    # access and names
    ("cmi.core.student_id", "x", 403),
    ("cmi.core.student_name", "x", 403),
    ("cmi.core.credit", "credit", 403),
    ("cmi.core.entry", "resume", 403),
    ("cmi.core.total_time", "0000:00:01", 403),
    ("cmi.core.lesson_mode", "normal", 403),
    ("cmi.launch_data", "x", 403),
    ("cmi.comments_from_lms", "x", 403),
    ("cmi.student_data.mastery_score", "50", 403),
    ("cmi.core._children", "x", 402),
    ("cmi.objectives._count", "1", 402),
    ("cmi.core.score._children", "x", 402),
    ("cmi.bogus", "x", 401),
    ("cmi.core.bogus", "x", 401),
    ("cmi.interactions.n.id", "x", 401),
    ("cmi.objectives.00.id", "x", 401),
    ("", "x", 201),
    # CMIString255 / CMIString4096
    ("cmi.core.lesson_location", "", OK),
    ("cmi.core.lesson_location", "x" * 255, OK),
    ("cmi.core.lesson_location", "x" * 256, 405),
    ("cmi.comments", "x" * 4096, OK),
    ("cmi.comments", "x" * 4097, 405),
    ("cmi.student_preference.language", "fr", OK),
    # vocabularies
    ("cmi.core.lesson_status", "passed", OK),
    ("cmi.core.lesson_status", "browsed", OK),
    ("cmi.core.lesson_status", "not attempted", 405),
    ("cmi.core.lesson_status", "Passed", 405),
    ("cmi.core.exit", "suspend", OK),
    ("cmi.core.exit", "", OK),
    ("cmi.core.exit", "normal", 405),
    ("cmi.objectives.0.status", "not attempted", OK),
    ("cmi.interactions.0.type", "numeric", OK),
    ("cmi.interactions.0.type", "long-fill-in", 405),
    ("cmi.interactions.0.result", "wrong", OK),
    ("cmi.interactions.0.result", "incorrect", 405),
    ("cmi.interactions.0.result", "0.5", OK),
    # CMIDecimal with the 0..100 score range, and CMIBlank
    ("cmi.core.score.raw", "0", OK),
    ("cmi.core.score.raw", "99.5", OK),
    ("cmi.core.score.raw", "", OK),
    ("cmi.core.score.raw", "100.01", 405),
    ("cmi.core.score.raw", "-0.5", 405),
    ("cmi.core.score.raw", "1e2", 405),
    ("cmi.core.score.max", "100", OK),
    ("cmi.objectives.0.score.min", "101", 405),
    ("cmi.interactions.0.weighting", "-3.5", OK),
    ("cmi.interactions.0.weighting", "", 405),
    # CMISInteger with ranges
    ("cmi.student_preference.audio", "-1", OK),
    ("cmi.student_preference.audio", "101", 405),
    ("cmi.student_preference.audio", "1.5", 405),
    ("cmi.student_preference.speed", "-100", OK),
    ("cmi.student_preference.text", "2", 405),
    # CMITimespan and CMITime
    ("cmi.core.session_time", "00:00:00", OK),
    ("cmi.core.session_time", "0001:02:03.45", OK),
    ("cmi.core.session_time", "1:02:03", 405),
    ("cmi.core.session_time", "01:02:03.456", 405),
    ("cmi.core.session_time", "PT1S", 405),
    ("cmi.interactions.0.latency", "00:00:05.5", OK),
    ("cmi.interactions.0.time", "23:59:59", OK),
    ("cmi.interactions.0.time", "24:00:00", 405),
    # CMIIdentifier (whitespace accepted: see divergences.py)
    ("cmi.objectives.0.id", "obj-1", OK),
    ("cmi.objectives.0.id", "obj 1", OK),
    ("cmi.objectives.0.id", "x" * 256, 405),
    ("cmi.objectives.0.id", "caf\u00e9", 405),
    # CMIFeedback (length relaxed: see divergences.py)
    ("cmi.interactions.0.student_response", "a" * 1000, OK),
    ("cmi.interactions.0.correct_responses.0.pattern", "a", OK),
]

SCORM2004_CASES = [
    ("cmi._version", "9", 404),
    ("cmi.learner_id", "x", 404),
    ("cmi.learner_name", "x", 404),
    ("cmi.credit", "credit", 404),
    ("cmi.mode", "normal", 404),
    ("cmi.entry", "resume", 404),
    ("cmi.total_time", "PT1S", 404),
    ("cmi.max_time_allowed", "PT1S", 404),
    ("cmi.scaled_passing_score", "0.5", 404),
    ("cmi.completion_threshold", "0.5", 404),
    ("cmi.launch_data", "x", 404),
    ("cmi.time_limit_action", "exit,message", 404),
    ("cmi.comments_from_lms.0.comment", "x", 404),
    ("cmi.interactions._count", "0", 404),
    ("cmi.score._children", "x", 404),
    ("cmi.core.lesson_status", "completed", 401),
    ("cmi.bogus", "x", 401),
    ("", "x", 351),
    # vocabularies
    ("cmi.completion_status", "completed", OK),
    ("cmi.completion_status", "not attempted", OK),
    ("cmi.completion_status", "finished", 406),
    ("cmi.success_status", "unknown", OK),
    ("cmi.success_status", "maybe", 406),
    ("cmi.exit", "normal", OK),
    ("cmi.exit", "", OK),
    ("cmi.exit", "quit", 406),
    ("cmi.learner_preference.audio_captioning", "-1", OK),
    ("cmi.learner_preference.audio_captioning", "2", 406),
    ("adl.nav.request", "continue", OK),
    ("adl.nav.request", "{target=intro}choice", OK),
    ("adl.nav.request", "fly", 406),
    # real(10,7) and its ranges
    ("cmi.score.scaled", "-1", OK),
    ("cmi.score.scaled", "0.75", OK),
    ("cmi.score.scaled", "1.5", 407),
    ("cmi.score.scaled", "-1.0001", 407),
    ("cmi.score.scaled", "abc", 406),
    ("cmi.score.scaled", "", 406),
    ("cmi.score.raw", "-250.5", OK),
    ("cmi.score.raw", "1,5", 406),
    ("cmi.progress_measure", "1", OK),
    ("cmi.progress_measure", "1.01", 407),
    ("cmi.learner_preference.audio_level", "0", OK),
    ("cmi.learner_preference.audio_level", "-0.1", 407),
    ("cmi.learner_preference.delivery_speed", "2.5", OK),
    # characterstrings and their SPMs
    ("cmi.location", "x" * 1000, OK),
    ("cmi.location", "x" * 1001, 406),
    ("cmi.suspend_data", "x" * 64000, OK),
    ("cmi.suspend_data", "x" * 64001, 406),
    ("cmi.learner_preference.language", "en-US", OK),
    ("cmi.learner_preference.language", "", OK),
    ("cmi.learner_preference.language", "english!", 406),
    # localized_string_type
    ("cmi.comments_from_learner.0.comment", "{lang=fr}Bonjour", OK),
    ("cmi.comments_from_learner.0.comment", "plain text", OK),
    ("cmi.comments_from_learner.0.comment", "{lang=}x", 406),
    ("cmi.comments_from_learner.0.comment", "x" * 4001, 406),
    ("cmi.comments_from_learner.0.location", "x" * 251, 406),
    # time (second,10,0) and timeinterval (second,10,2)
    ("cmi.comments_from_learner.0.timestamp", "2024-05-01T10:20:30.5Z", OK),
    ("cmi.comments_from_learner.0.timestamp", "2024", OK),
    ("cmi.comments_from_learner.0.timestamp", "2024-13-01", 406),
    ("cmi.comments_from_learner.0.timestamp", "1969-01-01", 406),
    ("cmi.comments_from_learner.0.timestamp", "2024-05-01T10:20:30+02:00", OK),
    ("cmi.session_time", "PT1H30M5.25S", OK),
    ("cmi.session_time", "P1DT3M", OK),
    ("cmi.session_time", "00:01:00", 406),
    ("cmi.session_time", "PT-5S", 406),
    # long_identifier_type
    ("cmi.objectives.0.id", "urn:example:obj1", OK),
    ("cmi.objectives.0.id", "", 406),
    ("cmi.objectives.0.id", "   ", 406),
    ("cmi.objectives.0.id", "x" * 4001, 406),
]


def _code(standard, element, value):
    try:
        validate_set(standard, blank_state(), element, value)
    except CommitRejected as refusal:
        assert refusal.element == element
        return refusal.scorm_code
    return OK


@pytest.mark.parametrize("element,value,expected", SCORM12_CASES)
def test_scorm12_set_value(element, value, expected):
    assert _code("1.2", element, value) == expected


@pytest.mark.parametrize("element,value,expected", SCORM2004_CASES)
def test_scorm2004_set_value(element, value, expected):
    assert _code("2004", element, value) == expected


@pytest.mark.parametrize("standard,value", [("1.2", 7), ("1.2", None), ("2004", 0.5), ("2004", ["a"])])
def test_values_must_be_text(standard, value):
    element = "cmi.core.lesson_location" if standard == "1.2" else "cmi.location"
    with pytest.raises(CommitRejected) as refusal:
        validate_set(standard, blank_state(), element, value)
    assert refusal.value.code == "type_mismatch"


def test_scorm12_suspend_data_limit_is_a_setting():
    validate_set("1.2", None, "cmi.suspend_data", "x" * 64000)
    with pytest.raises(CommitRejected) as refusal:
        validate_set("1.2", None, "cmi.suspend_data", "x" * 64001)
    assert (refusal.value.code, refusal.value.params["limit"]) == ("too_long", 64000)
    validate_set("1.2", None, "cmi.suspend_data", "x" * 5000, limits={"SCORM12_SUSPEND_DATA_LIMIT": 5000})
    with pytest.raises(CommitRejected):
        validate_set("1.2", None, "cmi.suspend_data", "x" * 4097, limits={"SCORM12_SUSPEND_DATA_LIMIT": 4096})


def test_unknown_standard_is_a_programming_error():
    with pytest.raises(ValueError):
        validate_set("1.1", None, "cmi.location", "x")


def test_refusal_message_names_the_element():
    with pytest.raises(CommitRejected) as refusal:
        apply_commit("2004", None, [("cmi.location", "x" * 1001)], seq=1)
    assert refusal.value.render() == "cmi.location accepts at most 1000 characters."
    found = refusal.value.to_dict()
    assert (found["code"], found["params"]) == (
        "too_long", {"element": "cmi.location", "standard": "2004", "limit": 1000},
    )
