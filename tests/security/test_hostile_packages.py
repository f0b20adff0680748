"""Hostile packages uploaded through the block's own Studio handler: each is refused with its specific code,
nothing new reaches storage, and the block keeps playing the package it had.

Cases checked at the package level only (plain zip slip, symlinks, bombs, XXE...) are in tests/test_package_hostile.py;
these are the variants it does not cover, and the proof that a refusal leaves the block as it was.
"""
import base64
import os

import pytest
from webob import Request

from openedxscorm_support.block_runtime import make_block

from .helpers import (
    assert_previous_package_plays,
    build_zip,
    index_html,
    manifest_bytes,
    manifest_text,
    playable_zip,
    snapshot,
    stored_files,
    submit,
    upload_playing_package,
)

MIB = 1024 * 1024
DEFAULT_MAX_MANIFEST_SIZE = 8 * MIB


@pytest.fixture
def playing_block(storage):  # noqa: ARG001  (storage points MEDIA_ROOT at a folder of this test)
    block = make_block()
    upload_playing_package(block)
    return block


def assert_refused_and_still_playing(block, storage, zip_path, code):
    before, files_before = snapshot(block), stored_files(storage)
    response = submit(block, zip_path, display_name="Must not change")
    assert response.status_code == 400, response.text
    assert response.json["code"] == code, response.json
    assert response.json["error"]
    assert stored_files(storage) == files_before
    assert_previous_package_plays(block, before)
    return response.json


@pytest.mark.parametrize("name", [
    "%2e%2e%2fevil.html",
    "%2E%2E/evil.html",
    "..%2fevil.html",
    "..%5cevil.html",
    "%2e%2e%5cevil.html",
    "%252e%252e%252fevil.html",
    "a/%2e%2e/%2e%2e/evil.html",
    "%2fetc%2fevil.html",
    "c%3a/evil.html",
    ".. /evil.html",
    "%2e%2e%00/evil.html",
    "\\\\server\\share\\evil.html",
])
def test_zip_slip_with_encoded_traversal(tmp_path, storage, playing_block, name):
    zip_path = build_zip(tmp_path / "slip.zip", [("imsmanifest.xml", manifest_bytes()), ("index.html", index_html()),
                                                 (name, b"owned")])
    refusal = assert_refused_and_still_playing(playing_block, storage, zip_path, "unsafe_path")
    assert name in refusal["error"]


@pytest.mark.parametrize("name", [
    "\uff0e\uff0e/evil.html",  # fullwidth full stops
    "\u2024\u2024/evil.html",  # one dot leaders
    "%c0%ae%c0%ae/evil.html",  # overlong UTF-8 dots, which no decoder here turns into '.'
    "..\u2215evil.html",  # a division slash, not a separator
])
def test_zip_slip_with_unicode_lookalike_dots_stays_inside_the_tree(tmp_path, storage, playing_block, name):
    """Look-alikes of '..' are ordinary names on a posix storage: accepted, and written inside the new tree only."""
    zip_path = build_zip(tmp_path / "lookalike.zip", [("imsmanifest.xml", manifest_bytes()),
                                                      ("index.html", index_html()), (name, b"inside")])
    files_before = stored_files(storage)
    response = submit(playing_block, zip_path)
    assert response.status_code == 200, response.text
    new_files = stored_files(storage) - files_before
    prefix = f"scorm/{playing_block.package_sha1}"
    assert new_files and all(path in (f"{prefix}.zip", f"{prefix}.complete") or path.startswith(prefix + "/")
                             for path in new_files)
    assert f"{prefix}/{name}" in new_files


def test_manifest_only_inside_an_inner_zip(tmp_path, storage, playing_block):
    inner = playable_zip(tmp_path / "inner.zip")
    zip_path = build_zip(tmp_path / "outer.zip", [("course/inner.zip", inner.read_bytes()), ("readme.txt", b"hi")])
    assert_refused_and_still_playing(playing_block, storage, zip_path, "no_manifest")


def test_manifest_only_nested_below_its_launch_file(tmp_path, storage, playing_block):
    """The only manifest sits two folders down; the launch file it names is above it, outside the package root."""
    zip_path = build_zip(tmp_path / "nested.zip", [("a/b/imsmanifest.xml", manifest_bytes()),
                                                   ("a/index.html", index_html())])
    assert_refused_and_still_playing(playing_block, storage, zip_path, "launch_missing")


@pytest.mark.parametrize("label,data,code", [
    ("latin-1 bytes declared UTF-8",
     manifest_text(title="Fran\u00e7ais \u00e9t\u00e9").encode("latin-1"), "manifest_bad_encoding"),
    ("lone UTF-16 surrogate in UTF-8",
     manifest_bytes().replace(b"Generated", b"Gen\xed\xa0\x80erated"), "manifest_bad_encoding"),
    ("unknown encoding label",
     manifest_text(encoding="x-klingon").encode("utf-8"), "manifest_unknown_encoding"),
])
def test_manifest_in_wrong_encoding(tmp_path, storage, playing_block, label, data, code):  # noqa: ARG001
    zip_path = build_zip(tmp_path / "encoding.zip", [("imsmanifest.xml", data), ("index.html", index_html())])
    assert_refused_and_still_playing(playing_block, storage, zip_path, code)


def test_huge_manifest_beyond_the_default_limit(tmp_path, storage, playing_block):
    """A manifest padded past the default 8 MiB with incompressible text, so no ratio check catches it first."""
    padding = base64.b64encode(os.urandom(DEFAULT_MAX_MANIFEST_SIZE * 3 // 4 + 1024))
    data = manifest_bytes().replace(b"<metadata>", b"<!--" + padding + b"--><metadata>", 1)
    assert len(data) > DEFAULT_MAX_MANIFEST_SIZE
    zip_path = build_zip(tmp_path / "huge.zip", [("imsmanifest.xml", data), ("index.html", index_html())])
    refusal = assert_refused_and_still_playing(playing_block, storage, zip_path, "manifest_too_large")
    assert "8.0 MiB" in refusal["error"]


def test_manifest_nested_deeper_than_the_parser_allows(tmp_path, storage, playing_block):
    depth = 5000
    deep = b"<x>" * depth + b"</x>" * depth
    data = manifest_bytes().replace(b"<metadata>", deep + b"<metadata>", 1)
    zip_path = build_zip(tmp_path / "deep.zip", [("imsmanifest.xml", data), ("index.html", index_html())])
    assert_refused_and_still_playing(playing_block, storage, zip_path, "manifest_too_deep")


OUTSIDE = "launch_outside_package"


@pytest.mark.parametrize("href,code", [
    ("javascript:alert(1)", OUTSIDE),
    ("JaVaScRiPt:alert(1)", OUTSIDE),
    (" javascript:alert(1)", OUTSIDE),
    ("java\tscript:alert(1)", "launch_url_invalid"),  # browsers drop the tab and would run it
    ("javascript%3Aalert(1)", OUTSIDE),
    ("vbscript:msgbox(1)", OUTSIDE),
    ("data:text/html,<script>window.__pwned=1</script>", OUTSIDE),
    ("//evil.example/index.html", OUTSIDE),
    ("https://evil.example/index.html", OUTSIDE),
    ("file:///etc/passwd", OUTSIDE),
    ("%2e%2e/index.html", OUTSIDE),
    ("\\\\evil.example\\share\\index.html", OUTSIDE),
])
def test_launch_url_to_a_script_scheme_or_outside_the_package(tmp_path, storage, playing_block, href, code):
    zip_path = build_zip(tmp_path / "launch.zip", [("imsmanifest.xml", manifest_bytes(href=href)),
                                                   ("index.html", index_html())])
    assert_refused_and_still_playing(playing_block, storage, zip_path, code)


def test_launch_url_with_a_script_scheme_in_its_query_stays_a_package_file(tmp_path, storage, playing_block):
    """'javascript:' in the query string is data for the SCO, not a scheme: the launch stays the package's file."""
    zip_path = playable_zip(tmp_path / "query.zip", href="index.html?next=javascript:alert(1)")
    response = submit(playing_block, zip_path)
    assert response.status_code == 200, response.text
    html = playing_block.handle("launcher", Request.blank("/")).text
    assert f"/handler/assets_proxy/{playing_block.package_sha1}/index.html?" in html
    assert 'src="javascript:' not in html.replace(" ", "")
    assert storage.exists(f"scorm/{playing_block.package_sha1}/index.html")
