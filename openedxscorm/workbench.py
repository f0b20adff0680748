"""XBlock SDK workbench scenarios: one per zip of SCORM_PACKAGES_DIR, each with its package already uploaded."""
import json
import logging
import os
from pathlib import Path
from xml.etree import ElementTree

from django.core.files.storage import default_storage

from .errors import ScormError
from .settings import django_block_settings
from .upload import receive_package

log = logging.getLogger(__name__)
BLOCK_TYPE = "scorm"
# Played twice on one page, to show that each block keeps its own API and learner state; when the folder lacks it,
# the first SCORM 1.2 package of the folder is.
TWO_BLOCKS_PACKAGE = "RuntimeBasicCalls_SCORM12.zip"


def scenario_xml(attributes, *more):
    """The scenario's OLX: a vertical holding one scorm block per set of field attributes."""
    vertical = ElementTree.Element("vertical_demo")
    for block_attributes in (attributes, *more):
        ElementTree.SubElement(vertical, BLOCK_TYPE, {name: str(value) for name, value in block_attributes.items()})
    return ElementTree.tostring(vertical, encoding="unicode")


def preloaded_attributes(zip_path, settings):
    """Extract one zip (idempotent: same bytes, same tree) and return the block attributes that play it."""
    with open(zip_path, "rb") as handle:
        received = receive_package(handle, zip_path.name, default_storage, settings)
    attributes = {"display_name": received.fields["package_title"] or zip_path.stem}
    for name, value in received.fields.items():
        attributes[name] = json.dumps(value) if isinstance(value, (dict, list)) else value
    return attributes


def package_scenarios():
    """An empty block to upload into, then one scenario per zip; a refused zip becomes a scenario saying why."""
    scenarios = [("SCORM: empty block (upload a package in the Studio view)",
                  scenario_xml({"display_name": "Empty SCORM block"}))]
    folder = os.environ.get("SCORM_PACKAGES_DIR")
    if not folder or not Path(folder).is_dir():
        return scenarios
    settings = django_block_settings()
    preloaded = {}
    for zip_path in sorted(Path(folder).glob("*.zip")):
        try:
            attributes = preloaded_attributes(zip_path, settings)
        except ScormError as refusal:
            log.warning("Sample package %s refused: %s", zip_path.name, refusal)
            scenarios.append((f"SCORM: {zip_path.name} (refused: {refusal})",
                              scenario_xml({"display_name": zip_path.stem})))
            continue
        preloaded[zip_path.name] = attributes
        scenarios.append((f"SCORM: {zip_path.name}", scenario_xml(attributes)))
    pair_name = two_blocks_package(preloaded)
    if pair_name:
        pair = preloaded[pair_name]
        scenarios.append((f"SCORM: two blocks on one page ({Path(pair_name).stem})",
                          scenario_xml({**pair, "display_name": "First block"},
                                       {**pair, "display_name": "Second block"})))
    return scenarios


def two_blocks_package(preloaded):
    """The zip name the two-blocks scenario plays, None when no SCORM 1.2 package was preloaded."""
    if TWO_BLOCKS_PACKAGE in preloaded:
        return TWO_BLOCKS_PACKAGE
    return next((name for name, attributes in preloaded.items() if attributes.get("scorm_version") == "1.2"), None)
