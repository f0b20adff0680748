"""Tracking events: openedx-scorm-xblock's names and data, derived on the server from each commit."""
import pytest

from openedxscorm import events
from openedxscorm.runtime import SCORM2004
from openedxscorm_support.block_runtime import make_block
from tests.test_block import upload
from tests.test_player import commit, launch_config

SCORM12 = "probe-1.2.zip"


def scorm_events(block):
    return [(name.rsplit(".", 1)[-1], data) for name, data in block.runtime.events
            if name.startswith("openedx.xblock.scorm.")]


def play_a_session(block):
    launch_config(block)
    assert commit(block, [("cmi.core.lesson_location", "p2")], 1).status_code == 200
    assert commit(block, [("cmi.core.score.raw", "80"), ("cmi.core.lesson_status", "passed"),
                          ("cmi.core.session_time", "00:01:30")], 2, terminate=True).status_code == 200


def test_a_session_emits_19x_names_in_order(storage):  # noqa: ARG001
    block = make_block()
    upload(block, SCORM12)
    play_a_session(block)
    emitted = scorm_events(block)
    assert [name for name, _data in emitted] == ["initialized", "scored", "completed", "passed", "terminated"]
    data = dict(emitted)
    assert data["initialized"]["block_id"] == str(block.scope_ids.usage_id)
    assert data["initialized"]["scorm_version"] == "SCORM_12"
    assert data["scored"] == {**data["scored"], "scaled_score": 0.8, "weighted_score": 0.8, "max_score": 1.0}
    assert data["terminated"]["duration"] == 90 and data["terminated"]["success_status"] == "passed"
    assert all(name.startswith("openedx.xblock.scorm.") for name in events.tracked_event_names())


def test_interactions_are_opt_in(storage):  # noqa: ARG001
    block = make_block(TRACKING_EVENTS={"interacted": True, "initialized": False})
    upload(block, SCORM12)
    play_a_session(block)
    names = [name for name, _data in scorm_events(block)]
    assert "initialized" not in names
    assert ("interacted", "cmi.core.lesson_location", "p2") in [
        (name, data.get("cmi_element"), data.get("value")) for name, data in scorm_events(block)]


def test_tracking_can_be_turned_off(storage):  # noqa: ARG001
    block = make_block(TRACKING_EVENTS_ENABLED=False)
    upload(block, SCORM12)
    play_a_session(block)
    assert scorm_events(block) == []
    assert [name for name, _data in block.runtime.events if name == "grade"]  # grades still published


def test_ungraded_block_sends_no_score_data():
    before = {"data": {}, "session": {"commits": 1}, "seq": 1}
    after = {"data": {"cmi.completion_status": "completed", "cmi.success_status": "failed",
                      "cmi.score.scaled": "0.2"}, "session": {"commits": 2}, "seq": 2}
    found = events.commit_events(SCORM2004, before, after, settings={}, has_score=False)
    assert [name for name, _data in found] == ["scored", "completed", "failed"]
    assert dict(found)["failed"] == {"success_status": "failed"}


def test_a_failing_tracker_never_breaks_the_commit(storage, caplog):  # noqa: ARG001
    block = make_block()
    upload(block, SCORM12)

    def publish(_block, name, data):
        if name.startswith("openedx.xblock.scorm."):
            raise RuntimeError("tracker down")

    block.runtime.publish = publish
    launch_config(block)
    assert commit(block, [("cmi.core.lesson_status", "completed")], 1).json["result"] == "stored"
    assert "not published" in caplog.text


@pytest.mark.parametrize("configured, expected", [
    ({}, {"initialized", "scored", "completed", "passed", "failed", "terminated"}),
    ({"TRACKING_EVENTS": {"scored": False, "unknown": True}}, {"initialized", "completed", "passed", "failed",
                                                               "terminated"}),
    ({"TRACKING_EVENTS_ENABLED": False}, set()),
])
def test_enabled_events_follow_the_settings(configured, expected):
    assert events.enabled_events(configured) == expected


def test_events_outside_the_defaults_follow_the_switches():
    assert events.is_enabled({}, "attempt_reset")
    assert not events.is_enabled({"TRACKING_EVENTS_ENABLED": False}, "attempt_reset")
    assert not events.is_enabled({"TRACKING_EVENTS": {"attempt_reset": False}}, "attempt_reset")
    assert not events.is_enabled({}, "interacted")
