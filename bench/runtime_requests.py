"""Network cost of the browser SCORM API: requests per GetValue, SetValue and Commit, and synchronous XHRs,
counted in headless Chromium on a scripted session of 200 calls made from a SCO's frame in the workbench.

GetValue and SetValue must cost nothing; a Commit at most one request; nothing may be a synchronous XHR.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openedxscorm_support.browser import CHROMIUM_ARGS, FIND_API, block_frames, wait_for_scenario
from openedxscorm_support.devserver_process import free_port, wait_for_http
from openedxscorm_support.folders import REPO_ROOT

from .packages import package_path

PACKAGE = "RuntimeBasicCalls_SCORM12.zip"
OWN_PACKAGE = "manual-1.2.zip"  # without SCORM_PACKAGES_DIR: a probe SCO that waits for the benchmark's calls
SESSION_CALLS = 200
# Initialize, ROUNDS rounds of (30 GetValue, SETS_PER_ROUND SetValue, 1 Commit), 2 GetValue, Terminate:
# 1 + 4 * (30 + 18 + 1) + 2 + 1 = 200 calls.
ROUNDS = 4
SETS_PER_ROUND = 18
SETTLE_MS = 400  # time for a request the calls might have caused to show up

# Counts synchronous XMLHttpRequests in every frame of the page.
COUNT_SYNC_XHR = """
window.__syncXhr = 0;
(function (open) {
  XMLHttpRequest.prototype.open = function (method, url, async) {
    if (async === false) { window.__syncXhr += 1; }
    return open.apply(this, arguments);
  };
}(XMLHttpRequest.prototype.open));
"""
CALLS = """([calls]) => {
""" + FIND_API + """
  var api = findApi("API");
  calls.forEach(function (call) { api[call[0]].apply(api, call.slice(1)); });
  return calls.length;
}"""


def _start_workbench(var_dir, packages):
    env = {**os.environ, "SCORM_DEVSERVER_VAR": str(var_dir), "SCORM_PACKAGES_DIR": str(packages),
           "DJANGO_SETTINGS_MODULE": "devserver.settings", "PYTHONPATH": str(REPO_ROOT)}
    subprocess.run([sys.executable, "-m", "django", "migrate", "--run-syncdb", "--verbosity", "0"],
                   cwd=REPO_ROOT, env=env, check=True)
    port = free_port()
    log_file = open(Path(var_dir) / "server.log", "wb")  # pylint: disable=consider-using-with
    server = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    wait_for_http(base_url + "/", server)
    return server, log_file, base_url


def _session(page, sco):
    """Run the scripted session; return {kind: (calls, requests)} and the synchronous XHR count."""
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    counted = {"GetValue": [0, 0], "SetValue": [0, 0], "Commit": [0, 0], "other": [0, 0]}

    def phase(kind, calls):
        before = len(requests)
        sco.evaluate(CALLS, [calls])
        page.wait_for_timeout(SETTLE_MS)
        counted[kind][0] += len(calls)
        counted[kind][1] += len(requests) - before

    phase("other", [["LMSInitialize", ""]])
    for round_number in range(ROUNDS):
        phase("GetValue", [["LMSGetValue", element] for element in
                           ("cmi.core.lesson_status", "cmi.core.lesson_location", "cmi.suspend_data") * 10])
        phase("SetValue", [["LMSSetValue", "cmi.core.lesson_location", f"page-{round_number}-{index}"]
                           for index in range(SETS_PER_ROUND - 2)]
              + [["LMSSetValue", "cmi.suspend_data", f"round {round_number}"],
                 ["LMSSetValue", "cmi.core.score.raw", str(50 + round_number)]])
        phase("Commit", [["LMSCommit", ""]])
    phase("GetValue", [["LMSGetValue", "cmi.core.score.raw"]] * 2)
    phase("Commit", [["LMSFinish", ""]])  # Terminate: the last commit
    sync_xhr = sum(frame.evaluate("window.__syncXhr || 0") for frame in page.frames)
    return counted, sync_xhr


def run():
    from playwright.sync_api import sync_playwright  # pylint: disable=import-outside-toplevel

    work = Path(tempfile.mkdtemp(prefix="bench-runtime-"))
    packages = work / "packages"
    packages.mkdir()
    package = package_path(PACKAGE, OWN_PACKAGE)
    shutil.copyfile(package, packages / package.name)
    server, log_file, base_url = _start_workbench(work / "var", packages)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                                 headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.add_init_script(COUNT_SYNC_XHR)
            page.on("dialog", lambda dialog: dialog.dismiss())
            page.goto(f"{wait_for_scenario(base_url, package.name)}?student=bench")
            _launcher, sco = block_frames(page)
            counted, sync_xhr = _session(page, sco)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        log_file.close()
        shutil.rmtree(work, ignore_errors=True)
    total = sum(calls for calls, _requests in counted.values())
    assert total == SESSION_CALLS, total
    yield "runtime_session_calls", total
    for kind, figure in (("GetValue", "getvalue"), ("SetValue", "setvalue"), ("Commit", "commit")):
        calls, requests = counted[kind]
        yield f"runtime_requests_per_{figure}", requests / calls
    yield "runtime_sync_xhr", sync_xhr
