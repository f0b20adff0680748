"""What only S3 storages (django-storages' S3Storage) need: writes without an existence check, multipart uploads
of large members with bounded memory, ranged reads for serving, and the object's own validators.

Imported lazily, and nothing here imports boto3 or django-storages until a storage is known to be an S3Storage:
the block runs without them on local storage.
"""
import logging
import sys
from dataclasses import dataclass

log = logging.getLogger(__name__)

# S3 refuses parts below 5 MiB (except the last one), so a multipart part is never smaller than this.
MIN_PART_SIZE = 5 * 1024 * 1024
S3_STORAGE_MODULE = "storages.backends.s3"


def is_s3_storage(storage):
    """True for django-storages' S3Storage and its subclasses; False without importing it when it is not loaded."""
    module = sys.modules.get(S3_STORAGE_MODULE)
    return module is not None and isinstance(storage, module.S3Storage)


def object_key(storage, name):
    """The key of a storage name in the bucket, as S3Storage computes it (its location prefix included)."""
    from storages.utils import clean_name  # pylint: disable=import-outside-toplevel

    return storage._normalize_name(clean_name(name))  # pylint: disable=protected-access


def write_parameters(storage, name):
    """ContentType, ACL and the operator's AWS_S3_OBJECT_PARAMETERS, exactly as S3Storage.save would send them."""
    return storage._get_write_parameters(name)  # pylint: disable=protected-access


def writes_directly(storage):
    """Whether put_stream may replace storage.save: not when the storage compresses what it saves (gzip)."""
    return is_s3_storage(storage) and not getattr(storage, "gzip", False)


# Bodies smaller than this go without "Expect: 100-continue". botocore asks for it before every body and waits for
# the store's answer: one more round trip per object, which against a store across a network (tens of ms) costs
# more than sending a small body that might be refused.
EXPECT_CONTINUE_MIN_BYTES = 1024 * 1024
# Just before sending: botocore's handler that adds the header runs after any per-operation "before-call" handler.
# The header is not signed (botocore leaves Expect out of the signature), so it may go here.
BODY_EVENTS = ("before-send.s3.PutObject", "before-send.s3.UploadPart")


def _no_expect_for_small_bodies(request, **_kwargs):
    length = request.headers.get("Content-Length")
    if length is not None and int(length) < EXPECT_CONTINUE_MIN_BYTES and "Expect" in request.headers:
        del request.headers["Expect"]


def send_small_bodies_at_once(client):
    """Make the client send bodies under EXPECT_CONTINUE_MIN_BYTES without waiting for 100 Continue (registered
    once per client)."""
    for event in BODY_EVENTS:
        client.meta.events.register(event, _no_expect_for_small_bodies, unique_id=f"openedxscorm-{event}")


class S3Writer:
    """Puts objects into one S3Storage's bucket, overwriting, with one request per object up to `part_size`.

    One botocore client (thread-safe) is shared by every extraction thread instead of S3Storage's resource per
    thread. A larger object goes as a multipart upload, read and sent one part at a time, so a writer thread
    holds at most one part in memory.
    """

    def __init__(self, storage, part_size):
        self.storage = storage
        self.client = storage.connection.meta.client
        send_small_bodies_at_once(self.client)
        self.bucket = storage.bucket_name
        self.part_size = max(part_size, MIN_PART_SIZE)

    def put_stream(self, name, stream, size):
        """Upload `size` bytes read from `stream` under the storage name `name`."""
        key = object_key(self.storage, name)
        params = write_parameters(self.storage, name)
        if size <= self.part_size:  # a body of one part at most goes in one request
            self.client.put_object(Bucket=self.bucket, Key=key, Body=stream.read(), **params)
            return
        self._put_multipart(key, stream, params)

    def put_bytes(self, name, data):
        key = object_key(self.storage, name)
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data, **write_parameters(self.storage, name))

    def _put_multipart(self, key, stream, params):
        upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=key, **params)["UploadId"]
        try:
            parts = []
            while chunk := _read_exactly(stream, self.part_size):
                number = len(parts) + 1
                answer = self.client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                                  PartNumber=number, Body=chunk)
                parts.append({"PartNumber": number, "ETag": answer["ETag"]})
                del chunk
            self.client.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                                  MultipartUpload={"Parts": parts})
        except BaseException:
            self._abort(key, upload_id)
            raise

    def _abort(self, key, upload_id):
        from botocore.exceptions import BotoCoreError, ClientError  # pylint: disable=import-outside-toplevel

        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except (BotoCoreError, ClientError) as error:
            log.warning("could not abort the multipart upload of %s: %s", key, error)


def _read_exactly(stream, size):
    """Up to `size` bytes: streams (zip members) may return less than asked before their end."""
    chunks = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


# ---------------------------------------------------------------------------------------------- reading


def list_sizes(storage, prefix):
    """Name below `prefix` -> size of every object whose storage name starts with `prefix`: one LIST per 1,000."""
    client = storage.connection.meta.client
    key_prefix = object_key(storage, prefix.rstrip("/")) + "/"
    sizes = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=storage.bucket_name, Prefix=key_prefix):
        for entry in page.get("Contents", []):
            sizes[entry["Key"][len(key_prefix):]] = entry["Size"]
    return sizes


DELETE_BATCH = 1000  # S3's limit per DeleteObjects request


def delete_all(storage, names):
    """Delete the objects of these storage names: one request per 1,000 (DeleteObjects)."""
    client = storage.connection.meta.client
    keys = [{"Key": object_key(storage, name)} for name in names]
    for first in range(0, len(keys), DELETE_BATCH):
        client.delete_objects(Bucket=storage.bucket_name, Delete={"Objects": keys[first:first + DELETE_BATCH],
                                                                  "Quiet": True})


@dataclass
class StoredObject:
    """One GET (or HEAD) of an object: its validators, its full size, the range sent, and the body to stream."""

    status: int
    size: int = 0
    etag: str = ""
    last_modified: object = None
    start: int = 0
    end: int = -1
    body: object = None

    def iter_chunks(self, chunk_size):
        """The body, chunk by chunk, closed at the end or when the client goes away."""
        try:
            yield from self.body.iter_chunks(chunk_size)
        finally:
            self.body.close()


# S3 error codes -> the status serve_file answers; any other error is raised.
GET_ERROR_STATUS = {
    "NoSuchKey": 404,
    "404": 404,
    "NotFound": 404,
    "InvalidRange": 416,
    "416": 416,
    "304": 304,
    "NotModified": 304,
}


def get_object(storage, name, byte_range=None, if_none_match=None, if_modified_since=None, head=False):
    """One GET (HEAD when `head`) of a stored object; `byte_range` is the request's Range header, sent as it is.

    S3 resolves the range itself (suffix and open ranges too) and sends only those bytes; If-None-Match is
    checked by S3 against the object's ETag. Never more than one request.
    """
    from botocore.exceptions import ClientError  # pylint: disable=import-outside-toplevel

    client = storage.connection.meta.client
    params = {"Bucket": storage.bucket_name, "Key": object_key(storage, name)}
    if if_none_match:
        params["IfNoneMatch"] = if_none_match
    elif if_modified_since is not None:
        params["IfModifiedSince"] = if_modified_since
    if byte_range and not head:
        params["Range"] = byte_range
    try:
        answer = client.head_object(**params) if head else client.get_object(**params)
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = GET_ERROR_STATUS.get(code) or GET_ERROR_STATUS.get(
            str(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")))
        if status is None:
            raise
        size = _total_size(error.response.get("Error", {}).get("ActualObjectSize"))
        if status == 416 and not size:  # the store did not say how large the object is: ask (errors only)
            size = client.head_object(Bucket=params["Bucket"], Key=params["Key"])["ContentLength"]
        return StoredObject(status=status, size=size, etag=_header(error, "etag"),
                            last_modified=_last_modified(error))
    size = answer["ContentLength"]
    start, end, total = 0, size - 1, size
    content_range = answer.get("ContentRange")
    if content_range:  # "bytes 0-99/1000"
        spans, _slash, total = content_range.split(" ", 1)[1].partition("/")
        start, end = (int(value) for value in spans.split("-"))
        total = int(total)
    return StoredObject(status=206 if content_range else 200, size=total, etag=answer.get("ETag", ""),
                        last_modified=answer.get("LastModified"), start=start, end=end,
                        body=answer.get("Body"))


def _total_size(value):
    return int(value) if value else 0


def _last_modified(error):
    from email.utils import parsedate_to_datetime  # pylint: disable=import-outside-toplevel

    value = _header(error, "last-modified")
    return parsedate_to_datetime(value) if value else None


def _header(error, name):
    return error.response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get(name, "")


def signed_url(storage, name, expire=None):
    """storage.url(): a pre-signed GET URL when the storage signs (querystring_auth), a plain one otherwise."""
    return storage.url(name, expire=expire)
