"""Workbench scenarios made by ``import_olx``: one JSON file each under ``<VAR_DIR>/imported_scenarios``.

The command runs in its own process, so it only writes the file; the dev server adds any new file to the
workbench's scenarios on its next request (see middleware.py), in the course it was imported under.
"""
import json
import logging
import os

from django.conf import settings
from django.template.defaultfilters import slugify
from opaque_keys.edx.keys import CourseKey
from workbench import scenarios as workbench_scenarios

from .course_keys import id_manager

log = logging.getLogger(__name__)

SCENARIO_PREFIX = "scorm.imported."
FOLDER_NAME = "imported_scenarios"
unloadable = set()  # files already tried and refused by the workbench: not retried on every request


def folder():
    return os.path.join(settings.VAR_DIR, FOLDER_NAME)


def scenario_id(course_key):
    """The workbench scenario id (its URL: /scenario/<id>/) of the import into ``course_key``."""
    return SCENARIO_PREFIX + slugify(str(course_key).replace("+", "-"))


def file_of(scenario):
    return os.path.join(folder(), f"{scenario[len(SCENARIO_PREFIX):]}.json")


def save(course_key, description, xml):
    """Record an imported scenario; refuses to replace one (the running server has already loaded it)."""
    scenario = scenario_id(course_key)
    path = file_of(scenario)
    if os.path.exists(path):
        raise FileExistsError(path)
    os.makedirs(folder(), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"course_key": str(course_key), "description": description, "xml": xml}, handle, indent=2)
    return scenario


def all_recorded():
    """{scenario id: path of its file} of every recorded import."""
    names = sorted(os.listdir(folder())) if os.path.isdir(folder()) else []
    return {SCENARIO_PREFIX + name.removesuffix(".json"): os.path.join(folder(), name)
            for name in names if name.endswith(".json")}


def register_new():
    """Add every recorded scenario the workbench does not have yet; returns the workbench's scenarios."""
    scenarios = workbench_scenarios.get_scenarios()
    for scenario, path in all_recorded().items():
        if scenario in scenarios or path in unloadable:
            continue
        with open(path, encoding="utf-8") as handle:
            recorded = json.load(handle)
        id_manager().scenario_courses[slugify(recorded["description"])] = CourseKey.from_string(recorded["course_key"])
        try:
            workbench_scenarios.add_xml_scenario(scenario, recorded["description"], recorded["xml"])
        except Exception:  # pylint: disable=broad-except
            unloadable.add(path)
            log.warning("Imported scenario %s cannot be loaded", path, exc_info=True)
    return scenarios
