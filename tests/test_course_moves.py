"""A package survives course moves: mirror on upload, OLX export/import, lazy re-extraction, failures shown to staff.

Runs the real XBlock class against the contract fake of the platform (openedxscorm_support/fake_platform) and real
pyfilesystem2 folders, the way Studio and the LMS call it.
"""
import hashlib
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from fs.osfs import OSFS
from lxml import etree
from opaque_keys.edx.keys import CourseKey
from webob import Request
from xblock.fields import ScopeIds

from openedxscorm.block import ScormXBlock
from openedxscorm.trees import PackageTree
from openedxscorm_support.block_runtime import BlockTestRuntime, make_block
from openedxscorm_support.fake_platform import export_course_assets, import_course
from tests.packages import fixture_zip

pytest_plugins = ["openedxscorm_support.fake_platform.plugin"]

PACKAGE = fixture_zip("probe-1.2.zip")
SYNC_ON = {"CONTENTSTORE_SYNC_ENABLED": True}
SOURCE = CourseKey.from_string("course-v1:Org+SCORM101+2026")
TARGET = CourseKey.from_string("course-v1:Other+SCORM201+2027")


def asset_key(course_key, sha1):
    return f"asset-v1:{course_key.org}+{course_key.course}+{course_key.run}+type@asset+block@scorm_packages_{sha1}.zip"


def upload(block, path=PACKAGE):
    request = Request.blank("/", POST={"file": (path.name, path.read_bytes())})
    return block.handle("studio_submit", request)


def play(block):
    """The launch page as a learner's browser gets it: student view, then the iframe's URL through the handler."""
    html = block.student_view().content
    launch = block.launch_items()[0].launch_url.split("?")[0]
    response = block.handle("assets_proxy", Request.blank("/"), f"{block.package_sha1}/{launch}")
    return html, response


def export_block(block, export_fs):
    """Course export: the block's node, written with runtime.export_fs set, as the platform does."""
    block.runtime.export_fs = export_fs
    node = etree.Element("scorm")
    block.add_xml_to_node(node)
    return etree.tostring(node)


def import_block(xml, resources_fs, target_key, usage_name="imported", **settings):
    """Course import: parse_xml with runtime.resources_fs and the import's id generator naming the target course
    (xml_importer's ImportSystem); the keys are given in the new course here, as the import ends up saving them."""
    runtime = BlockTestRuntime(xblock_settings=settings)
    runtime.resources_fs = resources_fs
    runtime.id_generator.target_course_id = target_key
    usage_key = target_key.make_usage_key("scorm", usage_name)
    return ScormXBlock.parse_xml(etree.fromstring(xml), runtime, ScopeIds("learner", "scorm", usage_key, usage_key))


@pytest.fixture
def mirror_on(settings):
    settings.XBLOCK_SETTINGS = {"ScormXBlock": dict(SYNC_ON)}


def test_upload_with_mirror_on_saves_the_locked_asset_under_the_exact_key(fake_platform, storage):
    block = make_block(key=SOURCE, **SYNC_ON)
    response = upload(block)
    assert response.status_code == 200 and response.json["notices"] == []
    sha1 = hashlib.sha1(PACKAGE.read_bytes()).hexdigest()
    asset = fake_platform.contentstore.assets[asset_key(SOURCE, sha1)]
    assert asset.locked and asset.content_type == "application/zip"
    assert asset.data == PACKAGE.read_bytes()


def test_export_and_import_into_a_new_course_rehydrates_on_first_view(fake_platform, storage, settings, tmp_path,
                                                                      mirror_on):
    block = make_block(key=SOURCE, **SYNC_ON)
    upload(block)
    course_fs = OSFS(str(tmp_path / "export"), create=True)
    xml = export_block(block, course_fs)
    assert b"/static/scorm_packages_" in xml and not course_fs.exists("scorm_packages")
    export_course_assets(fake_platform, SOURCE, course_fs)

    # Another instance: empty storage, and its cache knows nothing of the tree.
    settings.MEDIA_ROOT = str(tmp_path / "other-instance-media")
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel
    cache.clear()
    imported = {}

    def parse_blocks(target_key):
        new_block = import_block(xml, course_fs, target_key, **SYNC_ON)
        tree = new_block.package_tree()
        assert not tree.is_complete()  # parse_xml cannot read the new course's contentstore yet
        imported["block"] = new_block
        return {new_block.scope_ids.usage_id: {"package_sha1": new_block.package_sha1}}

    import_course(fake_platform, course_fs, TARGET, parse_blocks)
    new_block = imported["block"]
    assert asset_key(TARGET, new_block.package_sha1) in fake_platform.contentstore.assets
    html, response = play(new_block)
    assert 'src="' in html and "scorm-player" in html
    assert response.status_code == 200 and b"<title>" in b"".join(response.app_iter)
    assert FileSystemStorage(location=settings.MEDIA_ROOT).exists(
        f"scorm/{new_block.package_sha1}.complete")


def test_contentstore_failure_keeps_the_upload_and_tells_the_author(fake_platform, storage, caplog):
    fake_platform.contentstore.failing.add("save")
    block = make_block(key=SOURCE, **SYNC_ON)
    with caplog.at_level(logging.WARNING):
        response = upload(block)
    assert response.status_code == 200
    assert any("Files & Uploads" in notice for notice in response.json["notices"])
    assert any("Could not mirror" in record.message for record in caplog.records)
    _html, served = play(block)
    assert served.status_code == 200


def test_corrupted_asset_is_not_extracted_and_staff_see_why(fake_platform, storage, mirror_on):
    block = make_block(key=SOURCE, **SYNC_ON)
    upload(block)
    stored = fake_platform.contentstore.assets[asset_key(SOURCE, block.package_sha1)]
    stored.data = stored.data[:-10] + b"0123456789"
    PackageTree(storage, "scorm", block.package_sha1).delete()

    staff_block = make_block(runtime=BlockTestRuntime(xblock_settings=SYNC_ON, user_is_staff=True), key=SOURCE,
                             usage_name="scorm1")
    for name, value in block.fields.items():
        if value.is_set_on(block):
            setattr(staff_block, name, getattr(block, name))
    html, response = play(staff_block)
    assert "damaged" in html and "scorm-player" not in html
    assert response.status_code == 503
    assert not storage.exists(f"scorm/{block.package_sha1}/lesson/index.html")
    learner_html, _ = play(block)
    assert "damaged" not in learner_html and "not available" in learner_html


@pytest.mark.parametrize("make_fs", ["subfs", "osfs"])
def test_olx_round_trip_with_mirror_off_bundles_the_zip(storage, settings, tmp_path, make_fs):
    block = make_block(key=SOURCE)
    upload(block)
    # export_course_to_xml writes into OSFS(root_dir).makedir(course_dir): a SubFS of a folder on disk.
    export_fs = OSFS(str(tmp_path / "course"), create=True) if make_fs == "osfs" else \
        OSFS(str(tmp_path), create=True).makedir("export-course", recreate=True)
    xml = export_block(block, export_fs)
    node = etree.fromstring(xml)
    bundled = node.get("package_file")
    assert bundled and export_fs.readbytes(bundled) == PACKAGE.read_bytes()
    assert node.get("package_sha1") == block.package_sha1

    settings.MEDIA_ROOT = str(tmp_path / "other-instance-media")
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel
    cache.clear()
    imported = import_block(xml, export_fs, TARGET)
    assert imported.package_sha1 == block.package_sha1
    assert imported.package_filename == PACKAGE.name
    _html, response = play(imported)
    assert response.status_code == 200


def test_same_instance_duplicate_plays_at_once_without_extraction(storage):
    block = make_block(key=SOURCE)
    upload(block)
    saves_before = sum(1 for _ in storage.listdir(f"scorm/{block.package_sha1}")[1])
    duplicate = import_block(export_block(block, None), None, SOURCE, usage_name="copy")
    _html, response = play(duplicate)
    assert response.status_code == 200
    assert sum(1 for _ in storage.listdir(f"scorm/{block.package_sha1}")[1]) == saves_before


def test_content_library_v2_says_it_has_no_contentstore(fake_platform, storage):
    library = CourseKey.from_string("course-v1:Org+SCORM101+2026")
    from opaque_keys.edx.locator import LibraryLocatorV2  # pylint: disable=import-outside-toplevel
    library = LibraryLocatorV2(org="Org", slug="scorm-lib")
    runtime = BlockTestRuntime(xblock_settings=SYNC_ON)
    from opaque_keys.edx.locator import LibraryUsageLocatorV2  # pylint: disable=import-outside-toplevel
    usage_key = LibraryUsageLocatorV2(library, "scorm", "one")
    block = runtime.construct_xblock_from_class(ScormXBlock, ScopeIds("author", "scorm", usage_key, usage_key))
    response = upload(block)
    assert response.status_code == 200
    assert any("Content libraries" in notice for notice in response.json["notices"])


# -- the self-healing mirror: a course lacking its zip gets it from the one beside the tree ---------------------

def without_asset(platform, course_key, sha1):
    platform.contentstore.delete(f"{asset_key(course_key, sha1)}")
    assert asset_key(course_key, sha1) not in platform.contentstore.assets


def test_a_mirror_off_export_imported_with_the_mirror_on_gets_its_locked_copy(fake_platform, storage, settings,
                                                                            tmp_path):
    block = make_block(key=SOURCE)
    upload(block)
    course_fs = OSFS(str(tmp_path / "export"), create=True)
    xml = export_block(block, course_fs)
    assert etree.fromstring(xml).get("package_file")
    settings.XBLOCK_SETTINGS = {"ScormXBlock": dict(SYNC_ON)}
    imported = import_block(xml, course_fs, TARGET, **SYNC_ON)
    asset = fake_platform.contentstore.assets[asset_key(TARGET, imported.package_sha1)]
    assert asset.locked and asset.data == PACKAGE.read_bytes()


@pytest.mark.parametrize("studio_action", ["author_view", "studio_view", "save"])
def test_studio_views_and_saves_heal_a_course_without_its_zip(fake_platform, storage, mirror_on, studio_action):
    block = make_block(key=SOURCE, **SYNC_ON)
    upload(block)
    without_asset(fake_platform, SOURCE, block.package_sha1)
    if studio_action == "save":
        response = block.handle("studio_submit", Request.blank("/", POST={"display_name": "Renamed"}))
        assert response.status_code == 200 and block.display_name == "Renamed"
    else:
        getattr(block, studio_action)()
    assert fake_platform.contentstore.assets[asset_key(SOURCE, block.package_sha1)].locked


def test_export_heals_first_and_then_names_the_asset(fake_platform, storage, mirror_on, tmp_path):
    block = make_block(key=SOURCE, **SYNC_ON)
    upload(block)
    without_asset(fake_platform, SOURCE, block.package_sha1)
    node = etree.fromstring(export_block(block, OSFS(str(tmp_path / "export"), create=True)))
    assert node.get("package_asset") == f"/static/scorm_packages_{block.package_sha1}.zip"
    assert node.get("package_file") is None
    assert fake_platform.contentstore.assets[asset_key(SOURCE, block.package_sha1)].locked


def test_export_without_any_copy_of_the_zip_names_nothing_and_says_so(fake_platform, storage, mirror_on, tmp_path,
                                                                      caplog):
    block = make_block(key=SOURCE, **SYNC_ON)
    upload(block)
    without_asset(fake_platform, SOURCE, block.package_sha1)
    storage.delete(PackageTree(storage, "scorm", block.package_sha1).zip_name)
    export_fs = OSFS(str(tmp_path / "export"), create=True)
    with caplog.at_level(logging.WARNING):
        node = etree.fromstring(export_block(block, export_fs))
    assert node.get("package_asset") is None and node.get("package_file") is None
    assert export_fs.listdir("/") == []
    assert f"SCORM package {block.package_sha1} of {SOURCE} is not exported" in caplog.text


def test_export_falls_back_to_bundling_when_the_contentstore_fails(fake_platform, storage, mirror_on, tmp_path):
    block = make_block(key=SOURCE, **SYNC_ON)
    upload(block)
    fake_platform.contentstore.failing.update({"find", "save"})
    export_fs = OSFS(str(tmp_path / "export"), create=True)
    node = etree.fromstring(export_block(block, export_fs))
    assert node.get("package_asset") is None
    assert export_fs.readbytes(node.get("package_file")) == PACKAGE.read_bytes()


def test_a_missing_tree_is_re_extracted_from_the_course_asset_with_the_mirror_off(fake_platform, storage, settings,
                                                                                 tmp_path):
    block = make_block(key=SOURCE, **SYNC_ON)
    upload(block)
    course_fs = OSFS(str(tmp_path / "export"), create=True)
    xml = export_block(block, course_fs)
    export_course_assets(fake_platform, SOURCE, course_fs)

    settings.MEDIA_ROOT = str(tmp_path / "mirror-off-instance-media")  # another instance, its mirror off
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {}}
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel
    cache.clear()
    imported = {}

    def parse_blocks(target_key):
        imported["block"] = import_block(xml, course_fs, target_key)
        return {imported["block"].scope_ids.usage_id: {"package_sha1": imported["block"].package_sha1}}

    import_course(fake_platform, course_fs, TARGET, parse_blocks)
    _html, response = play(imported["block"])
    assert response.status_code == 200
    other_instance = FileSystemStorage(location=settings.MEDIA_ROOT)
    rebuilt = PackageTree(other_instance, "scorm", block.package_sha1)
    assert other_instance.exists(rebuilt.marker_name)
    assert other_instance.open(rebuilt.zip_name).read() == PACKAGE.read_bytes()  # kept for later moves


def test_a_mirror_off_export_names_the_course_asset_when_no_zip_is_beside_the_tree(fake_platform, storage, settings,
                                                                                  tmp_path):
    block = make_block(key=SOURCE, **SYNC_ON)
    upload(block)
    storage.delete(PackageTree(storage, "scorm", block.package_sha1).zip_name)
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {}}
    mirror_off = make_block(key=SOURCE, usage_name="same-package")
    mirror_off.package_sha1 = block.package_sha1
    export_fs = OSFS(str(tmp_path / "export"), create=True)
    node = etree.fromstring(export_block(mirror_off, export_fs))
    assert node.get("package_asset") == f"/static/scorm_packages_{block.package_sha1}.zip"
    assert node.get("package_file") is None and export_fs.listdir("/") == []
    assert fake_platform.contentstore.calls.count("save") == 1  # the upload's; the mirror-off export wrote none


def test_a_lost_tree_is_re_extracted_from_the_zip_beside_it_without_the_contentstore(fake_platform, storage):
    block = make_block(key=SOURCE)
    upload(block)
    tree = PackageTree(storage, "scorm", block.package_sha1)
    kept_zip = storage.open(tree.zip_name).read()
    tree.delete()  # the files, the marker and the zip; then only the zip comes back, as after a partial wipe
    storage.save(tree.zip_name, ContentFile(kept_zip))
    assert not tree.is_complete()
    fake_platform.contentstore.failing.add("find")
    _html, response = play(block)
    assert response.status_code == 200 and tree.is_complete()
    assert "find" not in fake_platform.contentstore.calls


def test_a_damaged_zip_beside_the_tree_is_passed_over_for_the_course_asset(fake_platform, storage, mirror_on, caplog):
    block = make_block(key=SOURCE, **SYNC_ON)
    upload(block)
    tree = PackageTree(storage, "scorm", block.package_sha1)
    tree.delete()
    storage.save(tree.zip_name, ContentFile(b"not the package"))
    with caplog.at_level(logging.WARNING):
        _html, response = play(block)
    assert response.status_code == 200 and tree.is_complete()
    assert "does not match its sha1" in caplog.text
