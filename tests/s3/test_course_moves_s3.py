"""The whole block on S3: with the contentstore mirror on, uploads through studio_submit extract into the moto
bucket, each upload garbage-collects the zips no block references, and a tree missing from the bucket (a course
imported elsewhere) is rebuilt there from the contentstore on the first view."""
import hashlib

import pytest
from django.core.cache import cache
from opaque_keys.edx.keys import CourseKey

from openedxscorm.trees import PackageTree
from openedxscorm_support.block_runtime import make_block
from tests.packages import fixture_zip
from tests.test_course_moves import asset_key, play, upload

pytest_plugins = ["openedxscorm_support.fake_platform.plugin"]

COURSE = CourseKey.from_string("course-v1:Org+S3+2026")
FIRST = fixture_zip("probe-1.2.zip")
SECOND = fixture_zip("other-1.2.zip")


def sha1_of(path):
    return hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()


@pytest.fixture
def s3_block(fake_platform, s3_storage):  # noqa: ARG001  (the fake platform answers the contentstore calls)
    block = make_block(key=COURSE, CONTENTSTORE_SYNC_ENABLED=True, GC_GRACE_SECONDS=0,
                       STORAGE_FUNC=lambda _block: s3_storage)
    fake_platform.modulestore.save_draft(block.scope_ids.usage_id, package_sha1="")
    return block


def test_uploads_on_s3_mirror_collect_garbage_and_rehydrate(fake_platform, s3_block, s3_storage, moto_server, bucket):
    assert upload(s3_block, FIRST).status_code == 200
    first = sha1_of(FIRST)
    assert asset_key(COURSE, first) in fake_platform.contentstore.assets
    fake_platform.modulestore.save_draft(s3_block.scope_ids.usage_id, package_sha1=first)

    assert upload(s3_block, SECOND).status_code == 200
    second = sha1_of(SECOND)
    assert s3_block.package_sha1 == second
    assets = fake_platform.contentstore.course_asset_names(COURSE)
    assert assets == [f"scorm_packages_{second}.zip"]  # the first zip is no longer referenced: collected
    tree = PackageTree(s3_storage, s3_block.block_settings()["LOCATION"], second)
    assert s3_storage.exists(tree.marker_name)
    assert any(method == "PUT" and tree.marker_name in path for method, path, _status in
               moto_server.settled_requests(bucket))

    tree.delete()  # the course moved to an instance whose bucket does not hold the tree
    cache.clear()
    assert not tree.is_complete()
    _html, response = play(s3_block)
    assert response.status_code == 200 and b"<title>" in b"".join(response.app_iter)
    cache.clear()
    assert tree.is_complete()  # rebuilt in the bucket from the contentstore's zip
