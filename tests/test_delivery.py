"""Serving package files: content types, validators, 304, single ranges, 404, HEAD, streaming."""
import pytest
from django.core.files.base import ContentFile
from webob import Request

from openedxscorm import delivery
from openedxscorm.trees import PackageTree

SHA1 = "a" * 40
BODY = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def tree(storage):
    tree = PackageTree(storage, "scorm", SHA1)
    storage.save(tree.name_of("media/clip.mp4"), ContentFile(BODY))
    storage.save(tree.name_of("index.html"), ContentFile(b"<html><title>x</title></html>"))
    return tree


def get(tree, path, chunk_size=1000, **headers):
    request = Request.blank("/", headers=headers)
    response = delivery.serve_file(request, tree, path, chunk_size)
    return response, b"".join(response.app_iter)


@pytest.mark.parametrize("path,expected", [
    ("index.html", "text/html; charset=utf-8"),
    ("a/b.JS", "text/javascript; charset=utf-8"),
    ("style.css", "text/css; charset=utf-8"),
    ("clip.mp4", "video/mp4"),
    ("font.woff2", "font/woff2"),
    ("image.svg", "image/svg+xml"),
    ("data.json", "application/json; charset=utf-8"),
    ("no-extension", "application/octet-stream"),
])
def test_content_type_table(path, expected):
    assert delivery.content_type_of(path) == expected


def test_whole_file_with_validators(tree):
    response, body = get(tree, "media/clip.mp4")
    assert response.status_code == 200 and body == BODY
    assert response.content_length == len(BODY)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["ETag"].startswith('"') and response.headers["Last-Modified"].endswith("GMT")


def test_etag_match_gives_304(tree):
    first, _body = get(tree, "media/clip.mp4")
    response, body = get(tree, "media/clip.mp4", **{"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 304 and body == b""


def test_if_modified_since_gives_304_and_stale_date_gives_200(tree):
    first, _body = get(tree, "media/clip.mp4")
    fresh, _ = get(tree, "media/clip.mp4", **{"If-Modified-Since": first.headers["Last-Modified"]})
    assert fresh.status_code == 304
    stale, body = get(tree, "media/clip.mp4", **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert stale.status_code == 200 and body == BODY


def test_other_etag_sends_body(tree):
    response, body = get(tree, "media/clip.mp4", **{"If-None-Match": '"other"'})
    assert response.status_code == 200 and body == BODY


@pytest.mark.parametrize("header,start,end", [
    ("bytes=0-99", 0, 99),
    ("bytes=100-", 100, len(BODY) - 1),
    ("bytes=-50", len(BODY) - 50, len(BODY) - 1),
    ("bytes=10000-99999", 10000, len(BODY) - 1),
])
def test_single_range_gives_206(tree, header, start, end):
    response, body = get(tree, "media/clip.mp4", Range=header)
    assert response.status_code == 206
    assert body == BODY[start:end + 1]
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/{len(BODY)}"
    assert response.content_length == end - start + 1


@pytest.mark.parametrize("header", ["bytes=20000-", "bytes=-0", "bytes=50-10"])
def test_unsatisfiable_range_gives_416(tree, header):
    response, _body = get(tree, "media/clip.mp4", Range=header)
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(BODY)}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "items=0-5", "garbage"])
def test_unsupported_range_sends_whole_file(tree, header):
    response, body = get(tree, "media/clip.mp4", Range=header)
    assert response.status_code == 200 and body == BODY


def test_missing_file_is_404(tree):
    response, _body = get(tree, "nope.html")
    assert response.status_code == 404


def test_head_sends_headers_only(tree):
    request = Request.blank("/", method="HEAD")
    response = delivery.serve_file(request, tree, "media/clip.mp4", 1000)
    assert response.status_code == 200 and response.content_length == len(BODY)


def test_body_is_streamed_in_chunks(tree):
    response = delivery.serve_file(Request.blank("/"), tree, "media/clip.mp4", 1000)
    chunks = list(response.app_iter)
    assert len(chunks) == 11 and max(len(chunk) for chunk in chunks) == 1000


def test_open_range_of_a_large_file_is_answered_in_bounded_pieces(storage, monkeypatch):
    monkeypatch.setattr(delivery, "OPEN_RANGE_MAX_BYTES", 1000)
    tree = PackageTree(storage, "scorm", SHA1)
    storage.save(tree.name_of("media/long.mp4"), ContentFile(BODY))
    response, body = get(tree, "media/long.mp4", Range="bytes=5000-")
    assert response.status_code == 206
    assert body == BODY[5000:6000]
    assert response.headers["Content-Range"] == f"bytes 5000-5999/{len(BODY)}"
    closed, _ = get(tree, "media/long.mp4", Range="bytes=5000-9999")  # a closed range is answered as asked
    assert closed.headers["Content-Range"] == f"bytes 5000-9999/{len(BODY)}"


def test_if_none_match_star_gives_304_for_an_existing_file(tree):
    """RFC 9110 13.1.2: `*` matches any current representation."""
    response, body = get(tree, "media/clip.mp4", **{"If-None-Match": "*"})
    assert response.status_code == 304 and body == b""
    missing, _ = get(tree, "media/none.mp4", **{"If-None-Match": "*"})
    assert missing.status_code == 404


def test_if_none_match_wins_over_if_modified_since(tree):
    first, _body = get(tree, "media/clip.mp4")
    response, body = get(tree, "media/clip.mp4", **{"If-None-Match": '"other"',
                                                    "If-Modified-Since": first.headers["Last-Modified"]})
    assert response.status_code == 200 and body == BODY


def test_if_range_with_the_current_etag_gives_206(tree):
    first, _body = get(tree, "media/clip.mp4")
    response, body = get(tree, "media/clip.mp4", Range="bytes=0-9", **{"If-Range": first.headers["ETag"]})
    assert response.status_code == 206 and body == BODY[:10]


@pytest.mark.parametrize("validator", ['"0123456789abcdef"', 'W/"{etag}"', "Mon, 01 Jan 2001 00:00:00 GMT",
                                       "not a date"], ids=["other-etag", "weak-etag", "other-date", "garbage"])
def test_if_range_that_does_not_match_sends_the_whole_file(tree, validator):
    """RFC 9110 13.1.5: a Range with an If-Range that is not the current validator is ignored: 200, whole file."""
    first, _body = get(tree, "media/clip.mp4")
    validator = validator.format(etag=first.headers["ETag"].strip('"'))
    response, body = get(tree, "media/clip.mp4", Range="bytes=0-9", **{"If-Range": validator})
    assert response.status_code == 200 and body == BODY
    assert "Content-Range" not in response.headers


def test_if_range_with_the_last_modified_date_gives_206(tree):
    first, _body = get(tree, "media/clip.mp4")
    response, body = get(tree, "media/clip.mp4", Range="bytes=5-9", **{"If-Range": first.headers["Last-Modified"]})
    assert response.status_code == 206 and body == BODY[5:10]


@pytest.mark.parametrize("since", ["Fri, 01 Jan 2100 00:00:00 GMT", "Thu, 31 Dec 9999 23:59:59 GMT"])
def test_if_modified_since_in_the_future_is_ignored(tree, since):
    """RFC 9110 13.1.3: a date later than the server's current time is invalid, so the file is sent."""
    response, body = get(tree, "media/clip.mp4", **{"If-Modified-Since": since})
    assert response.status_code == 200 and body == BODY


@pytest.mark.parametrize("since", ["x" * 5000, "Mon, 99 Foo 99999999 99:99:99 GMT", "", "0"])
def test_unreadable_if_modified_since_is_ignored(tree, since):
    response, body = get(tree, "media/clip.mp4", **{"If-Modified-Since": since})
    assert response.status_code == 200 and body == BODY


@pytest.mark.parametrize("header", ["bytes=-" + "9" * 5000, "bytes=" + "1" * 5000 + "-", "bytes=0-" + "9" * 19])
def test_range_with_thousands_of_digits_sends_the_whole_file(tree, header):
    """Past Python's limit on digit strings int() raises: such a Range is ignored as malformed."""
    response, body = get(tree, "media/clip.mp4", Range=header)
    assert response.status_code == 200 and body == BODY


def test_a_name_longer_than_the_file_system_holds_is_404(tree):
    response, _body = get(tree, "a" * 300 + ".html")
    assert response.status_code == 404
