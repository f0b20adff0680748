"""Hostile packages, each built here and named after its attack: refused with a specific code, nothing stored."""
import io
import os
import stat
import zipfile

import pytest

from openedxscorm.errors import ScormError
from openedxscorm.package import Limits, PackageError, check_package, extract_package, spool_path
from openedxscorm.trees import PackageTree

MIB = 1024 * 1024

MANIFEST_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="hostile" version="1"
          xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>Hostile</title>
      <item identifier="item" identifierref="res"><title>Only item</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res" type="webcontent" adlcp:scormtype="sco" href="{href}">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""


def manifest(href="index.html"):
    return MANIFEST_TEMPLATE.format(href=href).encode("utf-8")


def build_zip(path, entries, compression=zipfile.ZIP_DEFLATED):
    """Write a zip of entries: (name, bytes) pairs, or ZipInfo-ready (name, bytes, adjust) triples."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for entry in entries:
            name, data, *adjust = entry
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            for change in adjust:
                change(info)
            archive.writestr(info, data)
    return path


def playable_entries():
    return [("imsmanifest.xml", manifest()), ("index.html", b"<html><body>hi</body></html>")]


def upload(zip_path, storage, limits=None):
    """Spool, check and extract as the upload handler does; returns the tree."""
    limits = limits or Limits(workers=2)
    spooled = spool_path(zip_path)
    checked = check_package(spooled, limits)
    tree = PackageTree(storage, "scorm", spooled.sha1)
    extract_package(spooled, checked, tree, limits)
    return tree


def stored_files(storage):
    found = []
    for directory, _, names in os.walk(storage.location):
        found.extend(os.path.join(directory, name) for name in names)
    return found


def assert_refused(zip_path, storage, code, limits=None):
    with pytest.raises(ScormError) as caught:
        upload(zip_path, storage, limits)
    assert caught.value.code == code, caught.value.render()
    assert stored_files(storage) == []
    return caught.value


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel

    cache.clear()


def with_raw_name(raw_name):
    """An adjustment giving the member a name ZipInfo would otherwise clean (a NUL byte, for one)."""
    def change(info):
        info.filename = raw_name
        info.orig_filename = raw_name
    return change


@pytest.mark.parametrize("name", [
    "../evil.html",
    "a/../../evil.html",
    "/etc/evil.html",
    "C:\\evil.html",
    "C:/evil.html",
    "..\\evil.html",
    "a\\..\\..\\evil.html",
    "%2e%2e/evil.html",
    "%252e%252e/evil.html",
    "a%2f..%2f..%2fevil.html",
])
def test_zip_slip(tmp_path, storage, name):
    path = build_zip(tmp_path / "slip.zip", playable_entries() + [(name, b"owned")])
    error = assert_refused(path, storage, "unsafe_path")
    assert error.params["path"] == name


def test_zip_slip_with_nul_byte(tmp_path, storage):
    path = build_zip(tmp_path / "nul.zip", playable_entries() + [("x", b"owned", with_raw_name("evil.html\x00.png"))])
    assert_refused(path, storage, "unsafe_path")


def test_symlink_member(tmp_path, storage):
    def as_symlink(info):
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = build_zip(tmp_path / "link.zip", playable_entries() + [("passwd", b"/etc/passwd", as_symlink)])
    assert_refused(path, storage, "symlink")


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_duplicate_member_names(tmp_path, storage):
    path = build_zip(tmp_path / "dup.zip", playable_entries() + [("index.html", b"<script>second</script>")])
    assert_refused(path, storage, "duplicate_member")


def test_duplicate_member_names_after_normalisation(tmp_path, storage):
    path = build_zip(tmp_path / "dup.zip", playable_entries() + [("./index.html", b"<script>second</script>")])
    assert_refused(path, storage, "duplicate_member")


def test_file_and_folder_with_one_name(tmp_path, storage):
    path = build_zip(tmp_path / "clash.zip", playable_entries() + [("index.html/x.js", b"x")])
    assert_refused(path, storage, "path_conflict")


def test_bomb_by_total_size(tmp_path, storage):
    entries = playable_entries() + [(f"media/{number}.bin", os.urandom(300 * 1024)) for number in range(4)]
    path = build_zip(tmp_path / "big.zip", entries, compression=zipfile.ZIP_STORED)
    assert_refused(path, storage, "uncompressed_too_large", Limits(max_uncompressed_size=1 * MIB))


def test_bomb_by_member_ratio(tmp_path, storage):
    path = build_zip(tmp_path / "ratio.zip", playable_entries() + [("zeros.bin", bytes(20 * MIB))])
    error = assert_refused(path, storage, "ratio_too_high")
    assert error.params["path"] == "zeros.bin"


def test_bomb_by_whole_package_ratio(tmp_path, storage):
    """Members each under the 1 MiB per-member threshold, compressing a thousand times together."""
    entries = playable_entries() + [(f"z/{number}.bin", bytes(1000 * 1024)) for number in range(8)]
    path = build_zip(tmp_path / "ratio-total.zip", entries)
    assert_refused(path, storage, "package_ratio_too_high")


def test_bomb_by_entry_count(tmp_path, storage):
    entries = playable_entries() + [(f"f/{number}.txt", b"") for number in range(60)]
    path = build_zip(tmp_path / "count.zip", entries)
    assert_refused(path, storage, "too_many_members", Limits(max_member_count=50))


def test_nested_zip_only(tmp_path, storage):
    inner = build_zip(tmp_path / "inner.zip", playable_entries())
    path = build_zip(tmp_path / "outer.zip", [("course.zip", inner.read_bytes()), ("__MACOSX/._course.zip", b"")])
    error = assert_refused(path, storage, "nested_zip")
    assert "course.zip" in error.render()


def test_truncated_archive(tmp_path, storage):
    whole = build_zip(tmp_path / "whole.zip", playable_entries() + [("media.bin", os.urandom(64 * 1024))])
    path = tmp_path / "truncated.zip"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert_refused(path, storage, "truncated")


def test_corrupt_local_header(tmp_path, storage):
    data = bytearray(build_zip(tmp_path / "whole.zip", playable_entries()).read_bytes())
    second_header = data.index(b"PK\x03\x04", 4)
    data[second_header:second_header + 4] = b"XX\x03\x04"
    path = tmp_path / "corrupt.zip"
    path.write_bytes(bytes(data))
    assert_refused(path, storage, "corrupt")


def test_overlapping_members(tmp_path, storage):
    """Two central directory entries pointing at the same data: the core of non-recursive zip bombs."""
    data = bytearray(build_zip(tmp_path / "whole.zip", [("imsmanifest.xml", manifest()), ("index.html", b"a" * 50)])
                     .read_bytes())
    central = data.index(b"PK\x01\x02")
    second_entry = data.index(b"PK\x01\x02", central + 4)
    data[second_entry + 42:second_entry + 46] = (0).to_bytes(4, "little")  # its data now starts at the first
    path = tmp_path / "overlap.zip"
    path.write_bytes(bytes(data))
    assert_refused(path, storage, "corrupt")


def test_corrupt_member_data_found_while_extracting_leaves_nothing(tmp_path, storage):
    """A CRC mismatch is only seen while streaming: the partial tree is removed and no marker is written."""
    body = os.urandom(256 * 1024)
    data = bytearray(build_zip(tmp_path / "whole.zip", playable_entries() + [("media.bin", body)],
                               compression=zipfile.ZIP_STORED).read_bytes())
    at = data.index(body[:64])
    data[at + 1000] ^= 0xFF
    path = tmp_path / "crc.zip"
    path.write_bytes(bytes(data))
    error = assert_refused(path, storage, "corrupt")
    assert error.params["path"] == "media.bin"


def test_non_zip_named_zip(tmp_path, storage):
    path = tmp_path / "course.zip"
    path.write_bytes(b"<html>this is a web page, not a zip</html>" * 10)
    error = assert_refused(path, storage, "not_a_zip")
    assert "course.zip" in error.render()


def test_empty_file_named_zip(tmp_path, storage):
    path = tmp_path / "empty.zip"
    path.write_bytes(b"")
    assert_refused(path, storage, "not_a_zip")


def test_encrypted_member(tmp_path, storage):
    """zipfile cannot write encrypted members, so the 'encrypted' flag is set in both headers by hand."""
    path = build_zip(tmp_path / "secret.zip", playable_entries() + [("secret.html", b"x" * 100)])
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo("secret.html").header_offset
        central_records = archive.start_dir
    data = bytearray(path.read_bytes())
    data[local + 6] |= 0x1
    central = data.index(b"PK\x01\x02" + bytes(0), central_records)
    for _ in range(2):  # secret.html is the third record
        central = data.index(b"PK\x01\x02", central + 4)
    data[central + 8] |= 0x1
    path.write_bytes(bytes(data))
    assert_refused(path, storage, "encrypted")


def test_manifest_missing(tmp_path, storage):
    path = build_zip(tmp_path / "nomanifest.zip", [("index.html", b"hi")])
    assert_refused(path, storage, "no_manifest")


def test_manifest_with_wrong_case(tmp_path, storage):
    path = build_zip(tmp_path / "case.zip", [("IMSManifest.xml", manifest()), ("index.html", b"hi")])
    assert_refused(path, storage, "manifest_wrong_case")


def test_manifest_only_nested_leaves_launch_file_outside(tmp_path, storage):
    """The shallowest manifest is the root; files beside the folder are not part of the package."""
    path = build_zip(tmp_path / "nested.zip", [("course/imsmanifest.xml", manifest()), ("index.html", b"hi")])
    assert_refused(path, storage, "launch_missing")


def test_two_manifests_at_same_depth(tmp_path, storage):
    entries = [("a/imsmanifest.xml", manifest()), ("a/index.html", b"hi"),
               ("b/imsmanifest.xml", manifest()), ("b/index.html", b"hi")]
    path = build_zip(tmp_path / "two.zip", entries)
    assert_refused(path, storage, "ambiguous_manifest")


def test_manifest_too_large(tmp_path, storage):
    padded = manifest().replace(b"<metadata>", b"<!--" + b"x" * 4096 + b"--><metadata>")
    path = build_zip(tmp_path / "huge.zip", [("imsmanifest.xml", padded), ("index.html", b"hi")])
    assert_refused(path, storage, "manifest_too_large", Limits(max_manifest_size=2048))


def test_manifest_malformed(tmp_path, storage):
    path = build_zip(tmp_path / "malformed.zip", [("imsmanifest.xml", manifest()[:-20]), ("index.html", b"hi")])
    assert_refused(path, storage, "manifest_malformed")


def test_manifest_external_entity(tmp_path, storage):
    xxe = manifest().replace(
        b"<manifest ", b'<!DOCTYPE manifest [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<manifest ', 1)
    xxe = xxe.replace(b"<title>Hostile</title>", b"<title>&xxe;</title>")
    path = build_zip(tmp_path / "xxe.zip", [("imsmanifest.xml", xxe), ("index.html", b"hi")])
    with pytest.raises(ScormError) as caught:
        upload(path, storage)
    assert caught.value.code in ("manifest_entities_forbidden", "manifest_external_reference_forbidden")
    assert stored_files(storage) == []


def test_manifest_billion_laughs(tmp_path, storage):
    entities = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    laughs = manifest().replace(
        b"<manifest ", f'<!DOCTYPE manifest [<!ENTITY l0 "lol">{entities}]>\n<manifest '.encode(), 1)
    laughs = laughs.replace(b"<title>Hostile</title>", b"<title>&l9;</title>")
    path = build_zip(tmp_path / "laughs.zip", [("imsmanifest.xml", laughs), ("index.html", b"hi")])
    assert_refused(path, storage, "manifest_entities_forbidden")


@pytest.mark.parametrize("href,code", [
    ("../../outside.html", "launch_outside_package"),
    ("javascript:alert(1)", "launch_outside_package"),
    ("missing.html", "launch_missing"),
])
def test_launch_url_outside_or_missing(tmp_path, storage, href, code):
    path = build_zip(tmp_path / "launch.zip", [("imsmanifest.xml", manifest(href)), ("index.html", b"hi")])
    assert_refused(path, storage, code)


def test_refusal_is_a_package_error_with_a_rendered_message(tmp_path):
    path = build_zip(tmp_path / "slip.zip", playable_entries() + [("../x", b"")])
    with pytest.raises(PackageError) as caught:
        check_package(spool_path(path), Limits())
    assert "../x" in caught.value.render()
    assert caught.value.to_dict()["code"] == "unsafe_path"
    assert caught.value.to_dict()["params"] == {"path": "../x"}


def test_oversized_upload_stops_streaming_early():
    from openedxscorm.package import spooled_upload  # pylint: disable=import-outside-toplevel

    class Endless(io.RawIOBase):
        read_bytes = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            self.read_bytes += len(buffer)
            buffer[:] = bytes(len(buffer))
            return len(buffer)

    source = Endless()
    limits = Limits(max_package_size=3 * MIB, chunk_size=MIB)
    with pytest.raises(PackageError) as caught:
        with spooled_upload(io.BufferedReader(source, MIB), "endless.zip", limits):
            pass
    assert caught.value.code == "too_large"
    assert source.read_bytes <= 5 * MIB
