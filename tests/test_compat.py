"""compat.py against the contract fake: exact key strings, errors, return shapes, revision rules."""
from datetime import datetime, timezone

import pytest
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from opaque_keys.edx.locator import LibraryLocatorV2

from openedxscorm import compat

pytest_plugins = ["openedxscorm_support.fake_platform.plugin"]

SHA1 = "0123456789abcdef0123456789abcdef01234567"


def test_asset_location_flattens_the_slash(fake_platform, course_key):
    location = compat.asset_location(course_key, f"scorm_packages/{SHA1}.zip")
    assert str(location) == f"asset-v1:ORG+COURSE+RUN+type@asset+block@scorm_packages_{SHA1}.zip"


def test_a_slash_in_an_asset_name_is_refused_by_opaque_keys(course_key):
    with pytest.raises(InvalidKeyError):
        course_key.make_asset_key("asset", "a/b")


def test_platform_objects_are_the_installed_ones(fake_platform):
    assert compat.contentstore() is fake_platform.contentstore
    assert compat.modulestore() is fake_platform.modulestore
    assert compat.static_content_class().__name__ == "StaticContent"
    assert compat.not_found_error().__name__ == "NotFoundError"


def test_find_raises_not_found_and_find_asset_returns_none(fake_platform, course_key):
    location = compat.asset_location(course_key, "missing.zip")
    with pytest.raises(compat.not_found_error()):
        compat.contentstore().find(location)
    assert compat.find_asset(location) is None


def test_save_find_stream_and_delete(fake_platform, course_key):
    location = compat.asset_location(course_key, "a/b.zip")
    compat.save_asset(location, "a_b.zip", "application/zip", iter([b"ab", b"cd"]), locked=True, length=4)
    found = compat.find_asset(location)
    assert b"".join(found.stream_data()) == b"abcd"
    assert found.locked and found.content_type == "application/zip" and found.data is None
    found.close()
    compat.save_asset(location, "a_b.zip", "application/zip", b"new", locked=False)
    assert compat.contentstore().find(location).data == b"new"  # save overwrites
    compat.delete_asset(location)
    assert compat.find_asset(location) is None
    assert fake_platform.content_cache.deleted == [str(location)]


def test_delete_of_a_missing_asset_is_a_no_op(fake_platform, course_key):
    compat.delete_asset(compat.asset_location(course_key, "never.zip"))
    assert fake_platform.contentstore.calls == ["delete"]


def test_del_cached_content_is_tolerated_missing(fake_platform_without_caching, course_key):
    location = compat.asset_location(course_key, "x.zip")
    compat.del_cached_content(location)
    compat.delete_asset(location)
    assert fake_platform_without_caching.content_cache.deleted == []


def test_list_course_assets_reads_the_list_of_the_pair(fake_platform, course_key):
    other = CourseKey.from_string("course-v1:ORG+OTHER+RUN")
    for key, name in ((course_key, "one.zip"), (course_key, "two.zip"), (other, "three.zip")):
        compat.save_asset(compat.asset_location(key, name), name, "application/zip", b"x", locked=True)
    rows, total = compat.contentstore().get_all_content_for_course(course_key)
    assert total == 2 and all("asset_key" in row for row in rows)
    assert sorted(key.block_id for key in compat.list_course_assets(course_key)) == ["one.zip", "two.zip"]
    page, total = compat.contentstore().get_all_content_for_course(course_key, start=1, maxresults=1)
    assert (len(page), total) == (1, 2)


def test_scorm_items_reads_both_branches_in_one_bulk_operation(fake_platform, course_key):
    store = fake_platform.modulestore
    draft_only = course_key.make_usage_key("scorm", "draft")
    both = course_key.make_usage_key("scorm", "both")
    store.save_draft(course_key.make_usage_key("html", "not-scorm"))
    store.save_draft(draft_only, package_sha1="a" * 40)
    store.save_draft(both, package_sha1="b" * 40)
    store.publish(both)
    items = compat.scorm_items(course_key)
    assert sorted(block.location.block_id for block in items["draft"]) == ["both", "draft"]
    assert [block.location.block_id for block in items["published"]] == ["both"]
    assert store.bulk_operations_calls == [course_key]
    assert [(revision, in_bulk) for _key, revision, in_bulk in store.get_items_calls] == [
        ("rev-opt-draft-only", True), ("rev-opt-published-only", True)]


def test_other_revisions_are_refused_like_the_platform(fake_platform, course_key):
    with pytest.raises(ValueError):
        compat.modulestore().get_items(course_key, qualifiers={"category": "scorm"}, revision="rev-opt-all")
    with pytest.raises(ValueError):
        compat.modulestore().get_items(course_key, revision="rev-opt-draft-preferred")


def test_keys_of_blocks_and_libraries(fake_platform, course_key):
    usage_key = course_key.make_usage_key("scorm", "one")
    block = fake_platform.modulestore.save_draft(usage_key)
    assert compat.course_key_of(block) == course_key
    assert not compat.is_library_v2(course_key)
    assert compat.is_library_v2(LibraryLocatorV2.from_string("lib:ORG:LIB"))
    branched = usage_key.for_branch("draft-branch")
    assert compat.canonical_usage_key(branched) == str(usage_key)
    assert compat.course_keys() == [course_key]


def test_revision_option_values_are_the_platforms(fake_platform):
    assert compat.revision_option("draft") == "rev-opt-draft-only"
    assert compat.revision_option("published") == "rev-opt-published-only"


def test_course_asset_uploads_give_each_row_its_upload_date(fake_platform, course_key):
    moment = datetime(2026, 3, 1, tzinfo=timezone.utc)
    fake_platform.contentstore.clock = lambda: moment
    compat.save_asset(compat.asset_location(course_key, "one.zip"), "one.zip", "application/zip", b"x", locked=True)
    assert [(key.block_id, uploaded) for key, uploaded in compat.course_asset_uploads(course_key)] == [
        ("one.zip", moment)]


def test_the_fakes_rerun_copies_assets_locked_as_they_were(fake_platform, course_key):
    other = CourseKey.from_string("course-v1:ORG+RERUN+RUN")
    compat.save_asset(compat.asset_location(course_key, "a/locked.zip"), "a_locked.zip", "application/zip", b"l",
                      locked=True)
    compat.save_asset(compat.asset_location(course_key, "open.pdf"), "open.pdf", "application/pdf", b"o",
                      locked=False)
    fake_platform.contentstore.copy_all_course_assets(course_key, other)
    rows, _total = fake_platform.contentstore.get_all_content_for_course(other)
    assert {row["asset_key"].block_id: row["locked"] for row in rows} == {"a_locked.zip": True, "open.pdf": False}
