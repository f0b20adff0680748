"""OLX export and import of the package: how a course move carries the zip with the block.

With the contentstore mirror off, the zip is bundled into the export (``runtime.export_fs``) and the node
records its relative path; import reads it back from ``runtime.resources_fs`` and extracts it into the
content-addressed tree. With the mirror on, the node points at the course asset instead, which course
export and import already carry; the tree is rebuilt from it on first read, because static assets are
imported only after every block is parsed.
"""
import logging
import posixpath
import shutil

from .mirror import asset_name

log = logging.getLogger(__name__)

BUNDLE_FOLDER = "scorm_packages"
# Node attributes that describe where the zip travels; they are not fields, parse_xml removes them.
BUNDLED_ZIP_ATTRIBUTE = "package_file"
ASSET_ATTRIBUTE = "package_asset"
TRAVEL_ATTRIBUTES = (BUNDLED_ZIP_ATTRIBUTE, ASSET_ATTRIBUTE)


def bundle_path(sha1):
    """Where the zip goes inside an export folder."""
    return f"{BUNDLE_FOLDER}/{sha1}.zip"


def static_asset_url(sha1):
    """The portable /static/ reference to the mirrored zip, rewritten by the platform on course import."""
    return f"/static/{asset_name(sha1)}"


def export_package(node, tree, export_fs, mirror_enabled, chunk_size):
    """Record on node how the package travels, copying the zip into export_fs (streamed) when it is bundled."""
    if not tree.sha1:
        return
    if mirror_enabled:
        node.set(ASSET_ATTRIBUTE, static_asset_url(tree.sha1))
        return
    if export_fs is None or not tree.storage.exists(tree.zip_name):
        return
    relative_path = bundle_path(tree.sha1)
    if not export_fs.exists(relative_path):
        export_fs.makedirs(BUNDLE_FOLDER, recreate=True)
        with tree.storage.open(tree.zip_name, "rb") as source, export_fs.openbin(relative_path, "w") as target:
            shutil.copyfileobj(source, target, chunk_size)
    node.set(BUNDLED_ZIP_ATTRIBUTE, relative_path)


def take_travel_attributes(node):
    """Remove and return the travel attributes, so the default parser sees fields only."""
    return {name: node.attrib.pop(name) for name in TRAVEL_ATTRIBUTES if name in node.attrib}


def bundled_zip(resources_fs, travel):
    """The relative path of a bundled zip that exists in resources_fs, else None."""
    relative_path = travel.get(BUNDLED_ZIP_ATTRIBUTE)
    if not relative_path or resources_fs is None:
        return None
    relative_path = posixpath.normpath(relative_path)
    if relative_path.startswith(("/", "..")) or not resources_fs.exists(relative_path):
        log.warning("SCORM package %s named in the OLX is not in the imported folder", relative_path)
        return None
    return relative_path
