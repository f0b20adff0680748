"""Extraction progress as the author sees it: studio_upload_status while the last piece's request extracts the
package, and package_status while a tree is being prepared."""
import json

from webob import Request

from openedxscorm import rehydrate
from openedxscorm.package import extract
from openedxscorm.trees import PackageTree
from openedxscorm_support.block_runtime import make_block
from tests.test_chunked_upload import CHUNK, PACKAGE, send, start, status


def test_upload_status_shows_extraction_progress_until_done(storage, monkeypatch):  # noqa: ARG001
    monkeypatch.setattr(extract, "PROGRESS_INTERVAL", 0)
    block = make_block(UPLOAD_CHUNK_SIZE=CHUNK, EXTRACT_WORKERS=2)
    data = PACKAGE.read_bytes()
    upload_id = start(block, len(data), PACKAGE.name).json["upload_id"]
    seen = []
    record_progress = PackageTree.record_progress

    def record_and_ask(tree, progress):
        record_progress(tree, progress)
        seen.append(status(block, upload_id).json)  # what a browser polling another worker is told meanwhile

    monkeypatch.setattr(PackageTree, "record_progress", record_and_ask)
    for offset in range(0, len(data), CHUNK):
        response = send(block, upload_id, data[offset:offset + CHUNK], offset, len(data))
    assert response.json["state"] == "done"

    assert seen and all(answer["state"] == "processing" for answer in seen)
    total = seen[0]["files_total"]
    assert total > 1 and seen[0]["files_done"] == 0
    assert [answer["files_done"] for answer in seen] == sorted(answer["files_done"] for answer in seen)
    assert seen[-1]["files_done"] == total and seen[-1]["bytes_done"] == seen[0]["bytes_total"] > 0
    assert all(answer["received"] == answer["size"] == len(data) for answer in seen)
    assert status(block, upload_id).json["state"] == "done"


def test_package_status_gives_the_recorded_progress_while_preparing(storage, monkeypatch):  # noqa: ARG001
    block = make_block()
    block.package_sha1 = "a" * 40
    snapshot = {"files_done": 3, "files_total": 10, "bytes_done": 300, "bytes_total": 1000}
    block.package_tree().record_progress(snapshot)
    monkeypatch.setattr(type(block), "tree_status", lambda self, settings: rehydrate.PREPARING)
    answer = json.loads(block.handle("package_status", Request.blank("/")).body)
    assert answer["state"] == "preparing"
    assert answer["progress"] == snapshot

    monkeypatch.setattr(type(block), "tree_status", lambda self, settings: rehydrate.READY)
    answer = json.loads(block.handle("package_status", Request.blank("/")).body)
    assert answer == {"state": "ready", "message": "", "progress": None}
