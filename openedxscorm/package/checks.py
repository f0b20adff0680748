"""The checks of a SCORM zip before anything of it is stored: its zip structure, member names, the operator's
limits, the manifest and the launch files; and the same checks of an unzipped folder, for `inspect`.

Only the central directory, the local headers and the manifest are read here: member data is read once, later,
while it is extracted (where its CRC is verified).
"""
import lzma
import os
import posixpath
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from ..package_errors import PackageError, PackageNotice, human_size
from ..paths import safe_member_path
from ..settings import MIB, merged_settings

MANIFEST_NAME = "imsmanifest.xml"

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

# How many of the missing files a notice names; the count says how many there are.
MISSING_FILES_NAMED = 5


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
        raise PackageError("uncompressed_too_large", size=human_size(uncompressed),
                           limit=human_size(limits.max_uncompressed_size))
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
    from ..manifest import parse_manifest  # pylint: disable=import-outside-toplevel  # keeps this module light

    return parse_manifest(data)


def _check_manifest_size(size, limits):
    if size > limits.max_manifest_size:
        raise PackageError("manifest_too_large", size=human_size(size), limit=human_size(limits.max_manifest_size))


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
    from ..manifest import ManifestError, launch_location  # pylint: disable=import-outside-toplevel  # as _parse_manifest

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
