"""A new package in a block the learner already played, in Chromium on the dev server: the learner plays package
A, the author uploads package B into the same block, the learner plays B. Nothing of A reaches B (no resume data,
entry ab-initio), and A's grade stays in the gradebook until the learner's first commit in B. A page left open on
A meanwhile keeps getting A's files and its last commits are stored, though B has other SCOs."""
import pytest

from openedxscorm_support.browser import block_frames
from openedxscorm_support.devserver_process import running_dev_server
from tests.e2e.player import call, find_scenario, handler_url, launch_values, learner_state, wait_for_state
from tests.packages import fixture_folder, fixture_zip

PACKAGE_A, PACKAGE_B = "probe-1.2.zip", "other-1.2.zip"
OPEN_PAGE_PACKAGE = "multi-1.2.zip"  # its SCO ids (sco-1...) are not B's
LEARNER = "versions-learner"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    packages = fixture_folder([PACKAGE_A, OPEN_PAGE_PACKAGE])
    with running_dev_server(tmp_path_factory.mktemp("versions-var"), packages) as base_url:
        yield base_url


def play(page, url):
    page.goto(f"{url}?student={LEARNER}")
    return block_frames(page)


def set_and_commit(sco, values):
    for element, value in values:
        assert call(sco, "1.2", "LMSSetValue", element, value)["result"] == "true", element
    assert call(sco, "1.2", "LMSCommit", "")["result"] == "true"


def test_package_b_starts_fresh_and_a_grade_stays_until_b_first_commit(server, page):
    url = find_scenario(server, PACKAGE_A)
    launcher, sco = play(page, url)
    state_url = handler_url(server, launcher, "learner_state")
    set_and_commit(sco, [("cmi.suspend_data", "A-resume-data"), ("cmi.core.lesson_location", "A-page-7"),
                         ("cmi.core.score.raw", "90"), ("cmi.core.lesson_status", "passed"),
                         ("cmi.core.exit", "suspend")])
    assert call(sco, "1.2", "LMSFinish", "")["result"] == "true"
    played_a = wait_for_state(state_url, lambda state: (state["grade"] or {}).get("value") == 0.9
                              and state["sessions"] == 1)
    sha1_a = played_a["package_sha1"]

    page.goto(url + "studio_view/")
    page.set_input_files("input[name=file]", str(fixture_zip(PACKAGE_B)))
    page.click("button.save-button")
    page.wait_for_selector(".scorm-upload-status.is-success", timeout=60000)

    launcher, sco = play(page, url)
    values = launch_values(launcher)
    assert values["cmi.core.entry"] == "ab-initio" and "cmi.suspend_data" not in values
    assert "cmi.core.lesson_location" not in values and values["cmi.core.lesson_status"] == "not attempted"
    assert call(sco, "1.2", "LMSGetValue", "cmi.suspend_data")["result"] == ""
    assert call(sco, "1.2", "LMSGetValue", "cmi.core.entry")["result"] == "ab-initio"
    before_commit = learner_state(state_url)
    assert before_commit["package_sha1"] not in ("", sha1_a)
    assert before_commit["grade"]["value"] == 0.9  # A's grade, still the one in the gradebook
    assert before_commit["data"] == {} and before_commit["entry"] != "resume"

    set_and_commit(sco, [("cmi.core.lesson_location", "B-page-1")])
    after = wait_for_state(state_url, lambda state: state["data"].get("cmi.core.lesson_location") == "B-page-1")
    assert after["grade"] == {"value": 0.0, "max_value": 1.0}  # B's grade replaced A's with B's first commit
    assert after["data"] == {"cmi.core.lesson_location": "B-page-1"}


def upload(page, url, name):
    page.goto(url + "studio_view/")
    page.set_input_files("input[name=file]", str(fixture_zip(name)))
    page.click("button.save-button")
    page.wait_for_selector(".scorm-upload-status.is-success", timeout=60000)


def test_a_page_left_open_on_the_previous_version_keeps_working(server, chromium):
    context = chromium.new_context()
    try:
        playing, author = context.new_page(), context.new_page()
        url = find_scenario(server, OPEN_PAGE_PACKAGE)
        playing.goto(f"{url}?student=open-page")
        launcher, sco = block_frames(playing)
        set_and_commit(sco, [("cmi.core.lesson_location", "before-the-upload")])
        launcher.wait_for_function("window.scormPlayer.stored >= 1 && window.scormPlayer.inFlight === 0")

        upload(author, url, PACKAGE_B)

        # the open page still loads its own version's files, and its last commits are stored against it
        status = launcher.evaluate("fetch(document.querySelector('iframe.scorm-content').src).then(r => r.status)")
        assert status == 200
        set_and_commit(sco, [("cmi.core.lesson_status", "completed"), ("cmi.core.session_time", "00:01:00")])
        assert call(sco, "1.2", "LMSFinish", "")["result"] == "true"
        # Commit and Finish may reach the server in either order: one overtaken by the other is "ignored" (its
        # values travel again with the later one), so three answers are awaited, at least the last one stored.
        launcher.wait_for_function(
            "window.scormPlayer.stored + window.scormPlayer.ignored >= 3 && window.scormPlayer.inFlight === 0")
        assert launcher.evaluate("window.scormPlayer.stored") >= 2
        assert launcher.evaluate("window.scormPlayer.rejected.length + window.scormPlayer.failed") == 0

        author.goto(f"{url}?student=open-page")
        launcher_b, _sco_b = block_frames(author)
        assert launch_values(launcher_b)["cmi.core.entry"] == "ab-initio"
        state = learner_state(handler_url(server, launcher_b, "learner_state"))
        assert list(state["scos"]) == ["other"] and state["data"] == {}
    finally:
        context.close()
