"""imsmanifest.xml read into plain data (parse), safely (xml), with launch addresses kept inside the package
(paths), by the words of the standard (vocab); refusals and warnings are the tables of errors.

Callers import the names below from here.
"""
from .errors import ManifestError, ManifestNotice
from .parse import Item, Manifest, Organization, Resource, parse_manifest
from .paths import launch_location

__all__ = [
    "Item",
    "Manifest",
    "ManifestError",
    "ManifestNotice",
    "Organization",
    "Resource",
    "launch_location",
    "parse_manifest",
]
