"""The package pipeline on real packages: check, streamed extraction, skipping identical bytes, memory, faults."""
import hashlib
import io
import json
import os
import tracemalloc
import zipfile

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
from tests.conftest import package_zips
from tests.test_package_hostile import build_zip, manifest, stored_files

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
                      "bytes": sum(member.size for member in checked.members)}


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


def test_every_invalid_package_has_a_chosen_outcome():
    assert {path.name for path in package_zips("invalid")} == set(INVALID_OUTCOMES)


def test_reextracting_identical_bytes_writes_nothing(tmp_path):
    zip_path = next(path for path in package_zips("valid") if path.name not in MANIFEST_ONLY)
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
    zip_path = next(path for path in package_zips("valid") if path.name == "RuntimeMinimumCalls_SCORM12.zip")
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

    zip_path = next(path for path in package_zips("valid") if path.name == "MultipleItemsWithIdentifierRef_SCORM12.zip")
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
