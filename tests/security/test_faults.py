"""Faults during an upload: storage failing mid-extraction, the contentstore failing or hanging, two authors
uploading at once, the process killed mid-extraction. Nothing half-done is ever trusted, and nothing is lost."""
import errno
import hashlib
import json
import os
import signal
import threading
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from webob import Request
from xblock.field_data import DictFieldData

from openedxscorm import upload as upload_module
from openedxscorm.trees import IN_TREE_MARKER_NAME, PackageTree
from openedxscorm.upload import receive_package
from openedxscorm_support.block_runtime import make_block
from tests.children import kill_when
from tests.packages import fixture_zip

from .helpers import assert_previous_package_plays, snapshot, submit, upload_playing_package

pytest_plugins = ["openedxscorm_support.fake_platform.plugin"]

OTHER_PACKAGE = "many-files-1.2.zip"
SECOND_PACKAGE = "sequenced-2004.zip"


def sha1_of(path):
    return hashlib.sha1(path.read_bytes()).hexdigest()


def assert_tree_matches_zip(storage, zip_path, location="scorm"):
    """The tree of this zip is complete and every member's bytes are there, exactly."""
    tree = PackageTree(storage, location, sha1_of(zip_path))
    assert storage.exists(tree.marker_name)
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            if info.is_dir() or info.filename.startswith("__MACOSX/"):
                continue
            with storage.open(tree.name_of(info.filename), "rb") as handle:
                assert handle.read() == archive.read(info), info.filename


class FailingStorage(FileSystemStorage):
    """A FileSystemStorage whose saves start failing after ``saves_left`` more, like a disk or bucket going away."""

    saves_left = None

    def _save(self, name, content):
        if self.saves_left is not None:
            if self.saves_left <= 0:
                raise OSError(28, "No space left on device")
            self.saves_left -= 1
        return super()._save(name, content)


def submit_expecting_a_server_error(block, zip_path):
    """The storage error is answered with a 503 and a message saying the previous package still plays."""
    response = submit(block, zip_path)
    assert response.status_code == 503, response.status_code
    assert response.json["code"] == "storage_unavailable"
    assert "previous package still plays" in response.json["error"]


def test_storage_failing_mid_extraction(settings):
    failing = FailingStorage(location=settings.MEDIA_ROOT)
    block = make_block(STORAGE_FUNC=lambda _block: failing)
    upload_playing_package(block)
    before = snapshot(block)
    zip_path = fixture_zip(OTHER_PACKAGE)
    new_tree = PackageTree(failing, "scorm", sha1_of(zip_path))

    failing.saves_left = 4  # the zip beside the tree and a few members, then the disk is full
    submit_expecting_a_server_error(block, zip_path)
    assert not failing.exists(new_tree.marker_name)
    assert not new_tree.is_complete()
    assert_previous_package_plays(block, before)

    failing.saves_left = None  # the storage is back: the same upload now completes the tree
    response = submit(block, zip_path)
    assert response.status_code == 200, response.text
    assert block.package_sha1 == new_tree.sha1
    assert_tree_matches_zip(failing, zip_path)


@pytest.mark.parametrize("failure", [ConnectionError("contentstore unreachable"), TimeoutError("timed out")])
def test_contentstore_failing_or_timing_out_during_upload(storage, fake_platform, failure):
    def fail(*_args, **_kwargs):
        raise failure

    for method in ("save", "find", "delete", "get_all_content_for_course"):
        setattr(fake_platform.contentstore, method, fail)
    block = make_block(CONTENTSTORE_SYNC_ENABLED=True)
    zip_path = fixture_zip(OTHER_PACKAGE)
    response = submit(block, zip_path)
    assert response.status_code == 200, response.text
    assert response.json["notices"], "the author is told the mirror copy failed"
    assert block.package_sha1 == sha1_of(zip_path)
    assert_tree_matches_zip(storage, zip_path)


class TransactionalFieldData(DictFieldData):
    """Saves of one request land together, as the platform writes a block's fields in one transaction."""

    def __init__(self, data):
        super().__init__(data)
        self.lock = threading.Lock()

    def set_many(self, block, update_dict):
        with self.lock:
            super().set_many(block, update_dict)


def upload_at_once(zip_paths):
    """One author per zip, each with their own runtime on the same block's stored fields, all starting together."""
    field_data = TransactionalFieldData({})
    blocks = [make_block(field_data=field_data) for _ in zip_paths]
    start = threading.Barrier(len(zip_paths))
    responses = [None] * len(zip_paths)

    def author(index):
        start.wait()
        responses[index] = submit(blocks[index], zip_paths[index])

    threads = [threading.Thread(target=author, args=(index,)) for index in range(len(zip_paths))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses, make_block(field_data=field_data)


@pytest.mark.parametrize("round_number", range(2))
def test_two_authors_upload_different_packages_to_one_block_at_once(storage, round_number):  # noqa: ARG001
    zip_paths = [fixture_zip(OTHER_PACKAGE), fixture_zip(SECOND_PACKAGE)]
    responses, block = upload_at_once(zip_paths)
    assert [response.status_code for response in responses] == [200, 200]
    winner = next(path for path in zip_paths if sha1_of(path) == block.package_sha1)
    assert block.package_filename == winner.name
    expected = next(response.json["package"] for response in responses if response.json["package"]["sha1"] ==
                    block.package_sha1)
    assert (block.scorm_version, block.package_title) == (expected["version"], expected["title"])
    assert block.launch_items() and all(
        storage.exists(f"scorm/{block.package_sha1}/{item.launch_path}") for item in block.launch_items())
    for path in zip_paths:  # the loser's tree is whole too: a learner may still be playing it
        assert_tree_matches_zip(storage, path)


def test_two_authors_upload_the_same_package_to_one_block_at_once(storage):
    zip_path = fixture_zip(SECOND_PACKAGE)
    responses, block = upload_at_once([zip_path, zip_path])
    assert [response.status_code for response in responses] == [200, 200]
    assert block.package_sha1 == sha1_of(zip_path)
    assert_tree_matches_zip(storage, zip_path)
    tree_files = [name for _root, _folders, names in os.walk(os.path.join(storage.location, "scorm"))
                  for name in names]
    with zipfile.ZipFile(zip_path) as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
    assert len(tree_files) == len(members) + 2  # each member once, the marker, the zip: no "_abc123" copies


EXTRACT_IN_A_CHILD = """
import sys, time
import django
django.setup()
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from openedxscorm import upload as upload_module
from openedxscorm.upload import receive_package

class SlowStorage(FileSystemStorage):
    def _save(self, name, content):
        time.sleep(0.01)
        return super()._save(name, content)

with open(sys.argv[1], "rb") as handle:
    receive_package(handle, "big.zip", SlowStorage(location=settings.MEDIA_ROOT),
                    {"LOCATION": "scorm", "EXTRACT_WORKERS": 2})
print("extracted")
"""


def big_zip(path, members=400, member_size=32 * 1024, first=()):
    """A stored (uncompressed) package of many members; `first` are (name, bytes) entries put before all others."""
    from .helpers import build_zip, index_html, manifest_bytes  # pylint: disable=import-outside-toplevel

    entries = [*first, ("imsmanifest.xml", manifest_bytes()), ("index.html", index_html())]
    entries += [(f"media/{number:04d}.bin", os.urandom(member_size)) for number in range(members)]
    return build_zip(path, entries, compression=zipfile.ZIP_STORED)


def count_files(folder):
    return sum(len(names) for _root, _folders, names in os.walk(folder))


def test_process_killed_mid_extraction_then_the_upload_is_retried(tmp_path, settings, storage):
    zip_path = big_zip(tmp_path / "big.zip")
    tree_folder = os.path.join(settings.MEDIA_ROOT, "scorm", sha1_of(zip_path))
    returncode = kill_when(EXTRACT_IN_A_CHILD, [zip_path], settings.MEDIA_ROOT,
                           lambda: count_files(tree_folder) >= 40, "started extracting", tmp_dir=tmp_path)
    assert returncode == -signal.SIGKILL
    written = count_files(tree_folder)
    assert 40 <= written < 402, "killed mid-extraction"
    assert not os.path.exists(tree_folder + ".complete")
    assert not PackageTree(storage, "scorm", sha1_of(zip_path)).is_complete()

    with open(zip_path, "rb") as handle:
        received = receive_package(handle, "big.zip", storage, {"LOCATION": "scorm", "EXTRACT_WORKERS": 2})
    assert received.sha1 == sha1_of(zip_path)
    assert_tree_matches_zip(storage, zip_path)
    assert count_files(tree_folder) == 402  # every member once; the marker is beside the tree


def test_process_killed_while_storing_the_zip_then_the_upload_is_retried(tmp_path, storage):
    zip_path = big_zip(tmp_path / "big.zip", members=20)
    tree = PackageTree(storage, "scorm", sha1_of(zip_path))
    storage.save(tree.zip_name, ContentFile(zip_path.read_bytes()[:1000]))  # what a kill mid-write leaves
    with open(zip_path, "rb") as handle:
        receive_package(handle, "big.zip", storage, {"LOCATION": "scorm"})
    with storage.open(tree.zip_name, "rb") as handle:
        assert handle.read() == zip_path.read_bytes()


def another_file_system(source, target):
    raise OSError(errno.EXDEV, "Invalid cross-device link", source, None, target)


def test_the_zip_kept_beside_its_tree_is_a_second_name_of_the_spooled_zip_on_one_file_system(
        tmp_path, storage, monkeypatch):
    """No bytes are copied to keep the zip when the spool and the storage share a file system."""
    zip_path = big_zip(tmp_path / "big.zip", members=5)
    linked = []
    real_link = upload_module.os.link

    def link(source, target):
        real_link(source, target)
        linked.append(os.stat(target).st_nlink)

    monkeypatch.setattr(upload_module.os, "link", link)
    with open(zip_path, "rb") as handle:
        receive_package(handle, "big.zip", storage, {"LOCATION": "scorm"})
    tree = PackageTree(storage, "scorm", sha1_of(zip_path))
    assert linked == [2]  # the spooled zip and the kept one, until the spool is removed
    assert os.stat(storage.path(tree.zip_name)).st_nlink == 1
    assert oct(os.stat(storage.path(tree.zip_name)).st_mode & 0o777) == oct(storage.file_permissions_mode or 0o644)
    with storage.open(tree.zip_name, "rb") as handle:
        assert handle.read() == zip_path.read_bytes()


def test_a_zip_being_stored_is_never_seen_nor_deleted_by_another_upload_of_the_same_bytes(
        tmp_path, storage, monkeypatch):
    """The first upload is held half-way through storing the zip beside its tree; meanwhile a second upload of
    the same bytes runs to its end. Neither fails, the zip is never seen cut short, and no temporary file stays.
    """
    zip_path = big_zip(tmp_path / "big.zip", members=20)
    tree = PackageTree(storage, "scorm", sha1_of(zip_path))
    half_written, go_on = threading.Event(), threading.Event()
    seen_sizes = []
    real_copy = upload_module.shutil.copyfileobj

    def copy_held_half_way(source, target, length=0):
        if not str(getattr(target, "name", "")).endswith(".part") or half_written.is_set():
            return real_copy(source, target, length)
        target.write(source.read(os.path.getsize(zip_path) // 2))
        target.flush()
        half_written.set()
        assert go_on.wait(60)
        return real_copy(source, target, length)

    monkeypatch.setattr(upload_module.shutil, "copyfileobj", copy_held_half_way)
    monkeypatch.setattr(upload_module.os, "link", another_file_system)
    failures = []

    def first_upload():
        try:
            with open(zip_path, "rb") as handle:
                receive_package(handle, "big.zip", storage, {"LOCATION": "scorm", "EXTRACT_WORKERS": 1})
        except Exception as error:  # noqa: BLE001  # reported below, in the test's thread
            failures.append(error)

    first = threading.Thread(target=first_upload)
    first.start()
    assert half_written.wait(60)
    if storage.exists(tree.zip_name):
        seen_sizes.append(storage.size(tree.zip_name))
    with open(zip_path, "rb") as handle:
        receive_package(handle, "big.zip", storage, {"LOCATION": "scorm", "EXTRACT_WORKERS": 1})
    seen_sizes.append(storage.size(tree.zip_name))
    go_on.set()
    first.join(60)
    assert not failures
    assert set(seen_sizes) == {os.path.getsize(zip_path)}
    with storage.open(tree.zip_name, "rb") as handle:
        assert handle.read() == zip_path.read_bytes()
    assert [name for name in os.listdir(storage.path("scorm")) if name.endswith(".part")] == []


def test_extracting_the_same_bytes_again_never_shows_a_learner_a_shorter_file(tmp_path, storage, monkeypatch):
    """A second extraction of a tree another one has completed (two authors, one package) rewrites each member:
    held half-way through a member, the file a learner reads is still whole; a longer leftover is cut."""
    zip_path = big_zip(tmp_path / "big.zip", members=3, member_size=256 * 1024)
    with open(zip_path, "rb") as handle:
        receive_package(handle, "big.zip", storage, {"LOCATION": "scorm"})
    tree = PackageTree(storage, "scorm", sha1_of(zip_path))
    member = tree.name_of("media/0001.bin")
    with zipfile.ZipFile(zip_path) as archive:
        expected = archive.read("media/0001.bin")
    with storage.open(tree.name_of("media/0002.bin"), "ab") as leftover:
        leftover.write(b"left by an interrupted attempt")
    tree.unmark()  # as the second extraction found it, before the first one marked it
    half_written, go_on = threading.Event(), threading.Event()
    real_copy = upload_module.shutil.copyfileobj

    def copy_held_half_way(source, target, length=0):
        if half_written.is_set() or os.readlink(f"/proc/self/fd/{target.fileno()}") != storage.path(member):
            return real_copy(source, target, length)
        target.write(source.read(len(expected) // 2))
        target.flush()
        half_written.set()
        assert go_on.wait(60)
        return real_copy(source, target, length)

    monkeypatch.setattr(upload_module.shutil, "copyfileobj", copy_held_half_way)
    second = threading.Thread(target=lambda: receive_package(open(zip_path, "rb"), "big.zip", storage,
                                                            {"LOCATION": "scorm", "EXTRACT_WORKERS": 1}))
    second.start()
    assert half_written.wait(60)
    with storage.open(member, "rb") as handle:
        seen = handle.read()
    go_on.set()
    second.join(60)
    assert seen == expected
    assert_tree_matches_zip(storage, zip_path)
    assert storage.size(tree.name_of("media/0002.bin")) == 256 * 1024


def test_a_failed_zip_store_leaves_no_temporary_file(tmp_path, storage, monkeypatch):
    zip_path = big_zip(tmp_path / "big.zip", members=5)

    real_copy = upload_module.shutil.copyfileobj

    def disk_full(source, target, length=0):
        if str(getattr(target, "name", "")).endswith(".part"):  # the zip; the tree's members are written
            target.write(source.read(1000))
            raise OSError(28, "No space left on device")
        return real_copy(source, target, length)

    monkeypatch.setattr(upload_module.shutil, "copyfileobj", disk_full)
    monkeypatch.setattr(upload_module.os, "link", another_file_system)
    with open(zip_path, "rb") as handle, pytest.raises(OSError):
        receive_package(handle, "big.zip", storage, {"LOCATION": "scorm", "EXTRACT_WORKERS": 1})
    tree = PackageTree(storage, "scorm", sha1_of(zip_path))
    assert not storage.exists(tree.zip_name) and not storage.exists(tree.marker_name)
    assert [name for name in os.listdir(storage.path("scorm")) if name.endswith(".part")] == []


def test_killed_extraction_of_a_package_holding_a_forged_marker(tmp_path, settings, storage):
    """An extracted tree zipped again holds the marker earlier versions wrote inside the tree. Its extraction is
    killed after that member is written: after a restart the block still plays its previous package, the half
    tree is not trusted (the same bytes uploaded again are extracted, not taken as done), and the retry is whole.
    """
    field_data = DictFieldData({})
    block = make_block(field_data=field_data)
    upload_playing_package(block)
    before = snapshot(block)
    forged = json.dumps({"sha1": before["package_sha1"], "files": 402, "bytes": 402 * 32 * 1024}).encode()
    zip_path = big_zip(tmp_path / "rezipped.zip", first=[(IN_TREE_MARKER_NAME, forged)])
    tree = PackageTree(storage, "scorm", sha1_of(zip_path))
    forged_member = storage.path(tree.in_tree_marker_name)
    returncode = kill_when(EXTRACT_IN_A_CHILD, [zip_path], settings.MEDIA_ROOT,
                           lambda: os.path.exists(forged_member) and count_files(storage.path(tree.prefix)) >= 40,
                           "wrote the forged marker", tmp_dir=tmp_path)
    assert returncode == -signal.SIGKILL
    assert count_files(storage.path(tree.prefix)) < 403, "killed mid-extraction"

    cache.clear()  # a restart: nothing remembered
    restarted = make_block(field_data=field_data)
    assert_previous_package_plays(restarted, before)
    assert not tree.is_complete()
    assert restarted.handle("package_status", Request.blank("/")).json["state"] == "ready"  # the previous one

    other_block = make_block(usage_name="other", field_data=DictFieldData({}))
    response = submit(other_block, zip_path)
    assert response.status_code == 200, response.text
    assert other_block.package_sha1 == tree.sha1
    assert_tree_matches_zip(storage, zip_path)
    assert tree.check_files().whole and tree.check_files().files == 403
    assert storage.open(tree.in_tree_marker_name).read() == forged  # stored as any other file, harmless
    assert_previous_package_plays(make_block(field_data=field_data), before)
