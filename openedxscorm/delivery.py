"""Serving a package's files from storage: streamed, cacheable, with single ranges, and never outside the tree."""
import errno
import functools
import hashlib
import mimetypes
import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime

from django.core.files.storage import FileSystemStorage, Storage
from django.utils._os import safe_join
from webob import Response

from .s3 import get_object, is_s3_storage

# Types browsers need right that the platform's mimetypes table may miss or get wrong.
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".htm": "text/html",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".swf": "application/x-shockwave-flash",
}
TEXT_TYPES_WITH_CHARSET = ("text/", "application/javascript", "application/json", "application/xml")
DEFAULT_CONTENT_TYPE = "application/octet-stream"
# At most 18 digits: any file size fits, and int() never meets Python's limit on long digit strings. A Range
# header that does not match is ignored (RFC 9110 14.2): the file is sent whole.
RANGE_PATTERN = re.compile(r"^bytes=(\d{0,18})-(\d{0,18})$")
# Limits of serving a file.
# An open range ("bytes=N-", what media players ask first) is answered with at most this many bytes: the
# platform's handler view buffers a response whole, and players ask again for the rest.
OPEN_RANGE_MAX_BYTES = 8 * 1024 * 1024
# A file at most this large (and no larger than one chunk) is read whole in one read and sent as the body: the
# scripts, styles and pages a package asks for by the hundred at launch cost no generator and no second read.
SMALL_FILE_MAX_BYTES = 64 * 1024
# WSGI keys of the request headers that make an answer depend on more than the file: without any of them (If-Range
# only counts with a Range), the file is sent whole with its validators.
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE")
# The tree named by a sha1 never changes, so a browser may keep its files; it revalidates with the ETag.
CACHE_CONTROL = "private, max-age=0, must-revalidate"


def content_type_of(path):
    """The Content-Type header for a package file, from its extension."""
    extension = ("." + path.rsplit(".", 1)[-1].lower()) if "." in path.rsplit("/", 1)[-1] else ""
    content_type = CONTENT_TYPES.get(extension) or mimetypes.guess_type(path)[0] or DEFAULT_CONTENT_TYPE
    if content_type.startswith(TEXT_TYPES_WITH_CHARSET):
        content_type += "; charset=utf-8"
    return content_type


@functools.lru_cache(maxsize=4096)
def entity_tag(sha1, relative_path):
    """A strong validator: the tree is content-addressed, so sha1 and path name the bytes. Remembered for the files
    asked for most, as is each modification date's HTTP form (http_date_of)."""
    return hashlib.sha1(f"{sha1}/{relative_path}".encode()).hexdigest()[:32]


def bounded_range_header(header):
    """The Range header with an open range ("bytes=N-") closed after OPEN_RANGE_MAX_BYTES; others unchanged."""
    match = RANGE_PATTERN.match((header or "").strip())
    if not match or not match.group(1) or match.group(2):
        return header
    start = int(match.group(1))
    return f"bytes={start}-{start + OPEN_RANGE_MAX_BYTES - 1}"


def parse_range(header, size):
    """(start, end) inclusive for a satisfiable single byte range; None to send it whole; 'unsatisfiable' else."""
    match = RANGE_PATTERN.match((header or "").strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def iter_file(handle, start, length, chunk_size):
    """Yield length bytes from start, chunk by chunk, and close the file at the end or on disconnect."""
    try:
        if start:
            handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(chunk_size, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def modified_time(storage, name):
    """Last modification time of a stored file, or None where the storage cannot tell."""
    try:
        return storage.get_modified_time(name)
    except (NotImplementedError, AttributeError):
        return None


@functools.lru_cache(maxsize=4096)
def http_date_of(moment):
    """A modification time as an HTTP date (Last-Modified)."""
    return format_datetime(as_utc(moment), usegmt=True)


def as_utc(moment):
    """Storages return naive UTC times when USE_TZ is off; HTTP dates need an explicit zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def http_date(text):
    """An HTTP date as an aware datetime, or None when it is not one (RFC 9110: an invalid date is ignored)."""
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def modified_since_date(request):
    """If-Modified-Since as a datetime; None when absent, invalid, later than now (RFC 9110 13.1.3), or when
    If-None-Match is sent, which takes precedence."""
    since = request.headers.get("If-Modified-Since")
    if not since or "If-None-Match" in request.headers:
        return None
    moment = http_date(since)
    return moment if moment is not None and moment <= datetime.now(timezone.utc) else None


def not_modified(request, etag, modified):
    """True when the browser's copy is current (If-None-Match wins over If-Modified-Since; `*` matches any file)."""
    if "If-None-Match" in request.headers:
        return etag in request.if_none_match
    since = modified_since_date(request)
    return since is not None and modified is not None and as_utc(modified).replace(microsecond=0) <= since


def range_applies(request, etag, modified):
    """RFC 9110 13.1.5: with If-Range, a Range is honoured only when the validator is the file's current one (the
    entity tag, compared strongly, or exactly its Last-Modified date); otherwise the whole file is sent."""
    if_range = request.headers.get("If-Range")
    if if_range is None:
        return True
    if_range = if_range.strip()
    if if_range.startswith(('"', "W/")):
        return if_range == f'"{etag}"'
    moment = http_date(if_range)
    return moment is not None and modified is not None and as_utc(modified).replace(microsecond=0) == moment


@dataclass
class StoredFile:
    """A package file opened for reading, with what the validators need."""

    handle: object
    size: int
    modified: object  # datetime or None


def standard_local_path(tree, relative_path):
    """The file's path on local disk when the tree's storage is a FileSystemStorage that opens files and names
    paths the standard way, else None: such a file is opened and stat'ed once, and the tree's folder is checked
    against the storage's root once, not on every request."""
    storage_class = tree.storage.__class__  # default_storage is a lazy object: one look through it, not four
    standard = (storage_class.open is Storage.open and storage_class._open is FileSystemStorage._open  # pylint: disable=protected-access
                and storage_class.path is FileSystemStorage.path)
    return os.path.join(_checked_folder(tree.storage.location, tree.prefix), relative_path) if standard else None


@functools.lru_cache(maxsize=256)
def _checked_folder(root, prefix):
    """A tree's folder under the storage's root; SuspiciousFileOperation, as storage.path() raises, outside it."""
    return safe_join(root, prefix)


class LocalHandle:
    """A local file's descriptor with the calls serving needs (read, seek, close): lighter than a buffered file
    object, which costs as much again as the read for the small files a package asks for by the hundred."""

    def __init__(self, descriptor):
        self.descriptor = descriptor

    def read(self, size):
        """Up to `size` bytes from the current position (fewer only at the end of the file)."""
        pieces = []
        while size > 0 and (piece := os.read(self.descriptor, size)):
            pieces.append(piece)
            size -= len(piece)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def seek(self, offset):
        os.lseek(self.descriptor, offset, os.SEEK_SET)

    def close(self):
        if self.descriptor >= 0:
            os.close(self.descriptor)
            self.descriptor = -1


def _opened_local(path):
    descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):  # a folder of the tree is not a file
        os.close(descriptor)
        return None
    return StoredFile(LocalHandle(descriptor), status.st_size, datetime.fromtimestamp(status.st_mtime, timezone.utc))


def open_stored_file(tree, relative_path):
    """A file of the tree opened for reading (StoredFile), or None when there is none (a folder is not a file)."""
    storage, name = tree.storage, tree.name_of(relative_path)
    try:
        local_path = standard_local_path(tree, relative_path)
        if local_path is not None:
            return _opened_local(local_path)
        handle = storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    except OSError as error:
        if error.errno == errno.ENAMETOOLONG:  # a name no file system holds: no such file
            return None
        raise
    return StoredFile(handle, handle.size, modified_time(storage, name))


def read_whole(stored, chunk_size):
    """The file's bytes when it is small enough to read in one go (then closed), else None (it is streamed)."""
    if stored.size > min(SMALL_FILE_MAX_BYTES, chunk_size):
        return None
    try:
        return stored.handle.read(stored.size)
    finally:
        stored.handle.close()


def not_found():
    """The answer for a file that is not in the tree (or a path that could leave it)."""
    return Response(status=404, content_type="text/plain", body=b"Not found")


def serve_file(request, tree, relative_path, chunk_size):
    """The response for one file of a package tree: 200, 206, 304, 404 or 416."""
    if is_s3_storage(tree.storage):
        return serve_object(request, tree, relative_path, chunk_size)
    stored = open_stored_file(tree, relative_path)
    if stored is None:
        return not_found()
    etag = entity_tag(tree.sha1, relative_path)
    headers = [("ETag", f'"{etag}"'), ("Cache-Control", CACHE_CONTROL), ("X-Content-Type-Options", "nosniff"),
               ("Accept-Ranges", "bytes")]
    if stored.modified is not None:
        headers.append(("Last-Modified", http_date_of(stored.modified)))
    plain = request.environ.keys().isdisjoint(CONDITIONAL_HEADERS)  # most requests: the file, whole
    if not plain and not_modified(request, etag, stored.modified):
        stored.handle.close()
        return Response(status=304, headerlist=headers)
    size = stored.size
    byte_range = (parse_range(bounded_range_header(request.headers.get("Range")), size)
                  if not plain and request.method == "GET" and range_applies(request, etag, stored.modified)
                  else None)
    if byte_range == "unsatisfiable":
        stored.handle.close()
        return Response(status=416, headerlist=[*headers, ("Content-Range", f"bytes */{size}")])
    start, end = byte_range or (0, size - 1)
    length = max(end - start + 1, 0)
    if byte_range:
        headers.append(("Content-Range", f"bytes {start}-{end}/{size}"))
    headers.append(("Content-Type", content_type_of(relative_path)))
    if request.method == "HEAD":
        stored.handle.close()
        response = Response(status=200, headerlist=headers)
        response.content_length = length  # a response without a body would say 0
        return response
    whole = read_whole(stored, chunk_size)
    if whole is not None and byte_range:
        whole = whole[start:end + 1]
    body = {"body": whole} if whole is not None else {
        "app_iter": iter_file(stored.handle, start, length, chunk_size)}
    return Response(status=206 if byte_range else 200, headerlist=[*headers, ("Content-Length", str(length))],
                    **body)


def _forwarded_range(request):
    """The Range header to send on to an object store: a single byte range on a GET, else None (whole file)."""
    header = (request.headers.get("Range") or "").strip()
    if request.method != "GET" or not header or "If-Range" in request.headers:
        return None  # the object's validators are only known from the answer: with If-Range, send it whole
    match = RANGE_PATTERN.match(header)
    return bounded_range_header(header) if match and any(match.groups()) else None


def serve_object(request, tree, relative_path, chunk_size):
    """A file of a tree on S3: one GET (HEAD for HEAD), ranged and conditional at the store, streamed.

    S3 answers the Range itself, so a range of a large file moves only those bytes, and S3 checks
    If-None-Match/If-Modified-Since against the object's own ETag and Last-Modified, which the response carries.
    """
    name = tree.name_of(relative_path)
    if_none_match = request.headers.get("If-None-Match")
    if (if_none_match or "").strip() == "*":  # any stored object matches (RFC 9110): a HEAD says whether it is there
        stored = get_object(tree.storage, name, head=True)
        stored.status = 304 if stored.status == 200 else stored.status
    else:
        stored = get_object(tree.storage, name, byte_range=_forwarded_range(request), if_none_match=if_none_match,
                            if_modified_since=modified_since_date(request), head=request.method == "HEAD")
    if stored.status == 404:
        return not_found()
    headers = {"Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff", "Accept-Ranges": "bytes"}
    if stored.etag:
        headers["ETag"] = stored.etag
    if stored.last_modified is not None:
        headers["Last-Modified"] = format_datetime(as_utc(stored.last_modified).astimezone(timezone.utc), usegmt=True)
    if stored.status == 304:
        return Response(status=304, headerlist=list(headers.items()))
    if stored.status == 416:
        headers["Content-Range"] = f"bytes */{stored.size}"
        return Response(status=416, headerlist=list(headers.items()))
    response = Response(status=stored.status, content_type=content_type_of(relative_path), charset=None)
    for key, value in headers.items():
        response.headers[key] = value
    if stored.status == 206:
        response.headers["Content-Range"] = f"bytes {stored.start}-{stored.end}/{stored.size}"
    length = stored.end - stored.start + 1
    if stored.body is None:  # HEAD
        response.content_length = length
        return response
    response.app_iter = stored.iter_chunks(chunk_size)
    response.content_length = length
    return response
