"""Extraction into S3 (django-storages' S3Storage on a moto server): one request per file, large members in parts
with bounded memory, the marker last, concurrent writes."""
import hashlib
import os
import tracemalloc
import zipfile

import pytest

from openedxscorm import s3
from openedxscorm.package import Limits, check_package, extract_package, spool_path
from openedxscorm.settings import merged_settings
from openedxscorm.trees import PackageTree
from openedxscorm.upload import receive_package
from openedxscorm_support.folders import package_zips
from tests.packages import fixture_zip
from tests.test_package import extract
from tests.test_package_hostile import build_zip, manifest, playable_entries

MIB = 1024 * 1024
REAL_PACKAGES = [path for path in package_zips("valid") if zipfile.ZipFile(path).namelist() != ["imsmanifest.xml"]]
# The project's own, so that a checkout without the real packages still extracts non-ASCII names and a large member.
OWN_PACKAGES = [fixture_zip("nested-café-1.2.zip"), fixture_zip("media-1.2.zip")]


def stored_bytes(storage, name):
    with storage.open(name, "rb") as stored:
        return stored.read()


@pytest.mark.parametrize("zip_path", OWN_PACKAGES + REAL_PACKAGES, ids=lambda path: path.name)
def test_package_is_extracted_byte_for_byte(zip_path, s3_storage):
    checked, tree = extract(zip_path, s3_storage)
    assert tree.is_complete()
    with zipfile.ZipFile(zip_path) as archive:
        expected = {s3.object_key(s3_storage, tree.name_of(member.path)):
                    hashlib.md5(archive.read(member.zip_name), usedforsecurity=False).hexdigest()
                    for member in checked.members}
    # One listing: a single-part object's ETag is the MD5 of its bytes.
    client = s3_storage.connection.meta.client
    listed = client.list_objects_v2(Bucket=s3_storage.bucket_name, Prefix=tree.prefix + "/")["Contents"]
    stored = {entry["Key"]: entry["ETag"].strip('"') for entry in listed}
    assert stored == expected
    assert s3_storage.exists(tree.marker_name)  # beside the tree, not in it
    assert tree.check_files().whole  # sizes listed from the bucket match the marker's


def test_at_most_one_request_per_file_and_no_listing_or_head_per_file(tmp_path, moto_server, bucket):
    """Even with AWS_S3_FILE_OVERWRITE off (where S3Storage.save sends a HEAD per file), each file is one PUT."""
    from tests.s3.conftest import make_s3_storage  # pylint: disable=import-outside-toplevel

    storage = make_s3_storage(moto_server.endpoint, bucket, file_overwrite=False)
    entries = playable_entries() + [(f"pages/p{index % 9}/page{index}.html", b"<p>%d</p>" % index * 50)
                                    for index in range(298)]
    zip_path = build_zip(tmp_path / "many.zip", entries)
    before = len(moto_server.settled_requests(bucket))
    checked, tree = extract(zip_path, storage)
    sent = moto_server.settled_requests(bucket)[before:]
    methods = [method for method, _path, _status in sent]
    assert len(checked.members) == 300
    assert methods.count("PUT") == 301  # every file, then the marker
    assert methods.count("GET") == 0  # no LIST
    assert methods.count("HEAD") <= 1  # the marker, once, before extracting
    assert len(sent) / len(checked.members) <= 1.05
    marker_key = s3.object_key(storage, tree.marker_name)
    assert sent[-1][0] == "PUT" and sent[-1][1].endswith(marker_key.rsplit("/", 1)[-1]), "marker written last"


@pytest.mark.parametrize("workers", [1, 8])
def test_upload_of_a_many_file_package_is_one_put_per_file_plus_zip_and_marker(moto_server, bucket, s3_storage,
                                                                                workers):
    """receive_package: the zip is kept beside the tree by a worker while others write members; the only requests
    besides one PUT per member are the zip's PUT, the marker's HEAD (identical bytes skip extraction) and its PUT,
    last."""
    zip_path = fixture_zip("many-files-1.2.zip")
    settings = merged_settings({"EXTRACT_WORKERS": workers})
    before = len(moto_server.settled_requests(bucket))
    with open(zip_path, "rb") as handle:
        received = receive_package(handle, zip_path.name, s3_storage, settings)
    sent = moto_server.settled_requests(bucket)[before:]
    tree = PackageTree(s3_storage, settings["LOCATION"], received.sha1)
    files = len(zipfile.ZipFile(zip_path).namelist())
    zip_key = s3.object_key(s3_storage, tree.zip_name)
    marker_key = s3.object_key(s3_storage, tree.marker_name)
    assert [method for method, _path, _status in sent].count("PUT") == files + 2
    assert [(method, path) for method, path, _status in sent if method != "PUT"] == [("HEAD", "/" + marker_key)]
    assert sum(1 for _method, path, _status in sent if path == "/" + zip_key) == 1
    assert sent[-1][:2] == ("PUT", "/" + marker_key), "marker written last"
    assert (len(sent)) / files <= 1.05
    assert stored_bytes(s3_storage, tree.zip_name) == zip_path.read_bytes()


def test_large_member_goes_in_parts_with_bounded_memory(tmp_path, moto_server, bucket, s3_storage):
    size = 64 * MIB + 12345
    zip_path = tmp_path / "big.zip"
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("imsmanifest.xml", manifest("index.html"))
        archive.writestr("index.html", b"<html></html>")
        with archive.open("media/big.bin", "w", force_zip64=True) as stream:
            block = os.urandom(MIB)
            for _ in range(64):
                stream.write(block)
            stream.write(block[:12345])
    limits = Limits(workers=2, part_size=8 * MIB)
    spooled = spool_path(zip_path)
    checked = check_package(spooled, limits)
    tree = PackageTree(s3_storage, "scorm", spooled.sha1)
    before = len(moto_server.settled_requests(bucket))
    tracemalloc.start()
    try:
        extract_package(spooled, checked, tree, limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    sent = moto_server.settled_requests(bucket)[before:]
    part_uploads = [path for method, path, _status in sent if method == "PUT" and "partNumber=" in path]
    assert len(part_uploads) == 9  # 64 MiB + a bit in parts of 8 MiB
    assert any(method == "POST" and "uploads" in path for method, path, _status in sent)
    # At most one part (plus the bytes in flight) per worker; a whole-member read would be 64 MiB.
    assert peak < limits.workers * limits.part_size + 8 * MIB, f"peak {peak / MIB:.1f} MiB"
    assert s3_storage.size(tree.name_of("media/big.bin")) == size
    with s3_storage.open(tree.name_of("media/big.bin"), "rb") as stored:
        stored.seek(64 * MIB)
        assert stored.read() == block[:12345]
    assert tree.is_complete()


def test_failed_member_write_leaves_no_marker(tmp_path, s3_storage, monkeypatch):
    zip_path = build_zip(tmp_path / "p.zip", playable_entries() + [(f"f{index}.txt", b"x") for index in range(20)])
    calls = []
    original = s3.S3Writer.put_stream

    def failing(self, name, stream, size):
        calls.append(name)
        if len(calls) == 10:
            raise OSError("network down")
        return original(self, name, stream, size)

    monkeypatch.setattr(s3.S3Writer, "put_stream", failing)
    with pytest.raises(OSError):
        extract(zip_path, s3_storage)
    spooled = spool_path(zip_path)
    tree = PackageTree(s3_storage, "scorm", spooled.sha1)
    assert not tree.is_complete()
    monkeypatch.setattr(s3.S3Writer, "put_stream", original)
    _checked, tree = extract(zip_path, s3_storage)  # the retry overwrites what is there
    assert tree.is_complete()


def test_tree_deletion_removes_every_object(tmp_path, s3_storage):
    zip_path = build_zip(tmp_path / "p.zip", playable_entries() + [("a/b/c.txt", b"c"), ("a/d.txt", b"d")])
    _checked, tree = extract(zip_path, s3_storage)
    tree.delete()
    assert s3_storage.listdir(tree.prefix) == ([], [])
    assert not tree.is_complete()


def test_gzip_storage_keeps_its_own_save(tmp_path, moto_server, bucket):
    """A storage that compresses what it saves is not bypassed: its objects stay readable through it."""
    from tests.s3.conftest import make_s3_storage  # pylint: disable=import-outside-toplevel

    storage = make_s3_storage(moto_server.endpoint, bucket, gzip=True)
    assert not s3.writes_directly(storage)
    zip_path = build_zip(tmp_path / "p.zip", playable_entries() + [("style.css", b"body{}" * 100)])
    _checked, tree = extract(zip_path, storage)
    assert stored_bytes(storage, tree.name_of("style.css")) == b"body{}" * 100


def test_local_storage_is_not_taken_for_s3(storage):
    assert not s3.is_s3_storage(storage)
    assert not s3.writes_directly(storage)
