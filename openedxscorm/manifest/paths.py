"""Launch addresses: xml:base chains and item parameters turned into a URL and a file path inside the package.

Everything that could leave the package (a scheme, an absolute path, `..` above the root, a drive letter,
backslash or percent-encoded forms of those) is refused here, so callers only ever see package-relative paths.
"""
from dataclasses import dataclass
from urllib.parse import quote, unquote

from .errors import ManifestError
from .vocab import PATH_SAFE_CHARACTERS, QUERY_SAFE_CHARACTERS


@dataclass(frozen=True)
class LaunchLocation:
    url: str  # package-relative URL: quoted path, then ?query and #fragment
    path: str  # the file that must exist in the package, posix, not quoted
    had_backslash: bool  # the manifest used "\" as a separator: worth a notice


def split_reference(reference):
    """(path, query or None, fragment or None) of a URI reference, as RFC 3986 splits it."""
    reference, _, fragment = reference.partition("#") if "#" in reference else (reference, "", None)
    path, _, query = reference.partition("?") if "?" in reference else (reference, "", None)
    return path, query, fragment


def _has_invalid_characters(text):
    """Control characters (browsers drop some, which hides schemes) and lone surrogates (no file has them)."""
    return any(ord(character) < 32 or ord(character) == 127 or 0xD800 <= ord(character) <= 0xDFFF
               for character in text)


def _is_absolute(path):
    first_segment = path.split("/", 1)[0]
    return path.startswith("/") or ":" in first_segment


def resolve_path(base, reference):
    """The path of `reference` read relative to the path `base` (RFC 3986 merge; absolute references win)."""
    if _is_absolute(reference) or not base:
        return reference
    return base[: base.rfind("/") + 1] + reference


def normalise_launch_path(path, item="", url=None):
    """The package-relative file path named by a raw URL path, or ManifestError if it is not one.

    The path is percent-decoded first (a server decodes it before looking the file up), backslashes are read as
    "/", then "." and ".." segments are resolved; climbing above the root is refused, not clamped.
    """
    params = {"item": item, "url": path if url is None else url}
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        raise ManifestError("launch_url_invalid", **params) from None
    decoded = decoded.replace("\\", "/")
    if _has_invalid_characters(decoded):
        raise ManifestError("launch_url_invalid", **params)
    if not decoded.strip():
        raise ManifestError("launch_url_empty", item=item)
    if _is_absolute(decoded):
        raise ManifestError("launch_outside_package", **params)
    segments = []
    for segment in decoded.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if not segments:
                raise ManifestError("launch_outside_package", **params)
            segments.pop()
        elif not segment.strip(". "):
            # "...", ". .": names some file systems fold into "." or "..".
            raise ManifestError("launch_url_invalid", **params)
        else:
            segments.append(segment)
    last = decoded.rsplit("/", 1)[-1]
    if not segments or last in ("", ".", ".."):
        raise ManifestError("launch_not_a_file", **params)
    if _is_absolute(segments[0]):
        # "a/../javascript:x" or "./C:/x": a scheme or drive letter once the dots are gone.
        raise ManifestError("launch_outside_package", **params)
    return "/".join(segments)


def apply_parameters(query, fragment, parameters):
    """(query, fragment) after appending an item's `parameters` (SCORM CAM: strip leading ? and &; a #fragment
    is used only when the URL has none; otherwise the rest joins the query with "&")."""
    parameters = (parameters or "").lstrip("?&")
    if not parameters:
        return query, fragment
    extra_query, has_fragment, extra_fragment = parameters.partition("#")
    if extra_query:
        query = f"{query}&{extra_query}" if query else extra_query
    if has_fragment and fragment is None:
        fragment = extra_fragment
    return query, fragment


def launch_location(bases, href, parameters=None, item=""):
    """The LaunchLocation of `href` under the xml:base values `bases` (outermost first), with `parameters`."""
    if _has_invalid_characters(href + (parameters or "") + "".join(bases)):
        raise ManifestError("launch_url_invalid", item=item, url=href)
    had_backslash = "\\" in href or any("\\" in base for base in bases)
    path = ""
    for reference in [*bases, href]:
        reference = reference.strip().replace("\\", "/")
        if reference:
            path = resolve_path(split_reference(path)[0], reference)
    raw = path
    path, query, fragment = split_reference(path)
    if not path.strip():
        raise ManifestError("launch_url_empty", item=item)
    launch_path = normalise_launch_path(path, item=item, url=raw)
    query, fragment = apply_parameters(query, fragment, parameters)
    url = quote(launch_path, safe=PATH_SAFE_CHARACTERS)
    if query is not None:
        url += "?" + _quote_tail(query)
    if fragment is not None:
        url += "#" + _quote_tail(fragment)
    return LaunchLocation(url=url, path=launch_path, had_backslash=had_backslash)


def _quote_tail(text):
    """A query or fragment made printable ASCII; existing %-escapes are kept as they are."""
    return quote(text, safe=QUERY_SAFE_CHARACTERS)
