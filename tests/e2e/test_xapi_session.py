"""A learner's browser session on the dev server, through to xAPI: every tracking event the block published (read
from the dev server's tracking log) goes through event-routing-backends' pipeline and this block's transformers,
and comes out as a statement tincan reads back and that meets xAPI's rules."""
import json
import time
import uuid

import pytest
from tincan import Statement

from openedxscorm_support.fake_platform import analytics
from tests.e2e.player import call
from tests.e2e.test_runtime_packages import open_block
from tests.test_xapi import COURSE_NAME, event_transformer_backend, xapi_problems

PACKAGE = "probe-1.2.zip"
DEV_COURSE = "course-v1:Workbench+SCORM+dev"
SCRIPT = [
    ("cmi.core.lesson_location", "page-3"),
    ("cmi.interactions.0.id", "golf-q1"), ("cmi.interactions.0.type", "choice"),
    ("cmi.interactions.0.correct_responses.0.pattern", "b"), ("cmi.interactions.0.student_response", "b"),
    ("cmi.interactions.0.result", "correct"), ("cmi.interactions.0.latency", "00:00:04"),
    ("cmi.core.score.raw", "90"), ("cmi.core.lesson_status", "passed"),
]


def session_events(log_path, learner, timeout=20):
    """The block's tracking events of `learner`, once the session's terminated event is in the log."""
    deadline = time.monotonic() + timeout
    while True:
        lines = log_path.read_text(encoding="utf-8").splitlines() if log_path.exists() else []
        found = [event for event in map(json.loads, lines)
                 if event["context"]["user_id"] == learner and event["name"].startswith("openedx.xblock.scorm.")]
        if found and found[-1]["name"].endswith(".terminated"):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"no terminated event for {learner}: {found}")
        time.sleep(0.2)


@pytest.mark.django_db
def test_every_event_of_a_browser_session_becomes_a_valid_statement(workbench, workbench_var, page, monkeypatch,
                                                                     django_user_model):
    learner = f"learner-{uuid.uuid4().hex[:8]}"
    _launcher, sco, _state_url = open_block(page, workbench, PACKAGE, learner)
    for element, value in SCRIPT:
        assert call(sco, "1.2", "LMSSetValue", element, value)["result"] == "true", element
    assert call(sco, "1.2", "LMSCommit", "")["result"] == "true"
    assert call(sco, "1.2", "LMSFinish", "")["result"] == "true"
    events = session_events(workbench_var / "tracking.log", learner)

    django_user_model.objects.create(username=learner, email=f"{learner}@example.com")
    overviews = analytics.CourseOverviews()
    overviews.add(DEV_COURSE, COURSE_NAME)
    analytics.install(monkeypatch, overviews)
    routing, collector = event_transformer_backend()
    for event in events:
        routing.send(event)

    names = [event["name"].rsplit(".", 1)[-1] for event in events]
    assert {"initialized", "interacted", "scored", "completed", "passed", "terminated"} <= set(names)
    assert [statement["verb"]["id"].rsplit("/", 1)[-1] for statement in collector.statements] == names
    for statement in collector.statements:
        Statement.from_json(json.dumps(statement))
        assert xapi_problems(statement) == [], statement
    answers = [statement for statement in collector.statements
               if statement["object"]["definition"]["type"].endswith("/cmi.interaction")]
    assert answers and answers[-1]["object"]["id"].endswith("/interactions/golf-q1")
    assert answers[-1]["object"]["definition"]["correctResponsesPattern"] == ["b"]
    assert answers[-1]["result"]["success"] is True
    assert {statement["context"]["contextActivities"]["parent"][0]["id"] for statement in collector.statements
            if statement not in answers} == {f"http://lms.example.com/course/{DEV_COURSE}"}
