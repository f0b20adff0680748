"""Lazy re-extraction: a package whose tree is missing (after a course import, or a storage wipe) is rebuilt on
first read, by one worker at a time, from the zip kept beside the tree when it is still there, else from the
course's copy in Files & Uploads, whatever the mirror setting.

The lock is Django's cache ``add`` (atomic on Redis and Memcached), so with a shared cache one process extracts
while the others wait briefly and then answer "preparing". Once a tree is complete, PackageTree caches that
fact, and a warm view costs no storage call at all.
"""
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass

from . import compat
from .errors import Notice, ScormError, gettext_noop
from .mirror import DEFAULT_CHUNK_SIZE, MirrorError, fetch_zip, iter_stored_chunks, stored_zip_exists
from .package import Limits, check_package, extract_package, spool_path
from .package.spool import spool_file
from .upload import zip_keeper

log = logging.getLogger(__name__)

CACHE_PREFIX = "openedxscorm.rehydrate"
# How long a failure is remembered (shown to staff, and no retry meanwhile), by reason; transient ones are short.
FAILURE_MEMORY_SECONDS = {"missing": 30, "unavailable": 30, "incomplete": 30}
DEFAULT_FAILURE_MEMORY_SECONDS = 300
DEFAULT_POLL_SECONDS = 0.2


class RehydrateNotice(Notice):
    """Why a package could not be re-extracted, for staff."""

    MESSAGES = {
        "missing": gettext_noop("The package's files are missing, and the course has no copy of the package "
                                "(%(sha1)s) in Files & Uploads. Upload the package again."),
        "sha1_mismatch": gettext_noop(
            "The package's files are missing, and its copy in Files & Uploads is damaged (expected sha1 "
            "%(expected)s, found %(actual)s). Upload the package again."),
        "library": gettext_noop("The package's files are missing, and content libraries have no Files & Uploads "
                                "to restore them from. Upload the package again."),
        "refused": gettext_noop("The package's copy in Files & Uploads could not be extracted: %(reason)s"),
        "unavailable": gettext_noop("The package's files are missing and could not be restored right now; "
                                    "the server log has the details."),
        "tree_missing": gettext_noop("The package's files (%(sha1)s) are missing from storage, and no copy of the "
                                     "package was found to restore them from. Upload the package again."),
        "incomplete": gettext_noop("The package was restored from Files & Uploads, but its files are still "
                                   "incomplete."),
    }


@dataclass(frozen=True)
class Status:
    """Whether the tree can be served: ready, preparing (another worker extracts it), or failed with a reason."""

    state: str
    reason: RehydrateNotice | None = None

    @property
    def ready(self):
        return self.state == "ready"


READY = Status("ready")
PREPARING = Status("preparing")


def failed(code, **params):
    return Status("failed", RehydrateNotice(code, **params))


def _tree_id(tree):
    """Short and free of characters memcached refuses, whatever the storage location holds."""
    return hashlib.sha1(tree.prefix.encode("utf-8"), usedforsecurity=False).hexdigest()


def lock_key(tree):
    return f"{CACHE_PREFIX}.lock.{_tree_id(tree)}"


def failure_key(tree):
    return f"{CACHE_PREFIX}.failure.{_tree_id(tree)}"


def last_failure(tree, cache):
    """The reason the last re-extraction of this tree failed, while it is remembered; else None."""
    remembered = cache.get(failure_key(tree))
    return RehydrateNotice(remembered["code"], **remembered["params"]) if remembered else None


def forget_failure(tree, cache):
    """Drop the remembered failure so the next call tries again (operators' resync)."""
    cache.delete(failure_key(tree))


def ensure_tree(tree, course_key, extract_from_zip, *, cache, lock_timeout, wait_seconds,
                poll_seconds=DEFAULT_POLL_SECONDS, chunk_size=DEFAULT_CHUNK_SIZE):
    """READY when the tree is complete, after re-extracting it from the contentstore when needed.

    ``extract_from_zip(zip_path)`` runs the upload pipeline on a local zip whose sha1 was verified. A recent
    failure is answered from the cache without retrying, so a broken package does not cost a fetch per view.
    """
    if tree.is_complete():
        return READY
    remembered = last_failure(tree, cache)
    if remembered is not None:
        return Status("failed", remembered)
    token = uuid.uuid4().hex
    if cache.add(lock_key(tree), token, lock_timeout):
        try:
            return _rehydrate_locked(tree, course_key, extract_from_zip, cache, chunk_size)
        finally:
            if cache.get(lock_key(tree)) == token:
                cache.delete(lock_key(tree))
    return _wait_for_other_worker(tree, cache, wait_seconds, poll_seconds)


def _wait_for_other_worker(tree, cache, wait_seconds, poll_seconds):
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        time.sleep(poll_seconds)
        if cache.get(lock_key(tree)) is None:
            break
    if tree.is_complete():
        return READY
    remembered = last_failure(tree, cache)
    return Status("failed", remembered) if remembered is not None else PREPARING


def _rehydrate_locked(tree, course_key, extract_from_zip, cache, chunk_size):
    """Fetch, verify and extract, holding the lock; the outcome is remembered for staff when it fails."""
    if tree.is_complete():  # another worker finished between our first look and taking the lock
        return READY
    status = _fetch_and_extract(tree, course_key, extract_from_zip, chunk_size)
    if status.reason is not None:
        log.warning("Could not re-extract SCORM package %s for %s: %s", tree.sha1, course_key, status.reason.render())
        cache.set(failure_key(tree), status.reason.to_dict(),
                  FAILURE_MEMORY_SECONDS.get(status.reason.code, DEFAULT_FAILURE_MEMORY_SECONDS))
    return status


def _fetch_and_extract(tree, course_key, extract_from_zip, chunk_size):
    with spool_file("rehydrate-") as zip_path:
        try:
            if not fetch_stored_zip(tree, zip_path, chunk_size):
                if compat.is_library_v2(course_key):
                    return failed("library")
                fetch_zip(course_key, tree.sha1, zip_path, chunk_size)
            extract_from_zip(zip_path)
        except MirrorError as error:
            return failed(error.code, **error.params)
        except ScormError as error:
            return failed("refused", reason=error.render())
        except Exception:  # pylint: disable=broad-except
            log.exception("Re-extraction of SCORM package %s for %s failed", tree.sha1, course_key)
            return failed("unavailable")
    if not tree.is_complete():
        return failed("incomplete")
    log.info("Re-extracted SCORM package %s for %s", tree.sha1, course_key)
    return READY


def fetch_stored_zip(tree, dest_path, chunk_size=DEFAULT_CHUNK_SIZE):
    """Copy the zip kept beside the tree into ``dest_path``; False when it is missing or does not match its sha1
    (the next fetch overwrites what was copied)."""
    if not stored_zip_exists(tree):
        return False
    digest = hashlib.sha1(usedforsecurity=False)
    with open(dest_path, "wb") as handle:
        for chunk in iter_stored_chunks(tree.storage, tree.zip_name, chunk_size):
            digest.update(chunk)
            handle.write(chunk)
    if digest.hexdigest() != tree.sha1:
        log.warning("The zip beside SCORM tree %s does not match its sha1 (found %s)", tree.prefix, digest.hexdigest())
        return False
    return True


def package_extractor(tree, settings):
    """The upload pipeline (check, then extract into ``tree``, keeping the zip beside it so that later moves find
    it there) as the callable ensure_tree expects."""
    limits = Limits.from_settings(settings)

    def extract_from_zip(zip_path):
        spooled = spool_path(zip_path, limits=limits)
        extract_package(spooled, check_package(spooled, limits), tree, limits,
                        companions=[zip_keeper(spooled, tree, limits.part_size)])

    return extract_from_zip
