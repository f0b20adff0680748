"""A SCORM zip from upload to storage: spooled to disk while hashed, checked whole, then extracted in chunks.

Nothing is written to storage until every check has passed, and memory never grows with the size of
the package or of its largest file: bytes move `Limits.chunk_size` at a time, by at most
`Limits.workers` threads sharing one open zip. Many files cost one list of members and one central
directory, never a task or a zip handle per file.
"""
import hashlib
import lzma
import os
import posixpath
import shutil
import stat
import struct
import threading
import time
import zipfile
import zlib
from collections import deque
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field

from .errors import Notice, ScormError, gettext_noop
from .paths import safe_member_path
from .settings import merged_settings
from .spool import spool_file

MIB = 1024 * 1024
MANIFEST_NAME = "imsmanifest.xml"

# Extraction progress is published at most this often (seconds), and once more at the end: each publication is
# a cache write, which must not cost as much as writing a small file.
PROGRESS_INTERVAL = 0.5

# Members at most this large are never refused for their compression ratio: small text compresses well.
RATIO_CHECK_MIN_SIZE = 1 * MIB

# Compression methods the standard library reads (Deflate64, PPMd... are refused up front, not mid-way).
READABLE_COMPRESSION = frozenset([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])

# Files that operating systems add to zips on their own; they never make a package.
SYSTEM_JUNK_PREFIXES = ("__MACOSX/",)
SYSTEM_JUNK_NAMES = frozenset([".DS_Store", "Thumbs.db", "desktop.ini"])

LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"
LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # the fixed part of a local file header, 30 bytes
ZIP_FLAG_ENCRYPTED = 0x1 | 0x40  # traditional and strong encryption
ZIP_FLAG_PATCHED_DATA = 0x20  # a PKWARE extension the standard library does not read
ZIP_FLAG_UTF8 = 0x800

# Errors raised while reading zip structures that mean "this is not a usable zip", whatever their type.
ZIP_READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, struct.error, EOFError, ValueError, zlib.error)

# Errors of a member's data found while it streams into storage (CRC or size mismatch, broken compression);
# narrower than the above so that a storage's own ValueError is never taken for a damaged package.
MEMBER_DATA_ERRORS = (zipfile.BadZipFile, EOFError, zlib.error, lzma.LZMAError, NotImplementedError)


class PackageError(ScormError):
    """A zip refused as a SCORM package: nothing of it is stored."""

    MESSAGES = {
        "not_a_zip": gettext_noop("%(filename)s is not a zip file. Upload the SCORM package as a .zip file."),
        "truncated": gettext_noop(
            "The zip file is incomplete: it was cut off, perhaps during a download or a copy. "
            "Export or download the package again."),
        "corrupt": gettext_noop("The zip file is damaged (at %(path)s). Export the package again."),
        "no_manifest": gettext_noop(
            "The package has no imsmanifest.xml. A SCORM package holds this file at its top level."),
        "manifest_wrong_case": gettext_noop(
            "The package holds %(path)s, but SCORM requires the exact name imsmanifest.xml (in lower case)."),
        "ambiguous_manifest": gettext_noop(
            "The package holds several imsmanifest.xml files at the same depth (%(paths)s). "
            "Zip the folder of one package only, with its imsmanifest.xml at the top."),
        "nested_zip": gettext_noop(
            "The zip holds only another zip, %(path)s. Upload that inner zip instead."),
        "unsafe_path": gettext_noop(
            "The package holds a file with an unsafe name: %(path)s. Names may not be absolute, "
            "start with a drive letter, or contain '..', backslashes or control characters."),
        "name_too_long": gettext_noop(
            "The package holds a file whose name or path is too long: %(path)s. Names may have at most "
            "%(limit)s bytes."),
        "symlink": gettext_noop("The package holds a symbolic link, %(path)s. Links are not allowed."),
        "duplicate_member": gettext_noop("The package holds %(path)s more than once."),
        "path_conflict": gettext_noop("The package holds %(path)s both as a file and as a folder."),
        "encrypted": gettext_noop(
            "The package holds a password-protected file, %(path)s. Export the package without a password."),
        "unsupported_compression": gettext_noop(
            "%(path)s is compressed with a method this site cannot read. "
            "Zip the package again with standard (deflate) compression."),
        "unsupported_zip_feature": gettext_noop(
            "%(path)s uses a zip feature this site cannot read. Zip the package again with a common zip tool."),
        "too_large": gettext_noop("The package is larger than the limit of %(limit)s."),
        "uncompressed_too_large": gettext_noop(
            "Unpacked, the package would take %(size)s, more than the limit of %(limit)s."),
        "too_many_members": gettext_noop(
            "The package holds %(count)s files and folders, more than the limit of %(limit)s."),
        "ratio_too_high": gettext_noop(
            "%(path)s is compressed %(ratio)s times, more than the limit of %(limit)s times; "
            "the package looks like a zip bomb."),
        "package_ratio_too_high": gettext_noop(
            "The package is compressed %(ratio)s times overall, more than the limit of %(limit)s times; "
            "it looks like a zip bomb."),
        "manifest_too_large": gettext_noop("imsmanifest.xml takes %(size)s, more than the limit of %(limit)s."),
        "launch_missing": gettext_noop(
            "The launch file %(path)s of item \"%(item)s\" is not in the package."),
    }


class PackageNotice(Notice):
    """Something odd about an accepted package that the author should know."""

    MESSAGES = {
        "outside_root": gettext_noop(
            "%(count)s files outside the package folder %(root)s are ignored."),
        "nested_manifests": gettext_noop(
            "The package holds other imsmanifest.xml files below its top (%(count)s); only %(path)s is used."),
        "files_missing": gettext_noop(
            "Files the manifest lists are not in the package (%(count)s: %(files)s); learners will get errors "
            "where the content uses them."),
    }


# How many of the missing files a notice names; the count says how many there are.
MISSING_FILES_NAMED = 5


def _human_size(size):
    """A byte count as the author reads it in messages."""
    for unit, scale in (("GiB", 1024 * MIB), ("MiB", MIB), ("KiB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


@dataclass
class Limits:
    """The operator's bounds on a package (XBLOCK_SETTINGS keys), and the size of every read and write."""

    max_package_size: int = 2048 * MIB
    max_uncompressed_size: int = 4096 * MIB
    max_member_count: int = 20000
    max_compression_ratio: float = 200
    max_manifest_size: int = 8 * MIB
    chunk_size: int = 1 * MIB
    workers: int = 8
    part_size: int = 8 * MIB

    SETTING_NAMES = {
        "max_package_size": "MAX_PACKAGE_SIZE",
        "max_uncompressed_size": "MAX_UNCOMPRESSED_SIZE",
        "max_member_count": "MAX_MEMBER_COUNT",
        "max_compression_ratio": "MAX_COMPRESSION_RATIO",
        "max_manifest_size": "MAX_MANIFEST_SIZE",
        "chunk_size": "CHUNK_SIZE",
        "workers": "EXTRACT_WORKERS",
        "part_size": "S3_PART_SIZE",
    }

    @classmethod
    def from_settings(cls, settings):
        """Limits from a block settings dict; missing keys take the defaults of openedxscorm.settings."""
        merged = merged_settings(settings)
        return cls(**{attribute: merged[key] for attribute, key in cls.SETTING_NAMES.items()})


@dataclass
class SpooledZip:
    """A zip on local disk, with the sha1 and size of its bytes and the name the author gave it."""

    path: str
    sha1: str
    size: int
    filename: str


@dataclass(frozen=True)
class Member:
    """A file of the package: its name in the zip, its path in the tree (relative to the root), its size."""

    zip_name: str
    path: str
    size: int


@dataclass
class CheckedPackage:
    """Everything known about a package that passed the checks; nothing is stored yet."""

    sha1: str
    size: int
    filename: str
    root: str
    manifest: object
    members: list = field(default_factory=list)
    uncompressed_size: int = 0
    notices: list = field(default_factory=list)

    def member_paths(self):
        """The tree paths of every file, for launch file checks."""
        return {member.path for member in self.members}


# ---------------------------------------------------------------------------------------------- spooling


def _copy_hashing(source, target, limits):
    """Copy source to target (None: only read) in chunks; the sha1 and size, PackageError past the size limit."""
    digest = hashlib.sha1(usedforsecurity=False)
    size = 0
    while chunk := source.read(limits.chunk_size):
        size += len(chunk)
        if size > limits.max_package_size:
            raise PackageError("too_large", limit=_human_size(limits.max_package_size))
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


# ---------------------------------------------------------------------------------------------- checks


def _open_zip(spooled):
    """The ZipFile of a spooled upload; PackageError not_a_zip or truncated when there is no readable one."""
    try:
        return zipfile.ZipFile(spooled.path)
    except NotImplementedError as error:  # a zip format version newer than the standard library reads
        raise PackageError("unsupported_zip_feature", path=spooled.filename) from error
    except ZIP_READ_ERRORS as error:
        with open(spooled.path, "rb") as handle:
            starts_like_zip = handle.read(len(LOCAL_HEADER_SIGNATURE)) == LOCAL_HEADER_SIGNATURE
        code = "truncated" if starts_like_zip else "not_a_zip"
        raise PackageError(code, filename=spooled.filename) from error


def _is_symlink(info):
    return stat.S_ISLNK(info.external_attr >> 16)


def _is_junk(path):
    return path.startswith(SYSTEM_JUNK_PREFIXES) or posixpath.basename(path) in SYSTEM_JUNK_NAMES


def _check_member_info(info, path, limits):
    """The zip-only checks of one member: link, encryption, compression method, ratio."""
    if _is_symlink(info):
        raise PackageError("symlink", path=path)
    if info.flag_bits & ZIP_FLAG_ENCRYPTED:
        raise PackageError("encrypted", path=path)
    if info.flag_bits & ZIP_FLAG_PATCHED_DATA:
        raise PackageError("unsupported_zip_feature", path=path)
    if info.compress_type not in READABLE_COMPRESSION:
        raise PackageError("unsupported_compression", path=path)
    if info.file_size > RATIO_CHECK_MIN_SIZE:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            raise PackageError("ratio_too_high", path=path, ratio=int(ratio), limit=limits.max_compression_ratio)


def _check_local_headers(archive, handle):
    """Every member's local header is where the central directory says, names it, and no two members overlap.

    A zip cut short or stitched together fails here before a byte is extracted (CRCs are verified later,
    while extracting, so the data is read only once).
    """
    data_end = 0
    for info in sorted(archive.infolist(), key=lambda info: info.header_offset):
        if info.header_offset < data_end:
            raise PackageError("corrupt", path=info.filename)
        handle.seek(info.header_offset)
        header = handle.read(LOCAL_HEADER.size)
        if len(header) < LOCAL_HEADER.size:
            raise PackageError("truncated")
        fields = LOCAL_HEADER.unpack(header)
        if fields[0] != LOCAL_HEADER_SIGNATURE:
            raise PackageError("corrupt", path=info.filename)
        name_length, extra_length = fields[-2:]
        encoding = "utf-8" if info.flag_bits & ZIP_FLAG_UTF8 else "cp437"
        if handle.read(name_length) != info.orig_filename.encode(encoding, errors="replace"):
            raise PackageError("corrupt", path=info.filename)
        data_end = info.header_offset + LOCAL_HEADER.size + name_length + extra_length + info.compress_size
        if data_end > archive.start_dir:
            raise PackageError("truncated")


def _check_totals(infos, limits):
    """Package-wide limits: total unpacked size and overall compression ratio."""
    uncompressed = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    if uncompressed > limits.max_uncompressed_size:
        raise PackageError("uncompressed_too_large", size=_human_size(uncompressed),
                           limit=_human_size(limits.max_uncompressed_size))
    ratio = uncompressed / max(compressed, 1)
    if uncompressed > RATIO_CHECK_MIN_SIZE and ratio > limits.max_compression_ratio:
        raise PackageError("package_ratio_too_high", ratio=int(ratio), limit=limits.max_compression_ratio)
    return uncompressed


def _check_unique(entries):
    """No file twice and no name that is both a file and a folder; entries are (path, is_folder)."""
    files = set()
    folders = set()
    for path, is_folder in entries:
        if is_folder:
            folders.add(path.rstrip("/"))
            continue
        if path in files:
            raise PackageError("duplicate_member", path=path)
        files.add(path)
        parent = posixpath.dirname(path)
        while parent:
            folders.add(parent)
            parent = posixpath.dirname(parent)
    conflicts = sorted(files & folders)
    if conflicts:
        raise PackageError("path_conflict", path=conflicts[0])


def _manifest_root(file_paths):
    """The folder ('' or 'sub/') of the shallowest imsmanifest.xml; PackageError when there is none or a tie."""
    manifests = sorted(path for path in file_paths if posixpath.basename(path) == MANIFEST_NAME)
    if not manifests:
        _refuse_missing_manifest(file_paths)
    shallowest = min(path.count("/") for path in manifests)
    candidates = [path for path in manifests if path.count("/") == shallowest]
    if len(candidates) > 1:
        raise PackageError("ambiguous_manifest", paths=", ".join(candidates[:5]))
    folder = posixpath.dirname(candidates[0])
    return (folder + "/" if folder else ""), len(manifests) - 1


def _refuse_missing_manifest(file_paths):
    """The most helpful refusal for a package without imsmanifest.xml."""
    for path in file_paths:
        if posixpath.basename(path).lower() == MANIFEST_NAME:
            raise PackageError("manifest_wrong_case", path=path)
    content = [path for path in file_paths if not _is_junk(path)]
    if len(content) == 1 and content[0].lower().endswith(".zip"):
        raise PackageError("nested_zip", path=content[0])
    raise PackageError("no_manifest")


def _members_under_root(sized_paths, root):
    """(Members below root, notices): files elsewhere are not part of the package and are left out."""
    members = [Member(zip_name, path[len(root):], size)
               for zip_name, path, size in sized_paths if path.startswith(root)]
    outside = len(sized_paths) - len(members)
    notices = [PackageNotice("outside_root", count=outside, root=root)] if outside else []
    return members, notices


def _parse_manifest(data):
    from .manifest import parse_manifest  # pylint: disable=import-outside-toplevel  # keeps this module light

    return parse_manifest(data)


def _check_manifest_size(size, limits):
    if size > limits.max_manifest_size:
        raise PackageError("manifest_too_large", size=_human_size(size), limit=_human_size(limits.max_manifest_size))


def read_package(spooled, limits):
    """Every check of a zip except that launch files exist; raises PackageError or ManifestError.

    Kept apart from check_package so that `inspect` can show a package's items even when it is refused.
    """
    with _open_zip(spooled) as archive:
        infos = archive.infolist()
        if len(infos) > limits.max_member_count:
            raise PackageError("too_many_members", count=len(infos), limit=limits.max_member_count)
        entries = []
        for info in infos:
            path = safe_member_path(info.orig_filename)  # zipfile's filename drops what follows a NUL
            _check_member_info(info, path, limits)
            entries.append((info, path))
        with open(spooled.path, "rb") as handle:
            _check_local_headers(archive, handle)
        uncompressed = _check_totals(infos, limits)
        _check_unique((path, info.is_dir()) for info, path in entries)
        files = [(info.filename, path, info.file_size) for info, path in entries if not info.is_dir()]
        root, extra_manifests = _manifest_root([path for _, path, _ in files])
        members, notices = _members_under_root(files, root)
        manifest_info = archive.getinfo(next(name for name, path, _ in files if path == root + MANIFEST_NAME))
        _check_manifest_size(manifest_info.file_size, limits)
        try:
            with archive.open(manifest_info) as stream:
                data = stream.read(limits.max_manifest_size + 1)
        except MEMBER_DATA_ERRORS as error:
            raise PackageError("corrupt", path=manifest_info.filename) from error
    manifest = _parse_manifest(data)
    if extra_manifests:
        notices.append(PackageNotice("nested_manifests", count=extra_manifests, path=root + MANIFEST_NAME))
    return CheckedPackage(
        sha1=spooled.sha1, size=spooled.size, filename=spooled.filename, root=root, manifest=manifest,
        members=members, uncompressed_size=uncompressed, notices=list(manifest.notices) + notices,
    )


def check_launch_files(checked):
    """PackageError launch_missing unless every launchable item's launch file is among the package's files; a
    notice naming the other files the manifest lists (<file href>) that the package lacks."""
    present = checked.member_paths()
    for item in checked.manifest.launchable_items():
        if item.launch_path and item.launch_path not in present:
            raise PackageError("launch_missing", path=item.launch_path, item=item.title or item.identifier)
    missing = sorted(set(listed_files(checked.manifest)) - present)
    if missing:
        shown = ", ".join(missing[:MISSING_FILES_NAMED]) + (", ..." if len(missing) > MISSING_FILES_NAMED else "")
        checked.notices.append(PackageNotice("files_missing", count=len(missing), files=shown))


def listed_files(manifest):
    """The package path of every <file href> of every resource, read under its xml:base; a reference that names
    no file of the package (a URL, a path leaving it) is left out."""
    from .manifest_errors import ManifestError  # pylint: disable=import-outside-toplevel  # as _parse_manifest
    from .manifest_paths import launch_location  # pylint: disable=import-outside-toplevel

    for resource in manifest.resources.values():
        bases = [*manifest.resource_bases, resource.xml_base or ""]
        for href in resource.files:
            try:
                yield launch_location(bases, href).path
            except ManifestError:
                continue


def check_package(spooled, limits):
    """All validation of an uploaded zip, writing nothing anywhere: the CheckedPackage, or PackageError."""
    checked = read_package(spooled, limits)
    check_launch_files(checked)
    return checked


def read_folder(folder, limits):
    """The checks of read_package that apply to an unzipped package folder (names, manifest), for `inspect`."""
    files = []
    for directory, folders, names in os.walk(folder):
        folders.sort()
        for name in sorted(names):
            full_path = os.path.join(directory, name)
            relative = os.path.relpath(full_path, folder).replace(os.sep, "/")
            files.append((relative, safe_member_path(relative), os.path.getsize(full_path)))
    _check_unique((path, False) for _, path, _ in files)
    root, extra_manifests = _manifest_root([path for _, path, _ in files])
    members, notices = _members_under_root(files, root)
    manifest_path = os.path.join(folder, root, MANIFEST_NAME)
    manifest = _parse_manifest(_read_manifest_file(manifest_path, limits))
    if extra_manifests:
        notices.append(PackageNotice("nested_manifests", count=extra_manifests, path=root + MANIFEST_NAME))
    return CheckedPackage(
        sha1="", size=0, filename=os.path.basename(os.path.abspath(folder)), root=root, manifest=manifest,
        members=members, uncompressed_size=sum(member.size for member in members),
        notices=list(manifest.notices) + notices,
    )


def read_manifest_file(path, limits):
    """A lone manifest checked against the files of the folder it sits in, for `inspect`."""
    folder = os.path.dirname(os.path.abspath(path))
    manifest = _parse_manifest(_read_manifest_file(path, limits))
    members = []
    for directory, _, names in os.walk(folder):
        for name in names:
            relative = os.path.relpath(os.path.join(directory, name), folder).replace(os.sep, "/")
            members.append(Member(relative, relative, 0))
    return CheckedPackage(sha1="", size=0, filename=os.path.basename(path), root="", manifest=manifest,
                          members=members, notices=list(manifest.notices))


def _read_manifest_file(path, limits):
    _check_manifest_size(os.path.getsize(path), limits)
    with open(path, "rb") as handle:
        return handle.read(limits.max_manifest_size + 1)


# ---------------------------------------------------------------------------------------------- extraction


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
        from .s3 import S3Writer  # pylint: disable=import-outside-toplevel  # boto3 only for S3 storages

        self.tree = tree
        self.writer = S3Writer(tree.storage, limits.part_size)
        self.workers = max(1, limits.workers)

    def prepare(self, members):
        """Nothing to prepare: a bucket has no folders."""

    def write(self, archive, member):
        """Overwrite whatever an interrupted attempt left under the member's name."""
        with archive.open(member) as stream:
            self.writer.put_stream(self.tree.name_of(member.path), stream, member.size)


class _LocalWriter:
    """Members written straight into the files of a FileSystemStorage, as its save would, minus its overhead.

    Storage.save costs about 0.3 ms of Python per file (name checks, exists(), folders, lock, chmod): the
    bulk of the time for a package of many small files. Here every folder is made once, up front, and each
    file is opened, truncated (an interrupted attempt's leftover is overwritten) and written. The storage's
    file and folder permission modes are honoured. The work is CPU and kernel time, so there are no more
    threads than cores.
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
        with archive.open(member) as stream, open(self._local_path(member.path), "wb") as target:
            shutil.copyfileobj(stream, target, self.chunk_size)
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
    """The tree's folder on local disk when its storage is a FileSystemStorage saving the standard way, else None.

    A storage without local paths (object stores) or with a save of its own keeps going through its API.
    """
    from django.core.files.storage import FileSystemStorage, Storage  # pylint: disable=import-outside-toplevel

    storage = tree.storage
    standard_save = (
        getattr(storage.save, "__func__", None) is Storage.save
        and getattr(storage._save, "__func__", None) is FileSystemStorage._save  # pylint: disable=protected-access
    )
    if not standard_save:
        return None
    try:
        return storage.path(tree.prefix)
    except NotImplementedError:
        return None


def _writer_for(tree, limits):
    from .s3 import writes_directly  # pylint: disable=import-outside-toplevel

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
