"""The scorm_packages management command against the fake platform and a real FileSystemStorage."""
import hashlib
import shutil
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from openedxscorm import mirror
from openedxscorm.rehydrate import package_extractor
from openedxscorm.settings import merged_settings
from openedxscorm.trees import PackageTree
from tests.packages import fixture_zip

pytest_plugins = ["openedxscorm_support.fake_platform.plugin"]

PACKAGE_NAME = "other-1.2.zip"


@pytest.fixture(autouse=True)
def block_settings(settings, storage):
    cache.clear()
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"STORAGE_FUNC": lambda block: storage}}
    yield settings.XBLOCK_SETTINGS["ScormXBlock"]
    cache.clear()


@pytest.fixture
def package(tmp_path):
    folder = tmp_path / "zips"
    folder.mkdir()
    path = folder / PACKAGE_NAME
    shutil.copyfile(fixture_zip(PACKAGE_NAME), path)
    return path, hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()


def run(*args):
    out = StringIO()
    call_command("scorm_packages", *args, stdout=out)
    return out.getvalue()


def add_block(platform, course_key, name, sha1, publish=True):
    usage_key = course_key.make_usage_key("scorm", name)
    platform.modulestore.save_draft(usage_key, package_sha1=sha1)
    if publish:
        platform.modulestore.publish(usage_key)
    return usage_key


def extract(storage, sha1, zip_path):
    tree = PackageTree(storage, "scorm", sha1)
    package_extractor(tree, merged_settings({}))(str(zip_path))
    return tree


def test_verify_passes_when_every_tree_is_complete(fake_platform, course_key, storage, package):
    path, sha1 = package
    add_block(fake_platform, course_key, "one", sha1)
    add_block(fake_platform, course_key, "empty", "")
    extract(storage, sha1, path)
    output = run("verify")
    assert f"OK draft block-v1:ORG+COURSE+RUN+type@scorm+block@one {sha1}" in output
    assert "OK published" in output and "EMPTY draft" in output


def test_verify_fails_on_a_missing_tree(fake_platform, course_key, package):
    _path, sha1 = package
    add_block(fake_platform, course_key, "one", sha1)
    with pytest.raises(CommandError):
        run("verify")


def keep_zip_beside(storage, sha1, zip_path):
    """What an upload does: the zip stays beside its tree as <LOCATION>/<sha1>.zip."""
    tree = PackageTree(storage, "scorm", sha1)
    storage.save(tree.zip_name, ContentFile(zip_path.read_bytes()))
    return tree


@pytest.mark.parametrize(("zip_beside", "expected"), [
    (True, "UNMIRRORED draft {usage} {sha1} (resync mirrors it from scorm/{sha1}.zip)"),
    (False, "NO COPY draft {usage} {sha1} (no course asset and no zip beside its tree"),
])
def test_verify_names_unmirrored_blocks_and_whether_resync_can_mirror_them(
        fake_platform, course_key, storage, package, block_settings, zip_beside, expected):
    path, sha1 = package
    block_settings["CONTENTSTORE_SYNC_ENABLED"] = True
    usage = add_block(fake_platform, course_key, "one", sha1, publish=False)
    tree = extract(storage, sha1, path)  # keeps the zip beside the tree, as an upload does
    if not zip_beside:
        storage.delete(tree.zip_name)
    assert expected.format(usage=usage, sha1=sha1) in run("verify")


def test_resync_mirrors_from_the_zip_beside_the_tree_by_default(fake_platform, course_key, storage, package,
                                                                block_settings):
    path, sha1 = package
    block_settings["CONTENTSTORE_SYNC_ENABLED"] = True
    add_block(fake_platform, course_key, "one", sha1)
    keep_zip_beside(storage, sha1, path)
    output = run("resync")
    assert f"EXTRACTED block-v1:ORG+COURSE+RUN+type@scorm+block@one {sha1} from scorm/{sha1}.zip" in output
    assert f"MIRRORED {course_key} {sha1} from scorm/{sha1}.zip" in output
    asset = fake_platform.contentstore.assets[str(mirror_location(course_key, sha1))]
    assert asset.locked and asset.data == path.read_bytes()
    assert PackageTree(storage, "scorm", sha1).is_complete()
    assert "MIRRORED" not in run("resync")  # nothing left to do


def test_resync_names_a_block_with_no_zip_anywhere(fake_platform, course_key, storage, package, block_settings):
    path, sha1 = package
    block_settings["CONTENTSTORE_SYNC_ENABLED"] = True
    add_block(fake_platform, course_key, "one", sha1)
    storage.delete(extract(storage, sha1, path).zip_name)
    output = run("resync")
    assert f"NO COPY block-v1:ORG+COURSE+RUN+type@scorm+block@one {sha1}" in output
    assert fake_platform.contentstore.course_asset_names(course_key) == []


def mirror_location(course_key, sha1):
    return course_key.make_asset_key("asset", mirror.asset_name(sha1))


def test_resync_reextracts_from_the_contentstore(fake_platform, course_key, storage, package):
    path, sha1 = package
    add_block(fake_platform, course_key, "one", sha1)
    mirror.mirror_zip(course_key, sha1, path)
    output = run("resync", "--course", str(course_key))
    assert output.count("EXTRACTED") == 1 and "from the contentstore" in output
    assert PackageTree(storage, "scorm", sha1).is_complete()
    run("verify")


def test_resync_reports_a_package_it_cannot_restore(fake_platform, course_key, package):
    _path, sha1 = package
    add_block(fake_platform, course_key, "one", sha1)
    assert "FAILED" in run("resync")


def test_resync_with_zips_extracts_and_mirrors(fake_platform, course_key, storage, package, block_settings):
    path, sha1 = package
    block_settings["CONTENTSTORE_SYNC_ENABLED"] = True
    add_block(fake_platform, course_key, "one", sha1)
    output = run("resync", "--zips", str(path.parent))
    assert "EXTRACTED" in output and "MIRRORED" in output
    assert fake_platform.contentstore.course_asset_names(course_key) == [mirror.asset_name(sha1)]
    assert PackageTree(storage, "scorm", sha1).is_complete()


def make_tree(storage, sha1):
    tree = PackageTree(storage, "scorm", sha1)
    storage.save(tree.name_of("index.html"), ContentFile(b"<html></html>"))
    tree.mark_complete({"index.html": 13})
    return tree


def test_sweep_is_a_dry_run_by_default(fake_platform, course_key, storage):
    add_block(fake_platform, course_key, "one", "a" * 40)
    kept, orphan = make_tree(storage, "a" * 40), make_tree(storage, "b" * 40)
    output = run("sweep", "--min-age-hours", "0")
    assert f"WOULD DELETE {orphan.prefix}" in output and kept.prefix not in output
    assert storage.exists(orphan.marker_name) and storage.exists(kept.marker_name)


def test_sweep_apply_deletes_only_unreferenced_trees(fake_platform, course_key, storage):
    add_block(fake_platform, course_key, "draft", "a" * 40, publish=False)
    published = add_block(fake_platform, course_key, "published", "c" * 40)
    fake_platform.modulestore.save_draft(published, package_sha1="d" * 40)
    trees = {sha1: make_tree(storage, sha1) for sha1 in ("a" * 40, "b" * 40, "c" * 40, "d" * 40)}
    storage.save("scorm/legacy-block-id/deadbeef/index.html", ContentFile(b"old layout"))
    output = run("sweep", "--apply", "--min-age-hours", "0")
    assert output.strip() == f"DELETED {trees['b' * 40].prefix}"
    assert not storage.exists(trees["b" * 40].prefix)
    assert all(storage.exists(trees[sha1].marker_name) for sha1 in ("a" * 40, "c" * 40, "d" * 40))
    assert storage.exists("scorm/legacy-block-id/deadbeef/index.html")


def test_sweep_keeps_recent_trees(fake_platform, course_key, storage):
    orphan = make_tree(storage, "e" * 40)
    output = run("sweep", "--apply")
    assert f"RECENT {orphan.prefix}" in output
    assert storage.exists(orphan.marker_name)


@pytest.fixture
def built_package(tmp_path):
    """A package built in the test, so these run without the shared packages."""
    from tests.security.helpers import build_zip, index_html, manifest_bytes  # pylint: disable=import-outside-toplevel

    folder = tmp_path / "built"
    folder.mkdir()
    path = build_zip(folder / "built.zip", [("imsmanifest.xml", manifest_bytes()), ("index.html", index_html()),
                                            ("media/clip.bin", b"\x01" * 5000)])
    return path, hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()


def test_verify_reports_missing_and_short_files_and_resync_repairs_them(fake_platform, course_key, storage,
                                                                         built_package):
    path, sha1 = built_package
    add_block(fake_platform, course_key, "one", sha1)
    mirror.mirror_zip(course_key, sha1, path)
    tree = extract(storage, sha1, path)
    assert f"OK draft block-v1:ORG+COURSE+RUN+type@scorm+block@one {sha1}" in run("verify")
    storage.delete(tree.name_of("index.html"))
    storage.delete(tree.name_of("media/clip.bin"))
    storage.save(tree.name_of("media/clip.bin"), ContentFile(b"\x01" * 100))  # cut short
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("scorm_packages", "verify", stdout=out)
    assert f"DAMAGED draft block-v1:ORG+COURSE+RUN+type@scorm+block@one {sha1} 1 of 3 files missing " \
           "1 of another size" in out.getvalue()
    assert "EXTRACTED" in run("resync")
    assert storage.open(tree.name_of("media/clip.bin")).read() == b"\x01" * 5000
    assert "OK draft" in run("verify")


def test_verify_counts_a_tree_shared_by_blocks_once_per_block(fake_platform, course_key, storage, built_package):
    path, sha1 = built_package
    add_block(fake_platform, course_key, "one", sha1)
    add_block(fake_platform, course_key, "two", sha1)
    tree = extract(storage, sha1, path)
    storage.delete(tree.name_of("index.html"))
    with pytest.raises(CommandError, match="4 SCORM block"):
        run("verify")


def test_verify_of_a_tree_marked_by_an_earlier_version(fake_platform, course_key, storage, built_package):
    path, sha1 = built_package
    add_block(fake_platform, course_key, "one", sha1)
    tree = extract(storage, sha1, path)
    sizes = tree.read_marker()["sizes"]
    storage.delete(tree.marker_name)
    cache.clear()
    storage.save(tree.in_tree_marker_name, ContentFile(
        f'{{"sha1": "{sha1}", "files": {len(sizes)}, "bytes": {sum(sizes.values())}}}'.encode()))
    assert "OK draft" in run("verify")
    assert storage.exists(tree.marker_name)  # adopted: the record beside the tree is written from it


def test_sweep_keeps_a_replaced_tree_while_a_learner_played_it_within_the_grace_period(fake_platform, course_key,
                                                                                          storage, settings):
    from openedxscorm import learner_store  # pylint: disable=import-outside-toplevel

    played, forgotten = make_tree(storage, "f" * 40), make_tree(storage, "9" * 40)
    learner_store.write_sco_state(learner_store.LearnerKey.of(7, "block-v1:Org+C+R+type@scorm+block@one"), "f" * 40,
                                  "sco", {"seq": 1, "data": {}})
    output = run("sweep", "--apply", "--min-age-hours", "0")
    assert f"PLAYED RECENTLY {played.prefix}" in output and f"DELETED {forgotten.prefix}" in output
    assert storage.exists(played.marker_name) and not storage.exists(forgotten.marker_name)
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {**settings.XBLOCK_SETTINGS["ScormXBlock"],
                                                "PREVIOUS_VERSION_GRACE_PERIOD": -60}}
    assert f"DELETED {played.prefix}" in run("sweep", "--apply", "--min-age-hours", "0")
