"""Under the dev server, a SCO gets its launch URL exactly as the manifest writes it: its own query string alone (no
?student= of the workbench before it), and a file with a non-ASCII name in a non-ASCII folder is served."""
import uuid

import pytest

from openedxscorm_support.browser import block_frames
from tests.e2e.player import find_scenario


def open_sco(page, workbench, label):
    page.goto(f"{find_scenario(workbench, label)}?student=launch-{uuid.uuid4().hex[:8]}")
    _launcher, sco = block_frames(page)
    sco.wait_for_selector("html[data-probe=ready]")
    return sco


@pytest.mark.parametrize("label, path, query", [
    ("nested-café-1.2.zip", "/modules/%C3%A9t%C3%A9/caf%C3%A9.html", "?page=1"),
    ("sequenced-2004.zip", "/lesson1/index.html", "?lesson=1"),
    ("probe-1.2.zip", "/lesson/index.html", ""),
])
def test_the_sco_sees_its_own_query_string_alone(workbench, page, label, path, query):
    sco = open_sco(page, workbench, label)
    assert sco.evaluate("location.search") == query
    assert sco.evaluate("location.pathname").endswith(path)
    assert sco.evaluate("window.probe.log[0]") == "Initialize() -> true [0]"
