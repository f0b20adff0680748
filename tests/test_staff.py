"""Staff results on a real block: learner search, results per SCO, attempt reset, streamed CSV exports; platform
data through compat against the contract fake (openedxscorm_support/fake_platform/learners.py), users in the test
database."""
import csv
import io
import json
from datetime import datetime, timezone

import pytest
from django.contrib.auth import get_user_model
from webob import Request

from openedxscorm import compat, retirement
from openedxscorm import learner_store as store
from openedxscorm.learner_versions import usage_text
from openedxscorm_support.block_runtime import BlockTestRuntime, make_block
from openedxscorm_support.fake_platform.learners import FakeLearners, installed_learners
from tests.test_block import upload
from tests.test_player import commit, launch_config

SCORM12 = "probe-1.2.zip"
pytestmark = pytest.mark.django_db


@pytest.fixture
def learners():
    with installed_learners(FakeLearners()) as fake:
        yield fake


@pytest.fixture
def played(storage, learners):  # noqa: ARG001
    """A block, a learner who played it (state taken from a real run of the player), one who did not."""
    block = make_block()
    upload(block, SCORM12)
    launch_config(block)
    commit(block, [("cmi.core.lesson_status", "passed"), ("cmi.core.score.raw", "75"),
                   ("cmi.suspend_data", "x" * 42), ("cmi.interactions.0.id", "q1"),
                   ("cmi.interactions.0.type", "choice"), ("cmi.interactions.0.student_response", "b"),
                   ("cmi.interactions.0.result", "correct"), ("cmi.objectives.0.id", "obj1"),
                   ("cmi.core.session_time", "00:02:00")], 1, terminate=True)
    course_key, usage_key = block.scope_ids.usage_id.context_key, block.scope_ids.usage_id
    users = get_user_model().objects
    alice = users.create(username="alice", email="Alice@Example.com")
    bob = users.create(username="bob", email="bob@example.com")
    learners.enroll(alice, course_key)
    learners.enroll(bob, course_key)
    copy_state(block, alice)
    learners.store_state(alice, course_key, usage_key, {"last_grade": {"value": 1}})
    return block, alice, bob


def copy_state(block, user):
    """What the block stored for its learner, stored as `user`'s (a real LMS learner with a Django user)."""
    version = block.stored_version()
    with store.writing(key_of(block, user), version.sha1, version.standard) as writer:
        for sco, state in version.scos.items():
            writer.put_sco(sco, state)


def key_of(block, user):
    return store.LearnerKey.of(user.pk, usage_text(block.scope_ids.usage_id))


def results(block, learner):
    response = block.handle("staff_learner_results", Request.blank(f"/?learner={learner}"))
    return response.status_code, response.json


def test_learner_found_by_username_or_email_shows_results(played):
    block, _alice, _bob = played
    for query in ("alice", "alice@example.com"):
        status, body = results(block, query)
        assert status == 200 and body["learner"]["username"] == "alice"
    sco = body["scos"][0]
    assert (sco["completion"], sco["success"], sco["score"]) == ("completed", "passed", 0.75)
    assert (sco["total_time_seconds"], sco["attempt"], sco["sessions"]) == (120, 1, 1)
    assert (sco["suspend_data_size"], sco["interactions"], sco["objectives"]) == (42, 1, 1)
    assert sco["interaction_list"][0]["student_response"] == "b"
    assert body["last_access"][:10] == datetime.now(timezone.utc).date().isoformat()  # the learner's last write
    assert body["package_sha1"] == block.package_sha1 and body["other_versions"] == []


def test_unknown_or_unenrolled_learner_is_not_found(played):
    block, _alice, _bob = played
    get_user_model().objects.create(username="carol", email="carol@example.com")
    assert results(block, "carol")[0] == 404
    assert results(block, "nobody")[0] == 404
    assert results(block, "")[0] == 400
    status, body = results(block, "bob")
    assert status == 200 and body["started"] is False and body["scos"][0]["completion"] == "not attempted"


def test_reset_needs_confirmation_then_clears_state_and_is_tracked(played, learners):
    block, alice, _bob = played
    unconfirmed = Request.blank("/", POST={"learner": "alice"})
    assert block.handle("staff_reset_attempt", unconfirmed).status_code == 400
    assert block.handle("staff_reset_attempt", Request.blank("/?learner=alice")).status_code == 405
    confirmed = Request.blank("/", POST={"learner": "alice", "confirm": "reset"})
    assert block.handle("staff_reset_attempt", confirmed).json["result"] == "reset"
    state = learners.state_of(alice, block.scope_ids.usage_id)
    assert state == {"scorm_state": {}, "sco_states": {}, "sco_current": ""}
    assert store.versions(key_of(block, alice)) == []
    assert results(block, "alice")[1]["scos"][0]["completion"] == "not attempted"
    assert ("openedx.xblock.scorm.attempt_reset", "alice") in [
        (name, data.get("username")) for name, data in block.runtime.events]
    assert block.handle("staff_reset_attempt", Request.blank("/", POST={"learner": "bob", "confirm": "reset"})
                        ).status_code == 404


def read_csv(response):
    assert response.content_type == "text/csv" and "attachment" in response.content_disposition
    chunks = list(response.app_iter)
    assert len(chunks) > 1  # streamed row by row
    return list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8"))))


def test_results_csv_has_one_row_per_learner_and_sco(played, learners):
    block, _alice, bob = played
    learners.store_state(bob, block.scope_ids.usage_id.context_key, block.scope_ids.usage_id,
                         {"scorm_data": {"cmi.core.lesson_status": "incomplete"}, "lesson_status": "incomplete"})
    rows = read_csv(block.handle("report_results_csv", Request.blank("/")))
    assert rows[0][:3] == ["username", "email", "sco"]
    by_user = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_user["alice"]["success"] == "passed" and by_user["alice"]["score"] == "0.75"
    assert by_user["bob"]["completion"] == "incomplete"  # openedx-scorm-xblock's state, read as ours
    interactions = read_csv(block.handle("report_interactions_csv", Request.blank("/")))
    assert interactions[1][:8] == ["alice", "Alice@Example.com", block.launch_items()[0].identifier, "0", "q1",
                                   "choice", "b", "correct"]


def test_staff_handlers_refuse_learners_in_the_lms(played, settings):
    block, _alice, _bob = played
    settings.ROOT_URLCONF = "lms.urls"
    learner_view = make_block(runtime=BlockTestRuntime(user_is_staff=False), usage_name="scorm1")
    staff_view = make_block(runtime=BlockTestRuntime(user_is_staff=True), usage_name="scorm1")
    for handler in ("staff_learner_results", "staff_reset_attempt", "report_results_csv", "report_interactions_csv"):
        assert learner_view.handle(handler, Request.blank("/?learner=alice")).status_code == 403
    assert staff_view.handle("report_results_csv", Request.blank("/")).status_code == 404  # no package in this one
    assert block.launch_items()


def test_compat_reads_states_in_chunks(played):
    block, _alice, _bob = played
    rows = list(compat.learner_block_states(block.scope_ids.usage_id.context_key, block.scope_ids.usage_id))
    assert [row["username"] for row in rows] == ["alice"]
    assert json.dumps(rows[0]["state"])  # plain data


def test_results_panel_is_shown_to_staff_only_and_never_in_studio(played, settings):
    block, _alice, _bob = played
    settings.ROOT_URLCONF = "lms.urls"
    field_data = block._field_data  # pylint: disable=protected-access  # same stored fields, another viewer
    for is_staff, shown in ((True, True), (False, False)):
        viewer = make_block(runtime=BlockTestRuntime(user_is_staff=is_staff, field_data=field_data))
        html = viewer.student_view().content
        assert ('class="scorm-staff-panel"' in html) is shown
    staff = make_block(runtime=BlockTestRuntime(user_is_staff=True, field_data=field_data))
    html = staff.student_view().content
    assert "/handler/staff_learner_results" in html and "/handler/report_results_csv" in html
    settings.ROOT_URLCONF = "cms.urls"
    assert "scorm-staff-panel" not in staff.student_view().content


def test_without_the_lms_the_panel_says_results_are_unavailable(storage):  # noqa: ARG001
    block = make_block()
    upload(block, SCORM12)
    response = block.handle("staff_learner_results", Request.blank("/?learner=alice"))
    assert response.status_code == 501 and response.json["code"] == "unavailable"


def test_delete_learner_state_from_the_instructor_tools_erases_every_version(played, learners):
    """lms/djangoapps/instructor/enrollment.py reset_student_attempts(delete_module=True) calls the block's
    clear_student_state with the learner's anonymous id in the course."""
    block, alice, bob = played
    course_key = block.scope_ids.usage_id.context_key
    copy_state(block, bob)
    with store.writing(key_of(block, alice), "a" * 40, "1.2") as writer:  # a version the block played before
        writer.put_sco("old-sco", {"seq": 1, "data": {}})
    block.clear_student_state(user_id="not-an-anonymous-id", course_id=str(course_key),
                              item_id=str(block.scope_ids.usage_id), requesting_user_id="staff")
    assert len(store.versions(key_of(block, alice))) == 2
    block.clear_student_state(user_id=learners.anonymous_id(alice, course_key), course_id=str(course_key),
                              item_id=str(block.scope_ids.usage_id), requesting_user_id="staff")
    assert store.versions(key_of(block, alice)) == []
    assert len(store.versions(key_of(block, bob))) == 1


def test_retired_users_lose_their_scorm_state_in_every_block(played, learners):
    block, alice, bob = played
    copy_state(block, bob)
    elsewhere = store.LearnerKey.of(alice.pk, "block-v1:Org+Other+2026+type@scorm+block@x")
    store.write_sco_state(elsewhere, "b" * 40, "sco", {"seq": 1, "data": {}})
    assert retirement.connect()
    try:
        learners.retirement_signal.send(sender=None, user=alice)
    finally:
        learners.retirement_signal.disconnect(dispatch_uid=retirement.DISPATCH_UID)
    assert store.versions(key_of(block, alice)) == [] and store.versions(elsewhere) == []
    assert len(store.versions(key_of(block, bob))) == 1


def test_outside_the_lms_there_is_no_retirement_signal_to_listen_to():
    assert retirement.connect() is False


def test_results_show_which_package_version_each_row_is_from(played):
    block, alice, _bob = played
    with store.writing(key_of(block, alice), "a" * 40, "1.2") as writer:
        writer.put_sco("old-sco", {"seq": 1, "data": {"cmi.core.lesson_status": "failed"}})
    rows = read_csv(block.handle("report_results_csv", Request.blank("/")))
    alice_rows = [dict(zip(rows[0], row, strict=True)) for row in rows[1:] if row[0] == "alice"]
    assert {(row["package_sha1"], row["sco"], row["success"]) for row in alice_rows} == {
        (block.package_sha1, block.launch_items()[0].identifier, "passed"), ("a" * 40, "old-sco", "failed")}
    body = results(block, "alice")[1]
    assert body["package_sha1"] == block.package_sha1
    assert [(version["package_sha1"], version["scos"][0]["sco"]) for version in body["other_versions"]] == [
        ("a" * 40, "old-sco")]
