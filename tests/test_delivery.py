"""Serving package files: content types, validators, 304, single ranges, 404, HEAD, streaming."""
import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
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


# ---- small files: read whole in one read, with the same validators, ranges and 304 -----------------------------

SMALL = b"var lesson = 1;\n" * 256  # 4,096 bytes: under SMALL_FILE_MAX_BYTES and the default chunk


def get_small(tree, path="js/lesson.js", **headers):
    return get(tree, path, chunk_size=1024 * 1024, **headers)


@pytest.fixture
def small_tree(tree):
    tree.storage.save(tree.name_of("js/lesson.js"), ContentFile(SMALL))
    return tree


def test_a_small_file_is_read_whole_into_one_body(small_tree, monkeypatch):
    reads = []
    real_read = delivery.LocalHandle.read
    monkeypatch.setattr(delivery.LocalHandle, "read", lambda self, size: reads.append(size) or real_read(self, size))
    response, body = get_small(small_tree)
    assert response.status_code == 200 and body == SMALL
    assert reads == [len(SMALL)]
    assert response.app_iter == [SMALL]  # a body, not a generator over the file
    assert response.content_length == len(SMALL)
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"


def test_a_file_over_the_small_limit_is_streamed(small_tree, monkeypatch):
    monkeypatch.setattr(delivery, "SMALL_FILE_MAX_BYTES", 1000)
    response = delivery.serve_file(Request.blank("/"), small_tree, "js/lesson.js", 1024 * 1024)
    assert not isinstance(response.app_iter, list)
    assert b"".join(response.app_iter) == SMALL


def test_a_small_file_larger_than_one_chunk_is_streamed(small_tree):
    response = delivery.serve_file(Request.blank("/"), small_tree, "js/lesson.js", 1000)
    chunks = list(response.app_iter)
    assert len(chunks) == 5 and b"".join(chunks) == SMALL


@pytest.mark.parametrize("header,start,end", [
    ("bytes=0-99", 0, 99),
    ("bytes=4000-", 4000, len(SMALL) - 1),
    ("bytes=-16", len(SMALL) - 16, len(SMALL) - 1),
    ("bytes=100-999999", 100, len(SMALL) - 1),
])
def test_a_range_of_a_small_file_gives_206_with_those_bytes(small_tree, header, start, end):
    response, body = get_small(small_tree, Range=header)
    assert response.status_code == 206 and body == SMALL[start:end + 1]
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/{len(SMALL)}"
    assert response.content_length == end - start + 1


def test_an_unsatisfiable_range_of_a_small_file_gives_416(small_tree):
    response, body = get_small(small_tree, Range="bytes=5000-")
    assert response.status_code == 416 and body == b""
    assert response.headers["Content-Range"] == f"bytes */{len(SMALL)}"


def test_a_small_file_gives_304_for_its_etag_and_its_date(small_tree):
    first, _body = get_small(small_tree)
    by_etag, body = get_small(small_tree, **{"If-None-Match": first.headers["ETag"]})
    assert by_etag.status_code == 304 and body == b""
    assert by_etag.headers["ETag"] == first.headers["ETag"]
    by_date, body = get_small(small_tree, **{"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304 and body == b""
    stale, body = get_small(small_tree, **{"If-None-Match": '"another"'})
    assert stale.status_code == 200 and body == SMALL


def test_a_small_file_keeps_the_validators_of_the_storage_path(small_tree):
    """The direct local read gives the ETag and Last-Modified the storage's own open and get_modified_time give."""
    response, _body = get_small(small_tree)
    name = small_tree.name_of("js/lesson.js")
    modified = small_tree.storage.get_modified_time(name)
    assert response.headers["Last-Modified"] == delivery.format_datetime(delivery.as_utc(modified), usegmt=True)
    assert response.headers["ETag"] == f'"{delivery.entity_tag(SHA1, "js/lesson.js")}"'


def test_head_of_a_small_file_gives_its_length_and_no_body(small_tree):
    response = delivery.serve_file(Request.blank("/", method="HEAD"), small_tree, "js/lesson.js", 1024 * 1024)
    assert response.status_code == 200 and response.content_length == len(SMALL)
    assert b"".join(response.app_iter) == b""


def test_a_folder_of_the_tree_is_not_a_file(small_tree):
    response, _body = get_small(small_tree, path="js")
    assert response.status_code == 404


class OwnOpenStorage(FileSystemStorage):
    """A storage that opens files its own way: serving must go through its open(), not around it."""

    opened = []

    def _open(self, name, mode="rb"):
        self.opened.append(name)
        return super()._open(name, mode)


def test_a_storage_with_its_own_open_is_read_through_it(tmp_path):
    storage = OwnOpenStorage(location=str(tmp_path / "own"))
    tree = PackageTree(storage, "scorm", SHA1)
    storage.save(tree.name_of("js/lesson.js"), ContentFile(SMALL))
    OwnOpenStorage.opened = []
    response, body = get_small(tree, Range="bytes=0-9")
    assert response.status_code == 206 and body == SMALL[:10]
    assert OwnOpenStorage.opened == [tree.name_of("js/lesson.js")]
    first, _ = get_small(tree)
    assert get_small(tree, **{"If-None-Match": first.headers["ETag"]})[0].status_code == 304


def test_a_tree_outside_the_storage_root_is_refused(storage):
    tree = PackageTree(storage, "../elsewhere", SHA1)
    with pytest.raises(SuspiciousFileOperation):
        delivery.serve_file(Request.blank("/"), tree, "index.html", 1024 * 1024)
