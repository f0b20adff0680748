"""Serving from S3: one request per asset, ranges answered by S3 (never a full download), the object's own
validators, signed URLs when proxying is off, and a tree rebuilt from the contentstore into S3."""
import hashlib
import os
import shutil
import urllib.request

import pytest
from django.core.cache import cache
from webob import Request

from openedxscorm import delivery, mirror, rehydrate, s3
from openedxscorm.package import Limits, check_package, extract_package, spool_path
from openedxscorm.settings import merged_settings
from openedxscorm.trees import PackageTree
from tests.packages import fixture_zip
from tests.test_package_hostile import build_zip, playable_entries

pytest_plugins = ["openedxscorm_support.fake_platform.plugin"]

MIB = 1024 * 1024
MEDIA = os.urandom(MIB) * 6 + b"tail"  # 6 MiB: a single PUT, large enough that a full read would show


@pytest.fixture
def tree(tmp_path, s3_storage):
    zip_path = build_zip(tmp_path / "p.zip", playable_entries() + [("media/clip.mp4", MEDIA)])
    limits = Limits(workers=2)
    spooled = spool_path(zip_path)
    tree = PackageTree(s3_storage, "scorm", spooled.sha1)
    extract_package(spooled, check_package(spooled, limits), tree, limits)
    return tree


def serve(tree, path, method="GET", **headers):
    request = Request.blank("/", headers=headers, method=method)
    response = delivery.serve_file(request, tree, path, 64 * 1024)
    body = b"".join(response.app_iter) if method == "GET" else b""
    return response, body


def requests_during(storage, action):
    """(result, [(method, url, status)]) of the S3 requests the action sent, recorded by the storage's own
    botocore client (deterministic, unlike reading the server's log while it may still be writing)."""
    events = storage.connection.meta.client.meta.events
    sent = []

    def before_send(request, **_kwargs):
        sent.append([request.method, request.url, None])

    def response_received(response_dict=None, **_kwargs):
        if sent and response_dict is not None:
            sent[-1][2] = response_dict.get("status_code")

    events.register("before-send.s3", before_send)
    events.register("response-received.s3", response_received)
    try:
        result = action()
    finally:
        events.unregister("before-send.s3", before_send)
        events.unregister("response-received.s3", response_received)
    return result, [tuple(entry) for entry in sent]


def test_whole_file_is_one_get_with_the_objects_validators(tree, moto_server, bucket):
    (response, body), sent = requests_during(tree.storage, lambda: serve(tree, "media/clip.mp4"))
    assert response.status_code == 200
    assert body == MEDIA
    assert response.content_length == len(MEDIA)
    assert response.content_type == "video/mp4"
    head = tree.storage.connection.meta.client.head_object(
        Bucket=tree.storage.bucket_name, Key=s3.object_key(tree.storage, tree.name_of("media/clip.mp4")))
    assert response.headers["ETag"] == head["ETag"]
    assert response.headers["Last-Modified"]
    assert [(method, status) for method, _path, status in sent] == [("GET", 200)]


@pytest.mark.parametrize("header,start,end", [
    ("bytes=100-199", 100, 199),
    ("bytes=-4", len(MEDIA) - 4, len(MEDIA) - 1),
    (f"bytes={3 * MIB}-", 3 * MIB, len(MEDIA) - 1),
])
def test_range_is_a_ranged_get(tree, moto_server, bucket, header, start, end):
    (response, body), sent = requests_during(tree.storage,
                                             lambda: serve(tree, "media/clip.mp4", Range=header))
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/{len(MEDIA)}"
    assert body == MEDIA[start:end + 1]
    assert response.content_length == end - start + 1
    assert [(method, status) for method, _path, status in sent] == [("GET", 206)]  # S3 sent only the range


def test_unsatisfiable_range(tree):
    response, _body = serve(tree, "media/clip.mp4", Range=f"bytes={len(MEDIA) + 10}-")
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(MEDIA)}"


def test_matching_etag_gives_304_without_a_body(tree, moto_server, bucket):
    first, _body = serve(tree, "index.html")
    (response, body), sent = requests_during(
        tree.storage, lambda: serve(tree, "index.html", **{"If-None-Match": first.headers["ETag"]}))
    assert response.status_code == 304
    assert body == b""
    assert len(sent) == 1


def test_if_range_sends_the_whole_file_in_one_get(tree, moto_server, bucket):
    """S3 has no If-Range: the object's validators are only known from the answer, so the whole file is sent (RFC
    9110 allows ignoring a Range), never a range of a file that changed."""
    (response, body), sent = requests_during(tree.storage, lambda: serve(
        tree, "media/clip.mp4", Range="bytes=0-9", **{"If-Range": '"not-the-etag"'}))
    assert response.status_code == 200 and body == MEDIA
    assert [(method, status) for method, _path, status in sent] == [("GET", 200)]


def test_if_modified_since_in_the_future_is_not_sent_on(tree, moto_server, bucket):
    (response, body), sent = requests_during(tree.storage, lambda: serve(
        tree, "index.html", **{"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}))
    assert response.status_code == 200 and body
    assert len(sent) == 1


def test_if_none_match_star_gives_304(tree, moto_server, bucket):
    response, body = serve(tree, "index.html", **{"If-None-Match": "*"})
    assert response.status_code == 304 and body == b""


def test_head_sends_no_body_and_one_head(tree, moto_server, bucket):
    (response, _body), sent = requests_during(tree.storage,
                                              lambda: serve(tree, "media/clip.mp4", method="HEAD"))
    assert response.status_code == 200
    assert response.content_length == len(MEDIA)
    assert [method for method, _path, _status in sent] == ["HEAD"]


def test_missing_file_is_404(tree):
    response, _body = serve(tree, "nothing/here.js")
    assert response.status_code == 404


def test_signed_url_serves_the_file_from_the_bucket(tree, moto_server, bucket):
    """PROXY_ASSETS_LMS=False: storage.url() is a pre-signed URL that the store honours."""
    from tests.s3.conftest import make_s3_storage  # pylint: disable=import-outside-toplevel

    url = s3.signed_url(tree.storage, tree.name_of("index.html"), expire=300)
    assert "Signature=" in url and url.startswith(moto_server.endpoint)
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.read() == playable_entries()[1][1]
    unsigned = make_s3_storage(moto_server.endpoint, bucket, querystring_auth=False)
    assert "Signature" not in s3.signed_url(unsigned, tree.name_of("index.html"))


def test_missing_tree_is_rebuilt_from_the_contentstore_into_s3(fake_platform, course_key, tmp_path, s3_storage):
    path = tmp_path / "package.zip"
    shutil.copyfile(fixture_zip("other-1.2.zip"), path)
    sha1 = hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()
    mirror.mirror_zip(course_key, sha1, path)
    tree = PackageTree(s3_storage, "scorm", sha1)
    assert not tree.is_complete()
    status = rehydrate.ensure_tree(tree, course_key, rehydrate.package_extractor(tree, merged_settings({})),
                                   cache=cache, lock_timeout=60, wait_seconds=0.3)
    assert status == rehydrate.READY
    cache.clear()
    assert tree.is_complete()  # the marker is in the bucket, not only in the cache
    response, body = serve(tree, "imsmanifest.xml")
    assert response.status_code == 200 and b"<manifest" in body
