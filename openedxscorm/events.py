"""Open edX tracking events of a learner's SCORM sessions, named as openedx-scorm-xblock 19.x names them.

Analytics pipelines built for that package (Aspects, the xAPI transformers of event-routing-backends) keep
working: same names (``openedx.xblock.scorm.<short name>``), same data keys, same settings
(``TRACKING_EVENTS_ENABLED``, ``TRACKING_EVENTS``, ``TRACKING_INTERACTION_ELEMENTS``). The events are derived
on the server by comparing a SCO's stored state before and after a commit, so the browser cannot forge them.
"""
import logging
import re
from fnmatch import fnmatchcase

from . import scoring
from .runtime import SCORM12, SCORM2004, derive

log = logging.getLogger(__name__)

EVENT_PREFIX = "openedx.xblock.scorm"
INITIALIZED = "initialized"
INTERACTED = "interacted"
SCORED = "scored"
COMPLETED = "completed"
PASSED = "passed"
FAILED = "failed"
TERMINATED = "terminated"

# short name -> emitted unless the operator says otherwise. "interacted" carries learners' answers and is
# frequent: opt-in, as in openedx-scorm-xblock.
DEFAULT_TRACKING_EVENTS = {
    INITIALIZED: True,
    INTERACTED: False,
    SCORED: True,
    COMPLETED: True,
    PASSED: True,
    FAILED: True,
    TERMINATED: True,
}
DEFAULT_INTERACTION_ELEMENTS = (
    "cmi.core.lesson_location",
    "cmi.location",
    "cmi.interactions.*.student_response",
    "cmi.interactions.*.learner_response",
)
MAX_TRACKED_VALUE_LENGTH = 255
MAX_TRACKED_PATTERNS = 10
# An element of one interaction: what an interacted event about it also describes (for xAPI's cmi.interaction).
INTERACTION_ELEMENT = re.compile(r"^cmi\.interactions\.(\d+)\.")
# interaction field in the event -> the element of cmi.interactions.n that holds it (either standard's name).
INTERACTION_FIELDS = {
    "id": ("id",),
    "type": ("type",),
    "description": ("description",),
    "result": ("result",),
    "latency": ("latency",),
    "response": ("learner_response", "student_response"),
}
# The scorm_version value openedx-scorm-xblock puts in every event.
EVENT_SCORM_VERSION = {SCORM12: "SCORM_12", SCORM2004: "SCORM_2004"}
# derive() keyword arguments among a SCO's launch settings.
DERIVE_SETTINGS = ("mastery_score", "scaled_passing_score", "completion_threshold")


def event_name(short_name):
    return f"{EVENT_PREFIX}.{short_name}"


def tracked_event_names():
    """Every event name this block may emit (for event-routing-backends' allow lists)."""
    return [event_name(short_name) for short_name in DEFAULT_TRACKING_EVENTS]


def enabled_events(settings):
    """The short names the operator's settings let through."""
    if not settings.get("TRACKING_EVENTS_ENABLED", True):
        return frozenset()
    chosen = {**DEFAULT_TRACKING_EVENTS, **(settings.get("TRACKING_EVENTS") or {})}
    return frozenset(name for name, on in chosen.items() if on and name in DEFAULT_TRACKING_EVENTS)


def _session(state):
    return (state or {}).get("session")


def _started(before, after):
    """The first commit of a session: the launcher opened it, nothing was committed in it yet."""
    session = _session(before)
    return (session is not None and not session.get("commits")) or (session is None and _session(after) is not None
                                                                      and not (before or {}).get("seq"))


def _ended(before, after):
    return _session(before) is not None and _session(after) is None


def _changed_interactions(before, after, patterns):
    old, new = (before or {}).get("data", {}), (after or {}).get("data", {})
    return [(name, value) for name, value in sorted(new.items())
            if old.get(name) != value and any(fnmatchcase(name, pattern) for pattern in patterns)]


def _tracked(value):
    return str(value)[:MAX_TRACKED_VALUE_LENGTH]


def interaction_details(data, element):
    """What the state says of the interaction `element` belongs to (id, type, correct response patterns...), for
    an interacted event; None for an element outside cmi.interactions."""
    match = INTERACTION_ELEMENT.match(element)
    if not match:
        return None
    prefix = match.group(0)
    details = {field: _tracked(data[prefix + name]) for field, names in INTERACTION_FIELDS.items()
               for name in names if prefix + name in data}
    patterns = (data.get(f"{prefix}correct_responses.{index}.pattern") for index in range(MAX_TRACKED_PATTERNS))
    details["correct_responses"] = [_tracked(pattern) for pattern in patterns if pattern is not None]
    return details


def _interacted(name, value, data):
    event = {"cmi_element": name, "value": _tracked(value)}
    interaction = interaction_details(data, name)
    if interaction is not None:
        event["interaction"] = interaction
    return event


def commit_events(standard, before, after, *, settings, derive_settings=None, weight=1.0, has_score=True):
    """[(short name, data)] a commit that turned `before` into `after` (one SCO's states) gives rise to, in the
    order they happened: initialized, interacted..., scored, completed, passed/failed, terminated."""
    enabled = enabled_events(settings)
    if not enabled:
        return []
    derive_settings = {name: value for name, value in (derive_settings or {}).items() if name in DERIVE_SETTINGS}
    old, new = derive(standard, before, **derive_settings), derive(standard, after, **derive_settings)
    fraction = scoring.grade_fraction(new)
    score = ({"scaled_score": new["score"], "weighted_score": (fraction or 0) * weight, "max_score": weight}
             if has_score else {})
    statuses = {"completion_status": new["completion"], "success_status": new["success"]}
    events = []
    if _started(before, after):
        events.append((INITIALIZED, {"completion_status": old["completion"], "success_status": old["success"]}))
    patterns = settings.get("TRACKING_INTERACTION_ELEMENTS") or DEFAULT_INTERACTION_ELEMENTS
    events += [(INTERACTED, _interacted(name, value, (after or {}).get("data", {})))
               for name, value in _changed_interactions(before, after, patterns)]
    if new["score"] is not None and new["score"] != old["score"]:
        events.append((SCORED, score))
    if new["completion"] == "completed" and old["completion"] != "completed":
        events.append((COMPLETED, {"completion_status": new["completion"], **score}))
    if new["success"] in (PASSED, FAILED) and new["success"] != old["success"]:
        events.append((new["success"], {"success_status": new["success"], **score}))
    if _ended(before, after):
        duration = ((after or {}).get("all_time", 0) - (before or {}).get("all_time", 0)) / 100
        events.append((TERMINATED, {**statuses, "duration": duration, **score}))
    return [(name, data) for name, data in events if name in enabled]


def publish(block, short_name, data):
    """Publish one event through the runtime; tracking never gets in the learner's way."""
    standard = block.runtime_standard()
    payload = {"block_id": str(block.scope_ids.usage_id), "scorm_version": EVENT_SCORM_VERSION.get(standard, ""),
               "package_sha1": block.package_sha1, **data}
    try:
        block.runtime.publish(block, event_name(short_name), payload)
    except Exception:  # pylint: disable=broad-except  # the runtime's tracker: the one guarded call site
        log.exception("Tracking event %s of SCORM block %s not published", short_name, payload["block_id"])


def emit_commit_events(block, standard, before_state, after_state, item=None):
    """Publish what one SCO's commit means (see commit_events), with the block's settings and grading."""
    events = commit_events(standard, before_state, after_state, settings=block.block_settings(),
                           derive_settings=block.item_settings(standard, item) if item else block.item_settings(
                               standard),
                           weight=block.weight, has_score=block.has_score)
    for short_name, data in events:
        publish(block, short_name, data)
    return events


def is_enabled(settings, short_name):
    """Whether one event is emitted; an event outside the defaults (a staff reset) is on unless turned off."""
    if short_name in DEFAULT_TRACKING_EVENTS:
        return short_name in enabled_events(settings)
    return bool(settings.get("TRACKING_EVENTS_ENABLED", True)) and bool(
        (settings.get("TRACKING_EVENTS") or {}).get(short_name, True))


def emit_named_event(block, short_name, data):
    """Publish an event that is not derived from a commit (an attempt reset), when the settings allow it."""
    if is_enabled(block.block_settings(), short_name):
        publish(block, short_name, data)


class TrackingMixin:
    """Emits the tracking events of each commit, after the player has published the grade and completion."""

    def publish_outcome(self, before, after, published=None):
        published = super().publish_outcome(before, after, published)
        standard = self.runtime_standard()
        if standard is None:
            return published
        for identifier, sco in after.scos.items():
            old = before.scos.get(identifier, {}).get("state") or {}
            if sco["state"] != old:
                emit_commit_events(self, standard, old, sco["state"], sco.get("item"))
        return published
