"""The contentstore mirror against the contract fake: save, fetch, garbage-collect, and the guarded call sites."""
import hashlib
import logging
import os
import shutil
from datetime import datetime, timedelta, timezone

import pytest
from django.core.files.base import ContentFile

from openedxscorm import mirror
from openedxscorm.trees import PackageTree
from tests.packages import fixture_zip

pytest_plugins = ["openedxscorm_support.fake_platform.plugin"]

PACKAGE_NAME = "other-1.2.zip"


@pytest.fixture
def package_zip(tmp_path):
    path = tmp_path / PACKAGE_NAME
    shutil.copyfile(fixture_zip(PACKAGE_NAME), path)
    return path


def sha1_of(path):
    return hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()


def sha1_of_bytes(data):
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def stored(platform, course_key, sha1):
    return platform.contentstore.assets.get(
        f"asset-v1:{course_key.org}+{course_key.course}+{course_key.run}+type@asset+block@scorm_packages_{sha1}.zip")


def test_upload_is_mirrored_under_the_exact_key_locked_and_streamed(fake_platform, course_key, package_zip):
    sha1 = sha1_of(package_zip)
    assert mirror.mirror_zip(course_key, sha1, package_zip, chunk_size=4096) is True
    asset = stored(fake_platform, course_key, sha1)
    assert asset is not None
    assert asset.locked is True
    assert asset.content_type == "application/zip"
    assert asset.data == package_zip.read_bytes()
    assert asset.saved_from_iterator is True
    assert asset.name == f"scorm_packages_{sha1}.zip"


def test_a_second_mirror_of_the_same_zip_writes_nothing(fake_platform, course_key, package_zip):
    sha1 = sha1_of(package_zip)
    mirror.mirror_zip(course_key, sha1, package_zip)
    assert mirror.mirror_zip(course_key, sha1, package_zip) is False
    assert fake_platform.contentstore.calls.count("save") == 1


def test_a_failing_contentstore_gives_a_notice_and_a_warning(fake_platform, course_key, package_zip, caplog):
    fake_platform.contentstore.failing.add("save")
    with caplog.at_level(logging.WARNING, logger="openedxscorm.mirror"):
        notice = mirror.try_mirror(course_key, sha1_of(package_zip), package_zip)
    assert notice == mirror.MirrorNotice("save_failed")
    assert "Files & Uploads" in notice.render()
    assert any(record.levelno == logging.WARNING for record in caplog.records)


def test_sync_upload_reports_the_notice_and_skips_gc_after_a_failed_save(fake_platform, course_key, package_zip):
    fake_platform.contentstore.failing.add("save")
    usage_key = course_key.make_usage_key("scorm", "one")
    notices = mirror.sync_upload(course_key, usage_key, sha1_of(package_zip), package_zip)
    assert notices == [mirror.MirrorNotice("save_failed")]
    assert "get_all_content_for_course" not in fake_platform.contentstore.calls


def test_a_library_gets_a_clear_notice(fake_platform, package_zip):
    from opaque_keys.edx.locator import LibraryLocatorV2  # pylint: disable=import-outside-toplevel

    library = LibraryLocatorV2.from_string("lib:ORG:LIB")
    assert mirror.try_mirror(library, sha1_of(package_zip), package_zip) == mirror.MirrorNotice("library")
    with pytest.raises(mirror.MirrorError) as refused:
        mirror.fetch_zip(library, sha1_of(package_zip), "unused.zip")
    assert refused.value.code == "library"
    assert fake_platform.contentstore.calls == []


def test_fetch_streams_and_verifies(fake_platform, course_key, package_zip, tmp_path):
    sha1 = sha1_of(package_zip)
    mirror.mirror_zip(course_key, sha1, package_zip)
    target = tmp_path / "fetched.zip"
    mirror.fetch_zip(course_key, sha1, target)
    assert target.read_bytes() == package_zip.read_bytes()


def test_fetch_of_a_corrupted_asset_raises_and_leaves_no_file(fake_platform, course_key, package_zip, tmp_path):
    sha1 = sha1_of(package_zip)
    mirror.mirror_zip(course_key, sha1, package_zip)
    stored(fake_platform, course_key, sha1).data = package_zip.read_bytes()[:-10] + b"0123456789"
    target = tmp_path / "fetched.zip"
    with pytest.raises(mirror.MirrorError) as refused:
        mirror.fetch_zip(course_key, sha1, target)
    assert refused.value.code == "sha1_mismatch"
    assert not target.exists()


def test_fetch_of_a_missing_asset(fake_platform, course_key, tmp_path):
    with pytest.raises(mirror.MirrorError) as refused:
        mirror.fetch_zip(course_key, "f" * 40, tmp_path / "x.zip")
    assert refused.value.code == "missing"


def save_zip_asset(course_key, data, tmp_path):
    path = tmp_path / "upload.zip"
    path.write_bytes(data)
    sha1 = sha1_of_bytes(data)
    mirror.mirror_zip(course_key, sha1, path)
    return sha1


def test_gc_keeps_draft_published_and_the_edited_sha1(fake_platform, course_key, tmp_path):
    store = fake_platform.modulestore
    one = course_key.make_usage_key("scorm", "one")
    published, old_draft, new_draft, orphan = (save_zip_asset(course_key, bytes([n]) * 100, tmp_path)
                                               for n in range(4))
    store.save_draft(one, package_sha1=published)
    store.publish(one)
    store.save_draft(one, package_sha1=old_draft)
    deleted = mirror.collect_garbage(course_key, {str(one): new_draft})
    names = fake_platform.contentstore.course_asset_names(course_key)
    assert names == sorted(f"scorm_packages_{sha1}.zip" for sha1 in (published, new_draft))
    assert sorted(deleted) == sorted(
        f"asset-v1:ORG+COURSE+RUN+type@asset+block@scorm_packages_{sha1}.zip" for sha1 in (old_draft, orphan))
    assert sorted(fake_platform.content_cache.deleted) == sorted(deleted)
    assert len(store.get_items_calls) == 2 and len(store.bulk_operations_calls) == 1


def test_gc_deletes_only_exact_pattern_names(fake_platform, course_key, tmp_path):
    from openedxscorm import compat  # pylint: disable=import-outside-toplevel

    lookalikes = ["scorm_packages_" + "a" * 39 + ".zip", "scorm_packages_" + "A" * 40 + ".zip",
                  "scorm_packages_" + "a" * 40 + ".zip.bak", "xscorm_packages_" + "a" * 40 + ".zip",
                  "scorm_packages_" + "a" * 41 + ".zip", "syllabus.pdf"]
    for name in lookalikes:
        compat.save_asset(compat.asset_location(course_key, name), name, "application/zip", b"x", locked=True)
    unreferenced = save_zip_asset(course_key, b"zip bytes", tmp_path)
    deleted = mirror.collect_garbage(course_key, {})
    assert deleted == [f"asset-v1:ORG+COURSE+RUN+type@asset+block@scorm_packages_{unreferenced}.zip"]
    assert fake_platform.contentstore.course_asset_names(course_key) == sorted(lookalikes)


def test_try_collect_turns_a_failure_into_a_notice(fake_platform, course_key, caplog):
    fake_platform.contentstore.failing.add("get_all_content_for_course")
    with caplog.at_level(logging.WARNING, logger="openedxscorm.mirror"):
        assert mirror.try_collect(course_key, {}) == mirror.MirrorNotice("collect_failed")
    assert caplog.records


def test_asset_names():
    sha1 = "0" * 40
    assert mirror.asset_path(sha1) == f"scorm_packages/{sha1}.zip"
    assert mirror.sha1_of_asset_name(mirror.asset_name(sha1)) == sha1
    assert mirror.sha1_of_asset_name(f"scorm_packages_{sha1}.zip.old") is None
    assert os.path.basename(mirror.asset_path(sha1)) == f"{sha1}.zip"


@pytest.mark.parametrize(("age_seconds", "naive", "kept"), [
    (59, False, True), (60, False, False), (59, True, True), (3600, True, False),
])
def test_gc_keeps_unreferenced_zips_younger_than_the_grace_period(fake_platform, course_key, tmp_path, age_seconds,
                                                                  naive, kept):
    uploaded = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
    fake_platform.contentstore.clock = lambda: uploaded.replace(tzinfo=None) if naive else uploaded  # MongoDB: naive
    sha1 = save_zip_asset(course_key, b"another author's upload", tmp_path)
    deleted = mirror.collect_garbage(course_key, {}, grace_seconds=60, now=uploaded + timedelta(seconds=age_seconds))
    assert (fake_platform.contentstore.course_asset_names(course_key) == [mirror.asset_name(sha1)]) is kept
    assert (deleted == []) is kept


def test_an_upload_passes_the_grace_period_setting_to_gc(fake_platform, course_key, tmp_path):
    old = save_zip_asset(course_key, b"an earlier upload", tmp_path)
    path = tmp_path / "new.zip"
    path.write_bytes(b"the new upload")
    usage_key = course_key.make_usage_key("scorm", "one")
    assert mirror.sync_upload(course_key, usage_key, sha1_of(path), path, grace_seconds=3600) == []
    assert mirror.asset_name(old) in fake_platform.contentstore.course_asset_names(course_key)
    assert mirror.sync_upload(course_key, usage_key, sha1_of(path), path, grace_seconds=0) == []
    assert fake_platform.contentstore.course_asset_names(course_key) == [mirror.asset_name(sha1_of(path))]


def test_heal_mirrors_from_the_zip_beside_the_tree_only_when_missing(fake_platform, course_key, storage):
    data = b"zip kept beside its tree"
    tree = PackageTree(storage, "scorm", sha1_of_bytes(data))
    assert mirror.heal(course_key, tree) == mirror.NO_COPY
    storage.save(tree.zip_name, ContentFile(data))
    assert mirror.heal(course_key, tree, chunk_size=5) == mirror.HEALED
    stored_copy = stored(fake_platform, course_key, tree.sha1)
    assert stored_copy.locked and stored_copy.data == data and stored_copy.saved_from_iterator
    assert mirror.heal(course_key, tree) == mirror.PRESENT
    assert fake_platform.contentstore.calls.count("save") == 1
    fake_platform.contentstore.failing.add("find")
    assert mirror.heal(course_key, tree) == mirror.UNAVAILABLE
