"""In Chromium: a single-SCO SCORM 2004 package whose manifest declares a primary and two secondary objectives
gives the SCO cmi.objectives.0..2 from its first launch (an ADL run-time package used to show "could not find
objective" on every page), and the SCO's writes to them reach the server, which accepts them."""
import uuid

from openedxscorm_support.browser import block_frames
from tests.e2e.player import call, find_scenario, handler_url, wait_for_state

IDS = ["primary-obj", "secondary-a", "secondary-b"]


def test_manifest_objectives_are_there_at_the_first_launch_and_their_writes_are_stored(workbench, page):
    page.goto(f"{find_scenario(workbench, 'objectives-2004.zip')}?student=objectives-{uuid.uuid4().hex[:8]}")
    launcher, sco = block_frames(page)
    assert call(sco, "2004", "Initialize", "")["result"] == "true"
    assert call(sco, "2004", "GetValue", "cmi.objectives._count")["result"] == "3"
    assert [call(sco, "2004", "GetValue", f"cmi.objectives.{index}.id")["result"] for index in range(3)] == IDS
    assert call(sco, "2004", "SetValue", "cmi.objectives.1.success_status", "passed")["error"] == "0"
    assert call(sco, "2004", "SetValue", "cmi.objectives.0.id", "renamed")["error"] == "351"  # ids are fixed
    assert call(sco, "2004", "Commit", "")["result"] == "true"
    state_url = handler_url(workbench, launcher, "learner_state")
    state = wait_for_state(state_url, lambda found: found["data"].get("cmi.objectives.1.success_status") == "passed")
    assert [state["data"][f"cmi.objectives.{index}.id"] for index in range(3)] == IDS
    launcher.wait_for_function("window.scormPlayer.inFlight === 0", timeout=10000)
    assert launcher.evaluate("window.scormPlayer.rejected") == []
