"""Path safety: which zip member names and asset request paths stay inside a package's tree.

Both functions answer with a normalised posix path relative to the tree root, so a member stored
under its normalised name is found again by a request for that same name.
"""
import functools
import re
from urllib.parse import unquote

from .package_errors import PackageError

# Request paths are checked once per process: a package's files are asked for again and again, by every learner.
# Only paths this short are remembered, so hostile long ones cannot fill memory (at most 4 MB here).
MEMO_SIZE = 4096
MEMO_MAX_CHARACTERS = 1024

# Characters no member name or request path may hold: NUL and the other C0 controls, DEL, and the
# Windows separator (a backslash in a zip name is either a Windows path or an attack; both are refused).
FORBIDDEN_CHARACTERS = frozenset([chr(code) for code in range(0x20)] + ["\x7f", "\\"])

# "C:" at the start of a segment: a Windows drive, absolute whatever follows it.
DRIVE_LETTER = re.compile(r"^[A-Za-z]:")

# The longest file or folder name, and the longest path below a tree, in UTF-8 bytes: what common file systems
# hold (255) and well within an S3 key (1,024) once the location and the sha1 are put before it.
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 900

# Percent-decoding is repeated at most this many times to see through double (or deeper) encoding.
MAX_DECODE_ROUNDS = 4


def _fully_decoded(text):
    """The text percent-decoded until it no longer changes (bounded), to see what an encoded name hides."""
    for _ in range(MAX_DECODE_ROUNDS):
        decoded = unquote(text, errors="replace")
        if decoded == text:
            break
        text = decoded
    return text


def _is_traversal(form):
    """'..' and its look-alikes: a segment of only dots and spaces (Windows trims trailing ones), except '.'."""
    return form != "." and set(form) <= {".", " "}


def _form_is_unsafe(form):
    return _is_traversal(form) or bool(DRIVE_LETTER.match(form)) or not FORBIDDEN_CHARACTERS.isdisjoint(form)


def _segment_is_unsafe(segment):
    """True when a segment, raw or decoded, is a traversal or a drive, or hides a separator or a control."""
    decoded = _fully_decoded(segment)
    if decoded != segment and ("/" in decoded or decoded in ("", ".")):
        return True
    return _form_is_unsafe(segment) or _form_is_unsafe(decoded)


def _normalised_segments(path):
    """The meaningful segments of a '/'-separated path ('' and '.' dropped), or None when any is unsafe."""
    segments = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if _segment_is_unsafe(segment):
            return None
        segments.append(segment)
    return segments


def _too_long(segments):
    return (any(len(segment.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES for segment in segments)
            or len("/".join(segments).encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES)


def safe_member_path(name):
    """A zip member name as a normalised relative posix path ('dir/' for folders); PackageError when unsafe.

    Refused: absolute names, drive letters, backslashes, control characters, '..' segments, and the
    same hidden behind percent-encoding ('%2e%2e', '%2f', '%252e%252e').
    """
    segments = None
    if name and not name.startswith("/") and not DRIVE_LETTER.match(name):
        segments = _normalised_segments(name)
    if not segments:
        raise PackageError("unsafe_path", path=name)
    if _too_long(segments):
        raise PackageError("name_too_long", path=name[:80] + "…", limit=MAX_NAME_BYTES)
    path = "/".join(segments)
    return path + "/" if name.endswith("/") else path


def safe_request_path(path):
    """An asset request path (already decoded once) as a normalised relative path, or None when unsafe.

    A leading '/' is read as the tree root. Anything that could leave the tree, even after a second
    decoding, gives None, as does an empty path or a folder.
    """
    if isinstance(path, str) and len(path) <= MEMO_MAX_CHARACTERS:
        return _memoised_request_path(path)
    return _request_path(path)


@functools.lru_cache(maxsize=MEMO_SIZE)
def _memoised_request_path(path):
    return _request_path(path)


def _request_path(path):
    if not path or path.endswith("/"):
        return None
    segments = _normalised_segments(path.lstrip("/"))
    if not segments or _too_long(segments):
        return None
    return "/".join(segments)
