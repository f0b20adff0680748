"""Headless Debian Chromium on the dev server's pages, for the browser tests and the benchmarks: how it is launched,
a block's frames, the SCORM API discovery a SCO runs, and the workbench scenario of a label."""
import re
import time
import urllib.request

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]

# Run inside the SCO's frame: the API discovery of the SCORM run-time (walk up from the parent: the SCO's own
# window may hold a variable of the same name caching what its own code found), then one call.
FIND_API = """
  function findApi(name) {
    var win = window.parent;
    for (var depth = 0; depth < 10 && win; depth += 1) {
      if (win[name]) { return win[name]; }
      if (!win.parent || win.parent === win) { break; }
      win = win.parent;
    }
    throw new Error("no " + name + " found from the content frame");
  }
"""


# Run in the launcher: the content origin the server gave it ('' when package files share the LMS's origin).
CONTENT_ORIGIN_OF = "JSON.parse(document.getElementById('scorm-launch').textContent).contentOrigin || ''"


def block_frames(page, index=0):
    """(launcher frame, SCO frame) of the index-th SCORM block of the page, once both have loaded. On a content
    origin the launcher frames the wrapper page, which frames the SCO beside its API."""
    iframe = page.locator("iframe.scorm-player").nth(index).element_handle()
    launcher = iframe.content_frame()
    return launcher, sco_frame(launcher)


def sco_frame(launcher):
    """The SCO's frame of a launcher, once loaded: the launcher's own frame, or on a content origin the one the
    wrapper page frames."""
    sco = launcher.wait_for_selector("iframe.scorm-content").content_frame()
    if launcher.evaluate(CONTENT_ORIGIN_OF):
        sco = sco.wait_for_selector("iframe.scorm-sco").content_frame()
    sco.wait_for_load_state("load")
    return sco


def scenario_link(base_url, label):
    """The workbench URL of the scenario whose link text contains label; AssertionError when there is none."""
    with urllib.request.urlopen(base_url + "/") as response:
        index = response.read().decode()
    for href, text in re.findall(r'<a href="([^"]+)">([^<]*)</a>', index):
        if label in text:
            return base_url + href
    raise AssertionError(f"no scenario named {label!r} on the workbench index")


def wait_for_scenario(base_url, label, timeout=60):
    """scenario_link, waiting while the workbench is still building its scenarios (the first index request
    builds them; one that comes meanwhile sees only part of the list)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return scenario_link(base_url, label)
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
