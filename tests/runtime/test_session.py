"""Session ends: total_time once per session, entry from exit, 2004 attempts, server-measured time."""
from openedxscorm.runtime import apply_commit, finish_session, start_session


def _commit(standard, state, seq, *changes, now=None):
    return apply_commit(standard, state, list(changes), seq=seq, now=now).state


def test_scorm12_total_time_adds_last_session_time_once():
    state = start_session("1.2", None, now=0.0)
    state = _commit("1.2", state, 1, ("cmi.core.session_time", "00:01:00"))
    state = _commit("1.2", state, 2, ("cmi.core.session_time", "00:02:30.5"), ("cmi.core.exit", "suspend"))
    finished = finish_session("1.2", state, now=999.0)
    assert finished["total_time"] == 15050
    assert finish_session("1.2", finished, now=2000.0) == finished  # a second Terminate changes nothing
    assert "cmi.core.session_time" not in finished["data"] and "cmi.core.exit" not in finished["data"]
    assert (finished["entry"], finished["last_exit"], finished["sessions"]) == ("resume", "suspend", 1)
    again = finish_session("1.2", _commit("1.2", start_session("1.2", finished), 3,
                                          ("cmi.core.session_time", "00:00:10")))
    assert again["total_time"] == 16050
    assert again["entry"] == ""  # 1.2 after a normal exit: neither a first launch nor a resume


def test_scorm12_entry_is_ab_initio_first_then_resume_after_suspend_then_empty_after_a_normal_exit():
    first = start_session("1.2", None, now=0.0)
    assert first["entry"] == "ab-initio"
    entries = []
    state = first
    for seq, exit_value in enumerate(["suspend", "", "logout", "suspend", "time-out"], start=1):
        state = finish_session("1.2", _commit("1.2", state, seq, ("cmi.core.exit", exit_value),
                                              ("cmi.core.lesson_location", f"p{seq}")))
        entries.append(state["entry"])
        state = start_session("1.2", state)
        assert state["data"]["cmi.core.lesson_location"] == f"p{seq}"  # 1.2 keeps its data whatever the exit
    assert entries == ["resume", "", "", "resume", ""]


def test_scorm2004_entry_after_a_normal_exit_is_a_new_attempt_ab_initio():
    state = _commit("2004", start_session("2004", None), 1, ("cmi.exit", "normal"), ("cmi.location", "p"))
    state = start_session("2004", finish_session("2004", state))
    assert (state["entry"], state["attempt"], state["data"]) == ("ab-initio", 2, {})


def test_server_measures_session_without_session_time():
    state = _commit("2004", start_session("2004", None, now=100.0), 1, ("cmi.location", "p"), now=130.0)
    assert finish_session("2004", state, now=145.25)["total_time"] == 4525


def test_closed_tab_session_is_ended_at_next_launch_with_its_last_commit():
    state = _commit("2004", start_session("2004", None, now=100.0), 1,
                    ("cmi.location", "p"), ("cmi.exit", "suspend"), now=160.0)
    relaunched = start_session("2004", state, now=5000.0)
    assert relaunched["total_time"] == 6000
    assert relaunched["entry"] == "resume"
    assert relaunched["data"] == {"cmi.location": "p"}
    assert relaunched["session"] == {"started_at": 5000.0, "last_commit_at": None, "commits": 0}


def test_a_session_without_commits_changes_nothing():
    suspended = finish_session("2004", _commit("2004", start_session("2004", None), 1,
                                               ("cmi.suspend_data", "s"), ("cmi.exit", "suspend")))
    idle = finish_session("2004", start_session("2004", suspended, now=10.0), now=500.0)
    assert (idle["entry"], idle["data"], idle["total_time"], idle["sessions"]) == (
        "resume", {"cmi.suspend_data": "s"}, 0, 1)


def test_explicit_exit_value_wins():
    state = _commit("1.2", start_session("1.2", None), 1, ("cmi.core.exit", "logout"))
    assert finish_session("1.2", state, "suspend")["entry"] == "resume"


def test_scorm2004_exit_other_than_suspend_starts_a_new_attempt():
    state = _commit("2004", start_session("2004", None), 1, ("cmi.location", "p3"), ("cmi.suspend_data", "s"),
                    ("cmi.session_time", "PT10S"), ("cmi.exit", "normal"), ("cmi.completion_status", "completed"))
    ended = finish_session("2004", state)
    assert ended["data"]["cmi.completion_status"] == "completed"  # kept until the next launch, for reports
    relaunched = start_session("2004", ended)
    assert (relaunched["entry"], relaunched["attempt"], relaunched["data"]) == ("ab-initio", 2, {})
    assert (relaunched["total_time"], relaunched["all_time"]) == (0, 1000)


def test_scorm2004_suspend_keeps_the_attempt():
    state = _commit("2004", start_session("2004", None), 1, ("cmi.suspend_data", "s"),
                    ("cmi.session_time", "PT10S"), ("cmi.exit", "suspend"))
    relaunched = start_session("2004", finish_session("2004", state))
    assert (relaunched["entry"], relaunched["attempt"], relaunched["total_time"]) == ("resume", 1, 1000)
    assert relaunched["data"] == {"cmi.suspend_data": "s"}


def test_scorm12_keeps_its_data_without_suspend():
    state = _commit("1.2", start_session("1.2", None), 1, ("cmi.suspend_data", "s"),
                    ("cmi.core.lesson_status", "completed"), ("cmi.core.exit", ""))
    relaunched = start_session("1.2", finish_session("1.2", state))
    assert relaunched["entry"] == ""
    assert relaunched["data"] == {"cmi.suspend_data": "s", "cmi.core.lesson_status": "completed"}
    assert relaunched["attempt"] == 1


def test_finish_without_session_is_a_no_op():
    assert finish_session("1.2", None) is None
    state = _commit("1.2", None, 1, ("cmi.core.lesson_location", "x"))
    ended = finish_session("1.2", state)
    assert finish_session("1.2", ended) is ended
