"""Resumable uploads across processes: a worker killed (SIGKILL) in the middle of a piece, and overlapping pieces
of one upload sent at once to workers sharing a real Redis."""
import hashlib
import json
import multiprocessing
import os
import signal
import time

from django.core.files.storage import FileSystemStorage
from webob import Request

from openedxscorm import chunked_upload
from openedxscorm_support.block_runtime import make_block
from openedxscorm_support.rehydrate_load import redis_server
from tests.children import kill_when
from tests.packages import Sco, write_package
from tests.upload_workers import send_in_a_worker

MIB = 1024 * 1024
SLOW_STORAGE = "tests.test_chunked_upload_processes.slow_storage"


class SlowDisk(FileSystemStorage):
    """A media folder that takes its time writing pieces, so that a kill or a second request lands mid-piece."""

    def _save(self, name, content):
        if not name.endswith(".part"):
            return super()._save(name, content)
        os.makedirs(os.path.dirname(self.path(name)), exist_ok=True)
        with open(self.path(name), "wb") as handle:
            for chunk in content.chunks(16 * 1024):
                handle.write(chunk)
                handle.flush()
                time.sleep(0.01)
        return name


def slow_storage(_block):
    from django.conf import settings  # pylint: disable=import-outside-toplevel

    return SlowDisk(location=settings.MEDIA_ROOT)


def big_package(path):
    return write_package(path, [Sco()], files={"media/blob.bin": os.urandom(3 * MIB)})


def start(block, size):
    request = Request.blank("/", method="POST", body=json.dumps({"filename": "big.zip", "size": size}).encode())
    return block.handle("studio_upload_start", request).json["upload_id"]


def send(block, upload_id, data, first, total):
    request = Request.blank("/", POST={"chunk": ("blob", data)},
                            headers={"Content-Range": f"bytes {first}-{first + len(data) - 1}/{total}"})
    return block.handle("studio_upload_chunk", request, upload_id)


def send_rest(block, upload_id, data, first, chunk):
    response = None
    for offset in range(first, len(data), chunk):
        response = send(block, upload_id, data[offset:offset + chunk], offset, len(data))
        assert response.status_code == 200, response.json
    return response


SEND_ONE_PIECE = """
import sys
import django
django.setup()
from tests.test_chunked_upload_processes import make_block, send, SLOW_STORAGE
upload_id, path, first, last, total = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
block = make_block(UPLOAD_CHUNK_SIZE=2 * 1024 * 1024, STORAGE_FUNC=SLOW_STORAGE)
with open(path, "rb") as handle:
    handle.seek(first)
    data = handle.read(last - first + 1)
print(send(block, upload_id, data, first, total).status_code)
"""


def test_worker_killed_mid_piece_then_the_upload_resumes(tmp_path, settings, storage):
    zip_path = big_package(tmp_path / "big.zip")
    data = zip_path.read_bytes()
    block = make_block(UPLOAD_CHUNK_SIZE=MIB, STORAGE_FUNC=SLOW_STORAGE)
    upload_id = start(block, len(data))
    assert send(block, upload_id, data[:MIB], 0, len(data)).status_code == 200
    piece = os.path.join(settings.MEDIA_ROOT, "scorm", "partial-uploads", upload_id,
                         f"{MIB:015d}-{2 * MIB - 1:015d}.part")
    returncode = kill_when(SEND_ONE_PIECE, [upload_id, zip_path, MIB, 2 * MIB - 1, len(data)], settings.MEDIA_ROOT,
                           lambda: os.path.exists(piece) and os.path.getsize(piece) > 100 * 1024,
                           "started writing its piece")
    assert returncode == -signal.SIGKILL
    assert 0 < os.path.getsize(piece) < MIB, "killed mid-piece: a short piece under its full-range name"
    status = block.handle("studio_upload_status", Request.blank("/"), upload_id).json
    assert status["received"] == MIB, "the short piece is not counted"
    assert send_rest(block, upload_id, data, MIB, MIB).json["state"] == "done"
    assert block.package_sha1 == hashlib.sha1(data, usedforsecurity=False).hexdigest()
    assert block.package_tree().check_files().whole


ROUNDS = 4


def test_overlapping_pieces_sent_at_once_to_two_workers(tmp_path, settings, storage):
    zip_path = big_package(tmp_path / "big.zip")
    data = zip_path.read_bytes()
    block = make_block(UPLOAD_CHUNK_SIZE=2 * MIB, STORAGE_FUNC=SLOW_STORAGE)
    upload_ids = [start(block, len(data)) for _ in range(ROUNDS)]
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    with redis_server() as redis_url:
        workers = [context.Process(target=send_in_a_worker, args=(
            redis_url, settings.MEDIA_ROOT, str(zip_path), [(upload_id, 0, last) for upload_id in upload_ids],
            barrier, results)) for last in (MIB - 1, 2 * MIB - 1)]
        for worker in workers:
            worker.start()
        statuses = [results.get(timeout=120) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
    assert [worker.exitcode for worker in workers] == [0, 0]
    for round_statuses in zip(*statuses, strict=True):
        assert sorted(round_statuses) == [200, 409], "one piece taken, the other told where the upload stands"
    expected = hashlib.sha1(data, usedforsecurity=False).hexdigest()
    for upload_id in upload_ids:
        partial = chunked_upload.PartialUpload(block.package_tree().storage, "scorm", upload_id)
        received = partial.received()
        assert received in (MIB, 2 * MIB)
        assert send_rest(block, upload_id, data, received, 2 * MIB).json["state"] == "done"
        assert block.package_sha1 == expected
