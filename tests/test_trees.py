"""Package trees in storage: the completion marker and its cache, deletion, and choosing the storage."""
import json

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage

from openedxscorm.trees import IN_TREE_MARKER_NAME, PackageTree, get_storage

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
    assert tree.marker_name == f"scorm/{SHA1}.complete"  # beside the tree: no file of a package can be it


def test_tree_without_marker_is_not_complete_and_that_is_not_cached(storage):
    counting = CountingStorage(storage)
    tree = PackageTree(counting, "scorm", SHA1)
    storage.save(tree.name_of("index.html"), ContentFile(b"hi"))
    assert not tree.is_complete()
    assert not tree.is_complete()
    assert counting.calls == ["exists", "open", "exists", "open"]  # the marker, then an earlier version's


def test_warm_completion_check_makes_no_storage_call(storage):
    counting = CountingStorage(storage)
    PackageTree(storage, "scorm", SHA1).mark_complete({"a": 100, "b/c": 20, "d": 0})
    cache.clear()
    assert PackageTree(counting, "scorm", SHA1).is_complete()  # cold: one look at the marker
    assert counting.calls == ["exists"]
    assert PackageTree(counting, "scorm", SHA1).is_complete()  # warm: the cache answers
    assert counting.calls == ["exists"]


def test_cache_key_depends_on_location_and_sha1(storage):
    PackageTree(storage, "scorm", SHA1).mark_complete({"a": 1})
    assert not PackageTree(storage, "other", SHA1).is_complete()
    assert not PackageTree(storage, "scorm", "f" * 40).is_complete()


def test_marker_content_and_written_once(storage):
    tree = PackageTree(storage, "scorm", SHA1)
    tree.mark_complete({"a": 100, "b/c": 20, "d": 0})
    tree.mark_complete({"a": 100, "b/c": 20, "d": 0})  # a second writer: no renamed copy is left
    assert json.loads(storage.open(tree.marker_name).read()) == {
        "sha1": SHA1, "files": 3, "bytes": 120, "sizes": {"a": 100, "b/c": 20, "d": 0}}
    assert storage.listdir("scorm") == ([], [f"{SHA1}.complete"])


def test_delete_removes_every_file_and_forgets_completion(storage):
    tree = PackageTree(storage, "scorm", SHA1)
    other = PackageTree(storage, "scorm", "f" * 40)
    for name in ("index.html", "shared/a.js", "shared/deep/b.css"):
        storage.save(tree.name_of(name), ContentFile(b"x"))
    storage.save(other.name_of("index.html"), ContentFile(b"x"))
    tree.mark_complete({"index.html": 1, "shared/a.js": 1, "shared/deep/b.css": 1})
    assert tree.is_complete()
    tree.delete()
    assert not tree.is_complete()
    assert not storage.exists(tree.prefix) and not storage.exists(tree.marker_name)
    assert storage.exists(other.name_of("index.html"))


def test_delete_of_a_missing_tree_is_harmless(storage):
    PackageTree(storage, "scorm", SHA1).delete()
    assert not PackageTree(storage, "scorm", SHA1).is_complete()


def test_forget_complete_drops_only_the_cache(storage):
    counting = CountingStorage(storage)
    tree = PackageTree(counting, "scorm", SHA1)
    tree.mark_complete({"a": 1})
    counting.calls.clear()
    tree.forget_complete()
    assert tree.is_complete()
    assert counting.calls == ["exists"]


def write_files(storage, tree, files):
    for path, data in files.items():
        storage.save(tree.name_of(path), ContentFile(data))


def in_tree_marker(storage, tree, record):
    storage.save(tree.in_tree_marker_name, ContentFile(json.dumps(record).encode()))


FILES = {"index.html": b"<html></html>", "shared/a.js": b"var a;", "shared/deep/b.css": b""}


def test_check_files_finds_missing_and_wrong_sized_files(storage):
    tree = PackageTree(storage, "scorm", SHA1)
    write_files(storage, tree, FILES)
    tree.mark_complete({path: len(data) for path, data in FILES.items()})
    assert tree.check_files().whole and tree.check_files().files == 3
    storage.delete(tree.name_of("shared/a.js"))
    storage.delete(tree.name_of("index.html"))
    storage.save(tree.name_of("index.html"), ContentFile(b"<ht"))  # cut short
    check = tree.check_files()
    assert (check.missing, check.wrong_size, check.whole) == (["shared/a.js"], ["index.html"], False)


def test_check_files_of_a_tree_without_marker():
    tree = PackageTree(default_storage, "scorm", SHA1)
    assert not tree.check_files().marked and not tree.check_files().whole


def test_unmark_makes_the_tree_incomplete_and_keeps_its_files(storage):
    tree = PackageTree(storage, "scorm", SHA1)
    write_files(storage, tree, FILES)
    tree.mark_complete({path: len(data) for path, data in FILES.items()})
    assert tree.is_complete()
    tree.unmark()
    assert not tree.is_complete()
    assert storage.exists(tree.name_of("shared/deep/b.css"))


def test_an_earlier_versions_marker_is_adopted_when_the_tree_matches_it(storage):
    tree = PackageTree(storage, "scorm", SHA1)
    write_files(storage, tree, FILES)
    in_tree_marker(storage, tree, {"sha1": SHA1, "files": 3, "bytes": 19})
    assert tree.is_complete()
    assert tree.read_marker()["sizes"] == {"index.html": 13, "shared/a.js": 6, "shared/deep/b.css": 0}
    assert tree.check_files().whole


@pytest.mark.parametrize("record", [
    {"sha1": "f" * 40, "files": 3, "bytes": 19},  # another package's marker, zipped into this one
    {"sha1": SHA1, "files": 4, "bytes": 19},  # a file missing
    {"sha1": SHA1, "files": 3, "bytes": 25},  # a file cut short
    ["not", "a", "record"],
], ids=["other-sha1", "missing-file", "short-file", "not-a-record"])
def test_an_in_tree_marker_that_does_not_match_is_never_trusted(storage, record):
    tree = PackageTree(storage, "scorm", SHA1)
    write_files(storage, tree, FILES)
    in_tree_marker(storage, tree, record)
    assert not tree.is_complete()
    assert not storage.exists(tree.marker_name)


def test_an_unreadable_in_tree_marker_is_never_trusted(storage):
    tree = PackageTree(storage, "scorm", SHA1)
    write_files(storage, tree, FILES)
    storage.save(tree.in_tree_marker_name, ContentFile(b"\xff{not json"))
    assert not tree.is_complete()


def test_reserved_in_tree_name_is_the_earlier_marker():
    assert PackageTree(default_storage, "scorm", SHA1).in_tree_marker_name == f"scorm/{SHA1}/{IN_TREE_MARKER_NAME}"


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
