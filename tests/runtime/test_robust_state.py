"""Loading is defensive: a stored state breaking the rules (an older version's, a hand edit's) never makes the
run-time fail. Hypothesis-generated stored states go through derive, the session start and the values the
launcher seeds, a commit and the session end; clean states come out."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openedxscorm.runtime import (
    apply_commit,
    derive,
    finish_session,
    initial_values,
    load_state,
    start_session,
    state_size,
)
from openedxscorm.runtime.datamodel import standard_of
from openedxscorm.runtime.loading import KEY_RULES, TIME_LIMIT, stored_value_ok

from .strategies import STORED_STATES

STANDARDS = st.sampled_from(("1.2", "2004"))
SETTINGS = st.fixed_dictionaries({}, optional={
    "mastery_score": st.sampled_from(("80", "abc", "", "9" * 400)),
    "scaled_passing_score": st.sampled_from(("0.5", "x", "-2")),
    "completion_threshold": st.sampled_from(("0.75", "", "1e9")),
})


def assert_clean(standard, state):
    spec = standard_of(standard)
    for key, rule in KEY_RULES.items():
        assert rule(state[key]), (key, state[key])
    assert all(stored_value_ok(spec, name, value) for name, value in state["data"].items())
    state_size(state)  # encodable as stored: no lone surrogate anywhere


@settings(max_examples=150, deadline=None)
@given(standard=STANDARDS, state=STORED_STATES, options=SETTINGS)
def test_derive_never_fails_on_a_stored_state(standard, state, options):
    found = derive(standard, state, **options)
    assert found["score"] is None or 0.0 <= found["score"] <= 1.0
    assert 0 <= found["total_time"] <= TIME_LIMIT / 100 and found["attempt"] >= 1


@settings(max_examples=150, deadline=None)
@given(standard=STANDARDS, state=STORED_STATES, options=SETTINGS)
def test_a_launch_from_a_stored_state_never_fails(standard, state, options):
    started = start_session(standard, state, now=1000.0)
    assert_clean(standard, started)
    values = initial_values(standard, started, learner_id="7", learner_name="Learner", **options)
    assert all(isinstance(value, str) for value in values.values())
    committed = apply_commit(standard, started, [], seq=started["seq"] + 1, now=1001.0).state
    assert_clean(standard, finish_session(standard, committed, now=1002.0))


@settings(max_examples=100, deadline=None)
@given(standard=STANDARDS, state=STORED_STATES)
def test_loading_keeps_what_follows_the_rules_and_is_idempotent(standard, state):
    clean = load_state(standard, state)
    assert_clean(standard, clean)
    assert load_state(standard, clean) == clean
    if isinstance(state, dict) and isinstance(state.get("data"), dict):
        spec = standard_of(standard)
        kept = {name: value for name, value in state["data"].items() if stored_value_ok(spec, name, value)}
        assert clean["data"] == kept


@pytest.mark.parametrize("standard,session_time", [("1.2", "9" * 320 + ":00:00"), ("2004", "PT" + "9" * 320 + "S")])
def test_a_stored_overflowing_session_time_is_ignored_when_the_session_ends(standard, session_time):
    element = "cmi.core.session_time" if standard == "1.2" else "cmi.session_time"
    stored = {"data": {element: session_time}, "session": {"started_at": 10.0, "last_commit_at": 70.0, "commits": 1},
              "total_time": 10 ** 400}
    finished = finish_session(standard, stored)
    assert finished["total_time"] == 6000  # the server-measured minute, the huge total dropped
    assert derive(standard, finished)["total_time"] == 60.0
