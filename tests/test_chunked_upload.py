"""Resumable uploads in pieces: order, Content-Range checks, resume, cleanup of stale uploads, permission, and the
package taken once the last piece arrives (on local storage and on S3)."""
import errno
import hashlib
import json
import os
import time

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from webob import Request

from openedxscorm import chunked_upload
from openedxscorm.settings import merged_settings
from openedxscorm_support.block_runtime import make_block
from tests.packages import fixture_zip

PACKAGE = fixture_zip("media-1.2.zip")
CHUNK = 64 * 1024


@pytest.fixture
def block(storage):  # noqa: ARG001  (storage points MEDIA_ROOT at a folder of this test)
    return make_block(UPLOAD_CHUNK_SIZE=CHUNK)


def start(block, size, filename="package.zip"):
    request = Request.blank("/", method="POST", body=json.dumps({"filename": filename, "size": size}).encode())
    return block.handle("studio_upload_start", request)


def send(block, upload_id, data, start_byte, total, content_range=None):
    end = start_byte + len(data) - 1
    request = Request.blank("/", POST={"chunk": ("blob", data)},
                            headers={"Content-Range": content_range or f"bytes {start_byte}-{end}/{total}"})
    return block.handle("studio_upload_chunk", request, upload_id)


def status(block, upload_id):
    return block.handle("studio_upload_status", Request.blank("/"), upload_id)


def upload_all(block, data, upload_id, first=0):
    response = None
    for offset in range(first, len(data), CHUNK):
        response = send(block, upload_id, data[offset:offset + CHUNK], offset, len(data))
        assert response.status_code == 200, response.json
    return response


def test_pieces_in_order_give_the_package(block):
    data = PACKAGE.read_bytes()
    assert len(data) > 3 * CHUNK
    upload_id = start(block, len(data), PACKAGE.name).json["upload_id"]
    response = upload_all(block, data, upload_id)
    assert response.json["state"] == "done"
    assert block.package_filename == PACKAGE.name
    assert block.package_tree().is_complete()
    assert status(block, upload_id).json["state"] == "done"
    partial = chunked_upload.PartialUpload(block.package_tree().storage, "scorm", upload_id)
    assert partial.pieces() == []  # the pieces are deleted once the package is taken


def test_out_of_order_piece_is_refused_with_the_received_count(block):
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data)).json["upload_id"]
    assert send(block, upload_id, data[:CHUNK], 0, len(data)).status_code == 200
    skipped = send(block, upload_id, data[2 * CHUNK:3 * CHUNK], 2 * CHUNK, len(data))
    assert skipped.status_code == 409
    assert skipped.json["received"] == CHUNK
    assert status(block, upload_id).json["received"] == CHUNK


def test_resume_after_a_dropped_connection_goes_on_from_the_received_count(block):
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data)).json["upload_id"]
    for offset in (0, CHUNK):
        assert send(block, upload_id, data[offset:offset + CHUNK], offset, len(data)).status_code == 200
    # the connection drops: the browser asks how much arrived, then goes on from there
    received = status(block, upload_id).json["received"]
    assert received == 2 * CHUNK
    response = upload_all(block, data, upload_id, first=received)
    assert response.json["state"] == "done"
    assert block.package_tree().is_complete()


def test_answer_of_the_last_piece_lost_the_status_still_says_done(block):
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data)).json["upload_id"]
    upload_all(block, data, upload_id)
    assert status(block, upload_id).json["state"] == "done"
    last = (len(data) - 1) // CHUNK * CHUNK
    assert send(block, upload_id, data[last:], last, len(data)).status_code == 404  # the pieces are gone


@pytest.mark.parametrize("header", [
    "bytes 0-9/999999",  # total differs from the announced size
    "bytes 5-2/{size}",
    "items 0-9/{size}",
    "bytes 0-{size}/{size}",  # past the end
    "",
])
def test_content_range_is_validated(block, header):
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data)).json["upload_id"]
    if header:
        response = send(block, upload_id, data[:10], 0, len(data), content_range=header.format(size=len(data)))
    else:  # no header at all
        response = block.handle("studio_upload_chunk", Request.blank("/", POST={"chunk": ("blob", data[:10])}),
                                upload_id)
    assert response.status_code == 400
    assert response.json["code"] == "bad_content_range"
    assert status(block, upload_id).json["received"] == 0


def test_range_length_must_match_the_body(block):
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data)).json["upload_id"]
    response = send(block, upload_id, data[:10], 0, len(data), content_range=f"bytes 0-19/{len(data)}")
    assert response.status_code == 400


def test_piece_larger_than_the_chunk_size_is_refused(block):
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data)).json["upload_id"]
    response = send(block, upload_id, data[:CHUNK + 1], 0, len(data))
    assert response.status_code == 413
    assert response.json["code"] == "chunk_too_large"


def test_size_above_the_package_limit_is_refused_up_front(storage):  # noqa: ARG001
    block = make_block(MAX_PACKAGE_SIZE=1000)
    response = start(block, 1001)
    assert response.status_code == 413


def test_unknown_or_foreign_upload_is_refused(block):
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data)).json["upload_id"]
    other = make_block(runtime=block.runtime, usage_name="other")
    assert send(other, upload_id, data[:CHUNK], 0, len(data)).status_code == 404
    assert send(block, "f" * 32, data[:CHUNK], 0, len(data)).status_code == 404
    assert send(block, "../../etc", data[:CHUNK], 0, len(data)).status_code == 404


def test_refused_package_reports_failure_and_keeps_the_old_one(block):
    data = b"this is not a zip" * 10000
    upload_id = start(block, len(data)).json["upload_id"]
    last = None
    for offset in range(0, len(data), CHUNK):
        last = send(block, upload_id, data[offset:offset + CHUNK], offset, len(data))
    assert last.status_code == 400
    assert last.json["state"] == "failed" and last.json["code"] == "not_a_zip"
    assert status(block, upload_id).json["state"] == "failed"
    assert block.package_sha1 == ""


def test_stale_uploads_are_removed_after_the_timeout(storage):
    settings = merged_settings({"PARTIAL_UPLOAD_TIMEOUT": 3600})
    stale = chunked_upload.start_upload(storage, "scorm", "block-a", "a.zip", 100, settings)
    partial = chunked_upload.PartialUpload(storage, "scorm", stale)
    from django.core.files.base import ContentFile  # pylint: disable=import-outside-toplevel

    chunked_upload.accept_piece(partial, partial.read_meta(), "bytes 0-9/100", ContentFile(b"x" * 10), 10, settings)
    assert chunked_upload.remove_stale_uploads(storage, "scorm", 3600) == 0
    assert chunked_upload.remove_stale_uploads(storage, "scorm", 3600, now=time.time() + 3601) == 1
    with pytest.raises(chunked_upload.UploadError):
        partial.read_meta()
    # a new upload sweeps the stale ones on its way in
    old = chunked_upload.start_upload(storage, "scorm", "block-a", "a.zip", 100, settings)
    chunked_upload.start_upload(storage, "scorm", "block-b", "b.zip", 100, settings, now=time.time() + 7200)
    assert chunked_upload.PartialUpload(storage, "scorm", old).pieces() == []
    with pytest.raises(chunked_upload.UploadError):
        chunked_upload.PartialUpload(storage, "scorm", old).read_meta()


@pytest.mark.parametrize("handler", ["studio_upload_start", "studio_upload_chunk", "studio_upload_status"])
def test_upload_handlers_are_refused_in_the_lms(settings, block, handler):
    settings.ROOT_URLCONF = "lms.urls"
    response = block.handle(handler, Request.blank("/", method="POST", body=b"{}"), "0" * 32)
    assert response.status_code == 403
    assert response.json["code"] == "authoring_outside_studio"



class FullDisk(FileSystemStorage):
    """A media folder that fills up in the middle of a piece: part of it is written, then ENOSPC."""

    full = True
    delete_fails = False

    def _save(self, name, content):
        if self.full and name.endswith(".part"):
            with open(self.path(name), "wb") as handle:
                handle.write(content.read(1000))
            raise OSError(errno.ENOSPC, "No space left on device")
        return super()._save(name, content)

    def delete(self, name):
        if self.delete_fails and name.endswith(".part") and self.exists(name):  # the leftover stays
            raise OSError(errno.EIO, "Input/output error")
        return super().delete(name)


@pytest.mark.parametrize("delete_fails", [False, True], ids=["leftover-deleted", "leftover-kept"])
def test_storage_failure_mid_piece_answers_503_and_records_nothing(storage, delete_fails):
    full_disk = FullDisk(location=storage.location)
    full_disk.delete_fails = delete_fails
    block = make_block(UPLOAD_CHUNK_SIZE=CHUNK, STORAGE_FUNC=lambda _block: full_disk)
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data), PACKAGE.name).json["upload_id"]
    response = send(block, upload_id, data[:CHUNK], 0, len(data))
    assert response.status_code == 503 and response.json["code"] == "storage_unavailable"
    assert status(block, upload_id).json["received"] == 0  # the cut-short piece is not counted
    partial = chunked_upload.PartialUpload(full_disk, "scorm", upload_id)
    assert full_disk.exists(partial.name_of(f"{0:015d}-{CHUNK - 1:015d}.part")) == delete_fails
    full_disk.full = full_disk.delete_fails = False  # room again: the upload resumes where the status says
    assert upload_all(block, data, upload_id).json["state"] == "done"
    assert block.package_sha1 == hashlib.sha1(data, usedforsecurity=False).hexdigest()


def test_a_piece_cut_short_in_storage_is_not_counted_and_is_replaced(block):
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data)).json["upload_id"]
    assert send(block, upload_id, data[:CHUNK], 0, len(data)).status_code == 200
    partial = chunked_upload.PartialUpload(block.package_tree().storage, "scorm", upload_id)
    name = partial.name_of(f"{CHUNK:015d}-{2 * CHUNK - 1:015d}.part")
    partial.storage.save(name, ContentFile(data[CHUNK:CHUNK + 520]))  # what a killed worker leaves
    assert status(block, upload_id).json["received"] == CHUNK
    assert upload_all(block, data, upload_id, first=CHUNK).json["state"] == "done"
    assert block.package_sha1 == hashlib.sha1(data, usedforsecurity=False).hexdigest()


class LyingSizes(FileSystemStorage):
    """A storage whose sizes do not tell what it reads back (here: pieces read back one byte short)."""

    def open(self, name, mode="rb"):
        handle = super().open(name, mode)
        if name.endswith(".part"):
            return ContentFile(handle.read()[:-1])
        return handle


def test_joined_length_must_be_the_declared_size_before_any_check(storage):
    lying = LyingSizes(location=storage.location)
    block = make_block(UPLOAD_CHUNK_SIZE=CHUNK, STORAGE_FUNC=lambda _block: lying)
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data)).json["upload_id"]
    response = None
    for offset in range(0, len(data), CHUNK):
        response = send(block, upload_id, data[offset:offset + CHUNK], offset, len(data))
    assert response.status_code == 400 and response.json["code"] == "size_mismatch"
    assert block.package_sha1 == ""
    assert not os.path.exists(os.path.join(storage.location, "scorm")) or not any(
        name.endswith(".complete") for name in os.listdir(os.path.join(storage.location, "scorm")))


def test_a_piece_waits_for_the_upload_lock_then_is_told_where_to_go_on(block, monkeypatch):
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data)).json["upload_id"]
    assert send(block, upload_id, data[:CHUNK], 0, len(data)).status_code == 200
    monkeypatch.setattr(chunked_upload, "LOCK_WAIT_SECONDS", 0.2)
    other = chunked_upload.UploadLock(upload_id)
    assert other.acquire()  # another worker is storing a piece of this upload
    response = send(block, upload_id, data[CHUNK:2 * CHUNK], CHUNK, len(data))
    assert response.status_code == 409 and response.json["code"] == "upload_busy"
    assert response.json["received"] == CHUNK
    assert status(block, upload_id).json["received"] == CHUNK
    other.release()
    assert send(block, upload_id, data[CHUNK:2 * CHUNK], CHUNK, len(data)).status_code == 200


def test_the_last_piece_again_while_the_first_is_prepared_is_answered_503(block, monkeypatch):
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data)).json["upload_id"]
    monkeypatch.setattr(chunked_upload, "LOCK_WAIT_SECONDS", 0.2)
    lock = chunked_upload.UploadLock(upload_id)
    assert lock.acquire()
    cache.set(chunked_upload._state_key(upload_id), {"state": "processing"})  # pylint: disable=protected-access
    response = send(block, upload_id, data[:CHUNK], 0, len(data))
    assert response.status_code == 503 and response.json["state"] == "processing"


def test_a_lock_is_released_only_by_its_holder():
    first, second = chunked_upload.UploadLock("a" * 32), chunked_upload.UploadLock("a" * 32)
    assert first.acquire(wait_seconds=0)
    assert not second.acquire(wait_seconds=0)
    second.release()
    assert not second.acquire(wait_seconds=0)
    first.release()
    assert second.acquire(wait_seconds=0)
    second.release()


@pytest.mark.parametrize("header", ["bytes 0-9/" + "9" * 5000, "bytes " + "1" * 5000 + "-2/10",
                                    "bytes 0-" + "9" * 5000 + "/10"])
def test_content_range_with_thousands_of_digits_is_a_400(block, header):
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data)).json["upload_id"]
    response = send(block, upload_id, data[:10], 0, len(data), content_range=header)
    assert response.status_code == 400 and response.json["code"] == "bad_content_range"


@pytest.mark.parametrize("body", [b'{"size": 1e310}', b'{"size": 12.5}', b'{"size": "12"}', b'{"size": true}',
                                  b"[" * 100000, b"not json"])
def test_a_size_that_is_not_a_whole_number_of_bytes_is_refused(block, storage, body):
    """1e310 is infinity once parsed: int() of it raised OverflowError, a 500 the HTTP fuzz found."""
    response = block.handle("studio_upload_start", Request.blank("/", method="POST", body=body))
    assert response.status_code == 400
    assert not storage.exists("scorm/partial-uploads") or not storage.listdir("scorm/partial-uploads")[0]


def test_a_multipart_body_to_upload_start_is_refused_before_it_is_read(block):
    request = Request.blank("/", method="POST", body=b"\x00", content_type="multipart/form-data; boundary=xyz")
    assert block.handle("studio_upload_start", request).status_code == 400
