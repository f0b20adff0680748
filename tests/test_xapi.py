"""xAPI: every event of a learner's session, played through the block's handlers, goes through event-routing-backends'
pipeline (its whitelists as configured by its settings and the README's, its XApiProcessor, this block's
transformers) and comes out as a statement that tincan reads back and that meets xAPI's rules."""
import io
import json
import re
import uuid
import zipfile
from datetime import datetime
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.utils.module_loading import import_string
from event_routing_backends.backends.events_router import EventsRouter
from eventtracking.backends.routing import RoutingBackend
from eventtracking.locator import DefaultContextLocator
from eventtracking.tracker import Tracker
from tincan import Statement
from webob import Request

from openedxscorm.tracking import tracked_event_names
from openedxscorm_support.block_runtime import BlockTestRuntime, course_key, make_block
from openedxscorm_support.fake_platform import analytics
from tests.test_player import commit, launch_config

COURSE_NAME = "SCORM and xAPI"
MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="xapi" version="1" xmlns="{namespace}" xmlns:adlcp="{adlcp}">
  <metadata><schema>ADL SCORM</schema><schemaversion>{version}</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>xAPI</title>
      <item identifier="item" identifierref="res"><title>Quiz</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res" type="webcontent" adlcp:{scorm_type}="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""
# standard -> what its manifest says
STANDARDS = {
    "1.2": {"namespace": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
            "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2", "version": "1.2", "scorm_type": "scormtype"},
    "2004": {"namespace": "http://www.imsglobal.org/xsd/imscp_v1p1", "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
             "version": "2004 4th Edition", "scorm_type": "scormType"},
}
# Each standard's session: one commit with a location and a wrong answer, one with the outcome that terminates.
SESSIONS = {
    "1.2": [
        [("cmi.core.lesson_location", "page-2"), ("cmi.interactions.0.id", "q1"),
         ("cmi.interactions.0.type", "choice"), ("cmi.interactions.0.correct_responses.0.pattern", "a,b"),
         ("cmi.interactions.0.student_response", "a,c"), ("cmi.interactions.0.result", "wrong"),
         ("cmi.interactions.0.latency", "00:00:05.50")],
        [("cmi.core.score.raw", "80"), ("cmi.core.lesson_status", "passed"), ("cmi.core.session_time", "00:01:30")],
    ],
    "2004": [
        [("cmi.location", "page-2"), ("cmi.interactions.0.id", "urn:quiz:q1"), ("cmi.interactions.0.type", "choice"),
         ("cmi.interactions.0.description", "Pick two"),
         ("cmi.interactions.0.correct_responses.0.pattern", "a[,]b"),
         ("cmi.interactions.0.learner_response", "a[,]b"), ("cmi.interactions.0.result", "correct"),
         ("cmi.interactions.0.latency", "PT7S")],
        [("cmi.score.scaled", "0.3"), ("cmi.completion_status", "completed"), ("cmi.success_status", "failed"),
         ("cmi.session_time", "PT45S")],
    ],
}
EXPECTED_EVENTS = {
    "1.2": ["initialized", "interacted", "interacted", "scored", "completed", "passed", "terminated"],
    "2004": ["initialized", "interacted", "interacted", "scored", "completed", "failed", "terminated"],
}
ISO_DURATION = re.compile(r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
                          r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$")
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing",
                     "likert", "numeric", "other"}


def package_zip(standard):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", MANIFEST.format(**STANDARDS[standard]))
        archive.writestr("index.html", "<html><body>quiz</body></html>")
    return buffer.getvalue()


def upload(block, standard):
    request = Request.blank("/", POST={"file": (f"quiz-{standard}.zip", package_zip(standard))})
    response = block.handle("studio_submit", request)
    assert response.status_code == 200, response.text


def processors(options):
    return [import_string(processor["ENGINE"])(**processor["OPTIONS"]) for processor in options["processors"]]


class Collector:
    """The xapi backend (event-routing-backends' EventsRouter, configured from the settings) up to the LRS: keeps
    the statements its processors give for each event, where the router would post them."""

    def __init__(self, options):
        self.router = EventsRouter(processors=processors(options), backend_name="xapi")
        self.statements = []

    def send(self, event):
        self.statements.extend(self.router.process_event(event))


def event_transformer_backend():
    """event-routing-backends' event_transformer backend as its plugin settings and route_events_to_xapi configure
    it (tests/settings.py does what the README says): its whitelist, then the xapi backend's whitelist and
    XApiProcessor. Synchronous here; the LMS runs the same steps in Celery. Returns it and its collector."""
    transformer = django_settings.EVENT_TRACKING_BACKENDS["event_transformer"]["OPTIONS"]
    collector = Collector(transformer["backends"]["xapi"]["OPTIONS"])
    return RoutingBackend(backends={"xapi": collector}, processors=processors(transformer)), collector


def xapi_pipeline():
    """The LMS's tracker with the event_transformer backend."""
    routing, collector = event_transformer_backend()
    return Tracker(backends={"event_transformer": routing}, context_locator=DefaultContextLocator()), collector


class LmsTrackingRuntime(BlockTestRuntime):
    """publish() as the LMS routes an XBlock's own events (courseware's block_render publish -> track.views
    server_track): eventtracking's emit(name=event_type, data=event) inside the course and request context."""

    def __init__(self, tracker, user, **kwargs):
        super().__init__(**kwargs)
        self.tracker, self.user = tracker, user

    def publish(self, block, event_type, event_data):
        super().publish(block, event_type, event_data)
        if event_type == "grade":
            return  # handled by the grades app, not the tracking log
        course = block.scope_ids.usage_id.context_key
        context = {"course_id": str(course), "org_id": course.org, "user_id": self.user.pk,
                   "username": self.user.username, "session": "a1b2c3", "event_source": "server", "page": "x_module"}
        with self.tracker.context("edx.course.server", context):
            self.tracker.emit(name=event_type, data=event_data)


@pytest.fixture
def lms(storage, monkeypatch, django_user_model):  # noqa: ARG001
    """A learner with the platform's external id, the course's overview, and the tracking pipeline."""
    user = django_user_model.objects.create(id=7, username="learner", email="learner@example.com")
    overviews = analytics.CourseOverviews()
    overviews.add(course_key(), COURSE_NAME)
    analytics.install(monkeypatch, overviews)
    tracker, collector = xapi_pipeline()
    return user, tracker, collector


def play(lms, standard):
    user, tracker, collector = lms
    runtime = LmsTrackingRuntime(tracker, user, xblock_settings={"TRACKING_EVENTS": {"interacted": True}})
    block = make_block(runtime=runtime)
    upload(block, standard)
    launch_config(block)
    first, last = SESSIONS[standard]
    assert commit(block, first, 1).json["result"] == "stored"
    assert commit(block, last, 2, terminate=True).json["result"] == "stored"
    return block, collector.statements


def emitted(block):
    return [name for name, _data in block.runtime.events if name.startswith("openedx.xblock.scorm.")]


def is_iri(text):
    parsed = urlparse(text)
    return parsed.scheme in ("http", "https", "urn") and bool(parsed.netloc or parsed.path)


def xapi_problems(statement):
    """What in a statement breaks xAPI 1.0.3's rules that tincan does not check."""
    problems = []
    actor, verb, target = statement["actor"], statement["verb"], statement["object"]
    if sum(ifi in actor for ifi in IFIS) != 1:
        problems.append("the actor needs exactly one identifier")
    if not is_iri(verb["id"]) or not verb.get("display"):
        problems.append("verb")
    if not is_iri(target["id"]) or not is_iri(target.get("definition", {}).get("type", "")):
        problems.append("object id or type")
    definition = target.get("definition", {})
    if "interactionType" in definition and definition["interactionType"] not in INTERACTION_TYPES:
        problems.append("interactionType")
    if not all(isinstance(pattern, str) for pattern in definition.get("correctResponsesPattern", [])):
        problems.append("correctResponsesPattern")
    result = statement.get("result", {})
    score = result.get("score", {})
    if not -1 <= score.get("scaled", 0) <= 1:
        problems.append("score.scaled outside [-1, 1]")
    if "raw" in score and not score.get("min", score["raw"]) <= score["raw"] <= score.get("max", score["raw"]):
        problems.append("score.raw outside [min, max]")
    if "duration" in result and not ISO_DURATION.match(result["duration"]):
        problems.append("result.duration is not an ISO 8601 duration")
    if not all(is_iri(key) for key in statement.get("context", {}).get("extensions", {})):
        problems.append("extension keys must be IRIs")
    uuid.UUID(statement["id"])
    datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("standard", STANDARDS)
def test_every_event_of_a_session_becomes_a_valid_statement(lms, standard):
    block, statements = play(lms, standard)
    assert emitted(block) == [f"openedx.xblock.scorm.{name}" for name in EXPECTED_EVENTS[standard]]
    verbs = [statement["verb"]["id"].rsplit("/", 1)[-1] for statement in statements]
    assert verbs == EXPECTED_EVENTS[standard]
    for statement in statements:
        assert Statement.from_json(json.dumps(statement)).verb.id == statement["verb"]["id"]  # tincan reads it back
        assert xapi_problems(statement) == [], statement
        assert statement["version"] == "1.0.3"
        assert statement["actor"]["account"]["homePage"] == django_settings.LMS_ROOT_URL
        extensions = statement["context"]["extensions"]
        assert extensions["https://github.com/overhangio/openedx-scorm-xblock/xapi/extension/package-sha1"] == (
            block.package_sha1)
        assert extensions["https://github.com/overhangio/openedx-scorm-xblock/xapi/extension/scorm-version"] == {
            "1.2": "SCORM_12", "2004": "SCORM_2004"}[standard]
    assert len({statement["id"] for statement in statements}) == len(statements)
    assert len({statement["actor"]["account"]["name"] for statement in statements}) == 1


@pytest.mark.django_db
def test_lesson_statements_carry_score_success_completion_and_duration(lms):
    block, statements = play(lms, "1.2")
    by_verb = {statement["verb"]["id"].rsplit("/", 1)[-1]: statement for statement in statements}
    lesson_iri = f"{django_settings.LMS_ROOT_URL}/xblock/{block.scope_ids.usage_id}"
    assert by_verb["initialized"]["object"] == {
        "id": lesson_iri, "objectType": "Activity",
        "definition": {"type": "http://adlnet.gov/expapi/activities/lesson"}}
    assert "result" not in by_verb["initialized"]
    assert by_verb["scored"]["result"] == {"score": {"scaled": 0.8, "raw": 0.8, "min": 0.0, "max": 1.0}}
    assert by_verb["completed"]["result"]["completion"] is True
    assert by_verb["passed"]["result"]["success"] is True
    terminated = by_verb["terminated"]["result"]
    assert (terminated["duration"], terminated["completion"], terminated["success"]) == ("PT01M30S", True, True)
    course = by_verb["passed"]["context"]["contextActivities"]["parent"][0]
    assert course["id"] == f"{django_settings.LMS_ROOT_URL}/course/{course_key()}"
    assert course["definition"]["name"] == {"en-US": COURSE_NAME}


@pytest.mark.django_db
@pytest.mark.parametrize("standard, object_id, expected", [
    ("1.2", "q1", {"interactionType": "choice", "correctResponsesPattern": ["a[,]b"], "response": "a[,]c",
                   "success": False, "duration": "PT05.5S"}),
    ("2004", "urn%3Aquiz%3Aq1", {"interactionType": "choice", "correctResponsesPattern": ["a[,]b"],
                                 "response": "a[,]b", "success": True, "duration": "PT07S",
                                 "description": {"en": "Pick two"}}),
])
def test_an_answer_is_a_cmi_interaction_activity_in_the_block(lms, standard, object_id, expected):
    block, statements = play(lms, standard)
    element = "https://github.com/overhangio/openedx-scorm-xblock/xapi/extension/cmi-element"
    interacted = {statement["context"]["extensions"][element].rsplit(".", 1)[-1]: statement
                  for statement in statements if statement["verb"]["id"].endswith("/interacted")}
    location, answer = interacted.pop("lesson_location", None) or interacted.pop("location"), interacted.popitem()[1]
    lesson_iri = f"{django_settings.LMS_ROOT_URL}/xblock/{block.scope_ids.usage_id}"
    assert location["object"]["id"] == lesson_iri and location["result"] == {"response": "page-2"}
    assert answer["object"]["id"] == f"{lesson_iri}/interactions/{object_id}"
    definition = answer["object"]["definition"]
    assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert definition["interactionType"] == expected["interactionType"]
    assert definition["correctResponsesPattern"] == expected["correctResponsesPattern"]
    assert definition.get("description") == expected.get("description")
    assert answer["result"] == {key: expected[key] for key in ("response", "success", "duration")}
    activities = answer["context"]["contextActivities"]
    assert activities["parent"][0]["id"] == lesson_iri
    assert activities["grouping"][0]["id"] == f"{django_settings.LMS_ROOT_URL}/course/{course_key()}"


@pytest.mark.django_db
def test_events_left_out_of_the_allow_list_never_reach_a_transformer(lms, settings):
    user, tracker, collector = lms
    whitelist = settings.EVENT_TRACKING_BACKENDS["event_transformer"]["OPTIONS"]["backends"]["xapi"]["OPTIONS"][
        "processors"][0]["OPTIONS"]["whitelist"]
    assert set(tracked_event_names()) <= set(whitelist)
    with tracker.context("edx.course.server", {"user_id": user.pk, "course_id": str(course_key())}):
        tracker.emit(name="openedx.xblock.scorm.attempt_reset", data={"block_id": "x"})
    assert collector.statements == []
