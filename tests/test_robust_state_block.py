"""A learner state that breaks the rules never makes the launcher, the learner's state, a commit or the staff
CSV fail: hypothesis-generated stored states in a real block's learner state tables (and in the block fields of
earlier releases), through its real handlers and through reports.result_rows (issue: a stored 320-nines
session_time once broke a whole block's CSV)."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webob import Request

from openedxscorm import learner_store, reports
from openedxscorm_support.block_runtime import make_block
from tests.packages import multi_sco
from tests.runtime.strategies import STORED_STATES, USER_STATES
from tests.test_block import upload_request
from tests.test_player import delivered_query, post_commit

SCOS = ("sco-1", "sco-2", "sco-3")


def storable(value):
    """What a database JSON column holds: no lone surrogate, no NaN or infinity, no integer JSON cannot write."""
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except ValueError:
        return False
    return True


DICT_STATES = STORED_STATES.filter(lambda state: isinstance(state, dict) and storable(state))
TABLE_STATES = st.dictionaries(st.sampled_from((*SCOS, "gone")), DICT_STATES, min_size=1, max_size=3)
FIELD_STATES = st.fixed_dictionaries({
    "scorm_state": DICT_STATES,
    "sco_states": st.dictionaries(st.sampled_from((*SCOS, "gone")), DICT_STATES, max_size=3),
    "sco_current": st.sampled_from(("", "sco-2", "gone")),
})
# Hypothesis examples share the test's block: each starts by replacing what the last one stored.
BLOCK_EXAMPLES = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(params=["1.2", "2004"])
def block(request, storage, tmp_path):  # noqa: ARG001  (storage points MEDIA_ROOT at a folder of this test)
    block = make_block()
    path = multi_sco(tmp_path / "three.zip", version=request.param)
    assert block.handle("studio_submit", upload_request(path)).status_code == 200
    return block


def store(block, tables=None, fields=None):
    """Replace the learner's stored state: rows of the learner state tables, or block fields of an earlier release."""
    learner_store.delete(block.learner_key())
    for name in ("scorm_state", "sco_states", "sco_current"):
        block.fields[name].delete_from(block)
    for name, value in (fields or {}).items():
        setattr(block, name, value)
    if tables:
        with learner_store.writing(block.learner_key(), block.served_sha1(), block.runtime_standard()) as writer:
            for identifier, state in tables.items():
                writer.put_sco(identifier, state)
            writer.put_fields(current_sco=next(iter(tables)))


def assert_the_learner_plays(block, nav):
    launched = block.handle("launcher", Request.blank(f"/{nav}"))
    assert launched.status_code == 200, launched.text
    answered = block.handle("learner_state", Request.blank("/"))
    assert answered.status_code == 200, answered.text
    assert 0 <= answered.json_body["block"]["completion"] <= 1
    location = "cmi.core.lesson_location" if block.runtime_standard() == "1.2" else "cmi.location"
    vars(block).pop("test_deliveries", None)
    response = post_commit(block, delivered_query(block), [(location, "here")], seq=9007199254740991, terminate=True)
    assert response.json_body["result"] == "stored", response.text
    found = block.handle("learner_state", Request.blank("/")).json_body
    assert found["scos"][found["current"]]["data"][location] == "here"


NAVIGATION = st.sampled_from(("", "?nav=continue", "?nav=%7Btarget%3Dsco-2%7Dchoice", "?from=gone"))


@BLOCK_EXAMPLES
@given(tables=TABLE_STATES, nav=NAVIGATION)
def test_the_learner_plays_on_whatever_the_tables_hold(block, tables, nav):
    store(block, tables=tables)
    assert_the_learner_plays(block, nav)


@BLOCK_EXAMPLES
@given(fields=FIELD_STATES, nav=NAVIGATION)
def test_the_learner_plays_on_whatever_an_earlier_release_stored_in_fields(block, fields, nav):
    store(block, fields=fields)
    assert_the_learner_plays(block, nav)


def learners(user_state):
    return [{"username": "ada", "email": "ada@example.com", "modified": "", "state": user_state}]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(user_state=st.one_of(USER_STATES, st.builds(lambda scos: {"scos": scos}, TABLE_STATES)))
def test_staff_results_read_whatever_is_stored(block, user_state):
    standard, items = block.runtime_standard(), block.launch_items()
    rows = list(reports.result_rows(standard, items, learners(user_state)))
    assert len(rows) == len(items)
    assert all(len(row) == len(reports.RESULT_COLUMNS) for row in rows)
    for row in rows:
        assert isinstance(row[reports.RESULT_COLUMNS.index("total_time_seconds")], float)
    list(reports.interaction_rows(standard, items, learners(user_state)))
    b"".join(reports.stream_csv(reports.RESULT_COLUMNS, rows))


def test_the_320_nines_state_of_an_older_version_no_longer_breaks_the_block(block):
    standard, items = block.runtime_standard(), block.launch_items()
    element = "cmi.core.session_time" if standard == "1.2" else "cmi.session_time"
    broken = {"data": {element: "9" * 320 + ":00:00"}, "total_time": int("9" * 320) * 360000,
              "session": {"started_at": 0, "last_commit_at": 30, "commits": 1}}
    store(block, tables={"sco-1": broken})
    assert_the_learner_plays(block, "")
    rows = list(reports.result_rows(standard, items, learners({"scos": {"sco-1": broken}})))
    assert rows[0][reports.RESULT_COLUMNS.index("total_time_seconds")] == 0.0  # the overflowing total is dropped
