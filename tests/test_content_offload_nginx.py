"""X-Accel-Redirect through Debian's nginx: the content view checks the token and the path, then nginx sends the
file from an internal location (Range and validators its own); that location cannot be asked for directly."""
import threading
import urllib.error
import urllib.request
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.wsgi import get_wsgi_application

from openedxscorm.content_tokens import make_token
from openedxscorm_support.nginx import NGINX, ReverseProxy
from tests.test_content_view import FILES, GRANT, OTHER_SHA1, SCRIPT, SHA1, trees  # noqa: F401  (fixture)

INTERNAL = "/internal-scorm/"
pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="Debian's nginx-light is not installed")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # the test reads nginx's access log instead
        pass


class ThreadedServer(WSGIServer):
    daemon_threads = True


@pytest.fixture
def django_server(settings, trees):  # noqa: F811
    """This process's Django (its settings and storage) served over HTTP on 127.0.0.1, offload on."""
    settings.ROOT_URLCONF = "tests.content_urls"
    settings.ALLOWED_HOSTS = ["*"]
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"CONTENT_OFFLOAD_PREFIX": INTERNAL}}
    server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=ThreadedServer,
                         handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def nginx(django_server, settings):
    # As docs/security.rst tells operators: nginx passes on only a few of the view's headers (Content-Type and
    # Cache-Control among them), so the internal location adds nosniff itself.
    locations = (f"        location {INTERNAL} {{\n            internal;\n"
                 f"            alias {Path(settings.MEDIA_ROOT).resolve()}/;\n"
                 "            add_header X-Content-Type-Options nosniff always;\n        }\n")
    with ReverseProxy(django_server, locations=locations) as proxy:
        yield proxy


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def content(nginx, path, sha1=SHA1, token=None):
    return f"{nginx.url}/scorm-content/{token or make_token(GRANT)}/{sha1}/{path}"


def test_nginx_sends_the_file_django_names(nginx):
    status, headers, body = fetch(content(nginx, "js/app.js"))
    assert status == 200 and body == SCRIPT, nginx.read_error_log()
    assert headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert headers["X-Content-Type-Options"] == "nosniff" and "X-Accel-Redirect" not in headers
    assert headers["Cache-Control"] == "private, max-age=0, must-revalidate"


def test_nginx_answers_ranges_and_validators(nginx):
    status, headers, body = fetch(content(nginx, "js/app.js"), Range="bytes=100-199")
    assert status == 206 and body == SCRIPT[100:200]
    status, _headers, body = fetch(content(nginx, "js/app.js"), **{"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""


def test_a_non_ascii_name_reaches_nginx_encoded(nginx):
    status, _headers, body = fetch(content(nginx, "m%C3%A9dia/caf%C3%A9.js"))
    assert status == 200 and body == FILES["média/café.js"], nginx.read_error_log()


def test_refusals_come_from_django_before_nginx_looks(nginx):
    assert fetch(content(nginx, "js/app.js", token="nothing"))[0] == 403
    assert fetch(content(nginx, "secret.js", sha1=OTHER_SHA1))[0] == 403
    assert fetch(content(nginx, "..%2F..%2Foutside.txt"))[0] == 404


def test_the_internal_location_is_not_reachable_from_outside(nginx):
    status, _headers, body = fetch(f"{nginx.url}{INTERNAL}scorm/{SHA1}/js/app.js")
    assert status == 404 and body != SCRIPT
