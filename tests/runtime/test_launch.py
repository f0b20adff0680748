"""initial_values(): what the browser API starts with."""
from openedxscorm.runtime import apply_commit, finish_session, initial_values, start_session

LEARNER = {"learner_id": "u42", "learner_name": "Ada Lovelace"}


def test_scorm12_first_launch():
    values = initial_values("1.2", None, **LEARNER, launch_data="chapter=2", mastery_score=80)
    assert values == {
        "cmi.core.student_id": "u42", "cmi.core.student_name": "Ada Lovelace", "cmi.core.credit": "credit",
        "cmi.core.lesson_mode": "normal", "cmi.core.entry": "ab-initio", "cmi.core.total_time": "0000:00:00.00",
        "cmi.core.lesson_status": "not attempted", "cmi.launch_data": "chapter=2",
        "cmi.student_data.mastery_score": "80",
    }


def test_scorm12_resume_after_suspend():
    state = apply_commit("1.2", start_session("1.2", None), [
        ("cmi.core.lesson_location", "p7"), ("cmi.suspend_data", "abc"), ("cmi.core.lesson_status", "incomplete"),
        ("cmi.interactions.0.id", "q1"), ("cmi.core.session_time", "00:05:00"), ("cmi.core.exit", "suspend"),
    ], seq=1).state
    values = initial_values("1.2", finish_session("1.2", state), **LEARNER, credit=False, mode="browse")
    assert values["cmi.core.entry"] == "resume"
    assert values["cmi.core.lesson_location"] == "p7"
    assert values["cmi.suspend_data"] == "abc"
    assert values["cmi.core.lesson_status"] == "incomplete"
    assert values["cmi.interactions.0.id"] == "q1"  # so _count continues where the learner left off
    assert values["cmi.core.total_time"] == "0000:05:00.00"
    assert (values["cmi.core.credit"], values["cmi.core.lesson_mode"]) == ("no-credit", "browse")
    assert "cmi.core.exit" not in values and "cmi.core.session_time" not in values


def test_scorm2004_launch_values():
    state = apply_commit("2004", start_session("2004", None), [
        ("cmi.location", "p2"), ("cmi.session_time", "PT90S"), ("cmi.exit", "suspend"),
    ], seq=1).state
    values = initial_values("2004", finish_session("2004", state), **LEARNER, mode="review",
                            scaled_passing_score=0.7, completion_threshold="0.8", max_time_allowed="PT1H")
    assert values == {
        "cmi.learner_id": "u42", "cmi.learner_name": "Ada Lovelace", "cmi.credit": "credit", "cmi.mode": "review",
        "cmi.entry": "resume", "cmi.total_time": "PT1M30S", "cmi.location": "p2",
        "cmi.completion_status": "unknown", "cmi.success_status": "unknown",
        "cmi.scaled_passing_score": "0.7", "cmi.completion_threshold": "0.8", "cmi.max_time_allowed": "PT1H",
    }


def test_manifest_settings_the_data_model_cannot_hold_are_left_out():
    values = initial_values("2004", None, **LEARNER, max_time_allowed="P", scaled_passing_score="abc",
                            completion_threshold="1.5", time_limit_action="stop", launch_data="x\ud800")
    assert not {"cmi.max_time_allowed", "cmi.scaled_passing_score", "cmi.completion_threshold",
                "cmi.time_limit_action", "cmi.launch_data"} & set(values)
    values = initial_values("2004", None, **LEARNER, max_time_allowed="PT1H", scaled_passing_score="0.5",
                            completion_threshold="1", time_limit_action="exit,message", launch_data="x")
    assert (values["cmi.max_time_allowed"], values["cmi.scaled_passing_score"], values["cmi.completion_threshold"],
            values["cmi.time_limit_action"], values["cmi.launch_data"]) == ("PT1H", "0.5", "1", "exit,message", "x")
    assert "cmi.student_data.mastery_score" not in initial_values("1.2", None, **LEARNER, mastery_score="1e+20")
    assert initial_values("1.2", None, **LEARNER, mastery_score=80)["cmi.student_data.mastery_score"] == "80"
