"""The dev server's learners are learners: the staff results panel and the staff handlers only with ``?staff=1``."""
import json
import re
import urllib.error
import urllib.request
import uuid

from tests.e2e.player import find_scenario

SCENARIO = "probe-1.2.zip"


def test_a_learner_sees_no_staff_panel_and_staff_see_it_working(workbench, page):
    learner = f"learner-{uuid.uuid4().hex[:8]}"
    scenario = find_scenario(workbench, SCENARIO)
    page.goto(f"{scenario}?student={learner}")
    page.wait_for_selector("iframe.scorm-player")
    assert page.locator(".scorm-staff-panel").count() == 0

    page.goto(f"{scenario}?student=staff-{learner}&staff=1")
    panel = page.wait_for_selector(".scorm-staff-panel")
    with page.expect_response(lambda response: "staff_learner_results" in response.url) as answered:
        panel.query_selector("input[name=learner]").fill(learner)
        panel.query_selector("button[type=submit]").click()
    response = answered.value
    assert "staff=1" in response.url
    # Past the staff check: the dev server has no platform user table to look the learner up in (501 says so).
    assert response.status in (200, 501), response.text()
    assert response.json().get("code") != "staff_only"


def test_a_staff_handler_refuses_a_learner(workbench, page):
    scenario = find_scenario(workbench, SCENARIO)
    page.goto(f"{scenario}?student=staff-check&staff=1")
    html = page.content()
    results_url = re.search(r'data-results-url="([^"]+)"', html)
    assert results_url, "the staff panel gives its results URL"
    url = workbench + results_url.group(1).replace("&amp;", "&")
    as_learner = re.sub(r"[?&]staff=1", "", url)
    try:
        with urllib.request.urlopen(as_learner, timeout=30) as answer:
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    assert status == 403, body[:300]
    assert "Only course staff" in json.loads(body)["error"]
