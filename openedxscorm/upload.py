"""Turning an author's upload into a playable package: spool, check, extract, then the block's new field values."""
import contextlib
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial

from django.core.files import File

from .package import Limits, check_package, extract_package, spooled_upload
from .trees import PackageTree, local_file_path

COPY_CHUNK_SIZE = 1024 * 1024
DEFAULT_FILE_MODE = 0o644  # Django's FILE_UPLOAD_PERMISSIONS default


@dataclass
class ReceivedPackage:
    """What the block stores once the package's tree is complete, and what the author is told."""

    fields: dict
    notices: list = field(default_factory=list)
    sha1: str = ""


def package_fields(checked, uploaded_at):
    """Field values describing a checked package; the block writes them only after extraction is complete."""
    manifest = checked.manifest
    return {
        "package_sha1": checked.sha1,
        "package_filename": checked.filename,
        "package_size": checked.size,
        "package_uploaded_at": uploaded_at.isoformat(),
        "scorm_version": manifest.version,
        "package_title": manifest.title,
        "package_manifest": manifest.to_dict(),
        "package_notices": [notice.to_dict() for notice in checked.notices],
    }


def zip_keeper(spooled, tree, part_size=Limits.part_size):
    """A job that keeps the zip beside its tree (streamed), unless it is there already; run before the marker.

    It is made in the calling thread and may run in an extraction worker: on S3 it holds this thread's client
    (S3Storage makes a client per thread, at a cost in CPU and memory a worker should not pay again).
    On S3 the zip is put straight over whatever is there, one part in memory at a time: an object store never
    shows a cut-short object, so asking first (a HEAD) would only cost a request. On local disk the zip is
    written under a name of its own and renamed into place, so another upload of the same bytes never sees,
    nor deletes, a zip being written. Elsewhere a zip of another size there was cut short (a killed process):
    it is replaced, never trusted.
    """
    from .s3 import S3Writer, writes_directly  # pylint: disable=import-outside-toplevel

    if writes_directly(tree.storage):
        writer = S3Writer(tree.storage, part_size)

        def put_zip():
            with open(spooled.path, "rb") as handle:
                writer.put_stream(tree.zip_name, handle, spooled.size)

        return put_zip
    local_path = local_file_path(tree.storage, tree.zip_name)
    if local_path is not None:
        return partial(_rename_zip_into_place, spooled, local_path, tree.storage)
    return partial(_save_zip, spooled, tree)


def _rename_zip_into_place(spooled, local_path, storage):
    if os.path.isfile(local_path) and os.path.getsize(local_path) == spooled.size:
        return
    folder = os.path.dirname(local_path)
    os.makedirs(folder, exist_ok=True)
    part_path = os.path.join(folder, f".{os.path.basename(local_path)}.{uuid.uuid4().hex}.part")
    try:
        _link_or_copy(spooled.path, part_path)
        # the zip gets the mode the storage gives its files, whatever the spooled file had
        os.chmod(part_path, DEFAULT_FILE_MODE if storage.file_permissions_mode is None
                 else storage.file_permissions_mode)
        os.replace(part_path, local_path)  # atomic: readers see no zip or the whole zip
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(part_path)
        raise


def _link_or_copy(source_path, target_path):
    """A second name for the spooled zip when both lie on one file system (no bytes copied: the spooled name is
    only ever unlinked), else a copy."""
    try:
        os.link(source_path, target_path)
    except OSError:  # another file system (EXDEV), or one without hard links
        with open(source_path, "rb") as source, open(target_path, "xb") as target:
            shutil.copyfileobj(source, target, COPY_CHUNK_SIZE)


def _save_zip(spooled, tree):
    if tree.storage.exists(tree.zip_name):
        if tree.storage.size(tree.zip_name) == spooled.size:
            return
        tree.storage.delete(tree.zip_name)
    with open(spooled.path, "rb") as handle:
        saved = tree.storage.save(tree.zip_name, File(handle, name=spooled.filename))
    if saved != tree.zip_name:  # a storage that never overwrites raced with another upload of the same bytes
        tree.storage.delete(saved)


def receive_package(fileobj, filename, storage, settings, after_extract=None, on_progress=None):
    """Validate and extract an uploaded zip; raises ScormError (nothing stored) when the package is refused.

    The zip is stored beside the tree by one of the extraction workers while the others write members (it is
    the largest object: started first, it ends with them rather than after them). after_extract(spooled) runs
    while the spooled zip still exists (the contentstore mirror uses it) and returns extra notices for the
    author; on_progress(snapshot) hears how far extraction is (see package.ExtractionProgress).
    """
    limits = Limits.from_settings(settings)
    with spooled_upload(fileobj, filename, limits) as spooled:
        checked = check_package(spooled, limits)
        tree = PackageTree(storage, settings["LOCATION"], spooled.sha1)
        keep_zip = zip_keeper(spooled, tree, limits.part_size)
        extract_package(spooled, checked, tree, limits, companions=[keep_zip], on_progress=on_progress)
        extra_notices = after_extract(spooled) if after_extract else []
    return ReceivedPackage(
        fields=package_fields(checked, datetime.now(timezone.utc)),
        notices=list(checked.notices) + list(extra_notices or []),
        sha1=spooled.sha1,
    )
