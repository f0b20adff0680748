"""A package far larger than a reverse proxy's body limit is uploaded through nginx from the Studio view, then plays.

nginx (openedxscorm_support/nginx.py) stands in front of the dev server with `client_max_body_size 100m` and 60-second
timeouts, as on an ordinary site: one request with the whole zip would be refused (413), so the upload must go in
pieces. The packages are synthetic (bench/synthetic.py: one stored member of random bytes, so nothing
compresses) and cached under bench/.work/.
"""
import urllib.parse

import pytest

from bench import synthetic
from openedxscorm_support.nginx import ReverseProxy
from tests.e2e.test_upload_and_play import launch_frame, scenario_url

MB = 1000 * 1000
BODY_LIMIT = 100 * 1024 * 1024  # client_max_body_size 100m
LARGE = synthetic.PackageSpec(name="large-upload", file_count=12, media_count=1, media_size=250 * MB)
SMALL = synthetic.PackageSpec(name="resumed-upload", file_count=12, media_count=1, media_size=40 * MB)
# Blocks without a package: zips without a manifest, refused at preload, so their scenarios are empty.
LARGE_TARGET = "large-upload-target.zip"
RESUMED_TARGET = "resumed-upload-target.zip"
LESSON_TITLE = "Synthetic benchmark lesson"
UPLOAD_TIMEOUT_MS = 240_000


@pytest.fixture(scope="module")
def proxy(workbench):
    with ReverseProxy(workbench) as running:
        yield running


def through(proxy, url):
    """The same URL, reached through the proxy instead of straight at the dev server."""
    parts = urllib.parse.urlsplit(url)
    return proxy.url + parts.path + (f"?{parts.query}" if parts.query else "")


def upload_in_studio(page, studio_url, zip_path):
    page.goto(studio_url)
    page.set_input_files("input[name=file]", str(zip_path))
    page.click("button.save-button")
    return page.wait_for_selector(".scorm-upload-status.is-success, .scorm-upload-status.is-error",
                                  timeout=UPLOAD_TIMEOUT_MS)


def chunk_requests(proxy):
    return [entry for entry in proxy.requests() if "/studio_upload_chunk/" in entry[1]]


def test_package_larger_than_the_proxy_limit_uploads_in_pieces_and_plays(workbench, proxy, page):
    zip_path = synthetic.package_path(LARGE)
    size = zip_path.stat().st_size
    assert size > 2 * BODY_LIMIT, "the package must be far larger than the proxy's body limit"
    block_url = through(proxy, scenario_url(workbench, LARGE_TARGET))

    status = upload_in_studio(page, block_url + "studio_view/", zip_path)
    assert "is-success" in status.get_attribute("class"), (status.inner_text(),
                                                            proxy.read_error_log()[-2000:])

    answered = proxy.requests()
    assert answered, "nothing went through the proxy"
    assert all(status_code != 413 for _method, _path, status_code, _length in answered), proxy.read_error_log()
    largest = max(length for _method, _path, _status, length in answered)
    assert largest < BODY_LIMIT, f"a request of {largest} bytes"
    pieces = [entry for entry in chunk_requests(proxy) if entry[2] == 200]
    assert len(pieces) >= size // (16 * 1024 * 1024), "the zip went in pieces of at most 16 MiB"
    assert sum(length for _method, _path, _status, length in pieces) >= size

    page.goto(block_url)
    _iframe, frame = launch_frame(page)
    assert frame.url.startswith(proxy.url + "/"), "the SCO is served through the proxy"
    assert "/assets_proxy/" in frame.url and frame.url.split("?")[0].endswith("/index.html")
    assert frame.title() == LESSON_TITLE


def test_dropped_connection_mid_upload_is_resumed(workbench, proxy, page):
    zip_path = synthetic.package_path(SMALL)
    block_url = through(proxy, scenario_url(workbench, RESUMED_TARGET))
    seen = []

    def drop_third_piece_once(route):
        seen.append(route.request.url)
        if len(seen) == 3:
            route.fetch()  # the server stores the piece, but its answer never reaches the browser
            route.abort("connectionreset")
            return
        route.continue_()

    page.route("**/studio_upload_chunk/**", drop_third_piece_once)
    status = upload_in_studio(page, block_url + "studio_view/", zip_path)
    assert "is-success" in status.get_attribute("class"), status.inner_text()
    assert len(seen) >= 4, "the upload went on after the dropped piece"
    asked = [entry for entry in proxy.requests() if "/studio_upload_status/" in entry[1]]
    assert asked, "the browser asked the server how much had arrived"

    page.goto(block_url)
    _iframe, frame = launch_frame(page)
    assert frame.title() == LESSON_TITLE
