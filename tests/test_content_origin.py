"""CONTENT_ORIGIN: the content view and the SCORM API's wrapper page on a host name of their own. The setting is
read as a browser writes an origin; the wrapper page is built from the token alone and frames the SCO beside its
API; the content origin answers through its own host name only; the launcher frames the wrapper and loads the
bridge that hears that origin only."""
import json
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from openedxscorm import content_wrapper
from openedxscorm.content_origin import content_origin
from openedxscorm.content_tokens import ContentGrant, make_token, read_token
from openedxscorm.runtime import SCORM12, SCORM2004
from openedxscorm_support.block_runtime import make_block
from tests.test_block import upload
from tests.test_content_view import GRANT, SHA1, body, launched_sco_url, url, write_tree

ORIGIN = "http://content.test:8001"
CONTENT_HOST = "content.test:8001"
LMS_HOST = "lms.test"
FILES = {"index.html": b"<html>probe</html>", "média/café.html": "<html>café</html>".encode()}


@pytest.fixture(autouse=True)
def lms_urls(settings):
    settings.ROOT_URLCONF = "tests.content_urls"
    settings.ALLOWED_HOSTS = [LMS_HOST, "content.test", "testserver"]
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"CONTENT_ORIGIN": ORIGIN}}


@pytest.fixture
def tree(storage):
    return write_tree(storage, SHA1, FILES)


def wrapper(path, api="scorm12", grant=GRANT, sha1=None, token=None):
    return f"/scorm-content/api/{api}/{token or make_token(grant)}/{sha1 or grant.sha1}/{path}"


def wrapper_config(response):
    found = re.search(r'<script id="scorm-wrapper" type="application/json">(.*?)</script>', body(response).decode())
    return json.loads(found.group(1))


# ---- the setting ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("configured,expected", [
    (None, None),
    ("", None),
    ("http://content.test:8001", "http://content.test:8001"),
    ("http://Content.Test:8001/", "http://content.test:8001"),
    ("https://scorm-content.example.com:443", "https://scorm-content.example.com"),
    ("http://content.127.0.0.1.nip.io:80", "http://content.127.0.0.1.nip.io"),
    ("http://[::1]:8001", "http://[::1]:8001"),
])
def test_the_origin_is_written_as_browsers_write_event_origin(configured, expected):
    assert content_origin({"CONTENT_ORIGIN": configured}) == expected


@pytest.mark.parametrize("configured", [
    "content.test",  # no scheme
    "ftp://content.test",
    "javascript:alert(1)",
    "http://",
    "http://content.test/scorm",  # a path: event.origin never has one
    "http://content.test/?x=1",
    "http://content.test/#top",
    "http://user:secret@content.test",
    "http://content.test:99999",
    "http://content.test:port",
])
def test_anything_but_an_origin_is_a_configuration_error(configured):
    with pytest.raises(ImproperlyConfigured, match="CONTENT_ORIGIN"):
        content_origin({"CONTENT_ORIGIN": configured})


# ---- the wrapper page ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("api,standard,script", [
    ("scorm12", SCORM12, "scorm12.min.js"),
    ("scorm2004", SCORM2004, "scorm2004.min.js"),
])
def test_the_wrapper_frames_the_sco_beside_its_api(client, tree, api, standard, script):  # noqa: ARG001
    token = make_token(GRANT)
    response = client.get(wrapper("index.html", api=api, token=token), HTTP_HOST=CONTENT_HOST)
    assert response.status_code == 200 and response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-store" and response["Referrer-Policy"] == "no-referrer"
    config = wrapper_config(response)
    assert config["standard"] == standard
    assert config["scoUrl"] == f"/scorm-content/{token}/{SHA1}/index.html"
    assert config["commitFailure"] == content_wrapper.COMMIT_FAILURE_CODES[standard]
    assert config["api"]["windowName"] == {SCORM12: "API", SCORM2004: "API_1484_11"}[standard]
    page = body(response).decode()
    assert f'<script src="/scorm-content/player/{script}"></script>' in page
    assert '<script src="/scorm-content/player/content_api.js"></script>' in page
    sco = client.get(config["scoUrl"], HTTP_HOST=CONTENT_HOST)  # the SCO's own URL, on the same origin
    assert sco.status_code == 200 and body(sco) == FILES["index.html"]


def test_the_sco_url_keeps_a_non_ascii_path_quoted_once_and_its_query(client, tree):  # noqa: ARG001
    response = client.get(wrapper("m%C3%A9dia/caf%C3%A9.html?page=1&x=%20y"), HTTP_HOST=CONTENT_HOST)
    sco_url = wrapper_config(response)["scoUrl"]
    assert sco_url.endswith(f"/{SHA1}/m%C3%A9dia/caf%C3%A9.html?page=1&x=%20y")
    assert body(client.get(sco_url, HTTP_HOST=CONTENT_HOST)) == FILES["média/café.html"]


@override_settings(MIDDLEWARE=["django.middleware.clickjacking.XFrameOptionsMiddleware"], X_FRAME_OPTIONS="DENY")
def test_the_wrapper_and_the_files_may_be_framed(client, tree):  # noqa: ARG001
    """The launcher (another origin) frames the wrapper, which frames the SCO: a site-wide DENY must not apply."""
    for path in (wrapper("index.html"), url("index.html")):
        response = client.get(path, HTTP_HOST=CONTENT_HOST)
        assert response.status_code == 200 and "X-Frame-Options" not in response


@pytest.mark.parametrize("path,expected", [
    (wrapper("index.html", token="not-a-token"), 403),
    (wrapper("index.html", sha1="2" * 40), 403),  # the token names another package
    (wrapper("index.html", api="scorm3000"), 404),
    (wrapper("../outside.txt"), 404),
    (wrapper("%2e%2e/%2e%2e/outside.txt"), 404),
    (wrapper(""), 404),
])
def test_the_wrapper_refuses_what_the_content_view_refuses(client, tree, path, expected):  # noqa: ARG001
    response = client.get(path, HTTP_HOST=CONTENT_HOST)
    assert response.status_code == expected and b"scorm-wrapper" not in body(response)


def test_the_wrapper_answers_get_and_head_only(client, tree):  # noqa: ARG001
    assert client.post(wrapper("index.html"), HTTP_HOST=CONTENT_HOST).status_code == 405
    assert client.head(wrapper("index.html"), HTTP_HOST=CONTENT_HOST).status_code == 200


# ---- the content origin answers through its own host name only ---------------------------------------------------

@pytest.mark.parametrize("path", [wrapper("index.html"), url("index.html")])
def test_the_lms_host_name_does_not_serve_package_pages(client, tree, path):  # noqa: ARG001
    """A package page opened through the LMS's host name would run with the LMS's origin and cookies."""
    response = client.get(path, HTTP_HOST=LMS_HOST)
    assert response.status_code == 404 and b"probe" not in body(response)
    assert client.get(path, HTTP_HOST=CONTENT_HOST).status_code == 200


def test_without_a_content_origin_the_view_answers_on_the_lms_host(client, tree, settings):  # noqa: ARG001
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"CONTENT_VIEW_ENABLED": True}}
    assert client.get(url("index.html"), HTTP_HOST=LMS_HOST).status_code == 200


# ---- the wrapper's scripts, from the content origin -----------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(content_wrapper.PLAYER_FILES))
def test_the_wrapper_scripts_come_from_the_content_origin(client, name):
    response = client.get(f"/scorm-content/player/{name}", HTTP_HOST=CONTENT_HOST)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert "javascript" in response["Content-Type"]
    data = b"".join(response.streaming_content)
    assert data == (content_wrapper.PLAYER_FILES[name] / name).read_bytes()
    again = client.get(f"/scorm-content/player/{name}", HTTP_HOST=CONTENT_HOST,
                       HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304


@pytest.mark.parametrize("name", ["launcher.js", "student.js", "..%2Fsettings.py", "LICENSE", "content_api.js.map"])
def test_no_other_file_of_the_block_is_served(client, name):
    assert client.get(f"/scorm-content/player/{name}", HTTP_HOST=CONTENT_HOST).status_code == 404


# ---- the launcher -----------------------------------------------------------------------------------------------

def launcher_page(block):
    from webob import Request  # pylint: disable=import-outside-toplevel

    return block.handle("launcher", Request.blank("/")).text


@pytest.mark.parametrize("package,api", [("probe-1.2.zip", "scorm12"), ("probe-2004.zip", "scorm2004")])
def test_the_launcher_frames_the_wrapper_on_the_content_origin(client, storage, package, api):  # noqa: ARG001
    block = make_block(CONTENT_ORIGIN=ORIGIN + "/")
    upload(block, package)
    sco_url = launched_sco_url(block)
    prefix = f"{ORIGIN}/scorm-content/api/{api}/"
    assert sco_url.startswith(prefix)
    token, sha1, launch = sco_url[len(prefix):].split("/", 2)
    assert sha1 == block.package_sha1 and launch == "lesson/index.html"
    # The token still binds learner, course, block and package.
    assert read_token(token, max_age=60) == ContentGrant(
        learner="learner", course=str(block.scope_ids.usage_id.context_key), block=str(block.scope_ids.usage_id),
        sha1=block.package_sha1)
    response = client.get(sco_url[len(ORIGIN):], HTTP_HOST=CONTENT_HOST)
    assert response.status_code == 200 and wrapper_config(response)["scoUrl"].startswith(f"/scorm-content/{token}/")
    page = launcher_page(block)
    launch_json = json.loads(re.search(r'id="scorm-launch" type="application/json">(.*?)</script>', page).group(1))
    assert launch_json["contentOrigin"] == ORIGIN
    assert launch_json["commitNotSent"] == "The commit could not be sent; it goes again with the next one."
    assert re.search(r'<script src="[^"]*static/js/content_bridge\.js"></script>', page)


def test_the_same_origin_launcher_has_no_bridge(storage):  # noqa: ARG001
    block = make_block(CONTENT_VIEW_ENABLED=True)
    upload(block, "probe-1.2.zip")
    page = launcher_page(block)
    assert "contentOrigin" not in page and "content_bridge.js" not in page
    assert launched_sco_url(block).startswith("/scorm-content/")


def test_a_bad_content_origin_stops_the_launcher_with_its_reason(storage):  # noqa: ARG001
    block = make_block(CONTENT_ORIGIN="content.test")
    upload(block, "probe-1.2.zip")
    with pytest.raises(ImproperlyConfigured, match="CONTENT_ORIGIN"):
        launcher_page(block)
