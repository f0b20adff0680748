"""Resumable uploads in pieces: a large package crosses reverse proxies with a body limit, one piece per request.

Studio asks for an upload id (`studio_upload_start`), then sends the zip in pieces of UPLOAD_CHUNK_SIZE bytes
with a `Content-Range` header (`studio_upload_chunk`); a piece must start where the received bytes end, so after a
dropped connection the browser asks how much arrived (`studio_upload_status`) and goes on from there. The pieces
live in the package storage under `<LOCATION>/partial-uploads/<id>/`, where every Studio worker sees them; each
piece is one object named by its byte span, so a listing tells how much arrived. The last piece triggers the
usual pipeline (check, extract) on the pieces joined on local disk, once their joined length is the declared
size; its progress (files and bytes extracted
of the totals) is kept in the cache for `studio_upload_status`, which any worker answers while the last piece's
request is still busy. Unfinished uploads are deleted PARTIAL_UPLOAD_TIMEOUT seconds after their last piece:
when the next upload starts, or with `manage.py scorm_packages sweep-uploads`.

A piece counts as received only when its stored size is its span's (a write cut short by a full disk or a killed
worker leaves a shorter object, which a resumed upload replaces), and a piece that failed to store is deleted and
answered 503. The pieces of one upload are stored one at a time, across workers, under a cache lock (`add`, atomic
on Redis and Memcached): two overlapping pieces sent at once cannot both be taken. The lock is renewed while bytes
move, so a worker that dies holds it at most LOCK_SECONDS.
"""
import json
import logging
import os
import re
import time
import uuid
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.base import ContentFile
from webob import Response
from xblock.core import XBlock

from . import permissions, upload
from .errors import ScormError, gettext_noop
from .json_handlers import PARSED_AS_FORM
from .package.spool import spool_file
from .trees import get_storage

log = logging.getLogger(__name__)

PARTIAL_FOLDER = "partial-uploads"
META_NAME = "upload.json"
PIECE_PATTERN = re.compile(r"^(\d{15})-(\d{15})\.part$")
# At most 18 digits: any size fits, and int() never meets Python's limit on long digit strings.
CONTENT_RANGE_PATTERN = re.compile(r"^bytes (\d{1,18})-(\d{1,18})/(\d{1,18})$")
UPLOAD_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
STATE_CACHE_SECONDS = 60 * 60
COPY_CHUNK = 1024 * 1024
# The lock on an upload's pieces expires this long after its last renewal (renewed while bytes move), and a piece
# waits at most LOCK_WAIT_SECONDS for it before the browser is told to ask where the upload stands.
LOCK_SECONDS = 120
LOCK_WAIT_SECONDS = 10
LOCK_POLL_SECONDS = 0.05
LOCK_RENEW_SECONDS = 1

# What the browser sees while a package is received and prepared (studio_upload_status "state").
RECEIVING = "receiving"
PROCESSING = "processing"
DONE = "done"
FAILED = "failed"


class UploadError(ScormError):
    """A piece or an upload refused; the status tells the browser whether to resume, restart or give up."""

    MESSAGES = {
        "unknown_upload": gettext_noop("This upload is unknown or expired. Please choose the file again."),
        "bad_content_range": gettext_noop("The upload request is malformed (Content-Range %(value)s)."),
        "out_of_order": gettext_noop("The upload must go on from byte %(received)s."),
        "chunk_too_large": gettext_noop("A piece of the upload is larger than the limit of %(limit)s bytes."),
        "bad_size": gettext_noop("The file size %(size)s is not accepted (the limit is %(limit)s bytes)."),
        "missing_chunk": gettext_noop("The upload request holds no data."),
        "upload_busy": gettext_noop("Another piece of this upload is being stored. The upload goes on from byte "
                                    "%(received)s."),
        "size_mismatch": gettext_noop("The pieces of this upload do not add up to the file's size (%(joined)s of "
                                      "%(size)s bytes). Please choose the file again."),
    }

    STATUS = {
        "unknown_upload": 404,
        "bad_content_range": 400,
        "out_of_order": 409,
        "chunk_too_large": 413,
        "bad_size": 413,
        "missing_chunk": 400,
        "upload_busy": 409,
        "size_mismatch": 400,
    }


def _state_key(upload_id):
    return f"openedxscorm:upload-state:{upload_id}"


@dataclass
class PartialUpload:
    """One unfinished upload in storage: its metadata object, then one object per piece."""

    storage: object
    location: str
    upload_id: str

    @property
    def folder(self):
        prefix = self.location.strip("/")
        return f"{prefix}/{PARTIAL_FOLDER}/{self.upload_id}" if prefix else f"{PARTIAL_FOLDER}/{self.upload_id}"

    def name_of(self, basename):
        return f"{self.folder}/{basename}"

    def read_meta(self):
        """The upload's metadata; UploadError unknown_upload when it is gone (finished, expired, never made)."""
        try:
            with _opened(self.storage, self.name_of(META_NAME)) as handle:
                return json.loads(handle.read().decode("utf-8"))
        except (FileNotFoundError, OSError, ValueError) as error:
            raise UploadError("unknown_upload") from error

    def pieces(self):
        """(start, end, name) of every whole stored piece, in byte order: one whose stored size is not its span's
        was cut short (a full disk, a killed worker) and does not count."""
        found = []
        for name, size in self._stored_sizes().items():
            match = PIECE_PATTERN.match(name)
            if match and size == int(match[2]) - int(match[1]) + 1:
                found.append((int(match[1]), int(match[2]), self.name_of(name)))
        return sorted(found)

    def _stored_sizes(self):
        """Name -> stored size of every object of the upload (one listing on S3)."""
        from .s3 import is_s3_storage, list_sizes  # pylint: disable=import-outside-toplevel

        if is_s3_storage(self.storage):
            return list_sizes(self.storage, self.folder + "/")
        try:
            _folders, files = self.storage.listdir(self.folder)
        except FileNotFoundError:
            return {}
        sizes = {}
        for name in files:
            with suppress(FileNotFoundError):
                sizes[name] = self.storage.size(self.name_of(name))
        return sizes

    def chain(self):
        """The whole pieces that follow one another from byte 0 without a gap or an overlap, in order."""
        chained = []
        for start, end, name in self.pieces():
            if start == self.received_from(chained):
                chained.append((start, end, name))
        return chained

    @staticmethod
    def received_from(chained):
        return chained[-1][1] + 1 if chained else 0

    def received(self):
        """Bytes received without a gap from the start, counted from the stored pieces' sizes."""
        return self.received_from(self.chain())

    def delete(self):
        from .s3 import delete_all, is_s3_storage  # pylint: disable=import-outside-toplevel

        if is_s3_storage(self.storage):  # a bucket has no folders: one listing, one request deleting them all
            delete_all(self.storage, [self.name_of(name) for name in self._stored_sizes()])
            return
        try:
            _folders, files = self.storage.listdir(self.folder)
        except FileNotFoundError:
            return
        for name in files:
            self.storage.delete(self.name_of(name))
        try:
            self.storage.delete(self.folder)  # local folders; object stores have none
        except OSError:
            log.debug("partial upload folder %s not removed", self.folder)


@contextmanager
def _opened(storage, name):
    """A stored object open for reading. On S3 one GET: the storage's own open() first sends two HEADs, each a
    round trip to the store. FileNotFoundError when it is not there."""
    from .s3 import get_object, is_s3_storage  # pylint: disable=import-outside-toplevel

    if not is_s3_storage(storage):
        with storage.open(name, "rb") as handle:
            yield handle
        return
    stored = get_object(storage, name)
    if stored.status != 200:
        raise FileNotFoundError(name)
    try:
        yield stored.body
    finally:
        stored.body.close()


class UploadLock:
    """One upload's pieces stored one at a time across workers: a cache `add` with a token, renewed while bytes
    move, released only by its holder."""

    def __init__(self, upload_id):
        self.key = f"openedxscorm:upload-lock:{upload_id}"
        self.token = uuid.uuid4().hex
        self._renewed_at = 0.0

    def acquire(self, wait_seconds=None):
        """True once held; False when another request still holds it after `wait_seconds` (LOCK_WAIT_SECONDS)."""
        deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds)
        while not cache.add(self.key, self.token, LOCK_SECONDS):
            if time.monotonic() >= deadline:
                return False
            time.sleep(LOCK_POLL_SECONDS)
        self._renewed_at = time.monotonic()
        return True

    def renew(self):
        """Push the expiry back (at most once a LOCK_RENEW_SECONDS): the holder is still at work."""
        if time.monotonic() - self._renewed_at >= LOCK_RENEW_SECONDS:
            self._renewed_at = time.monotonic()
            cache.touch(self.key, LOCK_SECONDS)

    def release(self):
        if cache.get(self.key) == self.token:
            cache.delete(self.key)


class _RenewingReader:
    """A piece's file that renews the upload's lock on every read; everything else is the file's own."""

    def __init__(self, fileobj, lock):
        self._file = fileobj
        self._lock = lock

    def read(self, *args):
        self._lock.renew()
        return self._file.read(*args)

    def __getattr__(self, name):
        return getattr(self._file, name)


def _write(storage, name, fileobj, size, part_size):
    """Store a piece, overwriting a copy from an earlier attempt; a failed write leaves nothing under its name."""
    from .s3 import S3Writer, writes_directly  # pylint: disable=import-outside-toplevel

    try:
        if writes_directly(storage):
            S3Writer(storage, part_size).put_stream(name, fileobj, size)  # a failed PUT stores nothing
            return
        storage.delete(name)
        saved = storage.save(name, fileobj)
    except BaseException:
        with suppress(OSError):  # else the stored size, short of the span, keeps it from counting
            storage.delete(name)
        raise
    if saved != name:  # a storage that never overwrites kept an earlier copy: same bytes
        storage.delete(saved)


def start_upload(storage, location, owner, filename, size, settings, now=None):
    """A new upload of `size` bytes for the block `owner`; stale uploads are swept first. Returns its id."""
    if not 0 < size <= settings["MAX_PACKAGE_SIZE"]:
        raise UploadError("bad_size", size=size, limit=settings["MAX_PACKAGE_SIZE"])
    remove_stale_uploads(storage, location, settings["PARTIAL_UPLOAD_TIMEOUT"], now=now)
    partial = PartialUpload(storage, location, uuid.uuid4().hex)
    meta = {"owner": owner, "filename": filename, "size": size, "started": now or time.time()}
    storage.save(partial.name_of(META_NAME), ContentFile(json.dumps(meta).encode("utf-8")))
    cache.set(_state_key(partial.upload_id), {"state": RECEIVING}, STATE_CACHE_SECONDS)
    return partial.upload_id


def parse_content_range(value, size):
    """(start, end) of a `bytes start-end/size` header for this upload; UploadError bad_content_range else."""
    match = CONTENT_RANGE_PATTERN.match((value or "").strip())
    if not match:
        raise UploadError("bad_content_range", value=value or "-")
    start, end, total = (int(group) for group in match.groups())
    if total != size or start > end or end >= size:
        raise UploadError("bad_content_range", value=value)
    return start, end


def open_upload(storage, location, upload_id, owner):
    """The partial upload and its metadata; unknown_upload for a malformed id or another block's upload."""
    if not UPLOAD_ID_PATTERN.match(upload_id or ""):
        raise UploadError("unknown_upload")
    partial = PartialUpload(storage, location, upload_id)
    meta = partial.read_meta()
    if meta.get("owner") != owner:
        raise UploadError("unknown_upload")
    return partial, meta


def accept_piece(partial, meta, content_range, fileobj, length, settings):
    """Store one piece; it must start at the received byte count and fill its Content-Range exactly. The caller
    holds the upload's lock.

    Returns the received byte count after it.
    """
    if length > settings["UPLOAD_CHUNK_SIZE"]:
        raise UploadError("chunk_too_large", limit=settings["UPLOAD_CHUNK_SIZE"])
    start, end = parse_content_range(content_range, meta["size"])
    if end - start + 1 != length:
        raise UploadError("bad_content_range", value=content_range)
    received = partial.received()
    if start != received:
        if received == meta["size"] and end == received - 1:
            return received  # the last piece again, after an answer that was lost: finish again
        raise UploadError("out_of_order", received=received)
    _write(partial.storage, partial.name_of(f"{start:015d}-{end:015d}.part"), fileobj, length,
           settings["S3_PART_SIZE"])
    return end + 1


class _JoinedFile:
    """The joined pieces on local disk, shaped as Django's temporary uploads (hashed in place, not copied)."""

    def __init__(self, path):
        self.path = path

    def temporary_file_path(self):
        return self.path


@contextmanager
def joined_pieces(partial, size, on_chunk=None):
    """The chained pieces of a complete upload joined into one spool file, removed on exit; UploadError
    size_mismatch, before anything reads it, unless the joined file holds exactly `size` bytes."""
    with spool_file("chunked-") as path:
        with open(path, "wb") as target:
            for _start, _end, name in partial.chain():
                with _opened(partial.storage, name) as piece:
                    while chunk := piece.read(COPY_CHUNK):
                        target.write(chunk)
                        if on_chunk:
                            on_chunk()
        joined = os.path.getsize(path)
        if joined != size:
            raise UploadError("size_mismatch", joined=joined, size=size)
        yield _JoinedFile(path)


def stale_uploads(storage, location, timeout, now=None):
    """The unfinished uploads whose last write is older than `timeout` seconds, in the order of their ids."""
    now = now or time.time()
    root = PartialUpload(storage, location, "").folder.rstrip("/")
    try:
        folders, _files = storage.listdir(root)
    except FileNotFoundError:
        return []
    candidates = (PartialUpload(storage, location, upload_id) for upload_id in sorted(folders))
    return [partial for partial in candidates if now - _last_write(partial) > timeout]


def remove_stale_uploads(storage, location, timeout, now=None):
    """Delete unfinished uploads whose last write is older than `timeout` seconds; returns how many."""
    stale = stale_uploads(storage, location, timeout, now=now)
    for partial in stale:
        partial.delete()
    return len(stale)


def _last_write(partial):
    """Seconds since the epoch of the upload's newest object: its last piece, else its metadata."""
    pieces = partial.pieces()
    names = [pieces[-1][2]] if pieces else [partial.name_of(META_NAME)]
    try:
        return max(partial.storage.get_modified_time(name).timestamp() for name in names)
    except (FileNotFoundError, OSError):
        return 0.0


def _length_of(fileobj):
    fileobj.seek(0, 2)
    length = fileobj.tell()
    fileobj.seek(0)
    return length


class ChunkedUploadMixin:
    """The Studio handlers of resumable uploads (what they use of the rest of the block: block_contract)."""

    def _upload_storage(self):
        settings = self.block_settings()
        return get_storage(self, settings), settings

    def _upload_refused(self, refusal, **extra):
        return Response(status=UploadError.STATUS.get(refusal.code, 400),
                        json_body={"error": refusal.render(self.gettext), "code": refusal.code, **refusal.params,
                                   **extra})

    @XBlock.handler
    @permissions.guarded
    def studio_upload_start(self, request, suffix=""):  # pylint: disable=unused-argument
        """Open an upload: JSON {filename, size} -> {upload_id, chunk_size}."""
        if request.method != "POST":
            return Response(status=405)
        data, size = {}, None
        if request.content_type not in PARSED_AS_FORM:  # a multipart body holds no JSON (json_handlers.py)
            try:
                data = json.loads(request.body.decode("utf-8") or "{}")
                size = data.get("size", 0)
            except (ValueError, AttributeError, RecursionError):  # RecursionError: JSON nested too deep
                size = None
        if not isinstance(size, int) or isinstance(size, bool):  # a whole number of bytes: not 1e310, not "12"
            return Response(status=400, json_body={"error": "malformed request"})
        storage, settings = self._upload_storage()
        try:
            upload_id = start_upload(storage, settings["LOCATION"], str(self.scope_ids.usage_id),
                                     str(data.get("filename") or "package.zip")[:255], size, settings)
        except UploadError as refusal:
            return self._upload_refused(refusal)
        return Response(json_body={"upload_id": upload_id, "chunk_size": settings["UPLOAD_CHUNK_SIZE"],
                                   "received": 0})

    @XBlock.handler
    @permissions.guarded
    def studio_upload_status(self, request, suffix=""):  # pylint: disable=unused-argument
        """How many bytes of the upload `suffix` arrived, and where its processing is."""
        storage, settings = self._upload_storage()
        state = cache.get(_state_key(suffix)) or {}
        if state.get("state") in (DONE, FAILED):
            return Response(json_body=state)
        try:
            partial, meta = open_upload(storage, settings["LOCATION"], suffix, str(self.scope_ids.usage_id))
        except UploadError as refusal:
            return self._upload_refused(refusal)
        return Response(json_body={**state, "state": state.get("state", RECEIVING), "received": partial.received(),
                                   "size": meta["size"]})

    @XBlock.handler
    @permissions.guarded
    def studio_upload_chunk(self, request, suffix=""):
        """Store one piece (form field `chunk`, header Content-Range); after the last one, check and extract."""
        if request.method != "POST":
            return Response(status=405)
        storage, settings = self._upload_storage()
        try:
            partial, meta = open_upload(storage, settings["LOCATION"], suffix, str(self.scope_ids.usage_id))
            piece = request.POST.get("chunk")
            fileobj = getattr(piece, "file", None)
            if fileobj is None:
                raise UploadError("missing_chunk")
            return self._take_piece(partial, meta, request.headers.get("Content-Range"), fileobj, settings)
        except UploadError as refusal:
            return self._upload_refused(refusal)
        except Exception:  # pylint: disable=broad-except  # storage or network: the one guarded call site
            log.exception("SCORM chunked upload failed for %s", self.scope_ids.usage_id)
            return Response(status=503, headerlist=[("Retry-After", "5")], json_body={
                "code": "storage_unavailable", "error": self.gettext(
                    "The package could not be stored right now. The previous package still plays; "
                    "please try again in a moment.")})

    def _take_piece(self, partial, meta, content_range, fileobj, settings):
        """Store the piece holding the upload's lock; the last one also finishes the upload under it."""
        lock = UploadLock(partial.upload_id)
        if not lock.acquire():
            state = cache.get(_state_key(partial.upload_id)) or {}
            if state.get("state") == PROCESSING:  # the last piece again while the first is being prepared
                return Response(status=503, headerlist=[("Retry-After", "5")], json_body=state)
            raise UploadError("upload_busy", received=partial.received())
        try:
            try:
                received = accept_piece(partial, meta, content_range, _RenewingReader(fileobj, lock),
                                        _length_of(fileobj), settings)
            except UploadError as refusal:
                if refusal.code != "out_of_order":
                    raise
                return self._upload_refused(refusal, received=partial.received())
            if received < meta["size"]:
                return Response(json_body={"state": RECEIVING, "received": received, "size": meta["size"]})
            return self._finish_upload(partial, meta, lock, settings)
        finally:
            lock.release()

    def _finish_upload(self, partial, meta, lock, settings):
        """Check and extract the joined pieces, then take the package; the outcome is kept for the status.

        A refused package fails the upload; any other failure (storage, network) keeps the pieces, so the last
        one may be sent again."""
        key = _state_key(partial.upload_id)
        processing = {"state": PROCESSING, "received": meta["size"], "size": meta["size"]}
        cache.set(key, processing, STATE_CACHE_SECONDS)

        def on_progress(progress):
            lock.renew()
            cache.set(key, {**processing, **progress}, STATE_CACHE_SECONDS)

        try:
            with joined_pieces(partial, meta["size"], on_chunk=lock.renew) as joined:
                received = upload.receive_package(
                    joined, meta["filename"], partial.storage, settings, after_extract=self.mirror_hook(settings),
                    on_progress=on_progress)
        except ScormError as refusal:
            log.info("SCORM package refused for %s: %s", self.scope_ids.usage_id, refusal.code)
            outcome = {"state": FAILED, "error": refusal.render(self.gettext), "code": refusal.code}
            cache.set(key, outcome, STATE_CACHE_SECONDS)
            partial.delete()
            return Response(status=400, json_body=outcome)
        except BaseException:
            cache.set(key, {"state": RECEIVING}, STATE_CACHE_SECONDS)  # the pieces stay: the last one may be resent
            raise
        for name, value in received.fields.items():
            setattr(self, name, value)
        partial.delete()
        outcome = {"state": DONE, "result": "success",
                   "notices": [notice.render(self.gettext) for notice in received.notices],
                   "package": self.package_summary()}
        cache.set(key, outcome, STATE_CACHE_SECONDS)
        return Response(json_body=outcome)
