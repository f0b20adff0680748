"""The contentstore mirror: each uploaded zip kept as a locked course asset, fetched back, and garbage-collected.

The asset is ``scorm_packages/<sha1>.zip``; the platform turns the slash into ``_``, so its key ends in
``block@scorm_packages_<sha1>.zip``. Because the name is the content hash, an existing asset never needs
rewriting, and course export/import carries it to the new course under the same name.

Garbage collection keeps every zip referenced by a SCORM block of the course on the draft or the published
branch, with the block being edited counted at its new, in-memory sha1 (Studio saves the block after the handler
returns), and every zip uploaded less than a grace period ago: another author's upload may have mirrored it and not
yet had its block saved. So once the grace period is over each block keeps at most two zips: the one learners play,
and the draft one.

The zip kept beside each extracted tree (``<LOCATION>/<sha1>.zip``) heals the mirror: a block whose course lacks
its asset (pasted, synced from a library, imported from a mirror-off export) gets it from there.
"""
import hashlib
import logging
import os
import re
from datetime import datetime, timedelta, timezone

from opaque_keys.edx.keys import UsageKey

from . import compat
from .errors import Notice, ScormError, gettext_noop

log = logging.getLogger(__name__)

ASSET_FOLDER = "scorm_packages"
ASSET_CONTENT_TYPE = "application/zip"
ASSET_NAME_PATTERN = re.compile(r"scorm_packages_(?P<sha1>[0-9a-f]{40})\.zip")
DEFAULT_CHUNK_SIZE = 1024 * 1024


class MirrorError(ScormError):
    """The mirrored zip cannot be used."""

    MESSAGES = {
        "missing": gettext_noop("The course has no copy of the SCORM package %(sha1)s in Files & Uploads."),
        "sha1_mismatch": gettext_noop(
            "The copy of the SCORM package in Files & Uploads is damaged: expected sha1 %(expected)s, "
            "found %(actual)s."),
        "library": gettext_noop("Content libraries have no contentstore, so SCORM packages are not mirrored there."),
    }


class MirrorNotice(Notice):
    """The upload succeeded, but the mirror could not do its part."""

    MESSAGES = {
        "save_failed": gettext_noop(
            "The package was saved, but its copy in Files & Uploads could not be written. It plays normally; "
            "it may not travel with a course export until it is uploaded again."),
        "collect_failed": gettext_noop(
            "The package was saved, but unused package copies in Files & Uploads could not be cleaned up."),
        "library": gettext_noop("Content libraries have no contentstore, so this package is not mirrored in "
                                "Files & Uploads."),
    }


def asset_path(sha1):
    """The path the zip of ``sha1`` is saved under in the contentstore."""
    return f"{ASSET_FOLDER}/{sha1}.zip"


def asset_name(sha1):
    """The asset's name once the platform has flattened its path (its key's block id)."""
    return f"{ASSET_FOLDER}_{sha1}.zip"


def sha1_of_asset_name(name):
    """The sha1 in a mirrored zip's asset name, None for any other asset."""
    match = ASSET_NAME_PATTERN.fullmatch(name)
    return match["sha1"] if match else None


def block_sha1(block):
    """The package sha1 a SCORM block stores ("" without a package)."""
    return getattr(block, "package_sha1", "") or ""


def iter_file_chunks(path, chunk_size):
    """A file's bytes, ``chunk_size`` at a time."""
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            yield chunk


def iter_stored_chunks(storage, name, chunk_size):
    """A storage file's bytes, ``chunk_size`` at a time (the zip kept beside a tree, on local disk or S3)."""
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(chunk_size):
            yield chunk


def stored_zip_exists(tree):
    """True when the zip is kept beside the tree (trees of openedx-scorm-xblock kept none)."""
    return bool(tree.zip_name) and tree.storage.exists(tree.zip_name)


def mirror_zip(course_key, sha1, zip_path, chunk_size=DEFAULT_CHUNK_SIZE):
    """Save the zip as a locked course asset, streamed; False (nothing written) when it is already there."""
    return _mirror(course_key, sha1, lambda: iter_file_chunks(zip_path, chunk_size), os.path.getsize(zip_path))


def mirror_stored_zip(course_key, tree, chunk_size=DEFAULT_CHUNK_SIZE):
    """Mirror the zip kept beside ``tree`` in its storage; False when the asset is already there."""
    return _mirror(course_key, tree.sha1, lambda: iter_stored_chunks(tree.storage, tree.zip_name, chunk_size),
                   tree.storage.size(tree.zip_name))


def _mirror(course_key, sha1, chunks, length):
    if compat.is_library_v2(course_key):
        raise MirrorError("library")
    if asset_exists(course_key, sha1):
        return False
    compat.save_asset(compat.asset_location(course_key, asset_path(sha1)), asset_name(sha1), ASSET_CONTENT_TYPE,
                      chunks(), locked=True, length=length)
    return True


def asset_exists(course_key, sha1):
    """True when the course's Files & Uploads holds the mirrored zip of ``sha1`` (its bytes are not read)."""
    if compat.is_library_v2(course_key):
        return False
    existing = compat.find_asset(compat.asset_location(course_key, asset_path(sha1)))
    if existing is None:
        return False
    _close(existing)
    return True


def fetch_zip(course_key, sha1, dest_path, chunk_size=DEFAULT_CHUNK_SIZE):
    """Stream the mirrored zip of ``sha1`` into ``dest_path``; MirrorError when missing or not matching its sha1."""
    if compat.is_library_v2(course_key):
        raise MirrorError("library")
    content = compat.find_asset(compat.asset_location(course_key, asset_path(sha1)))
    if content is None:
        raise MirrorError("missing", sha1=sha1)
    digest = hashlib.sha1()  # noqa: S324 - the package's identity, not a security hash
    try:
        with open(dest_path, "wb", buffering=chunk_size) as handle:
            for chunk in content.stream_data():
                digest.update(chunk)
                handle.write(chunk)
    finally:
        _close(content)
    if digest.hexdigest() != sha1:
        os.remove(dest_path)
        raise MirrorError("sha1_mismatch", expected=sha1, actual=digest.hexdigest())


def _close(content):
    close = getattr(content, "close", None)
    if close is not None:
        close()


def referenced_sha1s(course_key, editing):
    """sha1s of every SCORM block of the course on both branches; ``editing`` ({usage key: sha1}) overrides the
    stored draft value of blocks being saved right now."""
    items = compat.scorm_items(course_key)
    draft = {compat.canonical_usage_key(block.location): block_sha1(block) for block in items["draft"]}
    draft.update({_canonical(key): sha1 for key, sha1 in editing.items()})
    published = {block_sha1(block) for block in items["published"]}
    return (set(draft.values()) | published) - {""}


def _canonical(usage_key):
    """The canonical string of a usage key given as a key or as a string."""
    return compat.canonical_usage_key(UsageKey.from_string(usage_key) if isinstance(usage_key, str) else usage_key)


def collect_garbage(course_key, editing, grace_seconds=0, now=None):
    """Delete the course's mirrored zips no block references; returns the deleted asset keys as strings.

    Only assets named exactly ``scorm_packages_<40 hex>.zip`` are considered; the content cache is cleared for each.
    A zip uploaded less than ``grace_seconds`` ago is kept: the block of the upload that saved it may not be saved yet.
    """
    referenced = referenced_sha1s(course_key, editing)
    youngest_deletable = (now or datetime.now(timezone.utc)) - timedelta(seconds=grace_seconds)
    deleted = []
    for asset_key, uploaded_at in compat.course_asset_uploads(course_key):
        sha1 = sha1_of_asset_name(asset_key.block_id)
        if sha1 is None or sha1 in referenced or _aware(uploaded_at) > youngest_deletable:
            continue
        compat.delete_asset(asset_key)
        deleted.append(str(asset_key))
    return deleted


def _aware(moment):
    """An upload date as an aware datetime: MongoDB may hand back naive UTC times; a missing date counts as old."""
    if moment is None:
        return datetime.min.replace(tzinfo=timezone.utc)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


# -- the guarded call sites the block uses: an upload, a Studio page, a paste or an export never fails because of
# the mirror ------------------------------------------------------------------------------------------------------

def _guarded(run, failure_message, *args):
    """(True, run()) or, when the contentstore or storage fails in any way, (False, None) with a logged warning."""
    try:
        return True, run()
    except Exception:  # pylint: disable=broad-except  # pymongo, gridfs, boto...: the mirror's one guarded call site
        log.warning(failure_message, *args, exc_info=True)
        return False, None


def try_mirror(course_key, sha1, zip_path, chunk_size=DEFAULT_CHUNK_SIZE):
    """Mirror the zip; a MirrorNotice for the author instead of any failure (logged as a warning), else None."""
    if compat.is_library_v2(course_key):
        return MirrorNotice("library")
    done, written = _guarded(lambda: mirror_zip(course_key, sha1, zip_path, chunk_size),
                             "Could not mirror SCORM package %s into the contentstore of %s", sha1, course_key)
    if not done:
        return MirrorNotice("save_failed")
    log.info("SCORM package %s %s in the contentstore of %s", sha1, "mirrored" if written else "already", course_key)
    return None


def try_collect(course_key, editing, grace_seconds=0, now=None):
    """Garbage-collect the course's mirrored zips; a MirrorNotice instead of any failure (logged), else None."""
    if compat.is_library_v2(course_key):
        return None
    done, deleted = _guarded(lambda: collect_garbage(course_key, editing, grace_seconds, now),
                             "Could not garbage-collect SCORM packages in the contentstore of %s", course_key)
    if not done:
        return MirrorNotice("collect_failed")
    if deleted:
        log.info("Deleted unreferenced SCORM package copies from %s: %s", course_key, ", ".join(deleted))
    return None


def sync_upload(course_key, usage_key, sha1, zip_path, chunk_size=DEFAULT_CHUNK_SIZE, grace_seconds=0, now=None):
    """What Studio's upload does with the mirror on: save the zip, then collect garbage with the block's new sha1.

    Returns the notices for the author (empty when all went well). ``now`` defaults to the current time.
    """
    notices = [try_mirror(course_key, sha1, zip_path, chunk_size)]
    if notices[0] is None:
        notices.append(try_collect(course_key, {usage_key: sha1}, grace_seconds, now))
    return [notice for notice in notices if notice is not None]


# What heal() found or did. Only PRESENT and HEALED leave the course holding the zip.
PRESENT = "present"
HEALED = "mirrored"
NO_COPY = "no_copy"
UNAVAILABLE = "unavailable"
HOLDS_ASSET = frozenset({PRESENT, HEALED})


def heal(course_key, tree, chunk_size=DEFAULT_CHUNK_SIZE):
    """Give the course its mirrored zip from the one kept beside ``tree`` when it has none; what happened.

    NO_COPY when neither exists (logged), UNAVAILABLE when the contentstore or the storage failed (logged).
    """
    if not tree.sha1 or compat.is_library_v2(course_key):
        return NO_COPY
    done, outcome = _guarded(lambda: _heal(course_key, tree, chunk_size),
                             "Could not mirror SCORM package %s into the contentstore of %s", tree.sha1, course_key)
    return outcome if done else UNAVAILABLE


def _heal(course_key, tree, chunk_size):
    if asset_exists(course_key, tree.sha1):
        return PRESENT
    if not stored_zip_exists(tree):
        log.warning("SCORM package %s has no copy in the contentstore of %s, nor beside its tree (%s)",
                    tree.sha1, course_key, tree.zip_name)
        return NO_COPY
    mirror_stored_zip(course_key, tree, chunk_size)
    log.info("SCORM package %s mirrored into the contentstore of %s from %s", tree.sha1, course_key, tree.zip_name)
    return HEALED
