"""Studio's ways of moving a block between courses and libraries, in the platform's order, over the contract fake.

Each function names the platform function it follows. They model what a block can observe: which filesystem its
``add_xml_to_node`` writes to, what becomes a clipboard file, which assets a paste saves and how (unlocked), when
``studio_post_paste`` runs, what a library sync and a rerun copy. Django models, permissions, tags and thumbnails
are left out.
"""
import hashlib
import mimetypes
import posixpath
import re
from collections import namedtuple
from dataclasses import dataclass, field

from fs.memoryfs import MemoryFS
from fs.wrapfs import WrapFS
from lxml import etree
from opaque_keys.edx.keys import AssetKey
from xblock.fields import Scope, ScopeIds

from . import StaticContent

# openedx/core/djangoapps/content_staging/api.py, _save_static_assets_to_staged_content: files over 10 MB are
# staged by name only, without their bytes ("users must copy the files manually").
CLIPBOARD_FILE_LIMIT = 10 * 1024 * 1024

# openedx/core/lib/xblock_serializer/data.py: a static file required by a block.
StaticFile = namedtuple("StaticFile", ["name", "url", "data"])

# What replace_static_urls (common/djangoapps/static_replace) reports as static paths: quoted /static/ references.
STATIC_REFERENCE = re.compile(r"""(?P<quote>["'])/static/(?P<path>[^"'?#]+)(?P=quote)""")


@dataclass
class Serialized:
    """XBlockSerializer's result: the OLX string and the block's static files."""

    olx_str: str
    static_files: list


def collect_assets_from_text(text, course_key):
    """openedx/core/lib/xblock_serializer/utils.py collect_assets_from_text: every /static/ path of the OLX, with
    the URL of the course asset it names (nothing for a library, which has no Files & Uploads)."""
    if not getattr(course_key, "is_course", False):
        return
    for match in STATIC_REFERENCE.finditer(text.replace("&quot;", '"')):
        path = match["path"]
        yield {"path": path, "url": "/" + str(StaticContent.compute_location(course_key, path))}


def serialize_block(block):
    """openedx/core/lib/xblock_serializer/block_serializer.py XBlockSerializer, for a block without children.

    ``utils.override_export_fs`` gives the block a WrapFS over a MemoryFS holding ``course/static/``; every file the
    block writes there is read whole and kept as ``StaticFile(name=<file name without folders>)``; then the /static/
    references of the OLX are added as files to fetch from the course's contentstore.
    """
    filesystem = WrapFS(MemoryFS())
    filesystem.makedir("course")
    filesystem.makedir("course/static")
    old_export_fs = getattr(block.runtime, "export_fs", None)
    block.runtime.export_fs = filesystem
    try:
        node = etree.Element("root")
        block.add_xml_to_node(node)
    finally:
        block.runtime.export_fs = old_export_fs
    static_files = [StaticFile(name=posixpath.basename(path), url=None, data=filesystem.readbytes(path))
                    for path in filesystem.walk.files()]
    olx_str = etree.tostring(node, encoding="unicode", pretty_print=True)
    names = {static_file.name for static_file in static_files}
    for asset in collect_assets_from_text(olx_str, block.scope_ids.usage_id.context_key):
        if asset["path"] not in names:
            static_files.append(StaticFile(name=asset["path"], url=asset["url"], data=None))
            names.add(asset["path"])
    return Serialized(olx_str, static_files)


@dataclass
class StagedFile:
    """content_staging's StagedContentFile: a file name, its bytes (None when over the limit), where it came from."""

    filename: str
    data: bytes | None
    source_key: object
    md5_hash: str


@dataclass
class StagedContent:
    """content_staging's StagedContent: the OLX and the staged files."""

    olx: str
    files: list
    source_usage_key: object
    block_type: str

    def holds_bytes(self):
        """Every byte the clipboard keeps for its files."""
        return sum(len(staged.data) for staged in self.files if staged.data)


def stage_block(platform, block):
    """content_staging/api.py save_xblock_to_user_clipboard -> _save_static_assets_to_staged_content.

    A file the block wrote keeps its bytes; a /static/ reference is read whole from the source course's contentstore
    (skipped when missing); either is kept without bytes over CLIPBOARD_FILE_LIMIT.
    """
    serialized = serialize_block(block)
    usage_key = block.scope_ids.usage_id
    staged = []
    for static_file in serialized.static_files:
        source_key = AssetKey.from_string(static_file.url[1:]) if (static_file.url or "").startswith("/") else None
        content = static_file.data
        md5_hash = ""
        if content:
            md5_hash = hashlib.md5(content).hexdigest()  # noqa: S324 - the platform's digest
            source_key = usage_key
        elif source_key is not None and (found := platform.contentstore.find(source_key, throw_on_not_found=False)):
            md5_hash = found.content_digest
            content = found.data
        else:
            continue
        if content and len(content) > CLIPBOARD_FILE_LIMIT:
            content = None
        staged.append(StagedFile(static_file.name, content, source_key, md5_hash))
    return StagedContent(serialized.olx_str, staged, usage_key, usage_key.block_type)


@dataclass
class StaticFileNotices:
    """cms/djangoapps/contentstore/helpers.py StaticFileNotices: what the author is told after a paste."""

    new_files: list = field(default_factory=list)
    conflicting_files: list = field(default_factory=list)
    error_files: list = field(default_factory=list)


def import_files_into_course(platform, course_key, staged_files):
    """helpers.py _import_files_into_course / _import_file_into_course, for files copied from a course.

    A file missing from the destination is saved as a new asset with a plain StaticContent (so UNLOCKED) named by
    its file name; one staged without bytes cannot be, and is an error the author sees. An existing asset with the
    same md5 is left alone; another one is a conflict.
    """
    notices = StaticFileNotices()
    for staged in staged_files:
        new_key = course_key.make_asset_key("asset", staged.filename.replace("/", "_"))
        current = platform.contentstore.find(new_key, throw_on_not_found=False)
        if current is None:
            if staged.data is None:
                notices.error_files.append(staged.filename)  # NotFoundError(source_key), logged by the platform
                continue
            filename = posixpath.basename(staged.filename)
            platform.contentstore.save(StaticContent(new_key, filename, mimetypes.guess_type(filename)[0],
                                                     staged.data, import_path=None))
            notices.new_files.append(staged.filename)
        elif current.content_digest != staged.md5_hash:
            notices.conflicting_files.append(staged.filename)
    return notices


def paste(platform, staged, dest_course_key, runtime, block_class, block_id):
    """helpers.py import_staged_content_from_user_clipboard -> _import_xml_node_to_parent, for a leaf block.

    ``parse_xml`` runs with Studio's runtime, whose ``resources_fs`` holds none of the clipboard's files; the block is
    saved (split's update_item: ``block_id`` stands for the id split gives the LocalId); ``studio_post_paste(store,
    node)`` is called when the block has one; then the staged files go into the course's Files & Uploads.
    Returns the new block and the notices.
    """
    node = etree.fromstring(staged.olx)  # the block's add_xml_to_node named the node after its type
    runtime.resources_fs = MemoryFS()
    usage_key = dest_course_key.make_usage_key(staged.block_type, block_id)
    new_block = block_class.parse_xml(node, runtime, ScopeIds(None, staged.block_type, usage_key, usage_key))
    platform.modulestore.update_item(new_block, None, allow_not_found=True)
    if hasattr(new_block, "studio_post_paste"):
        new_block.studio_post_paste(platform.modulestore, node)
    return new_block, import_files_into_course(platform, dest_course_key, staged.files)


def save_library_block(block):
    """openedx/core/djangoapps/xblock/runtime/learning_core_runtime.py OpenedXCoreRuntime.save_block: every save
    (even of a display name) serializes the block with the XBlockSerializer and stores the OLX string only."""
    return serialize_block(block)


def add_library_block(platform, library_block, dest_course_key, runtime, block_class, block_id):
    """Adding a v2 library block to a course: the library block is staged (stage_xblock_temporarily) and pasted
    through _import_xml_node_to_parent, so ``studio_post_paste`` runs; then
    import_static_assets_for_library_sync brings nothing, since a library SCORM block has no component assets
    (``runtime.get_block_assets`` is empty)."""
    serialized = serialize_block(library_block)
    usage_key = library_block.scope_ids.usage_id
    staged = StagedContent(serialized.olx_str, [], usage_key, usage_key.block_type)
    return paste(platform, staged, dest_course_key, runtime, block_class, block_id)


def sync_library_block(platform, library_block, downstream_block):
    """cms/lib/xblock/upstream_sync.py sync_from_upstream: the upstream's authored fields are copied onto the course
    block, which is saved; no block hook runs, and import_static_assets_for_library_sync brings no assets."""
    for name, library_field in library_block.fields.items():
        if library_field.scope in (Scope.content, Scope.settings) and library_field.is_set_on(library_block):
            setattr(downstream_block, name, getattr(library_block, name))
    platform.modulestore.update_item(downstream_block, None)
    return downstream_block


def rerun_course(platform, source_course_key, dest_course_key):
    """cms/djangoapps/contentstore/tasks.py rerun_course -> split's clone_course: the blocks of both branches are
    copied, then contentstore().copy_all_course_assets copies every asset, ``locked`` kept."""
    source = platform.modulestore.courses.get(source_course_key, {"draft": {}, "published": {}})
    platform.modulestore.create_course(dest_course_key)
    for branch, blocks in source.items():
        for usage_key, fake_block in blocks.items():
            new_key = dest_course_key.make_usage_key(usage_key.block_type, usage_key.block_id)
            fields = {name: value for name, value in vars(fake_block).items()
                      if name not in ("location", "scope_ids", "category")}
            if branch == "draft":
                platform.modulestore.save_draft(new_key, **fields)
            else:
                platform.modulestore.courses[dest_course_key]["published"][new_key] = \
                    type(fake_block)(new_key, **fields)
    platform.contentstore.copy_all_course_assets(source_course_key, dest_course_key)
