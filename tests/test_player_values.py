"""Value-level hostile input through the block's real handlers: each answers 400 naming what it refuses, never a
500, and stores nothing (issue: lone surrogates, 5,000-digit indexes, 30-digit durations, unsafe seq)."""
import copy
import json

import pytest
from webob import Request

from openedxscorm_support.block_runtime import make_block
from tests.packages import Sco, write_package
from tests.test_block import upload_request
from tests.test_player import delivered_query


@pytest.fixture(params=["1.2", "2004"])
def block(request, storage, tmp_path):  # noqa: ARG001  (storage points MEDIA_ROOT at a folder of this test)
    block = make_block()
    path = write_package(tmp_path / "one.zip", [Sco()], version=request.param)
    assert block.handle("studio_submit", upload_request(path)).status_code == 200
    block.handle("launcher", Request.blank("/"))
    return block


def stored(block):
    """Everything stored for the learner (learner_store)."""
    version = block.stored_version()
    return copy.deepcopy((version.scos, version.engine_state, version.published, version.size))


def post(block, handler, body):
    """A POST from the launcher page (its URL carries the page's delivery)."""
    return block.handle(handler, Request.blank(f"/?{delivered_query(block)}", method="POST", body=body,
                                               content_type="application/json"))


def location(block):
    return "cmi.core.lesson_location" if block.runtime_standard() == "1.2" else "cmi.location"


def session_time(block):
    return "cmi.core.session_time" if block.runtime_standard() == "1.2" else "cmi.session_time"


def assert_refused(block, handler, body, element=None):
    before = stored(block)
    response = post(block, handler, body)
    assert response.status_code == 400, response.text
    assert response.json_body["code"] != "not_delivered"
    if element is not None:
        assert response.json_body["element"] == element
        assert element in response.json_body["error"]
    assert stored(block) == before
    assert block.runtime.events == []
    return response.json_body


def test_a_lone_surrogate_in_a_commit_value_is_a_400(block):
    # "\ud800" as JSON text: json.loads gives a str that cannot be encoded, so nothing could store it
    body = ('{"seq": 1, "changes": [["%s", "page \\ud800"]]}' % location(block)).encode()
    found = assert_refused(block, "scorm_commit", body, element=location(block))
    assert found["code"] == "type_mismatch"


def test_a_lone_surrogate_in_a_commit_element_name_is_a_400(block):
    assert_refused(block, "scorm_commit", b'{"seq": 1, "changes": [["cmi.\\ud800", "x"]]}')


def test_a_lone_surrogate_in_an_engine_state_is_a_400(block):
    found = assert_refused(block, "engine_state", b'{"state": "{\\"a\\": \\"\\ud800\\"}"}')
    assert found["code"] == "malformed"


def test_an_interaction_index_of_5000_digits_is_a_400(block):
    element = f"cmi.interactions.{'9' * 5000}.id"
    body = json.dumps({"seq": 1, "changes": [[element, "q1"]]}).encode()
    assert assert_refused(block, "scorm_commit", body, element=element)["code"] == "index_gap"


BAD_SESSION_TIMES = [
    ("2004", "PT" + "9" * 30 + "S"), ("2004", "P" + "9" * 40 + "Y"), ("2004", "P"), ("2004", "PT"),
    ("2004", "P\u0665Y"), ("2004", "P9999999999Y"),
    ("1.2", "99999:99:99"), ("1.2", "0000:99:00"), ("1.2", "00:00:60"), ("1.2", "\uff10\uff10:00:00"),
]


@pytest.mark.parametrize("block,value", BAD_SESSION_TIMES, indirect=["block"])
def test_a_duration_of_30_digits_or_not_strict_is_a_400(block, value):
    body = json.dumps({"seq": 1, "changes": [[session_time(block), value]]}).encode()
    assert_refused(block, "scorm_commit", body, element=session_time(block))


def test_the_320_nines_session_time_is_a_400_and_the_learner_keeps_playing(block):
    value = "9" * 320 + ":00:00" if block.runtime_standard() == "1.2" else "PT" + "9" * 320 + "H"
    body = json.dumps({"seq": 1, "changes": [[session_time(block), value]], "terminate": True}).encode()
    assert_refused(block, "scorm_commit", body, element=session_time(block))
    assert post(block, "scorm_commit", json.dumps({"seq": 1, "changes": [[location(block), "p2"]]}).encode()
                ).json_body["result"] == "stored"
    assert block.handle("launcher", Request.blank("/")).status_code == 200
    assert block.handle("learner_state", Request.blank("/")).status_code == 200


@pytest.mark.parametrize("seq", ["9007199254740992", "1" + "0" * 5000, "1e400", "-9007199254740992"])
def test_seq_beyond_javascripts_safe_integers_is_a_400(block, seq):
    body = ('{"seq": %s, "changes": [["%s", "x"]]}' % (seq, location(block))).encode()
    assert_refused(block, "scorm_commit", body)


@pytest.mark.parametrize("value", ["\uff15\uff10", "\u0665\u0660"])
def test_non_ascii_digits_are_no_score(block, value):
    element = "cmi.core.score.raw" if block.runtime_standard() == "1.2" else "cmi.score.raw"
    body = json.dumps({"seq": 1, "changes": [[element, value]]}).encode()
    assert_refused(block, "scorm_commit", body, element=element)


def test_a_commit_body_nested_too_deep_for_json_is_a_400(block):
    assert_refused(block, "scorm_commit", b"[" * 100000 + b"]" * 100000)


def test_an_engine_state_nested_too_deep_for_json_is_a_400(block):
    assert_refused(block, "engine_state", b'{"state": ' + b"[" * 100000 + b"]" * 100000 + b"}")
