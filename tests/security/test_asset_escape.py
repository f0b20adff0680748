"""The asset handler serves the files of its block's own package tree and nothing else, whatever the encoding:
not another package (of this or another course), not the storage root, not the disk outside it.

Suffixes are what the handler receives: the platform has already percent-decoded the URL once, so '%2e' here
is a double-encoded dot on the wire.
"""
import hashlib

import pytest
from django.core.files.base import ContentFile
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from openedxscorm.paths import safe_request_path
from openedxscorm_support.block_runtime import course_key, make_block
from tests.packages import fixture_zip

from .helpers import PLAYING_LAUNCH_FILE, body_of, serve, submit, upload_playing_package

OTHER_PACKAGE = "other-1.2.zip"
SECRET = b"secret outside every package tree"


@pytest.fixture
def scene(storage, tmp_path):
    """Block A (course A) plays one package; block B (course B) another; secrets lie at the root and beside."""
    block = make_block()
    upload_playing_package(block)
    other = make_block(key=course_key(course="OTHER"), usage_name="other")
    assert submit(other, fixture_zip(OTHER_PACKAGE)).status_code == 200
    assert other.package_sha1 != block.package_sha1
    storage.save("secret.txt", ContentFile(SECRET))
    storage.save("scorm/secret.txt", ContentFile(SECRET))
    outside = tmp_path / "outside.txt"
    outside.write_bytes(SECRET)
    return {"block": block, "a": block.package_sha1, "b": other.package_sha1, "outside": str(outside),
            "other_launch": body_of(serve(other, f"{other.package_sha1}/{other.launch_items()[0].launch_path}"))}


def own_tree(storage, sha1):
    """(sha1 of every file, relative path of every folder) of the block's own tree: a served body must be one
    of those files."""
    digests, folder_paths = set(), set()
    root = f"scorm/{sha1}"
    pending = [root]
    while pending:
        folder = pending.pop()
        folders, files = storage.listdir(folder)
        pending.extend(f"{folder}/{name}" for name in folders)
        folder_paths.update(f"{folder}/{name}"[len(root) + 1:] for name in folders)
        for name in files:
            with storage.open(f"{folder}/{name}", "rb") as handle:
                digests.add(hashlib.sha1(handle.read()).hexdigest())
    return digests, folder_paths


ESCAPES = {
    "other_package_by_its_sha1": "{b}/" + PLAYING_LAUNCH_FILE,
    "dot_dot_to_other_package": "{a}/../{b}/index.html",
    "encoded_dot_dot": "{a}/%2e%2e/{b}/index.html",
    "encoded_upper_dot_dot": "{a}/%2E%2E/{b}/index.html",
    "double_encoded_dot_dot": "{a}/%252e%252e/{b}/index.html",
    "triple_encoded_dot_dot": "{a}/%25252e%25252e/{b}/index.html",
    "encoded_slash": "{a}/..%2f{b}%2findex.html",
    "encoded_slash_in_sha1_segment": "{a}%2f..%2f{b}/index.html",
    "backslashes": "{a}/..\\{b}\\index.html",
    "encoded_backslash": "{a}/..%5c{b}%5cindex.html",
    "fullwidth_dots": "{a}/\uff0e\uff0e/{b}/index.html",
    "one_dot_leaders": "{a}/\u2024\u2024/{b}/index.html",
    "overlong_utf8_dots": "{a}/%c0%ae%c0%ae/{b}/index.html",
    "dots_and_spaces": "{a}/.. /{b}/index.html",
    "many_dots": "{a}/..../{b}/index.html",
    "deep_dot_dot_to_storage_root": "{a}/lesson/../../../secret.txt",
    "dot_dot_to_location_folder": "{a}/../secret.txt",
    "zip_beside_the_tree": "{a}/../{a}.zip",
    "absolute_path": "{a}/{outside}",
    "double_slash_absolute": "{a}//{outside}",
    "drive_letter": "{a}/C:/Windows/win.ini",
    "unc_path": "{a}/\\\\server\\share\\secret.txt",
    "nul_byte": "{a}/" + PLAYING_LAUNCH_FILE + "\x00.png",
    "encoded_nul_byte": "{a}/" + PLAYING_LAUNCH_FILE + "%00.png",
    "sha1_of_other_tree_after_own": "{a}/{b}/../../{b}/index.html",
    "leading_dot_dot": "../{b}/index.html",
    "empty_sha1": "/{b}/index.html",
    "own_sha1_prefix_only": "{a_short}/" + PLAYING_LAUNCH_FILE,
}


@pytest.mark.parametrize("attack", sorted(ESCAPES))
def test_asset_request_escaping_the_tree(scene, attack):
    suffix = ESCAPES[attack].format(a=scene["a"], b=scene["b"], outside=scene["outside"], a_short=scene["a"][:8])
    for method in ("GET", "HEAD"):
        response = serve(scene["block"], suffix, method=method)
        assert response.status_code == 404, (attack, method, response.status_code)
        assert SECRET not in response.body and scene["other_launch"] not in response.body


def test_own_launch_file_is_served(scene):
    """The control: the same handler does serve the block's own files."""
    response = serve(scene["block"], f"{scene['a']}/{PLAYING_LAUNCH_FILE}")
    assert response.status_code == 200 and b"<html" in body_of(response).lower()


@pytest.mark.parametrize("folder", ["lesson", "lesson/.", "./lesson"])
def test_asset_request_for_a_folder(scene, folder):
    """Not an escape (the folder is inside the tree), but a learner-made path must get 404, not a server error."""
    assert serve(scene["block"], f"{scene['a']}/{folder}").status_code == 404


SEGMENTS = st.sampled_from([
    "..", ".", "", " ", "%2e", "%2e%2e", "%252e", "%2f", "%5c", "\\", "%00", "\x00", "\uff0e", "C:", "lesson",
    "probe.js", "secret.txt", "scorm", "{b}", "{a}", "{a}.zip", "%25", "~", "index.html",
])


@hypothesis_settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segments=st.lists(SEGMENTS, min_size=1, max_size=8), separator=st.sampled_from(["/", "\\", "%2f", "//"]))
def test_fuzzed_asset_paths_never_leave_the_tree(scene, storage, segments, separator):
    own, folders = scene.setdefault("own_tree", own_tree(storage, scene["a"]))
    path = separator.join(segments).format(a=scene["a"], b=scene["b"])
    assume(safe_request_path(path) not in folders)  # a folder of the tree: test_asset_request_for_a_folder
    response = serve(scene["block"], f"{scene['a']}/{path}")
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert hashlib.sha1(body_of(response)).hexdigest() in own
