"""Member and request path safety: a table of attacks, a table of ordinary names, and fuzzing."""
import posixpath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openedxscorm.package import PackageError
from openedxscorm.paths import safe_member_path, safe_request_path

UNSAFE_NAMES = [
    "../x",
    "a/../../x",
    "a/../b",
    "..",
    "/etc/passwd",
    "//server/share/x",
    "C:\\x",
    "C:/x",
    "c:x",
    "..\\x",
    "a\\..\\..\\x",
    "a\\b.html",
    "%2e%2e/x",
    "%2E%2E/x",
    "%252e%252e/x",
    "%25252e%25252e/x",
    "a%2f..%2f..%2fx",
    "a/%2e%2e/%2e%2e/x",
    "..%2fx",
    "..%5cx",
    "a/%2e/b",
    "x\x00.html",
    "x%00.html",
    "line\nbreak.html",
    ". ./x",
    ".. /x",
    "",
    "/",
    "./",
]

SAFE_NAMES = {
    "imsmanifest.xml": "imsmanifest.xml",
    "shared/launchpage.html": "shared/launchpage.html",
    "shared/": "shared/",
    "./shared/a.js": "shared/a.js",
    "a//b.html": "a/b.html",
    "a/./b.html": "a/b.html",
    "a b/c d.html": "a b/c d.html",
    "100%.html": "100%.html",
    "a%20b.html": "a%20b.html",
    "...txt": "...txt",
    ".hidden/.x": ".hidden/.x",
    "vidéo/été.mp4": "vidéo/été.mp4",
    "a:b/c.html": None,  # a drive-like first segment is refused
}


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_unsafe_member_names_are_refused(name):
    with pytest.raises(PackageError) as caught:
        safe_member_path(name)
    assert caught.value.code == "unsafe_path"
    assert caught.value.params == {"path": name}


@pytest.mark.parametrize("name,expected", [(name, path) for name, path in SAFE_NAMES.items() if path])
def test_safe_member_names_are_normalised(name, expected):
    assert safe_member_path(name) == expected


def test_drive_like_first_segment_is_refused():
    with pytest.raises(PackageError):
        safe_member_path("a:b/c.html")


# A leading '/' in a request path means the tree's root, so absolute names are not escapes there.
UNSAFE_REQUEST_PATHS = [name for name in UNSAFE_NAMES if not name.startswith("/")] + ["/", "dir/", "/../x"]


@pytest.mark.parametrize("path", UNSAFE_REQUEST_PATHS)
def test_unsafe_request_paths_give_none(path):
    assert safe_request_path(path) is None


@pytest.mark.parametrize("path,expected", [
    ("shared/launchpage.html", "shared/launchpage.html"),
    ("/shared/launchpage.html", "shared/launchpage.html"),
    ("/etc/passwd", "etc/passwd"),
    ("a b.html", "a b.html"),
    ("100%.html", "100%.html"),
    ("./a//b.js", "a/b.js"),
])
def test_safe_request_paths_are_normalised(path, expected):
    assert safe_request_path(path) == expected


def test_a_stored_member_is_found_by_its_request_path():
    for name in ("shared/a b.html", "x/y/z.js", "été.html"):
        assert safe_request_path(safe_member_path(name)) == safe_member_path(name)


def _stays_inside(path):
    """A relative path that a posix join keeps under the root, whatever its decoding."""
    if path.startswith("/") or "\\" in path or "\x00" in path:
        return False
    root = "/tree"
    return posixpath.normpath(posixpath.join(root, path)).startswith(root + "/")


PATH_ALPHABET = st.sampled_from(["a", "b", ".", "..", "/", "\\", "%", "2e", "2f", "25", "5c", "C:", ":", "\x00",
                                 " ", "é", "x.html"])
PATHS = st.one_of(st.text(max_size=40), st.lists(PATH_ALPHABET, max_size=12).map("".join))


@settings(max_examples=2000, deadline=None)
@given(PATHS)
def test_fuzz_member_path_is_refused_or_inside(name):
    try:
        path = safe_member_path(name)
    except PackageError as error:
        assert error.code == "unsafe_path"
        return
    assert path and _stays_inside(path.rstrip("/"))
    assert ".." not in path.split("/")
    assert safe_member_path(path) == path  # normalising is idempotent


@settings(max_examples=2000, deadline=None)
@given(PATHS)
def test_fuzz_request_path_is_none_or_inside(request_path):
    path = safe_request_path(request_path)
    if path is None:
        return
    assert _stays_inside(path)
    assert ".." not in path.split("/") and not path.endswith("/")
    assert safe_request_path(path) == path


@pytest.mark.parametrize("name", ["a" * 256 + ".html", "é" * 128, "/".join(["d" * 200] * 5) + "/x.js"],
                         ids=["long-name", "long-in-utf8", "long-path"])
def test_names_longer_than_file_systems_hold(name):
    """A member name no file system can store is refused up front, not an OSError mid-extraction."""
    with pytest.raises(PackageError) as caught:
        safe_member_path(name)
    assert caught.value.code == "name_too_long"
    assert safe_request_path(name) is None
    assert safe_request_path("a/" * 2500) is None


def test_names_up_to_the_limits_are_kept():
    name = "/".join(["d" * 255] * 3)
    assert safe_member_path(name) == name and safe_request_path(name) == name
