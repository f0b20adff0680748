"""The package pipeline on real packages: check, streamed extraction, skipping identical bytes, memory, faults."""
import errno
import hashlib
import io
import itertools
import json
import os
import shutil
import stat
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage

from openedxscorm.errors import ScormError
from openedxscorm.package import (
    Limits,
    PackageError,
    check_package,
    extract_package,
    spool_path,
    spooled_upload,
)
from openedxscorm.trees import PackageTree
from openedxscorm_support.folders import package_zips
from tests.conftest import needs_real_packages
from tests.packages import Sco, fixture_zip, write_package
from tests.test_package_hostile import build_zip, manifest, playable_entries, stored_files

MIB = 1024 * 1024

# Valid manifests whose zips hold nothing else: they parse, but as uploads their launch file is missing.
MANIFEST_ONLY = {
    "MinimalValid_SCORM20043rdEdition.zip",
    "ContentPackagingNoSchemaVersion_SCORM20042ndEdition.zip",
    "AdlAttributes_SCORM20043rdEdition.zip",
}

# invalid/: the outcome chosen for each, with the manifest parser's decisions included.
# A code means refused with it; ("accepted", notice code) means a browser can still play it, with a warning.
INVALID_OUTCOMES = {
    "InvalidFileReferences_SCORM12.zip": "launch_missing",
    "InvalidMissingOrgIdentifier_SCORM20043rdEdition.zip": "launch_missing",
    "ItemWithNonExistentResourceId_SCORM12.zip": ("accepted", "item_resource_unknown"),
    "MalformedXml_SCORM12.zip": "manifest_malformed",
    "MissingLaunchUrl_SCORM12.zip": "resource_href_missing",
    "MissingRequiredFields_SCORM12.zip": "launch_missing",
    "badscorm.zip": "manifest_empty",
    "invalid.zip": "no_manifest",
    "singlescobasic_missingorg.zip": ("accepted", "no_organization"),
}

LIMITS = Limits(workers=4)


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel

    cache.clear()


class CountingStorage(FileSystemStorage):
    """A FileSystemStorage counting saves, and failing the save after `fail_after` of them when asked to."""

    def __init__(self, *args, fail_after=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.saves = 0
        self.fail_after = fail_after

    def save(self, name, content, max_length=None):
        if self.fail_after is not None and self.saves >= self.fail_after:
            raise OSError("storage unavailable")
        self.saves += 1
        return super().save(name, content, max_length)


def extract(zip_path, storage, limits=LIMITS):
    spooled = spool_path(zip_path)
    checked = check_package(spooled, limits)
    tree = PackageTree(storage, "scorm", spooled.sha1)
    extract_package(spooled, checked, tree, limits)
    return checked, tree


def assert_tree_matches_zip(storage, tree, checked, zip_path):
    with zipfile.ZipFile(zip_path) as archive:
        for member in checked.members:
            with storage.open(tree.name_of(member.path)) as stored:
                assert stored.read() == archive.read(member.zip_name), member.path
    expected = {os.path.join(storage.location, tree.name_of(member.path)) for member in checked.members}
    expected.add(os.path.join(storage.location, tree.marker_name))
    assert set(stored_files(storage)) == expected
    assert tree.check_files().whole


@pytest.mark.parametrize("zip_path", package_zips("valid"), ids=lambda path: path.name)
def test_valid_package_is_checked_and_extracted(zip_path, storage):
    if zip_path.name in MANIFEST_ONLY:
        with pytest.raises(PackageError) as caught:
            extract(zip_path, storage)
        assert caught.value.code == "launch_missing"
        assert stored_files(storage) == []
        return
    checked, tree = extract(zip_path, storage)
    assert checked.sha1 == hashlib.sha1(zip_path.read_bytes()).hexdigest()
    assert checked.manifest.launchable_items()
    assert tree.is_complete()
    assert_tree_matches_zip(storage, tree, checked, zip_path)
    marker = json.loads(storage.open(tree.marker_name).read())
    assert marker == {"sha1": checked.sha1, "files": len(checked.members),
                      "bytes": sum(member.size for member in checked.members),
                      "sizes": {member.path: member.size for member in checked.members}}


@needs_real_packages
def test_every_manifest_only_package_is_in_valid():
    assert MANIFEST_ONLY <= {path.name for path in package_zips("valid")}


@pytest.mark.parametrize("zip_path", package_zips("invalid"), ids=lambda path: path.name)
def test_invalid_package_outcome(zip_path, storage):
    outcome = INVALID_OUTCOMES[zip_path.name]
    if isinstance(outcome, tuple):
        checked, tree = extract(zip_path, storage)
        assert outcome[1] in [notice.code for notice in checked.notices]
        assert tree.is_complete()
        return
    with pytest.raises(ScormError) as caught:
        extract(zip_path, storage)
    assert caught.value.code == outcome, caught.value.render()
    assert stored_files(storage) == []


@needs_real_packages
def test_every_invalid_package_has_a_chosen_outcome():
    assert {path.name for path in package_zips("invalid")} == set(INVALID_OUTCOMES)


def test_reextracting_identical_bytes_writes_nothing(tmp_path):
    zip_path = fixture_zip("multi-1.2.zip")
    storage = CountingStorage(location=str(tmp_path / "media"))
    extract(zip_path, storage)
    first_saves = storage.saves
    assert first_saves > 1
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel

    cache.clear()  # cold cache: the marker alone must stop the work
    extract(zip_path, storage)
    extract(zip_path, storage)  # warm cache
    assert storage.saves == first_saves


def test_package_below_a_folder_is_rooted_there(tmp_path, storage):
    entries = [("Course/imsmanifest.xml", manifest()), ("Course/index.html", b"hi"), ("readme.txt", b"x")]
    checked, tree = extract(build_zip(tmp_path / "folder.zip", entries), storage)
    assert checked.root == "Course/"
    assert [member.path for member in checked.members] == ["imsmanifest.xml", "index.html"]
    assert [notice.code for notice in checked.notices] == ["outside_root"]
    assert storage.exists(tree.name_of("index.html"))
    assert not storage.exists(tree.name_of("readme.txt"))


def test_interrupted_extraction_is_not_trusted_and_a_retry_succeeds(tmp_path):
    pages = {f"lesson/page{number}.html": f"<p>page {number}</p>" for number in range(30)}
    zip_path = write_package(tmp_path / "pages.zip", [Sco(href="lesson/index.html", files=pages)])
    location = str(tmp_path / "media")
    failing = CountingStorage(location=location, fail_after=10)
    with pytest.raises(OSError):
        extract(zip_path, failing, Limits(workers=2))
    spooled = spool_path(zip_path)
    tree = PackageTree(failing, "scorm", spooled.sha1)
    assert not failing.exists(tree.marker_name)
    assert not tree.is_complete()
    assert 0 < len(stored_files(failing)) < 20

    healthy = FileSystemStorage(location=location)  # leftovers of the failed attempt are replaced, not renamed
    checked, tree = extract(zip_path, healthy)
    assert tree.is_complete()
    assert_tree_matches_zip(healthy, tree, checked, zip_path)


def test_spooled_upload_hashes_while_streaming_and_removes_its_file(tmp_path):
    payload = os.urandom(3 * MIB + 5)
    with spooled_upload(io.BytesIO(payload), "course.zip", Limits(chunk_size=MIB)) as spooled:
        assert spooled.sha1 == hashlib.sha1(payload).hexdigest()
        assert spooled.size == len(payload)
        assert spooled.filename == "course.zip"
        with open(spooled.path, "rb") as handle:
            assert handle.read() == payload
    assert not os.path.exists(spooled.path)


def test_spooled_upload_uses_a_django_temporary_file_in_place(tmp_path):
    on_disk = tmp_path / "upload.tmp"
    on_disk.write_bytes(b"PK zip bytes")

    class TemporaryUpload(io.BytesIO):
        def temporary_file_path(self):
            return str(on_disk)

    with spooled_upload(TemporaryUpload(), "course.zip", Limits()) as spooled:
        assert spooled.path == str(on_disk)
        assert spooled.sha1 == hashlib.sha1(b"PK zip bytes").hexdigest()
    assert on_disk.exists()  # Django removes its own temporary files


def test_limits_from_settings_take_defaults_for_missing_keys():
    limits = Limits.from_settings({"MAX_MEMBER_COUNT": 12, "EXTRACT_WORKERS": 3})
    assert limits.max_member_count == 12
    assert limits.workers == 3
    assert limits.chunk_size == MIB
    assert limits.max_compression_ratio == 200


def _big_member_zip(path, size):
    """A zip with one member of `size` bytes that compresses only a little (so no ratio limit is hit)."""
    block = os.urandom(MIB // 2) + bytes(MIB // 2)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("imsmanifest.xml", manifest("media/big.bin"))
        with archive.open("media/big.bin", "w", force_zip64=True) as stream:
            for _ in range(size // len(block)):
                stream.write(block)
    return path


def test_peak_memory_does_not_grow_with_the_largest_member(tmp_path, storage):
    zip_path = _big_member_zip(tmp_path / "big.zip", 64 * MIB)
    limits = Limits(chunk_size=MIB, workers=4)
    tracemalloc.start()
    try:
        with open(zip_path, "rb") as upload:
            with spooled_upload(upload, "big.zip", limits) as spooled:
                checked = check_package(spooled, limits)
                tree = PackageTree(storage, "scorm", spooled.sha1)
                extract_package(spooled, checked, tree, limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert tree.is_complete()
    assert os.path.getsize(storage.path(tree.name_of("media/big.bin"))) == 64 * MIB
    assert peak < 16 * MIB, f"peak Python allocations {peak / MIB:.1f} MiB"


def test_extraction_into_s3_storage(tmp_path):
    """The same pipeline on an S3 storage (moto): only the Django storage API is used."""
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    from storages.backends.s3 import S3Storage  # pylint: disable=import-outside-toplevel

    zip_path = fixture_zip("multi-1.2.zip")
    with moto.mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="packages")
        storage = S3Storage(bucket_name="packages", region_name="us-east-1", access_key="test", secret_key="test")
        checked, tree = extract(zip_path, storage)
        assert tree.is_complete()
        with zipfile.ZipFile(zip_path) as archive:
            for member in checked.members:
                with storage.open(tree.name_of(member.path)) as stored:
                    assert stored.read() == archive.read(member.zip_name)
        tree.delete()
        assert storage.listdir(tree.prefix) == ([], [])


def _many_members_zip(path, count):
    """A playable zip of `count` small deflated files spread over a few folders."""
    entries = playable_entries()
    entries += [(f"pages/part{index % 7}/page{index}.html", b"<p>%d</p>" % index * 20)
                for index in range(count - len(entries))]
    return build_zip(path, entries)


def _extraction_peak(zip_path, storage, limits):
    """Peak Python allocations of extract_package alone (the check is done before tracing)."""
    spooled = spool_path(zip_path)
    checked = check_package(spooled, limits)
    tree = PackageTree(storage, "scorm", spooled.sha1)
    assert not tree.is_complete()
    # pathlib interns every part of every path it parses; interned strings belong to the interpreter, not to the
    # extraction, so they are interned (and kept alive) before tracing starts.
    interned = [sys.intern(part) for member in checked.members
                for part in Path(storage.location, tree.name_of(member.path)).parts]
    tracemalloc.start()
    try:
        extract_package(spooled, checked, tree, limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert tree.is_complete() and interned
    return peak


@pytest.mark.parametrize("storage_class", [FileSystemStorage, CountingStorage],
                         ids=["local-files", "storage-api"])
def test_peak_memory_does_not_grow_with_member_count(tmp_path, storage_class):
    """Ten times the members cost at most one more central directory, never a task or a ZipFile per member
    or per worker."""
    limits = Limits(workers=4)
    zips = {count: _many_members_zip(tmp_path / f"{count}.zip", count) for count in (500, 5000)}
    # Untraced warm-up: interpreter-wide tables (interned strings of path parts, grown by Django's name
    # checks) reach their size for 5,000 names before anything is measured, whatever ran in this process before.
    extract(zips[5000], storage_class(location=str(tmp_path / "warm-up")), limits)
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel

    cache.clear()  # the warm-up's tree is remembered as complete: the same bytes must be extracted again
    peaks = {}
    for count, zip_path in zips.items():
        storage = storage_class(location=str(tmp_path / f"media{count}"))
        peaks[count] = _extraction_peak(zip_path, storage, limits)
    growth = peaks[5000] - peaks[500]
    assert growth < 4 * MIB, f"peak grew by {growth / MIB:.1f} MiB from 500 to 5,000 members"


def _count_saves(monkeypatch):
    """Record the name of every Storage.save call (the local fast path must keep seeing the standard save)."""
    from django.core.files.storage import Storage  # pylint: disable=import-outside-toplevel

    saved = []
    standard_save = Storage.save

    def counting_save(self, name, content, max_length=None):
        saved.append(name)
        return standard_save(self, name, content, max_length)

    monkeypatch.setattr(Storage, "save", counting_save)
    return saved


def test_filesystem_storage_is_written_directly_and_only_the_marker_is_saved(tmp_path, storage, monkeypatch):
    saved = _count_saves(monkeypatch)
    zip_path = _many_members_zip(tmp_path / "pages.zip", 60)
    checked, tree = extract(zip_path, storage)
    assert saved == [tree.marker_name]
    assert_tree_matches_zip(storage, tree, checked, zip_path)


def test_a_storage_with_its_own_save_keeps_it(tmp_path):
    zip_path = _many_members_zip(tmp_path / "pages.zip", 60)
    storage = CountingStorage(location=str(tmp_path / "media"))
    checked, tree = extract(zip_path, storage)
    assert storage.saves == len(checked.members) + 1  # every member, then the marker
    assert_tree_matches_zip(storage, tree, checked, zip_path)


def test_filesystem_storage_permission_modes_are_honoured(tmp_path):
    """Files and folders get the storage's modes, as its own save gives them, even modes umask would trim."""
    storage = FileSystemStorage(location=str(tmp_path / "media"), file_permissions_mode=0o664,
                                directory_permissions_mode=0o775)
    checked, tree = extract(_many_members_zip(tmp_path / "pages.zip", 30), storage)
    storage.save("reference/by-save/file.txt", io.BytesIO(b"x"))
    reference_file = stat.S_IMODE(os.stat(storage.path("reference/by-save/file.txt")).st_mode)
    reference_folder = stat.S_IMODE(os.stat(storage.path("reference/by-save")).st_mode)
    assert (reference_file, reference_folder) == (0o664, 0o775)
    root = storage.path(tree.prefix)
    folders = [storage.path("scorm"), root]
    files = []
    for directory, names, file_names in os.walk(root):
        folders.extend(os.path.join(directory, name) for name in names)
        files.extend(os.path.join(directory, name) for name in file_names)
    assert len(files) == len(checked.members)
    assert {stat.S_IMODE(os.stat(path).st_mode) for path in files} == {reference_file}
    assert {stat.S_IMODE(os.stat(path).st_mode) for path in folders} == {reference_folder}


def test_interrupted_direct_extraction_is_not_trusted_and_a_retry_succeeds(tmp_path, storage, monkeypatch):
    """The disk fills up in the middle of a file: no marker, and a retry overwrites the cut-off leftover."""
    zip_path = _many_members_zip(tmp_path / "pages.zip", 200)
    copies = itertools.count()
    standard_copy = shutil.copyfileobj

    def copy_until_disk_full(source, target, length=0):
        if next(copies) < 50:
            return standard_copy(source, target, length)
        target.write(source.read(7))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", copy_until_disk_full)
    with pytest.raises(OSError):
        extract(zip_path, storage)
    monkeypatch.undo()
    spooled = spool_path(zip_path)
    tree = PackageTree(storage, "scorm", spooled.sha1)
    assert not tree.is_complete()
    assert not storage.exists(tree.marker_name)
    leftovers = stored_files(storage)
    assert 50 <= len(leftovers) < 200
    assert any(os.path.getsize(path) == 7 for path in leftovers)

    checked, tree = extract(zip_path, storage)
    assert tree.is_complete()
    assert_tree_matches_zip(storage, tree, checked, zip_path)


@pytest.mark.parametrize("storage_class", [FileSystemStorage, CountingStorage],
                         ids=["local-files", "storage-api"])
def test_one_archive_is_read_by_many_workers_at_once(tmp_path, storage_class):
    """Members of every size and compression, read concurrently from one ZipFile, arrive intact."""
    storage = storage_class(location=str(tmp_path / "media"))
    entries = playable_entries() + [
        (f"media/clip{index}.bin", os.urandom(MIB + index * 4099)) for index in range(6)
    ] + [(f"text/page{index}.html", b"<p>lesson</p>" * (index * 300 + 1)) for index in range(40)]
    zip_path = build_zip(tmp_path / "mixed.zip", entries)
    checked, tree = extract(zip_path, storage, Limits(workers=8, chunk_size=64 * 1024))
    assert_tree_matches_zip(storage, tree, checked, zip_path)
