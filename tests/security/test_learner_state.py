"""A learner's commits write their own state only, name nobody else, and anything malformed, oversized, mistyped or
unknown is refused with a 4xx while the stored state stays exactly as it was."""
import copy
import json

import pytest
from webob import Request
from xblock.fields import ScopeIds
from xblock.runtime import DictKeyValueStore, KvsFieldData

from openedxscorm.block import ScormXBlock
from openedxscorm_support.block_runtime import BlockTestRuntime, course_key
from tests.test_player import delivered_query, stored

from .helpers import upload_playing_package

STATE_LIMIT = 4096


@pytest.fixture
def classroom(storage):  # noqa: ARG001  (storage points MEDIA_ROOT at a folder of this test)
    """One block seen by an author and two learners: settings shared, user state kept per learner."""
    field_data = KvsFieldData(DictKeyValueStore())
    usage_id = course_key().make_usage_key("scorm", "shared")

    def block_for(user_id):
        runtime = BlockTestRuntime(xblock_settings={"MAX_STATE_SIZE": STATE_LIMIT}, field_data=field_data)
        block = runtime.construct_xblock_from_class(ScormXBlock, ScopeIds(user_id, "scorm", usage_id, usage_id))
        runtime.service(block, "user").get_current_user().opt_attrs["edx-platform.user_id"] = user_id
        return block

    upload_playing_package(block_for("author"))
    learners = {name: block_for(name) for name in ("ada", "bob")}
    for block in learners.values():
        assert block.handle("launcher", Request.blank("/")).status_code == 200
    return learners


def commit(block, changes, seq=None, **extra):
    payload = {"seq": stored(block).get("seq", 0) + 1 if seq is None else seq, "changes": changes, **extra}
    return raw_commit(block, json.dumps(payload).encode("utf-8"))


def raw_commit(block, body, content_type="application/json"):
    request = Request.blank(f"/?{delivered_query(block)}", method="POST", body=body, content_type=content_type)
    return block.handle("scorm_commit", request)


def fresh(block):
    """The same learner's block read again from the stored fields."""
    runtime = block.runtime
    return runtime.construct_xblock_from_class(ScormXBlock, block.scope_ids)


def test_learner_commit_writes_only_their_own_state(classroom):
    ada, bob = classroom["ada"], classroom["bob"]
    bob_before = copy.deepcopy(stored(fresh(bob)))
    response = commit(ada, [["cmi.core.lesson_location", "ada-page-3"]])
    assert response.status_code == 200 and response.json["result"] == "stored"
    assert stored(fresh(ada))["data"]["cmi.core.lesson_location"] == "ada-page-3"
    assert stored(fresh(bob)) == bob_before
    assert commit(bob, [["cmi.core.lesson_location", "bob-page-1"]]).status_code == 200
    assert stored(fresh(ada))["data"]["cmi.core.lesson_location"] == "ada-page-3"


def assert_refused_unchanged(block, response, status=400):
    assert response.status_code == status, response.body
    return response.json if response.content_type == "application/json" else None


@pytest.mark.parametrize("element,value", [
    ("cmi.core.student_id", "bob"),
    ("cmi.core.student_name", "Bob"),
])
def test_commit_naming_another_learner_in_the_data_model(classroom, element, value):
    ada = classroom["ada"]
    before = copy.deepcopy(stored(fresh(ada)))
    refusal = assert_refused_unchanged(ada, commit(ada, [[element, value]]))
    assert refusal["code"] == "read_only" and refusal["element"] == element
    assert stored(fresh(ada)) == before


@pytest.mark.parametrize("extra", [{"user_id": "bob"}, {"learner_id": "bob"}, {"sco": "item2"}, {"item": "other"}])
def test_commit_naming_another_user_or_sco_in_the_request(classroom, extra):
    ada = classroom["ada"]
    before = copy.deepcopy(stored(fresh(ada)))
    response = commit(ada, [["cmi.core.lesson_location", "x"]], **extra)
    assert response.status_code == 400
    assert stored(fresh(ada)) == before


BAD_BODIES = {
    "malformed_json": b'{"seq": 1, "changes": [',
    "json_array_not_object": b'[["cmi.core.lesson_location", "x"]]',
    "json_string": b'"cmi.core.lesson_location"',
    "not_utf8": b'{"seq": 1, "changes": [["cmi.core.lesson_location", "\xff\xfe"]]}',
    "empty_body": b"",
    "seq_as_string": json.dumps({"seq": "99", "changes": []}).encode(),
    "seq_as_boolean": json.dumps({"seq": True, "changes": []}).encode(),
    "changes_as_object": json.dumps({"seq": 99, "changes": {"cmi.core.lesson_location": "x"}}).encode(),
    "change_with_three_parts": json.dumps({"seq": 99, "changes": [["cmi.core.lesson_location", "x", "y"]]}).encode(),
    "value_as_number": json.dumps({"seq": 99, "changes": [["cmi.core.score.raw", 80]]}).encode(),
    "value_as_object": json.dumps({"seq": 99, "changes": [["cmi.core.lesson_location", {"a": 1}]]}).encode(),
    "element_as_number": json.dumps({"seq": 99, "changes": [[42, "x"]]}).encode(),
    "score_out_of_range": json.dumps({"seq": 99, "changes": [["cmi.core.score.raw", "1000"]]}).encode(),
    "status_not_in_vocabulary": json.dumps({"seq": 99, "changes": [["cmi.core.lesson_status", "pwned"]]}).encode(),
    "unknown_element": json.dumps({"seq": 99, "changes": [["cmi.core.hacked", "x"]]}).encode(),
    "element_of_the_other_standard": json.dumps({"seq": 99, "changes": [["cmi.completion_status", "completed"]]})
    .encode(),
    "script_in_element_name": json.dumps({"seq": 99, "changes": [["<script>alert(1)</script>", "x"]]}).encode(),
    "suspend_data_over_its_limit": json.dumps({"seq": 99, "changes": [["cmi.suspend_data", "x" * 64001]]}).encode(),
    "state_flood_over_the_limit": json.dumps({"seq": 99, "changes": [
        [f"cmi.interactions.{index}.id", f"question-{index}-" + "q" * 200] for index in range(40)]}).encode(),
    "megabytes_of_changes": json.dumps({"seq": 99, "changes": [["cmi.core.lesson_location", "x" * 255]] * 40000})
    .encode(),
}


@pytest.mark.parametrize("attack", sorted(BAD_BODIES))
def test_bad_commit(classroom, attack):
    ada = classroom["ada"]
    assert commit(ada, [["cmi.core.lesson_location", "kept"]]).status_code == 200
    before = copy.deepcopy(stored(fresh(ada)))
    response = raw_commit(ada, BAD_BODIES[attack])
    assert 400 <= response.status_code < 500, (attack, response.status_code, response.body[:200])
    assert stored(fresh(ada)) == before


def test_bad_commit_through_the_beacon_form(classroom):
    """The unload beacon posts the commit as a form field: the same checks apply."""
    ada = classroom["ada"]
    before = copy.deepcopy(stored(fresh(ada)))
    request = Request.blank(f"/?{delivered_query(ada)}", method="POST",
                            POST={"commit": '{"seq": 99, "changes": [["cmi.core.hacked", "x"]]}'})
    assert ada.handle("scorm_commit", request).status_code == 400
    assert stored(fresh(ada)) == before
