"""imsmanifest.xml bytes to an element tree, safely: no entities, no external documents, no network, bounded depth.

Every way the bytes can be unusable comes out as a ManifestError with its own code.
"""
import re
from xml.etree.ElementTree import ParseError, TreeBuilder
from xml.parsers.expat import errors as expat_errors

from defusedxml import EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from .errors import ManifestError
from .vocab import DEFAULT_ENCODING, ENCODING_PREFIXES, MAX_DEPTH

_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")
_NO_ELEMENTS = expat_errors.codes[expat_errors.XML_ERROR_NO_ELEMENTS]

# defusedxml refusals -> error code.
_DEFUSED_CODES = (
    (EntitiesForbidden, "manifest_entities_forbidden"),
    (ExternalReferenceForbidden, "manifest_external_reference_forbidden"),
)


class _ExternalDoctype(Exception):
    """A DOCTYPE naming an external DTD: refused even though expat would not fetch it."""


class _TooDeep(Exception):
    """More nested elements than MAX_DEPTH."""


class _BoundedTreeBuilder:
    """A TreeBuilder that refuses nesting beyond MAX_DEPTH and records every declared namespace URI."""

    def __init__(self):
        self._builder = TreeBuilder()
        self._depth = 0
        self.namespaces = set()

    def start(self, tag, attributes):
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _TooDeep()
        return self._builder.start(tag, attributes)

    def end(self, tag):
        self._depth -= 1
        return self._builder.end(tag)

    def data(self, text):
        self._builder.data(text)

    def start_ns(self, prefix, uri):  # pylint: disable=unused-argument
        self.namespaces.add(uri.strip())

    def close(self):
        return self._builder.close()


class _ManifestParser(DefusedXMLParser):
    """defusedxml's parser (no entity declarations, no external references) that also refuses external DTDs."""

    def __init__(self, target):
        super().__init__(target=target, forbid_dtd=False, forbid_entities=True, forbid_external=True)
        self.parser.StartDoctypeDeclHandler = self._start_doctype

    @staticmethod
    def _start_doctype(name, sysid, pubid, has_internal_subset):  # pylint: disable=unused-argument
        if sysid or pubid:
            raise _ExternalDoctype()


def decode_manifest(data):
    """The manifest as text: the encoding comes from a byte-order mark, else the XML declaration, else UTF-8."""
    if isinstance(data, str):
        return data
    data = bytes(data)
    encoding = next((codec for prefix, codec in ENCODING_PREFIXES if data.startswith(prefix)), None)
    if encoding is None:
        declared = _DECLARED_ENCODING.match(data)
        encoding = declared.group(1).decode("ascii") if declared else DEFAULT_ENCODING
    try:
        return data.decode(encoding)
    except LookupError:
        raise ManifestError("manifest_unknown_encoding", encoding=encoding) from None
    except UnicodeDecodeError as error:
        raise ManifestError("manifest_bad_encoding", encoding=encoding, position=error.start) from None


def parse_xml(data):
    """(root element, set of declared namespace URIs) of the manifest bytes, or ManifestError."""
    text = decode_manifest(data)
    builder = _BoundedTreeBuilder()
    parser = _ManifestParser(builder)
    try:
        parser.feed(text)
        root = parser.close()
    except _TooDeep:
        raise ManifestError("manifest_too_deep", limit=MAX_DEPTH) from None
    except _ExternalDoctype:
        raise ManifestError("manifest_external_reference_forbidden") from None
    except (EntitiesForbidden, ExternalReferenceForbidden) as error:
        code = next(code for kind, code in _DEFUSED_CODES if isinstance(error, kind))
        raise ManifestError(code) from None
    except ParseError as error:
        if error.code == _NO_ELEMENTS:
            raise ManifestError("manifest_empty") from None
        line, column = error.position
        detail = expat_errors.messages.get(error.code, str(error)) if error.code else str(error)
        raise ManifestError("manifest_malformed", line=line, column=column, detail=detail) from None
    return root, builder.namespaces
