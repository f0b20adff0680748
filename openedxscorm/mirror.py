"""The contentstore mirror: each uploaded zip kept as a locked course asset, fetched back, and garbage-collected.

The asset is ``scorm_packages/<sha1>.zip``; the platform turns the slash into ``_``, so its key ends in
``block@scorm_packages_<sha1>.zip``. Because the name is the content hash, an existing asset never needs
rewriting, and course export/import carries it to the new course under the same name.

Garbage collection keeps every zip referenced by a SCORM block of the course on the draft or the published
branch, with the block being edited counted at its new, in-memory sha1 (Studio saves the block after the handler
returns). So each block keeps at most two zips: the one learners play, and the draft one.
"""
import hashlib
import logging
import os
import re

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


def mirror_zip(course_key, sha1, zip_path, chunk_size=DEFAULT_CHUNK_SIZE):
    """Save the zip as a locked course asset, streamed; False (nothing written) when it is already there."""
    if compat.is_library_v2(course_key):
        raise MirrorError("library")
    location = compat.asset_location(course_key, asset_path(sha1))
    existing = compat.find_asset(location)
    if existing is not None:
        _close(existing)
        return False
    compat.save_asset(location, asset_name(sha1), ASSET_CONTENT_TYPE, iter_file_chunks(zip_path, chunk_size),
                      locked=True, length=os.path.getsize(zip_path))
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


def collect_garbage(course_key, editing):
    """Delete the course's mirrored zips no block references; returns the deleted asset keys as strings.

    Only assets named exactly ``scorm_packages_<40 hex>.zip`` are considered; the content cache is cleared for each.
    """
    referenced = referenced_sha1s(course_key, editing)
    deleted = []
    for asset_key in compat.list_course_assets(course_key):
        sha1 = sha1_of_asset_name(asset_key.block_id)
        if sha1 is not None and sha1 not in referenced:
            compat.delete_asset(asset_key)
            deleted.append(str(asset_key))
    return deleted


# -- the guarded call sites the block uses: the upload never fails because of the mirror -------------------------

def try_mirror(course_key, sha1, zip_path, chunk_size=DEFAULT_CHUNK_SIZE):
    """Mirror the zip; a MirrorNotice for the author instead of any failure (logged as a warning), else None."""
    if compat.is_library_v2(course_key):
        return MirrorNotice("library")
    try:
        written = mirror_zip(course_key, sha1, zip_path, chunk_size)
    except Exception:  # pylint: disable=broad-except
        log.warning("Could not mirror SCORM package %s into the contentstore of %s", sha1, course_key, exc_info=True)
        return MirrorNotice("save_failed")
    log.info("SCORM package %s %s in the contentstore of %s", sha1, "mirrored" if written else "already", course_key)
    return None


def try_collect(course_key, editing):
    """Garbage-collect the course's mirrored zips; a MirrorNotice instead of any failure (logged), else None."""
    if compat.is_library_v2(course_key):
        return None
    try:
        deleted = collect_garbage(course_key, editing)
    except Exception:  # pylint: disable=broad-except
        log.warning("Could not garbage-collect SCORM packages in the contentstore of %s", course_key, exc_info=True)
        return MirrorNotice("collect_failed")
    if deleted:
        log.info("Deleted unreferenced SCORM package copies from %s: %s", course_key, ", ".join(deleted))
    return None


def sync_upload(course_key, usage_key, sha1, zip_path, chunk_size=DEFAULT_CHUNK_SIZE):
    """What Studio's upload does with the mirror on: save the zip, then collect garbage with the block's new sha1.

    Returns the notices for the author (empty when all went well).
    """
    notices = [try_mirror(course_key, sha1, zip_path, chunk_size)]
    if notices[0] is None:
        notices.append(try_collect(course_key, {usage_key: sha1}))
    return [notice for notice in notices if notice is not None]
