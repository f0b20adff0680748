"""Accessibility: axe-core (npm devDependency, injected from node_modules) in Chromium finds no serious or critical
violation in the student view, the player's launcher page (TOC and controls), the Studio view and the staff
results panel, on the running workbench."""
import json

import pytest

from openedxscorm_support.browser import block_frames
from openedxscorm_support.folders import REPO_ROOT
from tests.e2e.player import find_scenario

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
SINGLE_SCO = "probe-1.2.zip"
MULTI_SCO = "multi-1.2.zip"
# The block's own markup: the workbench page around it is not ours to audit.
BLOCK_PARTS = [".scorm-block", ".scorm-staff-panel"]
RUN_AXE = """async (include) => {
  const context = include ? {include: include.filter((selector) => document.querySelector(selector))
                                      .map((selector) => [selector])} : document;
  const result = await axe.run(context, {resultTypes: ["violations"]});
  return {checked: result.passes.length, violations: result.violations.map((violation) => ({
    id: violation.id, impact: violation.impact, help: violation.help,
    nodes: violation.nodes.map((node) => node.target.join(" ")).slice(0, 5)}))};
}"""


@pytest.fixture(scope="module")
def axe_path():
    assert AXE.exists(), "axe-core is a devDependency: run `make static` (npm ci)"
    return str(AXE)


def blocking(frame, axe_path, include=None):
    frame.add_script_tag(path=axe_path)
    result = frame.evaluate(RUN_AXE, include)
    assert result["checked"] > 3, "axe checked nothing: the audited part is missing"
    return [violation for violation in result["violations"] if violation["impact"] in BLOCKING_IMPACTS]


def test_student_view_and_staff_panel(workbench, page, axe_path):
    page.goto(f"{find_scenario(workbench, SINGLE_SCO)}?student=a11y&staff=1")
    page.wait_for_selector(".scorm-staff-panel")
    assert page.locator("iframe.scorm-player").get_attribute("title")
    found = blocking(page, axe_path, BLOCK_PARTS)
    assert found == [], json.dumps(found, indent=1)


def test_staff_panel_with_results_shown(workbench, page, axe_path):
    page.goto(f"{find_scenario(workbench, SINGLE_SCO)}?student=a11y-staff&staff=1")
    panel = page.locator(".scorm-staff-panel")
    panel.locator("input[name=learner]").fill("someone")
    panel.locator("button[type=submit]").click()
    page.wait_for_function("document.querySelector('.scorm-staff-status').textContent.length > 0 "
                           "&& document.querySelector('.scorm-staff-status').textContent !== 'Loading...'")
    found = blocking(page, axe_path, BLOCK_PARTS)
    assert found == [], json.dumps(found, indent=1)


@pytest.mark.parametrize("label", [SINGLE_SCO, MULTI_SCO])
def test_launcher_page_with_its_toc_and_controls(workbench, page, axe_path, label):
    page.goto(f"{find_scenario(workbench, label)}?student=a11y-launcher")
    launcher, _sco = block_frames(page)
    found = blocking(launcher, axe_path)  # the whole launcher document is ours
    found = [violation for violation in found if violation["id"] != "frame-tested"]
    assert found == [], json.dumps(found, indent=1)


def test_studio_view(workbench, page, axe_path):
    page.goto(find_scenario(workbench, SINGLE_SCO) + "studio_view/")
    page.wait_for_selector(".scorm-studio")
    found = blocking(page, axe_path, [".scorm-studio"])
    assert found == [], json.dumps(found, indent=1)
