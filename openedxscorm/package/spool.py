"""Uploaded zips on local disk, spooled while hashed: an upload is copied `Limits.chunk_size` at a time and hashed
on the way (one already in a temporary file is hashed where it lies); past MAX_PACKAGE_SIZE the copy stops with
PackageError.

Local spool files (uploaded zips, joined pieces, zips fetched back from the contentstore) that never outlive
the process that made them.

Each file lives in one folder, SPOOL_FOLDER_NAME under the temporary folder, and is held with an exclusive
flock(2) by the process using it. The kernel drops that lock when the process ends, however it ends, so a file
whose lock can be taken belongs to no living process: a worker killed mid-extraction leaves its zip, and the
next sweep removes it. The folder is swept once per process, on first use (and when the Django app starts),
and by ``scorm_packages sweep-uploads``.
"""
import fcntl
import hashlib
import logging
import os
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from ..package_errors import PackageError, human_size
from .checks import Limits

log = logging.getLogger(__name__)

SPOOL_FOLDER_NAME = "openedxscorm-spool"
# A file this young is never swept: its maker may not have locked it yet.
MIN_AGE_SECONDS = 60

_swept = threading.Event()


def spool_folder():
    """The spool folder (made when missing); swept of dead processes' files the first time in a process."""
    folder = os.path.join(tempfile.gettempdir(), SPOOL_FOLDER_NAME)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    if not _swept.is_set():
        _swept.set()
        sweep_spool(folder)
    return folder


@contextmanager
def spool_file(prefix, suffix=".zip"):
    """The path of a new empty file in the spool folder, locked for as long as the block runs; removed on exit.

    Writers may open the path again (even truncating it): the lock belongs to the open file kept here.
    """
    handle, path = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=spool_folder())
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield path
    finally:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        os.close(handle)


def abandoned_files(folder=None, now=None):
    """Spool files whose process is gone (their lock can be taken), older than MIN_AGE_SECONDS."""
    folder = folder or os.path.join(tempfile.gettempdir(), SPOOL_FOLDER_NAME)
    now = time.time() if now is None else now
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return []
    abandoned = []
    for name in names:
        path = os.path.join(folder, name)
        try:
            if now - os.path.getmtime(path) >= MIN_AGE_SECONDS and _unlocked(path):
                abandoned.append(path)
        except FileNotFoundError:
            continue  # finished meanwhile
    return abandoned


def _unlocked(path):
    """True when no process holds the file's lock (checked by taking it for a moment)."""
    handle = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(handle)  # also drops the lock just taken
    return True


def sweep_spool(folder=None, apply=True, now=None):
    """Remove the spool files of processes that are gone; returns their paths."""
    abandoned = abandoned_files(folder, now=now)
    for path in abandoned if apply else ():
        try:
            os.unlink(path)
        except FileNotFoundError:
            continue
        log.info("removed the spooled file %s of a process that is gone", path)
    return abandoned


@dataclass
class SpooledZip:
    """A zip on local disk, with the sha1 and size of its bytes and the name the author gave it."""

    path: str
    sha1: str
    size: int
    filename: str


def _copy_hashing(source, target, limits):
    """Copy source to target (None: only read) in chunks; the sha1 and size, PackageError past the size limit."""
    digest = hashlib.sha1(usedforsecurity=False)
    size = 0
    while chunk := source.read(limits.chunk_size):
        size += len(chunk)
        if size > limits.max_package_size:
            raise PackageError("too_large", limit=human_size(limits.max_package_size))
        digest.update(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest(), size


def spool_path(path, filename=None, limits=None):
    """A zip already on local disk, hashed in chunks where it lies (no copy)."""
    limits = limits or Limits()
    with open(path, "rb") as source:
        sha1, size = _copy_hashing(source, None, limits)
    return SpooledZip(path=str(path), sha1=sha1, size=size, filename=filename or os.path.basename(path))


@contextmanager
def spooled_upload(fileobj, filename, limits):
    """The upload streamed to a spool file and hashed on the way; the file is removed on exit (or, when the
    process is killed, by the next sweep of the spool folder).

    An upload Django already keeps in a temporary file is hashed in place instead of copied.
    """
    if hasattr(fileobj, "temporary_file_path"):
        yield spool_path(fileobj.temporary_file_path(), filename, limits)
        return
    with spool_file("upload-") as path:
        with open(path, "wb") as target:
            sha1, size = _copy_hashing(fileobj, target, limits)
        yield SpooledZip(path=path, sha1=sha1, size=size, filename=filename)
