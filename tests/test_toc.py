"""The table of contents: nested items of the default organization, folders shown but not launchable, hidden
items left out, a status per launchable item; and the CLI's list of launchable items."""
import json
import subprocess
import sys
import zipfile

from openedxscorm.manifest import parse_manifest
from openedxscorm.player_navigation.toc import NOT_ATTEMPTED, status_code, toc_entries
from openedxscorm.sequencing import build_tree
from openedxscorm_support.folders import REPO_ROOT
from tests.conftest import real_package

MINIMUM_CALLS = "RuntimeMinimumCalls_SCORM12.zip"


def manifest_of(name):
    with zipfile.ZipFile(real_package("valid", name)) as package:
        return parse_manifest(package.read("imsmanifest.xml"))


def test_cli_lists_the_18_launchable_items_in_manifest_order_without_folders():
    completed = subprocess.run(
        [sys.executable, "-m", "openedxscorm", "inspect", "--json", str(real_package("valid", MINIMUM_CALLS))],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    items = json.loads(completed.stdout)["items"]
    assert len(items) == 18
    manifest = manifest_of(MINIMUM_CALLS)
    expected = [item.identifier for item in manifest.organization().walk() if item.launch_url]
    assert [item["identifier"] for item in items] == expected
    folders = [item.identifier for item in manifest.organization().walk() if not item.identifierref]
    assert len(folders) == 4 and not set(folders) & {item["identifier"] for item in items}


def test_toc_nests_items_under_their_folders_and_closes_every_list():
    root = build_tree(manifest_of(MINIMUM_CALLS))
    entries = toc_entries(root, {"playing_par_item": "completed"}, current="playing_par_item")
    folders = [entry for entry in entries if not entry["launchable"]]
    assert len(folders) == 4 and all(entry["opens"] and entry["status"] == "" for entry in folders)
    launchable = [entry for entry in entries if entry["launchable"]]
    assert len(launchable) == 18 and all(entry["depth"] == 2 for entry in launchable)
    assert sum(entry["closes"] for entry in entries) == sum(entry["opens"] for entry in entries) == 4
    par = next(entry for entry in entries if entry["identifier"] == "playing_par_item")
    assert par["current"] and par["status"] == "completed" and par["status_label"] == "Completed"
    assert next(entry for entry in launchable if not entry["current"])["status"] == NOT_ATTEMPTED


def test_invisible_items_are_left_out_and_their_children_shown_one_level_up():
    root = build_tree(manifest_of("SequencingSimpleRemediation_SCORM20043rdEdition.zip"))
    entries = toc_entries(root, {})
    identifiers = [entry["identifier"] for entry in entries]
    assert "content_wrapper" not in identifiers  # isvisible="false"
    assert identifiers[:5] == ["playing_item", "etuqiette_item", "handicapping_item", "havingfun_item", "test_1"]
    assert {entry["depth"] for entry in entries} == {1} and not any(entry["opens"] for entry in entries)


def test_choosable_decides_which_items_are_enabled():
    root = build_tree(manifest_of(MINIMUM_CALLS))
    entries = toc_entries(root, {}, choosable=lambda activity: activity.identifier == "playing_par_item")
    assert [entry["identifier"] for entry in entries if entry["enabled"]] == ["playing_par_item"]


def test_status_code_prefers_success_then_completion():
    assert status_code({"success": "passed", "completion": "incomplete"}) == "passed"
    assert status_code({"success": "failed", "completion": "completed"}) == "failed"
    assert status_code({"success": "unknown", "completion": "completed"}) == "completed"
    assert status_code({"success": "unknown", "completion": "incomplete", "attempted": True}) == "incomplete"
    assert status_code({"success": "unknown", "completion": "unknown", "attempted": False}) == NOT_ATTEMPTED
