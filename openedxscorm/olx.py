"""OLX export and import of the package: what each way of moving a block carries, and what it must not.

The platform hands ``add_xml_to_node`` one of three things as ``runtime.export_fs``:

* a folder, during a course export: with the contentstore mirror off the zip is bundled there
  (``scorm_packages/<sha1>.zip``, named by the node's ``package_file``) and import extracts it again; with the
  mirror on the course's locked asset travels in the export's ``static/`` folder, the node names it in
  ``package_asset`` (``/static/scorm_packages_<sha1>.zip``), and the tree is rebuilt from it on first read,
  because the platform imports static assets only after every block is parsed. The asset is written first from
  the zip beside the tree when the course lacks it. With the mirror off and no zip beside the tree, an asset the
  course already holds is named instead. When no copy exists, the node names nothing and the log says so, so an
  export never points at a missing file.
* an in-memory filesystem, from the XBlockSerializer (copy to the clipboard, every save of a v2 library block):
  every file written there is staged and pasted as an UNLOCKED asset, and every ``/static/`` reference is read
  whole into the clipboard. So nothing is written and nothing is referenced: the node carries the sha1 only, the
  tree is content-addressed on this instance, and the block's ``studio_post_paste`` gives the destination course
  its locked copy when the mirror is on.
* nothing (None), anywhere else: the fields are enough.

The platform never rewrites ``package_asset``: it is a plain attribute, and its value is the same in every course.
"""
import logging
import posixpath
import shutil

from fs.memoryfs import MemoryFS
from fs.wrapfs import WrapFS

from . import mirror

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
    """The /static/ path of the mirrored zip: course export writes the asset under that name, import reads it."""
    return f"/static/{mirror.asset_name(sha1)}"


def is_serializer_fs(export_fs):
    """True for the XBlockSerializer's in-memory filesystem (clipboard, library v2 saves), whose files become
    staged clipboard files; a course export writes to a folder on disk."""
    while isinstance(export_fs, WrapFS):
        export_fs = export_fs.delegate_fs()
    return isinstance(export_fs, MemoryFS)


def export_package(node, tree, export_fs, course_key, settings):
    """Record on node how the package travels: as the course asset, bundled into export_fs, or not at all."""
    if not tree.sha1 or export_fs is None or is_serializer_fs(export_fs):
        return
    has_stored_zip = mirror.stored_zip_exists(tree)
    # With the mirror on, the course asset is written first when missing; with it off, an asset the course
    # already holds (an imported mirror-on course) still travels, when there is no zip beside the tree to bundle.
    if settings["CONTENTSTORE_SYNC_ENABLED"] or not has_stored_zip:
        if mirror.heal(course_key, tree, settings["CHUNK_SIZE"]) in mirror.HOLDS_ASSET:
            node.set(ASSET_ATTRIBUTE, static_asset_url(tree.sha1))
            return
    if not has_stored_zip:
        log.warning("SCORM package %s of %s is not exported: no course asset and no zip beside its tree (%s)",
                    tree.sha1, course_key, tree.zip_name)
        return
    relative_path = bundle_path(tree.sha1)
    if not export_fs.exists(relative_path):
        export_fs.makedirs(BUNDLE_FOLDER, recreate=True)
        with tree.storage.open(tree.zip_name, "rb") as source, export_fs.openbin(relative_path, "w") as target:
            shutil.copyfileobj(source, target, settings["CHUNK_SIZE"])
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


def import_target_course(runtime):
    """The course a course import writes into (parse_xml's keys still name the source course), None elsewhere
    (a paste names its destination in the new block's own key)."""
    return getattr(getattr(runtime, "id_generator", None), "target_course_id", None)
