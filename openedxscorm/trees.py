"""Extracted package trees in Django storage: `<location>/<sha1 of the zip>/...`, complete once marked.

The same bytes always give the same tree, whichever block or course uses them. Readers trust a tree
only when its marker exists; the marker is written after every file, so a tree cut short by a crash
or a storage failure is never served.

The marker is `<location>/<sha1>.complete`, beside the tree and not in it, so no file of a package can be
taken for it. It records the size of every file, which `scorm_packages verify` compares with storage.
Earlier versions wrote the marker inside the tree (IN_TREE_MARKER_NAME); such a marker is adopted only when
it names the tree's own sha1 (a zip cannot hold a file naming the sha1 of the zip itself) and the tree holds
exactly the number of files and bytes it records; the marker beside the tree is then written from the tree.
"""
import functools
import hashlib
import json
import logging
import os
import posixpath
from dataclasses import dataclass, field

MARKER_SUFFIX = ".complete"

# Where versions before the marker moved beside the tree wrote it: a package may hold a file of that name too.
IN_TREE_MARKER_NAME = ".openedxscorm-complete.json"

# How long a "this tree is complete" answer is kept in the cache; a tree deleted behind the block's back
# is noticed after this at the latest (the block's own deletions drop the entry at once).
COMPLETE_CACHE_SECONDS = 24 * 60 * 60

# How long the progress of an extraction stays readable after its last update, for authors' pages polling it.
PROGRESS_CACHE_SECONDS = 60 * 60

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=64)
def _location_digest(location):
    """The location's part of the tree's cache keys; memoised, as a tree is made for every file served."""
    return hashlib.sha1(location.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


@dataclass
class TreeCheck:
    """A tree's files compared with its marker: tree paths missing from storage, or stored with another size."""

    marked: bool
    files: int = 0
    missing: list = field(default_factory=list)
    wrong_size: list = field(default_factory=list)

    @property
    def whole(self):
        return self.marked and not self.missing and not self.wrong_size


class PackageTree:
    """The files of one extracted package in a storage."""

    def __init__(self, storage, location, sha1):
        self.storage = storage
        self.location = location.strip("/")
        self.sha1 = sha1
        self.prefix = f"{self.location}/{sha1}" if self.location else sha1
        self.marker_name = f"{self.prefix}{MARKER_SUFFIX}"
        self.in_tree_marker_name = self.name_of(IN_TREE_MARKER_NAME)
        # The uploaded zip itself, beside its tree: course export bundles it when there is no contentstore copy.
        self.zip_name = f"{self.prefix}.zip"
        # Short and free of the characters memcached refuses, whatever the location holds.
        location_digest = _location_digest(self.location)
        self.cache_key = f"openedxscorm:tree-complete:{location_digest}:{sha1}"
        self.progress_cache_key = f"openedxscorm:tree-progress:{location_digest}:{sha1}"

    def __repr__(self):
        return f"PackageTree({self.prefix!r})"

    def name_of(self, relative_path):
        """The storage name of a file of the tree (relative_path is already a safe normalised path)."""
        return f"{self.prefix}/{relative_path}"

    def is_complete(self):
        """True once the marker exists (or an earlier version's marker was adopted); a True answer is cached, so a
        warm check makes no storage call."""
        return self.is_marked(adopt=True)

    def is_marked(self, adopt=False):
        """True once the marker beside the tree exists; with `adopt`, also when an earlier version's marker inside
        the tree is adopted. Extraction asks without adopting: one storage call less for a new package, and an
        earlier version's tree is then written again whole."""
        from django.core.cache import cache  # pylint: disable=import-outside-toplevel

        if cache.get(self.cache_key):
            return True
        if not (self.storage.exists(self.marker_name) or (adopt and self._adopt_in_tree_marker())):
            return False
        cache.set(self.cache_key, True, COMPLETE_CACHE_SECONDS)
        return True

    def mark_complete(self, sizes):
        """Write the marker, recording `sizes` (tree path -> bytes of every file), after every file of the tree;
        remember that the tree is complete."""
        from django.core.cache import cache  # pylint: disable=import-outside-toplevel

        content = {"sha1": self.sha1, "files": len(sizes), "bytes": sum(sizes.values()), "sizes": dict(sizes)}
        self._put(self.marker_name, json.dumps(content, sort_keys=True).encode("utf-8"))
        cache.set(self.cache_key, True, COMPLETE_CACHE_SECONDS)

    def read_marker(self):
        """The marker's record ({sha1, files, bytes, sizes}), or None when there is none or it is unreadable."""
        try:
            with self.storage.open(self.marker_name, "rb") as handle:
                record = json.loads(handle.read().decode("utf-8"))
        except (FileNotFoundError, OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None

    def stored_sizes(self):
        """Tree path -> size of every file now in storage under the tree (one listing on S3)."""
        from .s3 import is_s3_storage, list_sizes  # pylint: disable=import-outside-toplevel

        if is_s3_storage(self.storage):
            return list_sizes(self.storage, self.prefix + "/")
        try:
            root = self.storage.path(self.prefix)
        except NotImplementedError:
            return self._listed_sizes(self.prefix, "")
        sizes = {}
        for folder, _folders, names in os.walk(root):
            relative = os.path.relpath(folder, root).replace(os.sep, "/")
            for name in names:
                path = name if relative == "." else f"{relative}/{name}"
                sizes[path] = os.path.getsize(os.path.join(folder, name))
        return sizes

    def _listed_sizes(self, folder, relative):
        try:
            folders, files = self.storage.listdir(folder)
        except FileNotFoundError:
            return {}
        sizes = {relative + name: self.storage.size(f"{folder}/{name}") for name in files}
        for name in folders:
            sizes.update(self._listed_sizes(f"{folder}/{name}", f"{relative}{name}/"))
        return sizes

    def check_files(self):
        """The tree's files against its marker: a TreeCheck (no marker, or missing and wrong-sized files)."""
        record = self.read_marker()
        expected = record.get("sizes") if record else None
        if not isinstance(expected, dict):
            return TreeCheck(marked=False)
        stored = self.stored_sizes()
        return TreeCheck(
            marked=True, files=len(expected),
            missing=sorted(path for path in expected if path not in stored),
            wrong_size=sorted(path for path, size in expected.items() if path in stored and stored[path] != size),
        )

    def unmark(self):
        """Withdraw the marker (the tree was found damaged): it counts as incomplete until extracted again."""
        self.forget_complete()
        self.storage.delete(self.marker_name)
        self.storage.delete(self.in_tree_marker_name)

    def _adopt_in_tree_marker(self):
        """Trust a marker written inside the tree by an earlier version, and move it beside the tree, only when it
        names this tree's sha1 and the tree holds the files and bytes it counts; a file of the package never does.
        """
        try:
            with self.storage.open(self.in_tree_marker_name, "rb") as handle:
                record = json.loads(handle.read(4096).decode("utf-8"))
        except (FileNotFoundError, OSError, ValueError):
            return False
        if not isinstance(record, dict) or record.get("sha1") != self.sha1:
            log.warning("ignoring a completion marker of package tree %s that names another package", self.prefix)
            return False
        sizes = self.stored_sizes()
        sizes.pop(IN_TREE_MARKER_NAME, None)
        if (len(sizes), sum(sizes.values())) != (record.get("files"), record.get("bytes")):
            log.warning("ignoring the completion marker of package tree %s: its files do not match it", self.prefix)
            return False
        self.mark_complete(sizes)
        return True

    def _put(self, name, data):
        """Store small bytes under `name`, replacing what is there."""
        from django.core.files.base import ContentFile  # pylint: disable=import-outside-toplevel

        from .s3 import S3Writer, writes_directly  # pylint: disable=import-outside-toplevel

        if writes_directly(self.storage):  # one PUT, without the HEAD S3Storage.save may send first
            S3Writer(self.storage, 0).put_bytes(name, data)
            return
        saved = self.storage.save(name, ContentFile(data))
        if saved != name:  # another writer of the same bytes saved it meanwhile: that one says the same
            self.storage.delete(saved)

    def forget_complete(self):
        """Drop the cached completion flag (the tree is being deleted or was found broken)."""
        from django.core.cache import cache  # pylint: disable=import-outside-toplevel

        cache.delete(self.cache_key)

    def record_progress(self, progress):
        """Keep how far the extraction of this tree is (files and bytes written, and their totals) in the cache,
        where every worker reads it."""
        from django.core.cache import cache  # pylint: disable=import-outside-toplevel

        cache.set(self.progress_cache_key, dict(progress), PROGRESS_CACHE_SECONDS)

    def read_progress(self):
        """The last progress recorded for this tree's extraction, or None when none is known."""
        from django.core.cache import cache  # pylint: disable=import-outside-toplevel

        return cache.get(self.progress_cache_key)

    def delete(self):
        """Delete every file of the tree, the marker first so no reader trusts a half-deleted tree."""
        from django.core.cache import cache  # pylint: disable=import-outside-toplevel

        self.forget_complete()
        cache.delete(self.progress_cache_key)
        self.storage.delete(self.marker_name)
        self.storage.delete(self.in_tree_marker_name)
        self._delete_folder(self.prefix)
        self.storage.delete(self.zip_name)

    def _delete_folder(self, folder):
        try:
            folders, files = self.storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in files:
            self.storage.delete(posixpath.join(folder, name))
        for name in folders:
            self._delete_folder(posixpath.join(folder, name))
        try:
            self.storage.delete(folder)  # FileSystemStorage removes the empty folder; object stores have none
        except OSError as error:
            log.warning("could not remove folder %s of package tree %s: %s", folder, self.prefix, error)


def local_file_path(storage, name):
    """Where `name` lies on local disk when `storage` is a FileSystemStorage saving the standard way, else None.

    Such files may be written directly (no per-file overhead, renames that are atomic); a storage without local
    paths (object stores) or with a save of its own keeps going through its API.
    """
    from django.core.files.storage import FileSystemStorage, Storage  # pylint: disable=import-outside-toplevel

    standard_save = (
        getattr(storage.save, "__func__", None) is Storage.save
        and getattr(storage._save, "__func__", None) is FileSystemStorage._save  # pylint: disable=protected-access
    )
    if not standard_save:
        return None
    try:
        return storage.path(name)
    except NotImplementedError:
        return None


def get_storage(block, settings):
    """The storage holding package trees: STORAGE_FUNC (a callable or its dotted path) of the block, else
    Django's default_storage."""
    storage_func = settings.get("STORAGE_FUNC")
    if storage_func is None:
        from django.core.files.storage import default_storage  # pylint: disable=import-outside-toplevel

        return default_storage
    if isinstance(storage_func, str):
        from django.utils.module_loading import import_string  # pylint: disable=import-outside-toplevel

        storage_func = import_string(storage_func)
    return storage_func(block)
