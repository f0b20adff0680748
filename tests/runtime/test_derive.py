"""derive(): completion, success, score and time from the stored data, per standard's rules."""
import pytest

from openedxscorm.runtime import derive


def _state(data, total_time=0):
    return {"data": data, "total_time": total_time, "attempt": 1}


SCORM12_CASES = [
    # (data, options, completion, success, score)
    ({}, {}, "not attempted", "unknown", None),
    ({"cmi.core.lesson_status": "completed"}, {}, "completed", "unknown", None),
    ({"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "85"}, {}, "completed", "passed", 0.85),
    ({"cmi.core.lesson_status": "failed"}, {}, "unknown", "failed", None),
    ({"cmi.core.lesson_status": "incomplete"}, {}, "incomplete", "unknown", None),
    ({"cmi.core.lesson_status": "browsed"}, {}, "incomplete", "unknown", None),
    ({"cmi.core.score.raw": "15", "cmi.core.score.min": "10", "cmi.core.score.max": "20"}, {}, "not attempted",
     "unknown", 0.5),
    ({"cmi.core.score.raw": ""}, {}, "not attempted", "unknown", None),
    ({"cmi.core.score.raw": "5", "cmi.core.score.min": "10", "cmi.core.score.max": "10"}, {}, "not attempted",
     "unknown", None),
    # mastery score decides only when the package says neither passed nor failed, and only for credit
    ({"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "80"}, {"mastery_score": 80}, "completed",
     "passed", 0.8),
    ({"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "79.5"}, {"mastery_score": "80"}, "completed",
     "failed", 0.795),
    ({"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "10"}, {"mastery_score": 80}, "completed",
     "passed", 0.1),
    ({"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "90"}, {"mastery_score": 80, "credit": False},
     "completed", "unknown", 0.9),
    ({"cmi.core.lesson_status": "completed"}, {"mastery_score": 80}, "completed", "unknown", None),
]

SCORM2004_CASES = [
    ({}, {}, "unknown", "unknown", None),
    ({"cmi.completion_status": "completed", "cmi.success_status": "passed", "cmi.score.scaled": "0.9"}, {},
     "completed", "passed", 0.9),
    ({"cmi.score.scaled": "-0.5"}, {}, "unknown", "unknown", 0.0),
    ({"cmi.score.raw": "30", "cmi.score.max": "40"}, {}, "unknown", "unknown", 0.75),
    ({"cmi.score.raw": "30"}, {}, "unknown", "unknown", 0.3),
    ({"cmi.score.raw": "30", "cmi.score.scaled": "0.1"}, {}, "unknown", "unknown", 0.1),
    # scaled_passing_score overrides the package's success_status when score.scaled is known
    ({"cmi.success_status": "passed", "cmi.score.scaled": "0.5"}, {"scaled_passing_score": 0.6}, "unknown",
     "failed", 0.5),
    ({"cmi.success_status": "failed", "cmi.score.scaled": "0.6"}, {"scaled_passing_score": "0.6"}, "unknown",
     "passed", 0.6),
    # ... and makes it unknown without score.scaled (RTE 4.2.22), as the browser API reads it
    ({"cmi.success_status": "passed"}, {"scaled_passing_score": 0.6}, "unknown", "unknown", None),
    ({"cmi.success_status": "failed", "cmi.score.raw": "90"}, {"scaled_passing_score": "0.5"}, "unknown", "unknown",
     0.9),
    # completion_threshold overrides completion_status when progress_measure is known
    ({"cmi.completion_status": "incomplete", "cmi.progress_measure": "0.8"}, {"completion_threshold": 0.75},
     "completed", "unknown", None),
    ({"cmi.completion_status": "completed", "cmi.progress_measure": "0.5"}, {"completion_threshold": 0.75},
     "incomplete", "unknown", None),
    # ... and makes it unknown without progress_measure (RTE 4.2.4), as the browser API reads it
    ({"cmi.completion_status": "completed"}, {"completion_threshold": 0.75}, "unknown", "unknown", None),
    ({"cmi.completion_status": "incomplete"}, {"completion_threshold": "0"}, "unknown", "unknown", None),
    ({"cmi.completion_status": "incomplete", "cmi.progress_measure": "0.9"}, {}, "incomplete", "unknown", None),
]


@pytest.mark.parametrize("data,options,completion,success,score", SCORM12_CASES)
def test_derive_scorm12(data, options, completion, success, score):
    found = derive("1.2", _state(data), **options)
    assert (found["completion"], found["success"], found["score"]) == (completion, success, score)


@pytest.mark.parametrize("data,options,completion,success,score", SCORM2004_CASES)
def test_derive_scorm2004(data, options, completion, success, score):
    found = derive("2004", _state(data), **options)
    assert (found["completion"], found["success"], found["score"]) == (completion, success, score)


def test_progress_and_time():
    found = derive("2004", _state({"cmi.progress_measure": "0.25"}, total_time=12345))
    assert (found["progress"], found["total_time"], found["attempt"]) == (0.25, 123.45, 1)
    assert derive("1.2", None) == {
        "completion": "not attempted", "success": "unknown", "score": None, "progress": None, "total_time": 0.0,
        "attempt": 1,
    }
