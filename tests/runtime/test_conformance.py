"""The conformance suite, server side: every step the server answers for agrees with the JSON."""
from collections import Counter

import pytest

from openedxscorm.runtime.divergences import DIVERGENCES
from tests.conftest import needs_conformance

from .conformance import (
    SKIP_REASONS,
    Replay,
    all_activities,
    conformance_activities,
    own_activities,
    previous_session,
    seed_of,
)

ACTIVITIES = all_activities()


@needs_conformance
def test_conformance_folder_holds_activities():
    assert conformance_activities(), "no conformance activities found"


def test_our_stored_state_cases_are_found():
    assert {standard for _, standard, _ in own_activities()} == {"1.2", "2004"}


@pytest.mark.parametrize("standard,activity", [(s, a) for _, s, a in ACTIVITIES], ids=[i for i, _, _ in ACTIVITIES])
def test_activity_agrees_with_server(standard, activity):
    replay = Replay(standard, activity).run()
    assert not replay.failures, "\n".join(replay.failures)


def test_every_set_value_step_is_checked_or_skipped_for_a_browser_reason():
    checked, skipped = Counter(), Counter()
    set_steps = 0
    for _, standard, activity in ACTIVITIES:
        replay = Replay(standard, activity).run()
        checked.update(replay.checked)
        skipped.update(replay.skipped)
        set_steps += sum(step["method"] == "SetValue" for step in activity["steps"])
    set_checked = checked["set"] + checked["set_divergence"]
    assert {reason for _, reason in skipped} <= set(SKIP_REASONS)
    set_skipped = {reason: count for (method, reason), count in skipped.items() if method == "SetValue"}
    assert set(set_skipped) <= {"call_sequence"}
    assert set_checked + sum(set_skipped.values()) == set_steps
    assert set_checked > 0.9 * set_steps
    print(f"\nconformance (server side): {set_steps} SetValue steps, checked {dict(checked)}, "
          f"skipped {dict(skipped)}")


def test_documented_divergences_name_real_elements():
    from openedxscorm.runtime.datamodel import standard_of  # pylint: disable=import-outside-toplevel

    for divergence in DIVERGENCES:
        for pattern in divergence.elements:
            assert pattern in standard_of(divergence.standard).elements, pattern


def test_our_cases_read_state_the_learner_already_has_through_the_server():
    checked = Counter()
    for _, standard, activity in own_activities():
        checked.update(Replay(standard, activity).run().checked)
    assert checked["get_seeded"] >= 20 and checked["get_evaluated"] >= 10, checked


def test_initial_state_goes_where_a_real_learners_state_comes_from():
    seed = seed_of("2004", {"initialState": {"cmi": {
        "entry": "resume", "total_time": "PT5M", "location": "p", "scaled_passing_score": "0.5",
        "learner_name": "Ada", "objectives": [{"id": "o1"}]}}})
    assert seed.settings == {"scaled_passing_score": "0.5"} and seed.learner["learner_name"] == "Ada"
    assert seed.changes == [("cmi.location", "p"), ("cmi.objectives.0.id", "o1"), ("cmi.session_time", "PT5M")]
    assert seed_of("1.2", {"initialState": {"cmi": {"suspend_data": "x"}}}).changes == [
        ("cmi.suspend_data", "x"), ("cmi.core.session_time", "0000:00:00")]  # an exact total, not a measured one
    assert seed.exit == "suspend" and not seed.problems
    state = previous_session("2004", seed)
    assert (state["entry"], state["total_time"], state["data"]["cmi.location"]) == ("resume", 30000, "p")


@pytest.mark.parametrize("standard,cmi,problem", [
    ("2004", {"entry": "", "location": "p"}, "entry ''"),
    ("1.2", {"core": {"entry": "ab-initio", "lesson_location": "p"}}, "entry 'ab-initio'"),
    ("2004", {"comments_from_lms": [{"comment": "hi"}]}, "cmi.comments_from_lms.0.comment"),
])
def test_initial_state_no_learner_can_have_fails_the_activity_clearly(standard, cmi, problem):
    replay = Replay(standard, {"initialState": {"cmi": cmi}, "steps": []}).run()
    assert any(problem in failure for failure in replay.failures), replay.failures


def test_initial_state_the_server_refuses_fails_the_activity_clearly():
    replay = Replay("2004", {"initialState": {"cmi": {"score": {"scaled": "7"}}}, "steps": []}).run()
    assert replay.failures == ["initialState cmi.score.scaled: the server refuses it (out_of_range)"]
