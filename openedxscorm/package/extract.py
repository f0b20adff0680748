"""The files of a checked package written into its tree, in chunks, by a few threads sharing one open zip.

Memory never grows with the size of the package or of its largest file: bytes move `Limits.chunk_size` at a
time, by at most `Limits.workers` threads. Many files cost one list of members and one central directory, never a
task or a zip handle per file. Progress is published as files and bytes are written.
"""
import os
import posixpath
import shutil
import threading
import time
import zipfile
from collections import deque
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import contextmanager

from ..package_errors import PackageError
from ..trees import local_file_path
from .checks import MEMBER_DATA_ERRORS

# Extraction progress is published at most this often (seconds), and once more at the end: each publication is
# a cache write, which must not cost as much as writing a small file.
PROGRESS_INTERVAL = 0.5


class _SharedArchive:
    """One ZipFile read by every extraction thread: one central directory in memory, whatever the workers.

    zipfile gives each opened member a file position of its own, and its reads take the archive's lock
    to seek and read, so threads can stream different members at once. Opening and closing a member
    also count the archive's open readers, without a lock: those two steps are serialized here.
    """

    def __init__(self, path, on_read=None):
        self._archive = zipfile.ZipFile(path)
        self._lock = threading.Lock()
        self._on_read = on_read

    @contextmanager
    def open(self, member):
        """The decompressed stream of a member; its CRC and size are verified when it is read to the end."""
        with self._lock:
            stream = self._archive.open(member.zip_name)
        try:
            yield _CountedStream(stream, self._on_read) if self._on_read else stream
        finally:
            with self._lock:
                stream.close()

    def close(self):
        self._archive.close()


class _CountedStream:
    """A member's stream that tells `on_read` how many bytes each read gave, so that progress moves inside large
    members too; everything else is the stream's own."""

    def __init__(self, stream, on_read):
        self._stream = stream
        self._on_read = on_read

    def read(self, size=-1):
        data = self._stream.read(size)
        self._on_read(len(data))
        return data

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _member_file(stream, name, size, chunk_size):
    """A Django File streaming a zip member: its size is known up front, so nothing reads it to measure it."""
    from django.core.files import File  # pylint: disable=import-outside-toplevel  # checks run without Django

    member_file = File(stream, name=name)
    member_file.size = size
    member_file.DEFAULT_CHUNK_SIZE = chunk_size
    return member_file


class _StorageWriter:
    """Members saved through the storage API: object stores (S3...) and storages with a save of their own.

    Each save is a network round trip on an object store, so EXTRACT_WORKERS of them overlap.
    """

    def __init__(self, tree, limits):
        self.tree = tree
        self.chunk_size = limits.chunk_size
        self.workers = max(1, limits.workers)

    def prepare(self, members):
        """Nothing to prepare: storages create what they need on save."""

    def write(self, archive, member):
        """Save one member under its tree name, replacing what an interrupted attempt left there.

        Storages that never overwrite (FileSystemStorage) save beside an existing file under another name:
        then the leftover is deleted and the member written again.
        """
        storage = self.tree.storage
        name = self.tree.name_of(member.path)
        for attempt in range(2):
            with archive.open(member) as stream:
                saved = storage.save(name, _member_file(stream, name, member.size, self.chunk_size))
            if saved == name:
                return
            storage.delete(saved)
            if attempt == 0:
                storage.delete(name)
        # Another extraction of the same bytes wrote this file meanwhile: its content is the same.


class _ObjectStoreWriter:
    """Members put straight into an S3 bucket: one PUT each, no existence check, large ones in parts.

    Storage.save on an S3Storage costs a HEAD per file when AWS_S3_FILE_OVERWRITE is off, and its transfer
    settings let one large member hold up to ten parts in memory on ten threads of its own. Here a member of
    fewer than `part_size` bytes is one PUT, a larger one a multipart upload sent one part at a time, so the
    memory is at most one part per worker; EXTRACT_WORKERS threads overlap the network round trips.
    """

    def __init__(self, tree, limits):
        from ..s3 import S3Writer  # pylint: disable=import-outside-toplevel  # boto3 only for S3 storages

        self.tree = tree
        self.writer = S3Writer(tree.storage, limits.part_size)
        self.workers = max(1, limits.workers)

    def prepare(self, members):
        """Nothing to prepare: a bucket has no folders."""

    def write(self, archive, member):
        """Overwrite whatever an interrupted attempt left under the member's name."""
        with archive.open(member) as stream:
            self.writer.put_stream(self.tree.name_of(member.path), stream, member.size)


NEW_FILE_MODE = 0o666  # trimmed by the umask, as open() does


class _LocalWriter:
    """Members written straight into the files of a FileSystemStorage, as its save would, minus its overhead.

    Storage.save costs about 0.3 ms of Python per file (name checks, exists(), folders, lock, chmod): the
    bulk of the time for a package of many small files. Here every folder is made once, up front, and each
    file is opened and written over. The storage's file and folder permission modes are honoured. The work is
    CPU and kernel time, so there are no more threads than cores.
    """

    def __init__(self, root, storage, limits):
        self.root = root
        self.file_mode = storage.file_permissions_mode
        self.folder_mode = storage.directory_permissions_mode
        self.chunk_size = limits.chunk_size
        self.workers = max(1, min(limits.workers, os.cpu_count() or 1))

    def _local_path(self, relative_path):
        return os.path.join(self.root, *relative_path.split("/"))

    def prepare(self, members):
        """Create the tree's folder and every folder below it that a member needs, parents first."""
        folders = {""}
        for member in members:
            folder = posixpath.dirname(member.path)
            while folder not in folders:
                folders.add(folder)
                folder = posixpath.dirname(folder)
        for folder in sorted(folders):
            _make_folder(self._local_path(folder) if folder else self.root, self.folder_mode)

    def write(self, archive, member):
        """Write the member over its file in place, then cut what an interrupted attempt left beyond its end.

        The file is not truncated first: another extraction of the same bytes may have marked the tree
        complete already, and learners may be reading this file; rewriting identical bytes in place never
        shows them a shorter file.
        """
        descriptor = os.open(self._local_path(member.path), os.O_WRONLY | os.O_CREAT, NEW_FILE_MODE)
        with archive.open(member) as stream, os.fdopen(descriptor, "wb") as target:
            shutil.copyfileobj(stream, target, self.chunk_size)
            target.flush()
            os.ftruncate(target.fileno(), target.tell())
            if self.file_mode is not None:
                os.fchmod(target.fileno(), self.file_mode)


def _make_folder(path, mode):
    """Create a folder and its missing parents; the ones created get `mode` when set (chmod: umask would trim it)."""
    if os.path.isdir(path):
        return
    parent = os.path.dirname(path)
    if parent != path:
        _make_folder(parent, mode)
    try:
        os.mkdir(path)
    except FileExistsError:
        return  # made meanwhile by another extraction of the same bytes
    if mode is not None:
        os.chmod(path, mode)


def _local_root(tree):
    """The tree's folder on local disk when its storage is a FileSystemStorage saving the standard way, else None."""
    return local_file_path(tree.storage, tree.prefix)


def _writer_for(tree, limits):
    from ..s3 import writes_directly  # pylint: disable=import-outside-toplevel

    if writes_directly(tree.storage):
        return _ObjectStoreWriter(tree, limits)
    root = _local_root(tree)
    if root is None:
        return _StorageWriter(tree, limits)
    return _LocalWriter(root, tree.storage, limits)


class ExtractionProgress:
    """Files written and bytes read from the zip so far, of the package's totals, shared by the extraction threads.

    `publish(snapshot)` receives a dict with files_done, files_total, bytes_done and bytes_total: at the start,
    then at most every `interval` seconds (PROGRESS_INTERVAL by default), then at the end, at the totals. Calls
    are made under a lock, so the figures a listener sees never go backwards. Bytes count as they are read from
    the zip, so a large member moves the figures while it is written; a member read again (a retried save)
    cannot push them past the total.
    """

    def __init__(self, members, publish, interval=None, clock=time.monotonic):
        self.files_total = len(members)
        self.bytes_total = sum(member.size for member in members)
        self.files_done = 0
        self.bytes_done = 0
        self._publish = publish
        self._interval = PROGRESS_INTERVAL if interval is None else interval
        self._clock = clock
        self._lock = threading.Lock()
        self._published_at = None

    def snapshot(self):
        return {"files_done": self.files_done, "files_total": self.files_total,
                "bytes_done": self.bytes_done, "bytes_total": self.bytes_total}

    def start(self):
        with self._lock:
            self._send()

    def bytes_read(self, count):
        with self._lock:
            self.bytes_done = min(self.bytes_done + count, self.bytes_total)
            self._send_when_due()

    def member_done(self):
        with self._lock:
            self.files_done += 1
            self._send_when_due()

    def finish(self):
        with self._lock:
            self.files_done, self.bytes_done = self.files_total, self.bytes_total
            self._send()

    def _send_when_due(self):
        if self._clock() - self._published_at >= self._interval:
            self._send()

    def _send(self):
        self._published_at = self._clock()
        self._publish(self.snapshot())


def _run_companion(queue):
    """Run one job of `queue` (see extract_package's companions); False when there is none left."""
    try:
        job = queue.popleft()
    except IndexError:
        return False
    job()
    return True


def _drain(archive, writer, work, stop, progress):
    """Run the companions, then write members taken from the shared queue, until both are empty or another
    worker failed."""
    companions, members = work
    while not stop.is_set():
        if _run_companion(companions):
            continue
        try:
            member = members.popleft()
        except IndexError:
            return
        try:
            writer.write(archive, member)
        except MEMBER_DATA_ERRORS as error:
            raise PackageError("corrupt", path=member.zip_name) from error
        progress.member_done()


def _write_members(archive, writer, members, companions, progress):
    """Every member through `writer`, by `writer.workers` threads pulling from one queue; raise the first failure.

    Memory stays at one chunk per worker whatever the number of members: there is one task per worker,
    not one per member. A damaged member is preferred over other failures, as it decides the cleanup.
    """
    work = (deque(companions), deque(members))  # popleft is atomic: the workers share them without a lock
    stop = threading.Event()
    if writer.workers == 1:
        _drain(archive, writer, work, stop, progress)
        return
    with ThreadPoolExecutor(max_workers=writer.workers, thread_name_prefix="scorm-extract") as pool:
        futures = [pool.submit(_drain, archive, writer, work, stop, progress) for _ in range(writer.workers)]
        wait(futures, return_when=FIRST_EXCEPTION)
        stop.set()
    failures = [future.exception() for future in futures if future.exception() is not None]
    if failures:
        raise next((failure for failure in failures if isinstance(failure, PackageError)), failures[0])


def _progress_publisher(tree, listener):
    """Publish progress to the caller's listener, when given, and to the tree's cache entry."""
    if listener is None:
        return tree.record_progress

    def publish(snapshot):
        listener(snapshot)
        tree.record_progress(snapshot)

    return publish


def extract_package(spooled, checked, tree, limits, companions=(), on_progress=None):
    """Write the package's files into its tree, then the completion marker, last.

    `companions` are callables (storing the zip beside the tree, say) run by the same workers, first, while
    members are written, and done before the marker. `on_progress(snapshot)` hears how many files and bytes
    are written (ExtractionProgress), as does the tree's cache entry (PackageTree.read_progress).

    A tree already complete is left as it is: identical bytes were extracted before; only the companions run.
    A damaged member (CRC or size mismatch) removes what was written and raises PackageError; a storage
    failure leaves the tree incomplete (no marker) for a retry to finish.
    """
    if tree.is_marked():
        for job in companions:
            job()
        return
    writer = _writer_for(tree, limits)
    progress = ExtractionProgress(checked.members, _progress_publisher(tree, on_progress))
    progress.start()
    archive = _SharedArchive(spooled.path, on_read=progress.bytes_read)
    try:
        writer.prepare(checked.members)
        _write_members(archive, writer, checked.members, companions, progress)
    except PackageError:
        tree.delete()
        raise
    finally:
        archive.close()
    tree.mark_complete({member.path: member.size for member in checked.members})
    progress.finish()
