"""The parts of a statement's result, one function each, read from the event's data (see vocabulary.RESULTS).

Each takes the event's data and returns the result's keyword arguments, or {} when the event does not say.
"""
from datetime import timedelta

from openedxscorm.runtime import parse_scorm12, parse_scorm2004

from . import vocabulary
from .responses import SCORM12_EVENT_VERSION, xapi_response


def score(data):
    """xAPI requires scaled within [-1, 1] and raw within [min, max], or the LRS refuses the statement: clamped."""
    scaled = data.get("scaled_score")
    if scaled is None:
        return {}
    maximum = data.get("max_score")
    raw = data.get("weighted_score")
    parts = {"scaled": min(max(float(scaled), -1.0), 1.0)}
    if maximum is not None and raw is not None:
        parts.update(raw=min(max(float(raw), 0.0), float(maximum)), min=0.0, max=float(maximum))
    return {"score": parts}


def completion(data):
    found = vocabulary.COMPLETION.get(data.get("completion_status"))
    return {} if found is None else {"completion": found}


def success(data):
    found = vocabulary.SUCCESS.get(data.get("success_status"))
    return {} if found is None else {"success": found}


def duration(data):
    seconds = data.get("duration")
    return {} if seconds is None else {"duration": timedelta(seconds=float(seconds))}


def response(data):
    interaction = data.get("interaction") or {}
    value = data.get("value")
    if value is None:
        return {}
    if interaction and data.get("cmi_element", "").endswith(("learner_response", "student_response")):
        value = xapi_response(data.get("scorm_version"), interaction.get("type"), value)
    return {"response": value}


def interaction_success(data):
    found = vocabulary.INTERACTION_SUCCESS.get((data.get("interaction") or {}).get("result"))
    return {} if found is None else {"success": found}


def latency(data):
    text = (data.get("interaction") or {}).get("latency")
    parse = parse_scorm12 if data.get("scorm_version") == SCORM12_EVENT_VERSION else parse_scorm2004
    centiseconds = parse(text) if text else None
    return {} if centiseconds is None else {"duration": timedelta(seconds=centiseconds / 100)}


RESULT_PARTS = {
    "score": score, "completion": completion, "success": success, "duration": duration, "response": response,
    "interaction_success": interaction_success, "latency": latency,
}


def result_fields(short_name, data):
    """The keyword arguments of tincan's Result for one event, {} when it carries none."""
    fields = {}
    for part in vocabulary.RESULTS[short_name]:
        fields.update(RESULT_PARTS[part](data))
    return fields
