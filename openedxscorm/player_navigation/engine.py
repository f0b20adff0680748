"""What the browser's sequencing engine (scorm-again's, in the launcher) is given and what it leaves behind.

The engine decides which SCO a navigation request delivers. It starts from the activity tree built from the
manifest and from the state it serialized the last time the learner navigated; that state is kept per learner
and per package version, as an opaque string the server only bounds in size. Grades and completion never come
from it: the server computes them from the SCOs' own committed data.
"""
from ..runtime.valuetypes import is_text
from ..sequencing.engine_tree import engine_activity_tree
from ..sequencing.tree import defines_sequencing
from ..sequencing.vocab import BROWSER_ENGINE_HANDLES

# Standards whose browser API carries the sequencing engine (scorm-again's SCORM 1.2 API has none).
ENGINE_STANDARDS = ("2004",)

# Why a posted engine state is refused -> HTTP status and English reason.
STATE_REFUSALS = {
    "malformed": (400, "The sequencing state must be a JSON object with a string `state` of characters."),
    "too_large": (413, "The sequencing state is larger than MAX_STATE_SIZE."),
}


def uses_engine(standard, items):
    """Whether the launcher lets the engine choose SCOs: a SCORM 2004 package with several of them."""
    return standard in ENGINE_STANDARDS and len(items) > 1


def ignored_by_player(unsupported, standard, items):
    """The server-unsupported sequencing names nothing honours: less what the browser engine runs, if it runs."""
    handled = BROWSER_ENGINE_HANDLES if uses_engine(standard, items) else ()
    return [name for name in unsupported if name not in handled]


def activity_tree(manifest):
    """The engine's `activityTree` for the package (flow and choice everywhere when it has no IMS SS data)."""
    return engine_activity_tree(manifest, sequenced=defines_sequencing(manifest))


def saved_state(record, package_sha1):
    """The engine state saved for this package version, else "" (a new package starts a new session)."""
    record = record or {}
    return record.get("state", "") if record.get("package") == package_sha1 else ""


def state_record(payload, package_sha1, limit):
    """(record to store, refusal code or None) for a posted {"state": "..."}."""
    state = payload.get("state") if isinstance(payload, dict) else None
    if not isinstance(state, str) or set(payload) != {"state"} or not is_text(state):
        return None, "malformed"
    if len(state.encode("utf-8")) > limit:
        return None, "too_large"
    return {"package": package_sha1, "state": state}, None
