"""Helpers of the run-time browser tests: reach a block's SCO frame, call the SCORM API from it as a SCO
would, and read the learner's state back from the server."""
import json
import time
import urllib.request

from openedxscorm_support.browser import FIND_API, wait_for_scenario
from tests.e2e.test_upload_and_play import skip_unless_preloaded

CALL_API = """([name, method, args]) => {
""" + FIND_API + """
  var api = findApi(name);
  var result = api[method].apply(api, args);
  return {result: String(result), error: String(api[name === "API" ? "LMSGetLastError" : "GetLastError"]())};
}
"""
API_NAMES = {"1.2": "API", "2004": "API_1484_11"}


def find_scenario(base_url, label, timeout=60):
    """The workbench URL of a scenario, waiting while the workbench builds them. A real package's scenario is
    skipped at once when SCORM_PACKAGES_DIR lacks it."""
    skip_unless_preloaded(label)
    return wait_for_scenario(base_url, label, timeout)


def api_frame(sco):
    """The frame whose window holds the SCO's API and the player's status (window.scormPlayer: requests in
    flight, refusals): the launcher, or on a content origin the wrapper page."""
    return sco.parent_frame


def call(frame, standard, method, *args):
    """One API call made from the frame, through discovery: {'result': ..., 'error': last error code}."""
    return frame.evaluate(CALL_API, [API_NAMES[standard], method, [str(arg) for arg in args]])


def launch_values(launcher):
    """The initial values the server sent with the launcher page."""
    return json.loads(launcher.evaluate("document.getElementById('scorm-launch').textContent"))["values"]


def handler_url(base_url, launcher, handler):
    """URL of another handler of the launcher's block (same learner)."""
    return launcher.url.replace("/launcher", f"/{handler}", 1) if launcher.url.startswith(base_url) else None


def learner_state(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def wait_for_state(url, predicate, timeout=15):
    """The learner's state once predicate(state) holds; AssertionError with the last state otherwise."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = learner_state(url)
        if predicate(state):
            return state
        time.sleep(0.2)
    raise AssertionError(f"server state never matched: {state}")
