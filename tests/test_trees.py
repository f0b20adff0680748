"""Package trees in storage: the completion marker and its cache, deletion, and choosing the storage."""
import json

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage

from openedxscorm.trees import MARKER_NAME, PackageTree, get_storage

SHA1 = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


class CountingStorage:
    """Wraps a storage and counts every method call made on it."""

    def __init__(self, storage):
        self._storage = storage
        self.calls = []

    def __getattr__(self, name):
        attribute = getattr(self._storage, name)
        if not callable(attribute):
            return attribute

        def counted(*args, **kwargs):
            self.calls.append(name)
            return attribute(*args, **kwargs)
        return counted


def test_prefix_and_names():
    tree = PackageTree(default_storage, "scorm/", SHA1)
    assert tree.prefix == f"scorm/{SHA1}"
    assert tree.name_of("shared/launchpage.html") == f"scorm/{SHA1}/shared/launchpage.html"
    assert tree.marker_name == f"scorm/{SHA1}/{MARKER_NAME}"


def test_tree_without_marker_is_not_complete_and_that_is_not_cached(storage):
    counting = CountingStorage(storage)
    tree = PackageTree(counting, "scorm", SHA1)
    storage.save(tree.name_of("index.html"), ContentFile(b"hi"))
    assert not tree.is_complete()
    assert not tree.is_complete()
    assert counting.calls == ["exists", "exists"]


def test_warm_completion_check_makes_no_storage_call(storage):
    counting = CountingStorage(storage)
    PackageTree(storage, "scorm", SHA1).mark_complete(3, 120)
    cache.clear()
    assert PackageTree(counting, "scorm", SHA1).is_complete()  # cold: one look at the marker
    assert counting.calls == ["exists"]
    assert PackageTree(counting, "scorm", SHA1).is_complete()  # warm: the cache answers
    assert counting.calls == ["exists"]


def test_cache_key_depends_on_location_and_sha1(storage):
    PackageTree(storage, "scorm", SHA1).mark_complete(1, 1)
    assert not PackageTree(storage, "other", SHA1).is_complete()
    assert not PackageTree(storage, "scorm", "f" * 40).is_complete()


def test_marker_content_and_written_once(storage):
    tree = PackageTree(storage, "scorm", SHA1)
    tree.mark_complete(3, 120)
    tree.mark_complete(3, 120)  # a second writer of the same bytes: no renamed copy is left behind
    assert json.loads(storage.open(tree.marker_name).read()) == {"sha1": SHA1, "files": 3, "bytes": 120}
    assert storage.listdir(tree.prefix) == ([], [MARKER_NAME])


def test_delete_removes_every_file_and_forgets_completion(storage):
    tree = PackageTree(storage, "scorm", SHA1)
    other = PackageTree(storage, "scorm", "f" * 40)
    for name in ("index.html", "shared/a.js", "shared/deep/b.css"):
        storage.save(tree.name_of(name), ContentFile(b"x"))
    storage.save(other.name_of("index.html"), ContentFile(b"x"))
    tree.mark_complete(3, 3)
    assert tree.is_complete()
    tree.delete()
    assert not tree.is_complete()
    assert not storage.exists(tree.prefix)
    assert storage.exists(other.name_of("index.html"))


def test_delete_of_a_missing_tree_is_harmless(storage):
    PackageTree(storage, "scorm", SHA1).delete()
    assert not PackageTree(storage, "scorm", SHA1).is_complete()


def test_forget_complete_drops_only_the_cache(storage):
    counting = CountingStorage(storage)
    tree = PackageTree(counting, "scorm", SHA1)
    tree.mark_complete(1, 1)
    counting.calls.clear()
    tree.forget_complete()
    assert tree.is_complete()
    assert counting.calls == ["exists"]


def storage_for_block(block):
    """A STORAGE_FUNC for the tests: a storage whose URL names the block it was made for."""
    return FileSystemStorage(base_url=f"/packages/{block}/")


def test_get_storage_defaults_to_default_storage():
    assert get_storage("block", {"STORAGE_FUNC": None}) is default_storage
    assert get_storage("block", {}) is default_storage


def test_get_storage_with_a_callable():
    assert get_storage("b1", {"STORAGE_FUNC": storage_for_block}).base_url == "/packages/b1/"


def test_get_storage_with_a_dotted_path():
    storage = get_storage("b2", {"STORAGE_FUNC": "tests.test_trees.storage_for_block"})
    assert isinstance(storage, FileSystemStorage)
    assert storage.base_url == "/packages/b2/"
