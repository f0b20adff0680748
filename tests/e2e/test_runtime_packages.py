"""A learner plays the project's probe SCO, and the ADL golf samples (RuntimeBasicCalls, SCORM 1.2 and 2004 3rd
edition) when SCORM_PACKAGES_DIR has them, in the workbench: values set through the API found from the content
frame reach the server, resume after a reload, earn the grade their score says, survive the page closing, and stay
apart between two blocks of one page."""
import uuid

import pytest

from openedxscorm_support.browser import CONTENT_ORIGIN_OF, block_frames

# What each standard's learner script sets, and where the element of each meaning lives.
from tests.e2e.player import call, find_scenario, handler_url, launch_values, wait_for_state

# What each standard's learner script sets, and where the element of each meaning lives.
PACKAGES = {
    "1.2": {
        "zip": "RuntimeBasicCalls_SCORM12.zip",
        "script": [("cmi.core.lesson_status", "passed"), ("cmi.core.score.raw", "80"),
                   ("cmi.core.lesson_location", "7"), ("cmi.suspend_data", "resume-here;page=7"),
                   ("cmi.core.exit", "suspend")],
        "entry": "cmi.core.entry", "location": "cmi.core.lesson_location", "commit": "LMSCommit",
        "terminate": "LMSFinish", "set": "LMSSetValue", "get": "LMSGetValue",
        "success": "passed",
    },
    "2004": {
        "zip": "RuntimeBasicCalls_SCORM20043rdEdition.zip",
        "script": [("cmi.completion_status", "completed"), ("cmi.success_status", "passed"),
                   ("cmi.score.scaled", "0.8"), ("cmi.score.raw", "80"), ("cmi.location", "7"),
                   ("cmi.suspend_data", "resume-here;page=7"), ("cmi.exit", "suspend")],
        "entry": "cmi.entry", "location": "cmi.location", "commit": "Commit", "terminate": "Terminate",
        "set": "SetValue", "get": "GetValue", "success": "passed",
    },
}


# (standard, zip): the probe SCOs always, the golf samples when present.
PLAYED = [("1.2", "probe-1.2.zip"), ("2004", "probe-2004.zip")] + [
    (standard, package["zip"]) for standard, package in sorted(PACKAGES.items())]


def open_block(page, workbench, label, learner, index=0):
    """Load the scenario as `learner`; return the block's launcher and SCO frames, and its state URL."""
    page.on("dialog", lambda dialog: dialog.accept())  # the golf samples ask whether to resume
    page.goto(f"{find_scenario(workbench, label)}?student={learner}")
    launcher, sco = block_frames(page, index)
    return launcher, sco, handler_url(workbench, launcher, "learner_state")


def play_script(sco, standard, package):
    for element, value in package["script"]:
        assert call(sco, standard, package["set"], element, value) == {"result": "true", "error": "0"}, element


@pytest.mark.parametrize("standard, zip_name", PLAYED)
def test_values_reach_server_resume_and_grade(player_workbench, page, standard, zip_name):
    package = PACKAGES[standard]
    learner = f"learner-{uuid.uuid4().hex[:8]}"
    launcher, sco, state_url = open_block(page, player_workbench, zip_name, learner)
    assert launch_values(launcher)[package["entry"]] == "ab-initio"

    play_script(sco, standard, package)
    assert call(sco, standard, package["commit"], "")["result"] == "true"
    expected = dict(package["script"])
    state = wait_for_state(state_url, lambda s: all(s["data"].get(k) == v for k, v in expected.items()))
    assert state["score"] == pytest.approx(0.8) and state["success"] == package["success"]
    assert state["grade"] == {"value": pytest.approx(0.8), "max_value": 1.0}

    page.reload()  # the SCO's unload handler terminates with exit=suspend
    launcher, sco = block_frames(page)
    values = launch_values(launcher)
    assert values[package["entry"]] == "resume"
    assert values[package["location"]] == "7" and values["cmi.suspend_data"] == "resume-here;page=7"
    assert call(sco, standard, package["get"], package["entry"])["result"] == "resume"
    assert call(sco, standard, package["get"], "cmi.suspend_data")["result"] == "resume-here;page=7"
    assert call(sco, standard, package["get"], package["location"])["result"] == "7"
    assert wait_for_state(state_url, lambda s: s["sessions"] >= 1)["grade"]["value"] == pytest.approx(0.8)


@pytest.mark.parametrize("standard, zip_name", PLAYED)
def test_closing_right_after_terminate_keeps_the_values(player_workbench, chromium, standard, zip_name):
    package = PACKAGES[standard]
    context = chromium.new_context()
    page = context.new_page()
    launcher, sco, state_url = open_block(page, player_workbench, zip_name, f"closer-{uuid.uuid4().hex[:8]}")
    play_script(sco, standard, package)
    crossing = launcher.evaluate(CONTENT_ORIGIN_OF)
    if crossing:
        launcher.evaluate("window.requestBeforeTerminate = window.scormPlayer.lastRequest")
    assert call(sco, standard, package["terminate"], "")["result"] == "true"
    if crossing:  # on a content origin the Terminate reaches the launcher as a message, from another process:
        # closing before it arrives loses it (README, CONTENT_ORIGIN); the page closes as soon as it has
        launcher.wait_for_function("window.scormPlayer.lastRequest !== window.requestBeforeTerminate")
    page.close()
    context.close()
    expected = dict(package["script"])
    expected.pop("cmi.core.exit", None), expected.pop("cmi.exit", None)  # session-only: consumed by Terminate
    state = wait_for_state(state_url, lambda s: s["sessions"] >= 1 and all(
        s["data"].get(k) == v for k, v in expected.items()))
    assert state["entry"] == "resume" and state["grade"]["value"] == pytest.approx(0.8)
    # Terminate ended the session once: its exit was consumed and no later request brought it back.
    assert state["sessions"] == 1 and not {"cmi.core.exit", "cmi.exit"} & set(state["data"])


def test_page_leaving_beacon_passes_csrf_and_is_stored(workbench, page):
    """Values set without a Commit leave with the page as a beacon: a form carrying csrfmiddlewaretoken."""
    launcher, sco, state_url = open_block(page, workbench, "probe-1.2.zip", f"beacon-{uuid.uuid4().hex[:8]}")
    beacons = []
    page.on("request", lambda request: beacons.append(request) if "/scorm_commit" in request.url else None)
    assert call(sco, "1.2", "LMSSetValue", "cmi.suspend_data", "sent-by-beacon")["result"] == "true"
    launcher.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: false}))")
    state = wait_for_state(state_url, lambda s: s["data"].get("cmi.suspend_data") == "sent-by-beacon")
    assert state["data"]["cmi.suspend_data"] == "sent-by-beacon"
    assert beacons and "csrfmiddlewaretoken" in (beacons[-1].post_data or "")
    assert beacons[-1].resource_type == "ping"  # what Chromium calls a sendBeacon request


def test_two_blocks_on_one_page_keep_separate_state(player_workbench, page):
    learner = f"pair-{uuid.uuid4().hex[:8]}"
    label = "two blocks on one page"
    first_launcher, first, first_url = open_block(page, player_workbench, label, learner, index=0)
    second_launcher, second = block_frames(page, 1)
    second_url = handler_url(player_workbench, second_launcher, "learner_state")
    assert first_url != second_url
    assert call(first, "1.2", "LMSSetValue", "cmi.suspend_data", "first")["result"] == "true"
    assert call(second, "1.2", "LMSSetValue", "cmi.suspend_data", "second")["result"] == "true"
    assert call(first, "1.2", "LMSGetValue", "cmi.suspend_data")["result"] == "first"
    assert call(second, "1.2", "LMSGetValue", "cmi.suspend_data")["result"] == "second"
    for frame in (first, second):
        assert call(frame, "1.2", "LMSCommit", "")["result"] == "true"
    assert wait_for_state(first_url, lambda s: s["data"].get("cmi.suspend_data") == "first")
    assert wait_for_state(second_url, lambda s: s["data"].get("cmi.suspend_data") == "second")
