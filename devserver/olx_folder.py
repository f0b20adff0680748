"""A SCORM block to an OLX folder and back, the way course export and import treat it on the platform.

Export writes the block's node (``scorm/<url_name>.xml``) through its own ``add_xml_to_node`` with
``runtime.export_fs`` set, which bundles the zip when the mirror is off; with the mirror on, the course's assets
go to ``static/`` and their attributes to ``policies/assets.json``. Import parses every ``scorm/*.xml`` with
``runtime.resources_fs`` set and only the field-data service, THEN saves ``static/`` as assets of the new course:
the block cannot read the new course's contentstore while it is parsed.
"""
import json

from lxml import etree
from xblock.field_data import DictFieldData
from xblock.fields import ScopeIds
from xblock.runtime import MemoryIdManager, Runtime

from openedxscorm import compat, olx
from openedxscorm.block import ScormXBlock

BLOCK_FOLDER = "scorm"
STATIC_FOLDER = "static"
ASSETS_POLICY = "policies/assets.json"
DEFAULT_CONTENT_TYPE = "application/octet-stream"
XBLOCK_FAMILY_ATTRIBUTE = "xblock-family"  # written by XBlock's export; the workbench parser has no such field
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)


def url_name(block):
    return block.scope_ids.usage_id.usage_key.block_id


# -- export ----------------------------------------------------------------------------------------------------

def export_block(block, folder_fs):
    """Write the block's OLX node into the folder; returns the node's path there."""
    block.runtime.export_fs = folder_fs
    try:
        node = etree.Element(block.scope_ids.block_type)
        block.add_xml_to_node(node)
    finally:
        block.runtime.export_fs = None
    path = f"{BLOCK_FOLDER}/{url_name(block)}.xml"
    folder_fs.makedirs(BLOCK_FOLDER, recreate=True)
    folder_fs.writebytes(path, etree.tostring(node, pretty_print=True, encoding="utf-8"))
    return path


def export_course_assets(course_key, folder_fs):
    """Every asset of the course into static/ (streamed), their attributes into policies/assets.json."""
    store = compat.contentstore()
    rows, _total = store.get_all_content_for_course(course_key)
    folder_fs.makedirs(STATIC_FOLDER, recreate=True)
    folder_fs.makedirs("policies", recreate=True)
    policy = {}
    for row in rows:
        name = row["asset_key"].block_id
        content = store.find(row["asset_key"], as_stream=True)
        try:
            with folder_fs.openbin(f"{STATIC_FOLDER}/{name}", "w") as target:
                for chunk in content.stream_data():
                    target.write(chunk)
        finally:
            content.close()
        policy[name] = {"contentType": row["contentType"], "displayname": row["displayname"], "locked": row["locked"]}
    folder_fs.writetext(ASSETS_POLICY, json.dumps(policy, indent=4, sort_keys=True))
    return sorted(policy)


# -- import ----------------------------------------------------------------------------------------------------

class ImportIdGenerator(MemoryIdManager):
    """The ids of a course import; like the platform's, it knows the course being imported into."""

    def __init__(self, target_course_id):
        super().__init__()
        self.target_course_id = target_course_id


class ImportRuntime(Runtime):
    """What parse_xml gets during a course import: the field-data service, resources_fs, nothing else."""

    def __init__(self, resources_fs, target_course_id):
        id_generator = ImportIdGenerator(target_course_id)
        super().__init__(id_generator, id_generator, services={"field-data": DictFieldData({})})
        self.resources_fs = resources_fs
        self.export_fs = None

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        raise NotImplementedError("no handlers during a course import")

    def resource_url(self, resource):
        raise NotImplementedError("no resources during a course import")

    def local_resource_url(self, block, uri):
        raise NotImplementedError("no resources during a course import")

    def publish(self, block, event_type, event_data):
        raise NotImplementedError("no events during a course import")


def block_paths(folder_fs):
    if not folder_fs.isdir(BLOCK_FOLDER):
        return []
    return sorted(f"{BLOCK_FOLDER}/{name}" for name in folder_fs.listdir(BLOCK_FOLDER) if name.endswith(".xml"))


def parse_blocks(folder_fs, course_key):
    """Every SCORM block of the folder, parsed with ScormXBlock.parse_xml in the new course."""
    runtime = ImportRuntime(folder_fs, course_key)
    blocks = []
    for path in block_paths(folder_fs):
        node = etree.fromstring(folder_fs.readbytes(path), XML_PARSER)
        node.attrib.pop(XBLOCK_FAMILY_ATTRIBUTE, None)
        usage_key = course_key.make_usage_key(node.tag, path.rsplit("/", 1)[-1].removesuffix(".xml"))
        blocks.append(ScormXBlock.parse_xml(node, runtime, ScopeIds(None, node.tag, usage_key, usage_key)))
    return blocks


def import_course_assets(folder_fs, course_key, chunk_size):
    """static/ into the contentstore of the new course, under the keys the platform computes; returns their names."""
    policy = json.loads(folder_fs.readtext(ASSETS_POLICY)) if folder_fs.exists(ASSETS_POLICY) else {}
    static_content = compat.static_content_class()
    names = []
    for path in sorted(folder_fs.walk.files(STATIC_FOLDER)) if folder_fs.exists(STATIC_FOLDER) else []:
        relative = path.lstrip("/")[len(STATIC_FOLDER) + 1:]
        location = static_content.compute_location(course_key, relative)
        attributes = policy.get(location.block_id, {})
        with folder_fs.openbin(path) as source:
            compat.contentstore().save(static_content(
                location, attributes.get("displayname", location.block_id),
                attributes.get("contentType", DEFAULT_CONTENT_TYPE), iter(lambda: source.read(chunk_size), b""),
                import_path=relative, locked=attributes.get("locked", False),
                length=folder_fs.getsize(path),
            ))
        names.append(location.block_id)
    return names


def scenario_xml(blocks):
    """The workbench scenario holding the imported blocks: a vertical of their OLX nodes (fields only)."""
    vertical = etree.Element("vertical_demo")
    for block in blocks:
        node = etree.SubElement(vertical, block.scope_ids.block_type)
        block.add_xml_to_node(node)
        olx.take_travel_attributes(node)
        node.attrib.pop(XBLOCK_FAMILY_ATTRIBUTE, None)
    return etree.tostring(vertical, encoding="unicode")
