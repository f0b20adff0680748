"""Staff results from stored learner states: one row per learner and SCO, their interactions and objectives,
and CSV streamed row by row. Knows nothing of XBlock: it reads the user_state dicts the platform stores.
"""
import csv
import io
import re
from dataclasses import dataclass

from . import legacy
from .runtime import SCORM12, derive, load_state

# Where a standard keeps its collections: element prefix, leaves shown for each entry.
INTERACTION_LEAVES = {
    SCORM12: ("id", "type", "student_response", "result", "correct_responses.0.pattern", "weighting", "latency",
              "time"),
    "2004": ("id", "type", "learner_response", "result", "correct_responses.0.pattern", "weighting", "latency",
             "timestamp", "description"),
}
OBJECTIVE_LEAVES = {
    SCORM12: ("id", "status", "score.raw", "score.min", "score.max"),
    "2004": ("id", "success_status", "completion_status", "score.scaled", "score.raw", "progress_measure",
             "description"),
}
SUSPEND_DATA = {SCORM12: "cmi.suspend_data", "2004": "cmi.suspend_data"}
INDEX = re.compile(r"cmi\.(interactions|objectives)\.([0-9]+)\.(.+)")

RESULT_COLUMNS = ("username", "email", "sco", "sco_title", "attempt", "completion", "success", "score",
                  "total_time_seconds", "sessions", "last_access", "suspend_data_size", "interactions", "objectives",
                  "package_sha1")
INTERACTION_COLUMNS = ("username", "email", "sco", "index", "id", "type", "response", "result", "correct_response",
                       "weighting", "latency", "time", "description")
# Learner-name columns of a CSV: a cell starting with one of these is quoted so spreadsheets do not run it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class StoredSco:
    """A SCO known only from stored state (its package version is no longer played): no title."""

    identifier: str
    title: str = ""


def _mapping(value):
    """A stored dict, or an empty one in place of anything else the storage holds."""
    return value if isinstance(value, dict) else {}


def block_states(user_state, standard):
    """(scorm_state, sco_states) of a learner's stored user_state, openedx-scorm-xblock's converted."""
    user_state = _mapping(user_state)
    scorm_state = _mapping(user_state.get("scorm_state"))
    if not scorm_state and any(name in user_state for name in ("scorm_data", "lesson_status", "lesson_score")):
        scorm_state = legacy.state_from_legacy(standard, user_state)
    return scorm_state, _mapping(user_state.get("sco_states"))


def sco_states_of(user_state, standard, first):
    """{identifier: state} of a learner's stored state: the learner state tables' per-SCO states (`scos`), else
    block fields of earlier releases or of openedx-scorm-xblock (the first SCO's in scorm_state)."""
    user_state = _mapping(user_state)
    if "scos" in user_state:
        return _mapping(user_state["scos"])
    scorm_state, sco_states = block_states(user_state, standard)
    return {**sco_states, first: scorm_state}


def entries(data, collection):
    """{index: {leaf: value}} of cmi.interactions or cmi.objectives, in index order."""
    found = {}
    for name, value in data.items():
        match = INDEX.fullmatch(name)
        if match and match.group(1) == collection:
            found.setdefault(int(match.group(2)), {})[match.group(3)] = value
    return dict(sorted(found.items()))


def _leaf(entry, *names):
    return next((entry[name] for name in names if name in entry), "")


def sco_results(standard, items, user_state, derive_settings=None):
    """One dict per SCO (items: launchable manifest items) of a learner's stored user_state."""
    states = sco_states_of(user_state, standard, items[0].identifier if items else "")
    rows = []
    for item in items:
        stored = states.get(item.identifier)
        state = load_state(standard, stored)
        data = state["data"]
        derived = derive(standard, state, **(derive_settings or {}).get(item.identifier, {}))
        interactions, objectives = entries(data, "interactions"), entries(data, "objectives")
        rows.append({
            "sco": item.identifier, "sco_title": item.title, "attempt": state["attempt"] if stored else 0,
            "completion": derived["completion"], "success": derived["success"], "score": derived["score"],
            "total_time_seconds": max(state["all_time"], state["total_time"]) / 100,
            "sessions": state["sessions"], "suspend_data_size": len(data.get(SUSPEND_DATA[standard], "")),
            "interactions": len(interactions), "objectives": len(objectives),
            "interaction_list": [{"index": index, **entry} for index, entry in interactions.items()],
            "objective_list": [{"index": index, **entry} for index, entry in objectives.items()],
        })
    return rows


def result_rows(standard, items, learners, derive_settings=None):
    """RESULT_COLUMNS rows, one per learner, package version and SCO; `learners` yields {username, email, modified,
    state} and, for a version other than the current one, its own `items` and `package_sha1`."""
    for learner in learners:
        for result in sco_results(standard, learner.get("items", items), learner["state"],
                                  derive_settings if "items" not in learner else None):
            yield [learner["username"], learner["email"], result["sco"], result["sco_title"], result["attempt"],
                   result["completion"], result["success"], "" if result["score"] is None else result["score"],
                   result["total_time_seconds"], result["sessions"], learner.get("modified") or "",
                   result["suspend_data_size"], result["interactions"], result["objectives"],
                   learner.get("package_sha1", "")]


def interaction_rows(standard, items, learners):
    """INTERACTION_COLUMNS rows, one per learner, SCO and interaction."""
    for learner in learners:
        for result in sco_results(standard, learner.get("items", items), learner["state"]):
            for entry in result["interaction_list"]:
                yield [learner["username"], learner["email"], result["sco"], entry["index"], _leaf(entry, "id"),
                       _leaf(entry, "type"), _leaf(entry, "learner_response", "student_response"),
                       _leaf(entry, "result"), _leaf(entry, "correct_responses.0.pattern"),
                       _leaf(entry, "weighting"), _leaf(entry, "latency"), _leaf(entry, "timestamp", "time"),
                       _leaf(entry, "description")]


def _safe_cell(value):
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def stream_csv(columns, rows):
    """CSV bytes, one encoded line at a time: a generator for webob's app_iter, never the whole file in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    yield buffer.getvalue().encode("utf-8")
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_safe_cell(value) for value in row])
        yield buffer.getvalue().encode("utf-8")
