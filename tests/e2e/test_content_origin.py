"""A content origin (CONTENT_ORIGIN) in Chromium: the dev server answers 127.0.0.1 (the LMS) and content.localhost
(the content origin; Chromium resolves *.localhost to the loopback address). A package's script there cannot read
the LMS's cookies nor its pages, while the SCO's values still reach the server through the launcher and resume
after a reload. A message from another origin, or from a frame that is not the launcher's, changes nothing."""
import json
import re
import time
import uuid

import pytest

from openedxscorm_support.browser import block_frames
from openedxscorm_support.devserver_process import running_dev_server
from tests.e2e.player import api_frame, call, find_scenario, handler_url, learner_state, wait_for_state
from tests.packages import fixture_folder

CONTENT_HOST = "content.localhost"
NAMES = {"1.2": ("LMSSetValue", "LMSGetValue", "LMSCommit", "cmi.core.lesson_location", "cmi.core.exit"),
         "2004": ("SetValue", "GetValue", "Commit", "cmi.location", "cmi.exit")}
PROBES = {"1.2": "probe-1.2.zip", "2004": "probe-2004.zip"}

READ_TOP = """() => {
  try { return "read: " + window.top.document.title; } catch (error) { return error.name; }
}"""
READ_LAUNCHER_COOKIE = """() => {
  try { return "read: " + window.parent.parent.document.cookie; } catch (error) { return error.name; }
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running_dev_server(tmp_path_factory.mktemp("content-origin-var"), fixture_folder(list(PROBES.values())),
                            extra_env={"SCORM_CONTENT_ORIGIN": f"http://{CONTENT_HOST}:{{port}}"}) as base_url:
        yield base_url


def content_origin(server):
    return server.replace("127.0.0.1", CONTENT_HOST)


def open_sco(page, server, standard, learner):
    page.goto(f"{find_scenario(server, PROBES[standard])}?student={learner}")
    return block_frames(page)


def learner_name():
    return f"origin-{uuid.uuid4().hex[:8]}"


def test_package_script_cannot_read_the_lms_cookies_or_its_pages(server, page):
    launcher, sco = open_sco(page, server, "1.2", learner_name())
    lms_cookies = {cookie["name"] for cookie in page.context.cookies(server)}
    assert {"csrftoken", "devserver_student"} <= lms_cookies  # the LMS's page has them...
    assert launcher.evaluate("document.cookie.indexOf('csrftoken=') >= 0")
    assert sco.url.startswith(content_origin(server) + "/scorm-content/")
    assert sco.evaluate("location.origin") == content_origin(server)
    assert sco.evaluate("document.cookie") == ""  # ...the package's script sees none of them
    assert sco.evaluate(READ_TOP) == "SecurityError"
    assert sco.evaluate(READ_LAUNCHER_COOKIE) == "SecurityError"
    # The API it calls is beside it, on its own origin, and answers at once.
    assert api_frame(sco).url.startswith(content_origin(server) + "/scorm-content/api/scorm12/")
    assert call(sco, "1.2", "LMSGetValue", "cmi.core.student_id")["error"] == "0"
    assert call(sco, "1.2", "LMSSetValue", "cmi.core.score.raw", "not a number") == {"result": "false",
                                                                                     "error": "405"}


@pytest.mark.parametrize("standard", sorted(PROBES))
def test_the_sco_saves_and_resumes_through_the_launcher(server, page, standard):
    set_value, get_value, commit, location, exit_element = NAMES[standard]
    launcher, sco = open_sco(page, server, standard, learner_name())
    state_url = handler_url(server, launcher, "learner_state")
    assert call(sco, standard, set_value, location, "page-7")["result"] == "true"
    assert call(sco, standard, set_value, exit_element, "suspend")["result"] == "true"
    assert call(sco, standard, commit, "")["result"] == "true"
    wait_for_state(state_url, lambda state: state["data"].get(location) == "page-7")
    wrapper = api_frame(sco)
    wrapper.wait_for_function("window.scormPlayer.inFlight === 0 && window.scormPlayer.stored >= 1")

    page.reload()
    launcher, sco = block_frames(page)
    assert sco.url.startswith(content_origin(server))
    assert call(sco, standard, get_value, location)["result"] == "page-7"


REFUSAL = {"result": "rejected", "element": "cmi.core.lesson_location", "code": "state_too_large",
           "error": "The learner's state would exceed its limit."}
COMMIT_REQUEST = re.compile(r"/scorm_commit/?\?")


@pytest.mark.parametrize("answer", ["refused", "failed"])
def test_a_refused_or_failed_commit_fails_the_next_commit(server, page, answer):
    """Commit answers "true" once the launcher has the data; the server's refusal (or no answer at all) comes back
    to the wrapper, and the next Commit answers "false" with error 101 and the reason, once."""
    launcher, sco = open_sco(page, server, "1.2", learner_name())
    if answer == "refused":
        page.route(COMMIT_REQUEST, lambda route: route.fulfill(status=400, content_type="application/json",
                                                               body=json.dumps(REFUSAL)))
    else:
        page.route(COMMIT_REQUEST, lambda route: route.abort())
    wrapper = api_frame(sco)
    assert call(sco, "1.2", "LMSSetValue", "cmi.core.lesson_location", "page-1")["result"] == "true"
    assert call(sco, "1.2", "LMSCommit", "")["result"] == "true"
    wrapper.wait_for_function("window.scormPlayer.inFlight === 0")
    page.unroute(COMMIT_REQUEST)
    assert call(sco, "1.2", "LMSCommit", "") == {"result": "false", "error": "101"}
    diagnostic = sco.evaluate("window.parent.API.LMSGetDiagnostic('')")
    assert diagnostic == (REFUSAL["error"] if answer == "refused" else
                          "The commit could not be sent; it goes again with the next one.")
    wrapper.wait_for_function("window.scormPlayer.inFlight === 0")
    assert call(sco, "1.2", "LMSCommit", "") == {"result": "true", "error": "0"}
    wrapper.wait_for_function("window.scormPlayer.inFlight === 0")
    stored = learner_state(handler_url(server, launcher, "learner_state"))["data"].get("cmi.core.lesson_location")
    # A value the server refused is dropped; one a failed request carried went again with the next commit.
    assert stored == {"refused": None, "failed": "page-1"}[answer]


def forged_commit(location_element, value):
    return {"type": "commit", "id": 999, "values": {location_element: value}, "order": [location_element],
            "terminate": False, "navRequest": ""}


def frame_on(page, url):
    """A frame of the top page (the LMS's) showing `url`: another origin's document holding a reference to the
    launcher's window (window.top.frames[0]), as any page that frames the player could."""
    page.evaluate("""(url) => new Promise((resolve) => {
        var frame = document.createElement("iframe");
        frame.className = "intruder";
        frame.onload = resolve;
        frame.src = url;
        document.body.appendChild(frame);
    })""", url)
    return page.locator("iframe.intruder").last.element_handle().content_frame()


def test_messages_from_another_origin_or_frame_change_nothing(server, page):
    location = "cmi.core.lesson_location"
    launcher, sco = open_sco(page, server, "1.2", learner_name())
    assert call(sco, "1.2", "LMSSetValue", location, "page-1")["result"] == "true"
    assert call(sco, "1.2", "LMSCommit", "")["result"] == "true"
    state_url = handler_url(server, launcher, "learner_state")
    wait_for_state(state_url, lambda state: state["data"].get(location) == "page-1")
    intruders = [
        page.main_frame,  # the LMS's own page: the right frame tree, the wrong origin
        frame_on(page, f"http://other.localhost:{server.rsplit(':', 1)[1]}/scorm-content/player/content_api.js"),
        frame_on(page, f"{content_origin(server)}/scorm-content/player/content_api.js"),  # the right origin only
    ]
    for number, intruder in enumerate(intruders):
        for message in ({"type": "set", "element": location, "value": f"forged-set-{number}"},
                        forged_commit(location, f"forged-{number}")):
            intruder.evaluate("(message) => window.top.frames[0].postMessage(message, '*')", message)
    time.sleep(1.5)
    assert learner_state(state_url)["data"][location] == "page-1"
    assert launcher.evaluate(f"window.API.LMSGetValue('{location}')") == "page-1"
    assert launcher.evaluate("window.scormPlayer.stored") == 1
    # The same message from the launcher's own frame on the content origin is heard: the test can fail.
    api_frame(sco).evaluate("(message) => window.parent.postMessage(message, '*')", forged_commit(location, "heard"))
    wait_for_state(state_url, lambda state: state["data"].get(location) == "heard")


def test_values_set_without_a_commit_leave_with_the_wrapper_page(server, page):
    """The wrapper page going away with the session open hands what changed to the launcher, which stores it."""
    launcher, sco = open_sco(page, server, "1.2", learner_name())
    state_url = handler_url(server, launcher, "learner_state")
    assert call(sco, "1.2", "LMSSetValue", "cmi.suspend_data", "left-with-the-page")["result"] == "true"
    api_frame(sco).evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: false}))")
    wait_for_state(state_url, lambda state: state["data"].get("cmi.suspend_data") == "left-with-the-page")


@pytest.mark.parametrize("standard", sorted(PROBES))
def test_a_reload_keeps_what_the_sco_set_without_committing(server, page, standard):
    """The probe, as most SCOs, terminates when its page goes away: on a reload of the LMS's page that last
    commit crosses to the launcher and is stored before the next launcher page is read."""
    set_value, _get, _commit, location, _exit = NAMES[standard]
    launcher, sco = open_sco(page, server, standard, learner_name())  # the probe has initialized
    state_url = handler_url(server, launcher, "learner_state")
    assert call(sco, standard, set_value, location, "uncommitted")["result"] == "true"
    page.reload()
    wait_for_state(state_url, lambda state: state["data"].get(location) == "uncommitted")
