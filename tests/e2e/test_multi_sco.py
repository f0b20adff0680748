"""Multi-SCO packages in the workbench with Chromium (the project's own, and the ADL golf samples when
SCORM_PACKAGES_DIR has them): the table of contents, next and previous, per-SCO state
across a reload, block completion and grade from the rollup, and sequencing rules that forbid a choice."""
import json
import re
import uuid

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from openedxscorm_support.browser import sco_frame
from tests.e2e.player import call, find_scenario, handler_url, learner_state, wait_for_state

OWN_MULTI = "multi-1.2.zip"  # three probe SCOs (openedxscorm_support/packages.py)
OWN_FORCED = "sequenced-2004.zip"  # each lesson disabled until the previous one is satisfied
MINIMUM_CALLS = "RuntimeMinimumCalls_SCORM12.zip"
MINIMUM_2004 = "RuntimeMinimumCalls_SCORM20043rdEdition.zip"
FORCED = "SequencingForcedSequential_SCORM20043rdEdition.zip"
POST_TEST = "SequencingPostTestRollup_SCORM20043rdEdition.zip"
REMEDIATION = "SequencingSimpleRemediation_SCORM20043rdEdition.zip"


def launcher_frame(page):
    return page.locator("iframe.scorm-player").first.element_handle().content_frame()


def current_sco(page, expected=None, timeout=15000):
    """(launcher frame, SCO frame) once the launcher shows `expected` (any SCO when None) and its SCO loaded."""
    deadline_script = "expected => { var el = document.getElementById('scorm-launch'); if (!el) return false;" \
                      " var sco = JSON.parse(el.textContent).sco; return expected ? sco === expected : !!sco; }"
    try:
        page.wait_for_function(
            "([expected, script]) => { var frame = document.querySelector('iframe.scorm-player');"
            " var doc = frame && frame.contentDocument; if (!doc || doc.readyState !== 'complete') return false;"
            " return (new Function('expected', 'return (' + script + ')(expected)')).call(doc.defaultView, expected);"
            " }", arg=[expected, deadline_script.replace("document", "this.document")], timeout=timeout)
    except PlaywrightTimeout as timeout_error:
        raise AssertionError(f"SCO {expected} never came: {player_state(page)}") from timeout_error
    launcher = launcher_frame(page)
    return launcher, sco_frame(launcher)


def wait_for_another_launch(page, last, or_ended=False):
    """Wait until the player's frame holds a launcher page, parsed to its end, for a SCO other than `last` (or,
    with `or_ended`, shows the end of the session). A page still being parsed may hold part of its launch data."""
    page.wait_for_function(
        "([last, orEnded]) => { var frame = document.querySelector('iframe.scorm-player');"
        " var d = frame && frame.contentDocument; if (!d || d.readyState !== 'complete') return false;"
        " var el = d.getElementById('scorm-launch'); var ended = d.querySelector('.scorm-ended');"
        " return (el && JSON.parse(el.textContent).sco !== last) || (orEnded && ended && !ended.hidden); }",
        arg=[last, or_ended], timeout=15000)


def player_state(page):
    """Where the player stands, for a failure message: its URL, SCO, refusal and whether the session ended."""
    return launcher_frame(page).evaluate(
        "() => { var el = document.getElementById('scorm-launch'); var refusal = document.querySelector("
        "'.scorm-refusal'); var ended = document.querySelector('.scorm-ended'); return {url: location.href,"
        " sco: el && JSON.parse(el.textContent).sco, refusal: refusal && !refusal.hidden && refusal.textContent,"
        " ended: !!ended && !ended.hidden, player: window.scormPlayer && {stored: window.scormPlayer.stored,"
        " failed: window.scormPlayer.failed, rejected: window.scormPlayer.rejected}}; }")


def sco_id(launcher):
    return launcher.evaluate("JSON.parse(document.getElementById('scorm-launch').textContent).sco")


def open_package(page, workbench, label, learner):
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{find_scenario(workbench, label)}?student={learner}")
    launcher, sco = current_sco(page)
    return launcher, sco, handler_url(workbench, launcher, "learner_state")


def commit_values(sco, standard, values):
    """Set and commit as the SCO does, then wait for the server's answer (a reload right after would otherwise
    race the commit: the new launcher page could be read before the commit is stored)."""
    names = {"1.2": ("LMSSetValue", "LMSCommit"), "2004": ("SetValue", "Commit")}[standard]
    for element, value in values:
        assert call(sco, standard, names[0], element, value)["result"] == "true", element
    assert call(sco, standard, names[1], "")["result"] == "true"
    sco.parent_frame.wait_for_function("window.scormPlayer.inFlight === 0")


def toc_order(launcher):
    return launcher.evaluate("Array.from(document.querySelectorAll('.scorm-toc-item')).map(b => b.dataset.navTarget)")


def pass_every_sco_with_next(page, order, state_url):
    """Pass every SCO with 90, moving on with Next from the first: then Next is disabled, the block is complete
    and graded 0.9."""
    for index, identifier in enumerate(order):
        launcher, sco = current_sco(page, identifier)
        commit_values(sco, "1.2", [("cmi.core.lesson_status", "passed"), ("cmi.core.score.raw", "90")])
        if index + 1 < len(order):
            launcher.click(".scorm-next")
    assert launcher.locator(".scorm-next").is_disabled()
    state = wait_for_state(state_url, lambda s: s["completion_fraction"] == 1.0)
    assert state["block"]["grade"] == pytest.approx(0.9) and state["grade"]["value"] == pytest.approx(0.9)


def test_own_package_toc_next_previous_state_across_reload_and_completion(player_workbench, page):
    launcher, sco, state_url = open_package(page, player_workbench, OWN_MULTI, f"own-multi-{uuid.uuid4().hex[:8]}")
    order = toc_order(launcher)
    assert len(order) == 3 and sco_id(launcher) == order[0]
    assert launcher.locator(".scorm-previous").is_disabled()
    commit_values(sco, "1.2", [("cmi.core.lesson_status", "completed"), ("cmi.core.lesson_location", "first")])
    launcher.click(".scorm-next")
    launcher, sco = current_sco(page, order[1])
    first = wait_for_state(state_url, lambda s: s["scos"][order[0]]["sessions"] >= 1)["scos"][order[0]]
    assert first["status"] == "completed" and first["data"]["cmi.core.lesson_location"] == "first"

    launcher.locator(f".scorm-toc-item[data-nav-target='{order[2]}']").click()
    launcher, sco = current_sco(page, order[2])
    launcher.click(".scorm-previous")
    launcher, sco = current_sco(page, order[1])
    commit_values(sco, "1.2", [("cmi.core.lesson_location", "second")])
    wait_for_state(state_url, lambda s: s["scos"][order[1]]["data"].get("cmi.core.lesson_location") == "second")
    page.reload()  # the learner comes back to the SCO they were in, with its own state
    launcher, sco = current_sco(page, order[1])
    assert call(sco, "1.2", "LMSGetValue", "cmi.core.lesson_location")["result"] == "second"

    launcher.locator(f".scorm-toc-item[data-nav-target='{order[0]}']").click()
    pass_every_sco_with_next(page, order, state_url)


def test_toc_next_previous_state_across_reload_and_completion(player_workbench, page):
    learner = f"multi-{uuid.uuid4().hex[:8]}"
    launcher, sco, state_url = open_package(page, player_workbench, MINIMUM_CALLS, learner)
    order = launcher.evaluate("Array.from(document.querySelectorAll('.scorm-toc-item'))"
                              ".map(b => b.dataset.navTarget)")
    assert len(order) == 18 and sco_id(launcher) == order[0]
    assert launcher.locator(".scorm-toc-folder").count() == 4  # folders shown, not launchable
    assert launcher.locator(".scorm-toc-item[aria-current]").get_attribute("data-nav-target") == order[0]

    commit_values(sco, "1.2", [("cmi.core.lesson_status", "completed"), ("cmi.core.lesson_location", "first")])
    launcher.click(".scorm-next")
    launcher, sco = current_sco(page, order[1])
    # focus follows the switch: it lands on the new SCO's title
    assert launcher.evaluate("document.activeElement.classList.contains('scorm-sco-title')")
    first = wait_for_state(state_url, lambda s: s["scos"][order[0]]["sessions"] >= 1)["scos"][order[0]]
    assert first["status"] == "completed" and first["data"]["cmi.core.lesson_location"] == "first"

    launcher.locator(f".scorm-toc-item[data-nav-target='{order[9]}']").click()  # by the TOC, across a folder
    launcher, sco = current_sco(page, order[9])
    launcher.click(".scorm-previous")
    launcher, sco = current_sco(page, order[8])
    commit_values(sco, "1.2", [("cmi.core.lesson_location", "ninth")])

    page.reload()  # the learner comes back to the SCO they were in, with its own state
    launcher, sco = current_sco(page, order[8])
    assert call(sco, "1.2", "LMSGetValue", "cmi.core.lesson_location")["result"] == "ninth"
    launcher.locator(f".scorm-toc-item[data-nav-target='{order[0]}']").click()
    launcher, sco = current_sco(page, order[0])
    assert call(sco, "1.2", "LMSGetValue", "cmi.core.lesson_location")["result"] == "first"
    assert learner_state(state_url)["completion_fraction"] < 1.0

    pass_every_sco_with_next(page, order, state_url)


@pytest.mark.parametrize("label", [OWN_FORCED, FORCED])
def test_forced_sequential_choice_waits_for_the_earlier_scos(player_workbench, page, label):
    launcher, sco, state_url = open_package(page, player_workbench, label, f"forced-{uuid.uuid4().hex[:8]}")
    order = launcher.evaluate("Array.from(document.querySelectorAll('.scorm-toc-item'))"
                              ".map(b => b.dataset.navTarget)")
    second = launcher.locator(f".scorm-toc-item[data-nav-target='{order[1]}']")
    assert second.get_attribute("aria-disabled") == "true"
    second.dispatch_event("click")  # refused in the page (Playwright will not click an aria-disabled button)
    assert sco_id(launcher_frame(page)) == order[0]
    launcher.evaluate(f"window.scormPlayer.navigate('{{target={order[2]}}}choice')")  # refused by the engine
    launcher.wait_for_selector(".scorm-refusal:not([hidden])", timeout=15000)
    launcher, sco = current_sco(page)
    assert sco_id(launcher) == order[0] and launcher.locator(".scorm-refusal").is_visible()
    forged = launcher.evaluate(  # a delivery the engine did not make is checked by the server too
        "target => { var url = new URL(location.href); url.searchParams.set('deliver', target);"
        " return fetch(url).then(r => r.text()); }", order[2])
    assert json.loads(re.search(r'id="scorm-launch" type="application/json">(.*?)</script>', forged, re.S)
                      .group(1))["sco"] == order[0]
    assert re.search(r'class="scorm-refusal" role="alert">\s*\S', forged)
    launcher, sco = current_sco(page)

    commit_values(sco, "2004", [("cmi.completion_status", "completed"), ("cmi.success_status", "passed")])
    launcher.wait_for_selector(f".scorm-toc-item[data-nav-target='{order[1]}']:not([aria-disabled])")
    assert launcher.locator(f".scorm-toc-item[data-nav-target='{order[2]}']").get_attribute(
        "aria-disabled") == "true"
    launcher.locator(f".scorm-toc-item[data-nav-target='{order[1]}']").click()
    launcher, sco = current_sco(page, order[1])
    assert wait_for_state(state_url, lambda s: s["scos"][order[0]]["status"] == "passed")


def play_in_order(page, launcher, sco, scripts):
    """Commit each SCO's values (by identifier; none for others) and go on with Next until it is disabled or the
    sequencing session ends."""
    visited = []
    while True:
        identifier = sco_id(launcher)
        visited.append(identifier)
        commit_values(sco, "2004", scripts.get(identifier, [("cmi.completion_status", "completed"),
                                                            ("cmi.success_status", "passed")]))
        launcher.wait_for_function("() => window.scormPlayer.inFlight === 0")
        if launcher.locator(".scorm-next").is_disabled() or len(visited) > 12:
            return visited
        launcher.click(".scorm-next")
        wait_for_another_launch(page, identifier, or_ended=True)  # or the end of the sequencing session
        if launcher_frame(page).locator(".scorm-ended").is_visible():
            return visited
        launcher, sco = current_sco(page, None)


def test_post_test_rollup_grades_by_the_assessment_only(player_workbench, page):
    launcher, sco, state_url = open_package(page, player_workbench, POST_TEST, f"post-{uuid.uuid4().hex[:8]}")
    quiz = [("cmi.completion_status", "completed"), ("cmi.success_status", "failed"), ("cmi.score.scaled", "0.6")]
    visited = play_in_order(page, launcher, sco, {"assessment_item": quiz})
    assert visited[-1] == "assessment_item" and len(visited) == 5
    state = wait_for_state(state_url, lambda s: s["completion_fraction"] == 1.0)
    assert state["block"]["by_sequencing"] and state["block"]["grade"] == pytest.approx(0.6)


def test_simple_remediation_rolls_up_the_tests(player_workbench, page):
    launcher, sco, state_url = open_package(page, player_workbench, REMEDIATION, f"remedy-{uuid.uuid4().hex[:8]}")
    assert launcher.locator(".scorm-toc-item[aria-disabled='true']").count() == 8  # choice="false"
    passed = [("cmi.completion_status", "completed"), ("cmi.success_status", "passed"), ("cmi.score.scaled", "0.8")]
    content = [("cmi.completion_status", "completed")]
    scripts = {name: passed for name in ("test_1", "test_2", "test_3", "test_4")}
    scripts.update({name: content for name in ("playing_item", "etuqiette_item", "handicapping_item",
                                               "havingfun_item")})
    visited = play_in_order(page, launcher, sco, scripts)
    assert visited[-1] == "test_4" and len(visited) == 8
    state = wait_for_state(state_url, lambda s: s["completion_fraction"] == 1.0)
    assert state["block"]["grade"] == pytest.approx(0.8) and re.match(r"^0?\.8", str(state["grade"]["value"]))


def test_phone_viewport_keeps_content_and_contents_usable(player_workbench, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        launcher, _sco, _url = open_package(page, player_workbench, MINIMUM_CALLS, f"phone-{uuid.uuid4().hex[:8]}")
        frame_box = page.locator("iframe.scorm-player").first.bounding_box()
        assert frame_box["width"] <= 390 and frame_box["height"] >= 300
        content_box = launcher.locator("iframe.scorm-content").bounding_box()
        assert content_box["width"] >= 300 and content_box["height"] >= 200
        assert launcher.locator("#scorm-toc").is_hidden()  # starts closed on a phone
        launcher.click(".scorm-toc-toggle")
        assert launcher.locator("#scorm-toc").is_visible()
        assert launcher.locator(".scorm-toc-item").nth(3).is_visible()
        shot = page.screenshot()
        assert len(shot) > 1000
    finally:
        context.close()


def terminate_with(sco, request):
    """The SCO asks for a navigation request and ends its session, as the golf samples' own buttons do."""
    assert call(sco, "2004", "SetValue", "adl.nav.request", request)["result"] == "true"
    assert call(sco, "2004", "Terminate", "")["result"] == "true"


def test_simple_remediation_retries_the_content_of_a_failed_test(player_workbench, page):
    """scorm-again's engine runs the package's post-condition rules: a failed test sends the learner back to
    the content it covers (retry of the wrapper, passed parts skipped), then to the failed test again; the
    engine's session survives a reload; the server's rollup grades the block once every test is passed."""
    launcher, sco, state_url = open_package(page, player_workbench, REMEDIATION, f"retry-{uuid.uuid4().hex[:8]}")
    content = [("cmi.completion_status", "completed")]
    passed = [("cmi.completion_status", "completed"), ("cmi.success_status", "passed"), ("cmi.score.scaled", "0.9")]
    failed = [("cmi.completion_status", "completed"), ("cmi.success_status", "failed"), ("cmi.score.scaled", "0.3")]
    scripts = {"test_1": failed, "test_2": passed, "test_3": passed, "test_4": passed}
    visited = []
    for _ in range(8):
        identifier = sco_id(launcher)
        visited.append(identifier)
        commit_values(sco, "2004", scripts.get(identifier, content))
        if identifier == "test_4":  # the player's Next: plain flow ends here, the engine's rules go on
            launcher.wait_for_function("() => window.scormPlayer.inFlight === 0")
            launcher.click(".scorm-next")
        else:
            terminate_with(sco, "continue")
        wait_for_another_launch(page, identifier)
        launcher, sco = current_sco(page, None)
    assert visited == ["playing_item", "etuqiette_item", "handicapping_item", "havingfun_item",
                       "test_1", "test_2", "test_3", "test_4"]
    assert sco_id(launcher) == "playing_item"  # retried: only the content of the failed test comes back
    page.reload()  # the engine's session comes back from the server: a fresh one would go on to etuqiette_item
    launcher, sco = current_sco(page, "playing_item")
    commit_values(sco, "2004", content)
    assert call(sco, "2004", "Terminate", "")["result"] == "true"  # ends by itself; the learner presses Next
    launcher.wait_for_function("() => window.scormPlayer.inFlight === 0")
    launcher.click(".scorm-next")
    launcher, sco = current_sco(page, "test_1")
    commit_values(sco, "2004", passed)  # tests 2 to 4 were passed before: every objective is satisfied
    state = wait_for_state(state_url, lambda s: s["completion_fraction"] == 1.0)
    assert state["block"]["grade"] == pytest.approx(0.9)


def test_scorm2004_package_without_sequencing_data_flows_through_the_engine(player_workbench, page):
    """No IMS SS data: the engine gets choice and flow everywhere, so next, previous and the contents work."""
    launcher, sco, state_url = open_package(page, player_workbench, "RuntimeMinimumCalls_SCORM20043rdEdition.zip",
                                            f"plain-{uuid.uuid4().hex[:8]}")
    order = launcher.evaluate("Array.from(document.querySelectorAll('.scorm-toc-item'))"
                              ".map(b => b.dataset.navTarget)")
    assert len(order) == 18 and sco_id(launcher) == order[0]
    assert launcher.evaluate("!!JSON.parse(document.getElementById('scorm-launch').textContent).sequencing")
    commit_values(sco, "2004", [("cmi.completion_status", "completed"), ("cmi.location", "one"),
                                ("cmi.exit", "suspend")])  # suspended: the next attempt resumes its data
    launcher.click(".scorm-next")
    launcher, sco = current_sco(page, order[1])
    launcher.locator(f".scorm-toc-item[data-nav-target='{order[9]}']").click()
    launcher, sco = current_sco(page, order[9])
    launcher.click(".scorm-previous")
    launcher, sco = current_sco(page, order[8])
    terminate_with(sco, f"{{target={order[0]}}}choice")  # the SCO's own choice request
    launcher, sco = current_sco(page, order[0])
    assert call(sco, "2004", "GetValue", "cmi.location")["result"] == "one"
    assert wait_for_state(state_url, lambda s: s["scos"][order[0]]["status"] == "completed")


NAV_VALID = ("adl.nav.request_valid.continue", "adl.nav.request_valid.previous")


@pytest.mark.parametrize("label", [OWN_FORCED, MINIMUM_2004])
def test_the_sco_reads_what_the_engine_allows(player_workbench, page, label):
    """adl.nav.request_valid.* answered by the sequencing engine, in both modes (on a content origin the API
    beside the SCO starts from the launcher's engine state): choice of a SCO further on, continue and previous."""
    launcher, sco, _state_url = open_package(page, player_workbench, label, f"valid-{uuid.uuid4().hex[:8]}")
    order = toc_order(launcher)
    later = f"adl.nav.request_valid.choice.{{target={order[2]}}}"
    found = {element: call(sco, "2004", "GetValue", element) for element in (*NAV_VALID, later)}
    assert all(answer["error"] == "0" for answer in found.values()), found
    assert found["adl.nav.request_valid.previous"]["result"] == "false"  # the first SCO
    assert found["adl.nav.request_valid.continue"]["result"] == "true"
    assert found[later]["result"] == {OWN_FORCED: "false", MINIMUM_2004: "true"}[label]  # forced or free
