"""The conformance suite, browser side: every activity of every JSON file under SCORM_CONFORMANCE_DIR, and of our
own stored-state cases, is replayed in headless Chromium against the block's real API, called from inside the
content frame as a SCO calls it (window.parent discovery), each activity by a learner of its own.

An activity's initialState reaches the API through the real resume path: the learner plays a previous session
through the same API (its SetValues committed to the server, then Terminate), the page is loaded again, and the
launcher seeds the API from the stored state. Launch settings (mastery score, thresholds...) come from the
manifest in real life: they are laid over the launcher's values, as the server gives them (runtime.initial_values).

Every step is checked: return value and GetLastError. A step marked `knownDivergence` in the JSON is held to
the behaviour the JSON documents there; the product's own deliberate overrides are the table below. As the
server must never be stricter than the API the SCO talks to, each activity also commits to the server (a
learner of its own) and no commit may be refused.
"""
import re
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from openedxscorm.runtime.datamodel import standard_of
from openedxscorm.vendor import BROWSER_APIS
from openedxscorm_support.browser import CONTENT_ORIGIN_OF, FIND_API, block_frames, sco_frame
from tests.e2e.player import api_frame, find_scenario
from tests.runtime.conformance import all_activities, same_value, seed_of

ACTIVITIES = all_activities()
# Blocks whose probe SCO waits: every call is the activity's.
SCENARIOS = {"1.2": "probe-api-1.2.zip", "2004": "probe-api-2004.zip"}
# Names of the API functions per standard (the JSON names them by their 2004 names).
METHODS = {
    "1.2": {"Initialize": "LMSInitialize", "Terminate": "LMSFinish", "GetValue": "LMSGetValue",
            "SetValue": "LMSSetValue", "Commit": "LMSCommit", "GetLastError": "LMSGetLastError",
            "GetErrorString": "LMSGetErrorString", "GetDiagnostic": "LMSGetDiagnostic"},
    "2004": {name: name for name in ("Initialize", "Terminate", "GetValue", "SetValue", "Commit", "GetLastError",
                                     "GetErrorString", "GetDiagnostic")},
}
MATCHES = {"nonEmptyMax255": lambda value: 0 < len(value) <= 255}


def relaxed_suspend_data(standard, step):
    return (standard == "1.2" and step["method"] == "SetValue" and step.get("element") == "cmi.suspend_data"
            and 4096 < len(step.get("value", "")) <= 64000)


# Steps a deliberate, documented product choice answers differently from the JSON: (applies, expected, why).
OVERRIDES = (
    (relaxed_suspend_data, {"return": "true", "error": "0"},
     "SCORM 1.2 cmi.suspend_data is relaxed from 4096 to SCORM12_SUSPEND_DATA_LIMIT (64000) characters: real "
     "packages store more (runtime/divergences.py)."),
)

REPLAY = """([name, methods, steps]) => {
""" + FIND_API + """
  var api = findApi(name);
  var lastError = methods.GetLastError;
  return steps.map(function (step) {
    var args = step.method === "SetValue" ? [step.element, step.value]
      : step.method === "GetValue" ? [step.element]
      : step.method === "GetLastError" ? [] : [step.value === undefined ? "" : step.value];
    var result = api[methods[step.method]].apply(api, args);
    return {result: String(result), error: String(api[lastError]())};
  });
}
"""


def expectation(standard, step):
    """(expected return, expected error code, why it differs from the JSON's expectation or None)."""
    for applies, expected, reason in OVERRIDES:
        if applies(standard, step):
            return expected["return"], expected["error"], reason
    divergence = step.get("knownDivergence")
    if divergence:
        return divergence["actualReturn"], divergence["actualErrorCode"], divergence["finding"]
    return step["expectedReturn"], step["expectedErrorCode"], None


@pytest.fixture(scope="module")
def blocks(player_workbench, chromium):
    """Per standard: the URL of a block whose SCO makes no call by itself, a browser page, and the launcher
    script's source (to start a fresh API with launch settings laid over the launcher's values). Once for each of
    the player's modes: the API in the launcher, or beside the SCO on a content origin."""
    context = chromium.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.dismiss())
    found = {}
    for standard, label in SCENARIOS.items():
        page.goto(f"{find_scenario(player_workbench, label)}?student=conformance-{uuid.uuid4().hex[:8]}")
        launcher, _sco = block_frames(page)
        script_url = launcher.evaluate("Array.from(document.scripts).map((s) => s.src)"
                                       ".find((src) => /\\/launcher\\.js/.test(src))")
        found[standard] = (launcher_url_of(launcher.url),
                           launcher.evaluate("(url) => fetch(url).then((r) => r.text())", script_url))
    yield page, found
    context.close()


def launcher_url_of(url):
    """The block's launcher URL without its learner: the workbench names the learner with ?student=."""
    parts = urlsplit(url)
    query = urlencode([(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)
                       if name != "student"])
    return urlunsplit(parts._replace(query=query))


def open_block(page, launcher_url, learner):
    """(launcher frame, SCO frame) of the block as `learner` sees it: a real launcher request. The launcher is
    the page itself, as the block's frame loads it: the workbench's page around it adds nothing the API uses, and
    loading it would double the cost of each activity."""
    separator = "&" if urlsplit(launcher_url).query else "?"
    page.goto(f"{launcher_url}{separator}{urlencode({'student': learner})}")
    return page.main_frame, sco_frame(page.main_frame)


def settle(sco):
    """Wait for every request of the SCO's API to be answered; none may be refused."""
    player = api_frame(sco)
    player.wait_for_function("window.scormPlayer.inFlight === 0", timeout=10000)
    refused = player.evaluate("window.scormPlayer.rejected")
    assert not refused, f"the server refused what the API accepted: {refused}"


def calls(sco, standard, steps):
    return sco.evaluate(REPLAY, [BROWSER_APIS[standard].window_name, METHODS[standard], steps])


def play_previous_session(page, url, learner, standard, seed):
    """The learner's previous session through the real API and commits: its data, its session time, its exit."""
    launcher, sco = open_block(page, url, learner)
    spec = standard_of(standard)
    steps = [{"method": "Initialize"},
             *({"method": "SetValue", "element": element, "value": value}
               for element, value in [*seed.changes, (spec.exit, seed.exit)]),
             {"method": "Terminate"}]
    results = calls(sco, standard, steps)
    refused = [(step, found) for step, found in zip(steps, results, strict=True) if found["result"] != "true"]
    assert not refused, f"the API refused the previous session's calls: {refused}"
    settle(sco)


def launch_overlay(standard, seed):
    """The launch settings and learner the activity names, as the server gives them to the API."""
    launch = standard_of(standard).launch_elements
    return {launch[key]: value for key, value in {**seed.settings, **seed.learner}.items()
            if key in seed.settings or launch[key] in seed.seeded}


def restart_api(launcher, sco, source, overlay):
    """Run the launcher's own bootstrap again on the same page (the same delivery): a fresh API whose values are
    the launcher's with `overlay` laid over them. On a content origin the wrapper page is loaded again too: it
    asks the launcher for the values, and frames a new SCO. Returns the SCO's frame."""
    launcher.evaluate("""([overlay, source]) => {
        var config = document.getElementById("scorm-launch");
        var launch = JSON.parse(config.textContent);
        Object.assign(launch.values, overlay);
        config.textContent = JSON.stringify(launch);
        (0, eval)(source);
    }""", [overlay, source])
    if not launcher.evaluate(CONTENT_ORIGIN_OF):
        return sco
    wrapper = api_frame(sco)
    wrapper.evaluate("window.replacedPage = true; window.setTimeout(() => location.reload(), 0)")
    wrapper.wait_for_function("!window.replacedPage && window.scormPlayer && window.scormPlayer.started")
    sco = wrapper.wait_for_selector("iframe.scorm-sco").content_frame()
    sco.wait_for_load_state("load")
    return sco


def found_as_expected(standard, step, expected, found):
    if isinstance(expected, dict):
        return MATCHES[expected["match"]](found)
    return same_value(standard, step.get("element", ""), expected, found) if step["method"] == "GetValue" \
        else found == expected


@pytest.mark.parametrize("standard,activity", [(s, a) for _, s, a in ACTIVITIES], ids=[i for i, _, _ in ACTIVITIES])
def test_activity_passes_in_the_browser(blocks, standard, activity):
    page, found_blocks = blocks
    url, source = found_blocks[standard]
    learner = f"conformance-{uuid.uuid4().hex[:10]}"
    seed = seed_of(standard, activity)
    assert not seed.problems, "\n".join(seed.problems)
    if seed.exit is not None:
        play_previous_session(page, url, learner, standard, seed)
    launcher, sco = open_block(page, url, learner)  # resumed: the launcher reads what the learner stored
    overlay = launch_overlay(standard, seed)
    if overlay:
        sco = restart_api(launcher, sco, source, overlay)
    steps = activity["steps"]
    results = calls(sco, standard, steps)
    failures = []
    for number, (step, found) in enumerate(zip(steps, results, strict=True)):
        expected_return, expected_error, _why = expectation(standard, step)
        if not found_as_expected(standard, step, expected_return, found["result"]) or found["error"] != expected_error:
            failures.append(f"step {number} {step['method']}({step.get('element', '')!r}, "
                            f"{step.get('value', '')!r}): expected {expected_return!r}/{expected_error}, "
                            f"got {found['result']!r}/{found['error']}")
    assert not failures, "\n".join(failures)
    settle(sco)


def test_overrides_are_documented_and_every_file_is_replayed(blocks):
    assert all(reason for _applies, _expected, reason in OVERRIDES)
    files = {re.sub(r":[^:]*$", "", test_id) for test_id, _, _ in ACTIVITIES}
    assert files and len(blocks[1]) == len(SCENARIOS)
