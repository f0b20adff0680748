"""Extracted package trees in Django storage: `<location>/<sha1 of the zip>/...`, complete once marked.

The same bytes always give the same tree, whichever block or course uses them. Readers trust a tree
only when its marker exists; the marker is written after every file, so a tree cut short by a crash
or a storage failure is never served.
"""
import hashlib
import json
import logging
import posixpath

MARKER_NAME = ".openedxscorm-complete.json"

# How long a "this tree is complete" answer is kept in the cache; a tree deleted behind the block's back
# is noticed after this at the latest (the block's own deletions drop the entry at once).
COMPLETE_CACHE_SECONDS = 24 * 60 * 60

# How long the progress of an extraction stays readable after its last update, for authors' pages polling it.
PROGRESS_CACHE_SECONDS = 60 * 60

log = logging.getLogger(__name__)


class PackageTree:
    """The files of one extracted package in a storage."""

    def __init__(self, storage, location, sha1):
        self.storage = storage
        self.location = location.strip("/")
        self.sha1 = sha1
        self.prefix = f"{self.location}/{sha1}" if self.location else sha1
        self.marker_name = self.name_of(MARKER_NAME)
        # The uploaded zip itself, beside its tree: course export bundles it when there is no contentstore copy.
        self.zip_name = f"{self.prefix}.zip"
        location_digest = hashlib.sha1(self.location.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]
        # Short and free of the characters memcached refuses, whatever the location holds.
        self.cache_key = f"openedxscorm:tree-complete:{location_digest}:{sha1}"
        self.progress_cache_key = f"openedxscorm:tree-progress:{location_digest}:{sha1}"

    def __repr__(self):
        return f"PackageTree({self.prefix!r})"

    def name_of(self, relative_path):
        """The storage name of a file of the tree (relative_path is already a safe normalised path)."""
        return f"{self.prefix}/{relative_path}"

    def is_complete(self):
        """True once the marker exists; a True answer is cached, so a warm check makes no storage call."""
        from django.core.cache import cache  # pylint: disable=import-outside-toplevel

        if cache.get(self.cache_key):
            return True
        if not self.storage.exists(self.marker_name):
            return False
        cache.set(self.cache_key, True, COMPLETE_CACHE_SECONDS)
        return True

    def mark_complete(self, file_count, total_bytes):
        """Write the marker (after every file of the tree) and remember that the tree is complete."""
        from django.core.cache import cache  # pylint: disable=import-outside-toplevel
        from django.core.files.base import ContentFile  # pylint: disable=import-outside-toplevel

        from .s3 import S3Writer, writes_directly  # pylint: disable=import-outside-toplevel

        content = json.dumps({"sha1": self.sha1, "files": file_count, "bytes": total_bytes}, sort_keys=True)
        if writes_directly(self.storage):  # one PUT, without the HEAD S3Storage.save may send first
            S3Writer(self.storage, 0).put_bytes(self.marker_name, content.encode("utf-8"))
            cache.set(self.cache_key, True, COMPLETE_CACHE_SECONDS)
            return
        saved = self.storage.save(self.marker_name, ContentFile(content.encode("utf-8")))
        if saved != self.marker_name:
            # A storage that never overwrites kept an earlier marker: that one says the same.
            self.storage.delete(saved)
        cache.set(self.cache_key, True, COMPLETE_CACHE_SECONDS)

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
