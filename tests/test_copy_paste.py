"""Copy/paste, v2 library saves and syncs, and course reruns, run through the platform's own paths (the contract
fake's openedxscorm_support/fake_platform/studio.py) with the real XBlock class, real storage and packages built here.

Every paste must leave a block that plays, no stray or unlocked zip asset anywhere, a clipboard without the zip,
and, with the mirror on, the destination course holding the locked ``scorm_packages/<sha1>.zip``.
"""
import hashlib
import os

import pytest
from django.core.files.storage import FileSystemStorage
from lxml import etree
from opaque_keys.edx.keys import CourseKey
from opaque_keys.edx.locator import LibraryLocatorV2, LibraryUsageLocatorV2
from webob import Request
from xblock.fields import ScopeIds

from openedxscorm import mirror
from openedxscorm.block import ScormXBlock
from openedxscorm.trees import PackageTree
from openedxscorm_support.block_runtime import BlockTestRuntime, make_block
from openedxscorm_support.fake_platform.studio import (
    CLIPBOARD_FILE_LIMIT,
    add_library_block,
    paste,
    rerun_course,
    save_library_block,
    stage_block,
    sync_library_block,
)
from tests.packages import Sco, write_package

pytest_plugins = ["openedxscorm_support.fake_platform.plugin"]

SOURCE = CourseKey.from_string("course-v1:Org+SCORM101+2026")
OTHER = CourseKey.from_string("course-v1:Other+SCORM201+2027")
LIBRARY = LibraryLocatorV2(org="Org", slug="scorm-lib")



def build_package(path, title="Moves", padding=0):
    """A SCORM 1.2 zip of one SCO; ``padding`` bytes of random data (which do not compress) make it as large as
    needed."""
    body = f"<html><head><title>{title}</title></head><body>{title}</body></html>"
    return write_package(path, [Sco(body=body)], title=title,
                         files={"media/padding.bin": os.urandom(padding)} if padding else None)


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("packages")
    return {
        "small": build_package(folder / "small.zip", "Small"),
        "large": build_package(folder / "large.zip", "Large", padding=CLIPBOARD_FILE_LIMIT + 64 * 1024),
    }


def mirror_settings(settings, mirror_on):
    """The mirror setting for both the runtime's settings service and Django's XBLOCK_SETTINGS (parse_xml)."""
    flags = {"CONTENTSTORE_SYNC_ENABLED": mirror_on}
    settings.XBLOCK_SETTINGS = {"ScormXBlock": dict(flags)}
    return flags


def upload(block, path):
    response = block.handle("studio_submit", Request.blank("/", POST={"file": (path.name, path.read_bytes())}))
    assert response.status_code == 200, response.json
    return response


def plays(block):
    """The learner's launch: the student view holds the player and the launch file is served."""
    html = block.student_view().content
    launch = block.launch_items()[0].launch_url.split("?")[0]
    response = block.handle("assets_proxy", Request.blank("/"), f"{block.package_sha1}/{launch}")
    return "scorm-player" in html and response.status_code == 200 and b"<title>" in b"".join(response.app_iter)


def zip_assets(platform):
    """Every zip asset of every course: {asset key string: locked}."""
    return {key: stored.locked for key, stored in platform.contentstore.assets.items() if key.endswith(".zip")}


def mirrored_key(course_key, sha1):
    return str(course_key.make_asset_key("asset", mirror.asset_name(sha1)))


@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize("mirror_on", [False, True], ids=["mirror-off", "mirror-on"])
@pytest.mark.parametrize("destination", [SOURCE, OTHER], ids=["same-course", "other-course"])
def test_copy_paste_plays_and_leaves_no_stray_zip(fake_platform, storage, settings, packages, size, mirror_on,
                                                  destination):
    flags = mirror_settings(settings, mirror_on)
    source = make_block(key=SOURCE, **flags)
    upload(source, packages[size])
    sha1 = source.package_sha1
    assets_before = zip_assets(fake_platform)

    staged = stage_block(fake_platform, source)
    assert staged.files == [] and staged.holds_bytes() == 0  # the clipboard never holds the zip
    node = etree.fromstring(staged.olx)
    assert "/static/" not in staged.olx and node.get("package_sha1") == sha1

    pasted, notices = paste(fake_platform, staged, destination, BlockTestRuntime(xblock_settings=flags),
                            ScormXBlock, "pasted")
    assert (notices.new_files, notices.conflicting_files, notices.error_files) == ([], [], [])
    assert pasted.package_sha1 == sha1 and plays(pasted)

    expected = dict(assets_before)
    if mirror_on:
        expected[mirrored_key(destination, sha1)] = True
    assert zip_assets(fake_platform) == expected
    assert all(zip_assets(fake_platform).values())  # no unlocked zip anywhere
    if mirror_on:
        copy = fake_platform.contentstore.assets[mirrored_key(destination, sha1)]
        assert copy.data == packages[size].read_bytes() and copy.saved_from_iterator


def test_the_destination_copy_comes_from_studio_post_paste_and_the_zip_beside_the_tree(
        fake_platform, storage, settings, packages, monkeypatch):
    flags = mirror_settings(settings, True)
    source = make_block(key=SOURCE, **flags)
    upload(source, packages["small"])
    sha1 = source.package_sha1
    hook = ScormXBlock.studio_post_paste
    seen = {}

    def watched_hook(block, store, source_node):
        seen["before"] = mirrored_key(OTHER, sha1) in fake_platform.contentstore.assets
        seen["returned"] = hook(block, store, source_node)
        seen["after"] = mirrored_key(OTHER, sha1) in fake_platform.contentstore.assets
        return seen["returned"]

    monkeypatch.setattr(ScormXBlock, "studio_post_paste", watched_hook)
    reads_before = fake_platform.contentstore.bytes_read
    paste(fake_platform, stage_block(fake_platform, source), OTHER, BlockTestRuntime(xblock_settings=flags),
          ScormXBlock, "pasted")
    assert seen == {"before": False, "returned": False, "after": True}
    assert fake_platform.contentstore.bytes_read == reads_before  # streamed from storage, never read whole
    assert PackageTree(storage, "scorm", sha1).zip_name == f"scorm/{sha1}.zip"


def test_a_paste_whose_zip_is_gone_everywhere_still_plays_and_logs_it(fake_platform, storage, settings, packages,
                                                                      caplog):
    flags = mirror_settings(settings, True)
    source = make_block(key=SOURCE, **flags)
    upload(source, packages["small"])
    storage.delete(PackageTree(storage, "scorm", source.package_sha1).zip_name)
    pasted, notices = paste(fake_platform, stage_block(fake_platform, source), OTHER,
                            BlockTestRuntime(xblock_settings=flags), ScormXBlock, "pasted")
    assert notices.error_files == [] and plays(pasted)
    assert mirrored_key(OTHER, source.package_sha1) not in fake_platform.contentstore.assets
    assert f"SCORM package {source.package_sha1} has no copy in the contentstore of {OTHER}" in caplog.text


# -- v2 libraries --------------------------------------------------------------------------------------------

def library_block(flags, name="one"):
    runtime = BlockTestRuntime(xblock_settings=flags)
    usage_key = LibraryUsageLocatorV2(LIBRARY, "scorm", name)
    return runtime.construct_xblock_from_class(ScormXBlock, ScopeIds("author", "scorm", usage_key, usage_key))


@pytest.mark.parametrize("mirror_on", [False, True], ids=["mirror-off", "mirror-on"])
def test_library_saves_never_read_the_zip_nor_name_an_asset(fake_platform, storage, settings, packages, mirror_on,
                                                            monkeypatch):
    flags = mirror_settings(settings, mirror_on)
    block = library_block(flags)
    upload(block, packages["small"])
    opened = []
    original_open = FileSystemStorage.open
    monkeypatch.setattr(FileSystemStorage, "open", lambda self, name, mode="rb": opened.append(name) or
                        original_open(self, name, mode))
    block.display_name = "Renamed"
    serialized = save_library_block(block)
    assert serialized.static_files == []
    node = etree.fromstring(serialized.olx_str)
    assert "/static/" not in serialized.olx_str and node.get("package_sha1") == block.package_sha1
    assert node.get("package_asset") is None and node.get("package_file") is None
    assert not any(name.endswith(".zip") for name in opened)


@pytest.mark.parametrize("mirror_on", [False, True], ids=["mirror-off", "mirror-on"])
def test_a_library_block_added_to_a_course_plays_and_gets_the_locked_copy(fake_platform, storage, settings,
                                                                         packages, mirror_on):
    flags = mirror_settings(settings, mirror_on)
    block = library_block(flags)
    upload(block, packages["small"])
    added, notices = add_library_block(fake_platform, block, OTHER, BlockTestRuntime(xblock_settings=flags),
                                       ScormXBlock, "from-library")
    assert notices.error_files == [] and plays(added)
    expected = {mirrored_key(OTHER, block.package_sha1): True} if mirror_on else {}
    assert zip_assets(fake_platform) == expected


def test_a_library_sync_without_a_hook_is_healed_by_studio_views(fake_platform, storage, settings, packages):
    flags = mirror_settings(settings, True)
    block = library_block(flags)
    upload(block, packages["small"])
    downstream, _notices = add_library_block(fake_platform, block, OTHER, BlockTestRuntime(xblock_settings=flags),
                                             ScormXBlock, "from-library")
    upload(block, build_package(packages["small"].parent / "updated.zip", "Updated"))
    sync_library_block(fake_platform, block, downstream)
    assert downstream.package_sha1 == block.package_sha1 and plays(downstream)
    assert mirrored_key(OTHER, block.package_sha1) not in fake_platform.contentstore.assets  # no hook ran
    downstream.author_view()
    assert zip_assets(fake_platform)[mirrored_key(OTHER, block.package_sha1)] is True


# -- course rerun --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mirror_on", [False, True], ids=["mirror-off", "mirror-on"])
def test_a_rerun_plays_and_keeps_the_copy_locked(fake_platform, storage, settings, packages, mirror_on):
    flags = mirror_settings(settings, mirror_on)
    block = make_block(key=SOURCE, **flags)
    upload(block, packages["small"])
    fake_platform.modulestore.update_item(block, None, allow_not_found=True)
    fake_platform.modulestore.publish(block.scope_ids.usage_id)
    rerun_course(fake_platform, SOURCE, OTHER)

    (stored,) = fake_platform.modulestore.get_items(OTHER, qualifiers={"category": "scorm"},
                                                    revision="rev-opt-published-only")
    rerun = make_block(key=OTHER, **flags)
    rerun.package_sha1 = stored.package_sha1
    rerun.package_manifest = stored.package_manifest
    assert plays(rerun)
    expected = {mirrored_key(course, block.package_sha1): True for course in (SOURCE, OTHER)} if mirror_on else {}
    assert zip_assets(fake_platform) == expected
    assert hashlib.sha1(packages["small"].read_bytes(), usedforsecurity=False).hexdigest() == stored.package_sha1
