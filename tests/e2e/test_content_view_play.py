"""Packages play in Chromium with the content view on (SCORM_CONTENT_VIEW=1), and on a content origin
(SCORM_CONTENT_ORIGIN), whatever the suite's own dev server does: the SCO's frame comes from /scorm-content/,
finds the API of its block, its values reach the server and resume after a reload; a nested, non-ASCII launch
file with a query plays too."""
import uuid

import pytest

from openedxscorm_support.browser import block_frames
from openedxscorm_support.devserver_process import running_dev_server
from tests.e2e.player import call, find_scenario, handler_url, launch_values, wait_for_state
from tests.e2e.test_upload_and_play import package_file
from tests.packages import fixture_folder

NAMES = {"1.2": ("LMSSetValue", "LMSGetValue", "LMSCommit", "cmi.core.lesson_location", "cmi.core.exit"),
         "2004": ("SetValue", "GetValue", "Commit", "cmi.location", "cmi.exit")}
PROBES = {"1.2": "probe-1.2.zip", "2004": "probe-2004.zip"}
NESTED = "nested-café-1.2.zip"


# The content view on the LMS's origin, and on a content origin (a second host name, the API beside the SCO).
MODES = {"content-view": {"SCORM_CONTENT_VIEW": "1"},
         "content-origin": {"SCORM_CONTENT_ORIGIN": "http://content.localhost:{port}"}}


@pytest.fixture(scope="module", params=sorted(MODES))
def server(tmp_path_factory, request):
    packages = fixture_folder([*PROBES.values(), NESTED])
    with running_dev_server(tmp_path_factory.mktemp("content-view-var"), packages,
                            extra_env=MODES[request.param]) as base_url:
        yield base_url


def open_sco(page, server, label, learner):
    page.goto(f"{find_scenario(server, label)}?student={learner}")
    return block_frames(page)


@pytest.mark.parametrize("standard", sorted(PROBES))
def test_the_probe_plays_commits_and_resumes_through_the_view(server, page, standard):
    set_value, get_value, commit, location, exit_element = NAMES[standard]
    learner = f"view-{uuid.uuid4().hex[:8]}"
    launcher, sco = open_sco(page, server, PROBES[standard], learner)
    assert "/scorm-content/" in sco.url and "/assets_proxy/" not in sco.url
    sha1, _path = package_file(sco.url)
    state_url = handler_url(server, launcher, "learner_state")
    assert call(sco, standard, set_value, location, "page-7")["result"] == "true"
    assert call(sco, standard, set_value, exit_element, "suspend")["result"] == "true"  # 2004: resume, not anew
    assert call(sco, standard, commit, "")["result"] == "true"
    state = wait_for_state(state_url, lambda s: s["data"].get(location) == "page-7")
    assert state["package_sha1"] == sha1

    page.reload()
    launcher, sco = block_frames(page)
    assert "/scorm-content/" in sco.url
    assert launch_values(launcher)[location] == "page-7"
    assert call(sco, standard, get_value, location)["result"] == "page-7"


def test_a_nested_non_ascii_launch_file_with_its_query_plays(server, page):
    _launcher, sco = open_sco(page, server, NESTED, f"view-{uuid.uuid4().hex[:8]}")
    assert package_file(sco.url)[1] == "modules/%C3%A9t%C3%A9/caf%C3%A9.html"
    assert sco.url.endswith("?page=1")
    assert sco.evaluate("document.readyState") == "complete"
    assert call(sco, "1.2", "LMSGetValue", "cmi.core.lesson_status")["error"] == "0"
