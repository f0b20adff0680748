"""Lazy re-extraction from the contentstore copy: warm views cost nothing, and only verified zips are extracted."""
import hashlib
import shutil

import pytest
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage

from openedxscorm import mirror, rehydrate
from openedxscorm.settings import merged_settings
from openedxscorm.trees import PackageTree
from tests.packages import fixture_zip

pytest_plugins = ["openedxscorm_support.fake_platform.plugin"]

PACKAGE_NAME = "other-1.2.zip"
SETTINGS = merged_settings({})


class CountingStorage(FileSystemStorage):
    """A FileSystemStorage that counts every call a reader could make."""

    calls = 0

    def _count(name):  # pylint: disable=no-self-argument
        def counted(self, *args, **kwargs):
            type(self).calls += 1
            return getattr(FileSystemStorage, name)(self, *args, **kwargs)
        return counted

    exists = _count("exists")
    open = _count("open")
    save = _count("save")
    listdir = _count("listdir")
    size = _count("size")
    delete = _count("delete")
    url = _count("url")
    get_modified_time = _count("get_modified_time")


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def package(tmp_path):
    path = tmp_path / PACKAGE_NAME
    shutil.copyfile(fixture_zip(PACKAGE_NAME), path)
    return path, hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()


@pytest.fixture
def counting_storage(tmp_path):
    CountingStorage.calls = 0
    return CountingStorage(location=str(tmp_path / "media"))


def ensure(tree, course_key, extract, **overrides):
    options = {"cache": cache, "lock_timeout": 60, "wait_seconds": 0.3, "poll_seconds": 0.05, **overrides}
    return rehydrate.ensure_tree(tree, course_key, extract, **options)


def test_missing_tree_is_fetched_verified_and_extracted(fake_platform, course_key, package, counting_storage):
    path, sha1 = package
    mirror.mirror_zip(course_key, sha1, path)
    tree = PackageTree(counting_storage, "scorm", sha1)
    fetched = []

    def extract(zip_path):
        fetched.append(hashlib.sha1(open(zip_path, "rb").read(), usedforsecurity=False).hexdigest())
        rehydrate.package_extractor(tree, SETTINGS)(zip_path)

    assert ensure(tree, course_key, extract) == rehydrate.READY
    assert fetched == [sha1]
    assert counting_storage.exists(tree.name_of("imsmanifest.xml"))


def test_warm_ready_costs_zero_storage_calls(fake_platform, course_key, package, counting_storage):
    path, sha1 = package
    mirror.mirror_zip(course_key, sha1, path)
    tree = PackageTree(counting_storage, "scorm", sha1)
    assert ensure(tree, course_key, rehydrate.package_extractor(tree, SETTINGS)) == rehydrate.READY
    CountingStorage.calls = 0
    fake_platform.contentstore.calls.clear()
    fresh_tree = PackageTree(counting_storage, "scorm", sha1)  # a new request builds a new tree object
    assert ensure(fresh_tree, course_key, pytest.fail) == rehydrate.READY
    assert CountingStorage.calls == 0
    assert fake_platform.contentstore.calls == []


def test_a_corrupted_asset_is_not_extracted(fake_platform, course_key, package, storage):
    path, sha1 = package
    mirror.mirror_zip(course_key, sha1, path)
    asset = next(iter(fake_platform.contentstore.assets.values()))
    asset.data = asset.data[:100] + bytes([asset.data[100] ^ 0xFF]) + asset.data[101:]
    tree = PackageTree(storage, "scorm", sha1)
    extracted = []
    fake_platform.contentstore.calls.clear()
    status = ensure(tree, course_key, extracted.append)
    assert status.state == "failed" and status.reason.code == "sha1_mismatch"
    assert extracted == []
    assert not storage.exists(tree.prefix)
    assert rehydrate.last_failure(tree, cache) == status.reason  # staff are shown it
    assert "damaged" in status.reason.render()
    assert ensure(tree, course_key, extracted.append) == status  # remembered: no second fetch
    assert fake_platform.contentstore.calls.count("find") == 1


def test_a_missing_asset_fails_with_a_reason(fake_platform, course_key, storage):
    tree = PackageTree(storage, "scorm", "a" * 40)
    status = ensure(tree, course_key, pytest.fail)
    assert (status.state, status.reason.code) == ("failed", "missing")


def test_a_refused_package_is_reported(fake_platform, course_key, storage, tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip at all")
    sha1 = hashlib.sha1(broken.read_bytes(), usedforsecurity=False).hexdigest()
    mirror.mirror_zip(course_key, sha1, broken)
    tree = PackageTree(storage, "scorm", sha1)
    status = ensure(tree, course_key, rehydrate.package_extractor(tree, SETTINGS))
    assert (status.state, status.reason.code) == ("failed", "refused")


def test_a_worker_that_finds_the_lock_taken_answers_preparing(fake_platform, course_key, package, storage):
    _path, sha1 = package
    tree = PackageTree(storage, "scorm", sha1)
    cache.add(rehydrate.lock_key(tree), "someone else", 60)
    assert ensure(tree, course_key, pytest.fail) == rehydrate.PREPARING


def test_a_library_cannot_rehydrate(fake_platform, storage):
    from opaque_keys.edx.locator import LibraryLocatorV2  # pylint: disable=import-outside-toplevel

    tree = PackageTree(storage, "scorm", "b" * 40)
    status = ensure(tree, LibraryLocatorV2.from_string("lib:ORG:LIB"), pytest.fail)
    assert status.reason.code == "library"
    assert cache.get(rehydrate.lock_key(tree)) is None  # the lock was released
