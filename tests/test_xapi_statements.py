"""Statements of single events, shaped as the LMS's tracker delivers them, including the odd values packages send:
scores out of xAPI's bounds, unknown interaction types, SCORM 1.2 response formats, interactions without an id."""
import json
from datetime import datetime, timezone

import pytest
from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry
from eventtracking.processors.exceptions import NoTransformerImplemented
from tincan import Statement

from openedxscorm.processors.xapi.responses import xapi_response
from openedxscorm_support.block_runtime import course_key
from openedxscorm_support.fake_platform import analytics
from tests.test_xapi import COURSE_NAME, xapi_problems

BLOCK_ID = str(course_key().make_usage_key("scorm", "quiz"))
WHEN = datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=timezone.utc)


@pytest.fixture
def learner(monkeypatch, django_user_model):
    overviews = analytics.CourseOverviews()
    overviews.add(course_key(), COURSE_NAME)
    analytics.install(monkeypatch, overviews)
    return django_user_model.objects.create(id=7, username="learner")


def statement(name, data, when=WHEN, version="SCORM_12"):
    """The statement of one event, through the registry as XApiProcessor looks it up, read back by tincan."""
    event = {"name": f"openedx.xblock.scorm.{name}", "timestamp": when,
             "context": {"course_id": str(course_key()), "user_id": 7, "session": "s1"},
             "data": {"block_id": BLOCK_ID, "scorm_version": version, "package_sha1": "ab" * 20, **data}}
    transformed = json.loads(XApiTransformersRegistry.get_transformer(event).transform().to_json())
    Statement.from_json(json.dumps(transformed))
    assert xapi_problems(transformed) == [], transformed
    return transformed


@pytest.mark.django_db
@pytest.mark.parametrize("scaled, weighted, expected", [
    (1.5, 2.5, {"scaled": 1.0, "raw": 2.0, "min": 0.0, "max": 2.0}),
    (-3, -1, {"scaled": -1.0, "raw": 0.0, "min": 0.0, "max": 2.0}),
    (0.25, 0.5, {"scaled": 0.25, "raw": 0.5, "min": 0.0, "max": 2.0}),
])
def test_scores_are_held_within_xapi_bounds(learner, scaled, weighted, expected):  # noqa: ARG001
    found = statement("scored", {"scaled_score": scaled, "weighted_score": weighted, "max_score": 2.0})
    assert found["result"]["score"] == expected


@pytest.mark.django_db
def test_an_ungraded_block_scores_without_a_result(learner):  # noqa: ARG001
    assert "result" not in statement("scored", {})
    assert statement("failed", {"success_status": "failed"})["result"] == {"success": False}


@pytest.mark.django_db
def test_terminated_without_a_known_status_reports_only_what_it_knows(learner):  # noqa: ARG001
    found = statement("terminated", {"completion_status": "unknown", "success_status": "unknown", "duration": 0.5})
    assert found["result"] == {"duration": "PT00.5S"}
    found = statement("terminated", {"completion_status": "incomplete", "success_status": "unknown"})
    assert found["result"] == {"completion": False}


def interacted(element, value, **interaction):
    return {"cmi_element": element, "value": value, "interaction": interaction} if interaction else {
        "cmi_element": element, "value": value}


@pytest.mark.django_db
def test_an_unknown_interaction_type_is_other(learner):  # noqa: ARG001
    found = statement("interacted", interacted("cmi.interactions.0.student_response", "x", id="q", type="hotspot",
                                               correct_responses=["x"]))
    assert found["object"]["definition"]["interactionType"] == "other"


@pytest.mark.django_db
def test_an_interaction_without_an_id_stays_about_the_block(learner):  # noqa: ARG001
    found = statement("interacted", interacted("cmi.interactions.3.student_response", "b", type="choice"))
    assert found["object"]["id"] == f"http://lms.example.com/xblock/{BLOCK_ID}"
    assert found["result"] == {"response": "b"}


@pytest.mark.django_db
def test_an_interaction_id_is_escaped_into_the_activity_iri(learner):  # noqa: ARG001
    found = statement("interacted", interacted("cmi.interactions.0.result", "correct", id="slide 3/q?1",
                                               type="fill-in", result="correct"))
    assert found["object"]["id"].endswith("/interactions/slide%203%2Fq%3F1")
    assert found["result"] == {"response": "correct", "success": True}


@pytest.mark.django_db
def test_two_elements_changed_at_one_instant_give_two_statements(learner):  # noqa: ARG001
    first = statement("interacted", interacted("cmi.core.lesson_location", "p2"))
    second = statement("interacted", interacted("cmi.interactions.0.student_response", "a", id="q", type="choice"))
    again = statement("interacted", interacted("cmi.core.lesson_location", "p2"))
    assert first["id"] != second["id"]
    assert first["id"] == again["id"]  # the same event processed twice is the same statement


@pytest.mark.django_db
def test_events_the_block_does_not_route_have_no_transformer(learner):  # noqa: ARG001
    with pytest.raises(NoTransformerImplemented):
        XApiTransformersRegistry.get_transformer({"name": "openedx.xblock.scorm.attempt_reset"})


@pytest.mark.parametrize("version, kind, text, expected", [
    ("SCORM_12", "choice", "a,b", "a[,]b"),
    ("SCORM_12", "choice", "{a, b}", "a[,]b"),
    ("SCORM_12", "sequencing", "c,a,b", "c[,]a[,]b"),
    ("SCORM_12", "matching", "1.a,2.b", "1[.]a[,]2[.]b"),
    ("SCORM_12", "true-false", "t", "true"),
    ("SCORM_12", "true-false", "0", "false"),
    ("SCORM_12", "true-false", "maybe", "maybe"),
    ("SCORM_12", "fill-in", "red, green", "red, green"),
    ("SCORM_12", "numeric", "3.5", "3.5"),
    ("SCORM_12", None, "a,b", "a,b"),
    ("SCORM_2004", "choice", "a,b", "a,b"),
    ("SCORM_2004", "matching", "1[.]a", "1[.]a"),
])
def test_responses_in_xapi_format(version, kind, text, expected):
    assert xapi_response(version, kind, text) == expected


@pytest.mark.django_db
def test_an_interaction_without_correct_responses_has_no_pattern(learner):  # noqa: ARG001
    found = statement("interacted", interacted("cmi.interactions.0.student_response", "free text", id="essay",
                                               type="fill-in", correct_responses=[]))
    assert found["object"]["definition"] == {"type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                                             "interactionType": "fill-in"}
