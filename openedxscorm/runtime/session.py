"""Session boundaries: what Initialize and Terminate change in the stored state beyond the data itself.

A session's time is added to total_time exactly once, when the session ends: from the last session_time
the SCO committed, else measured by the server between the session's start and its end (or its last
commit). The exit of the session decides the next launch's entry. Ending a session twice changes nothing.
"""
from .datamodel import standard_of
from .launch import with_objectives
from .loading import TIME_LIMIT, loaded
from .timespan import PARSERS
from .vocab import DEFAULT_ENTRY, ENTRY_AFTER_EXIT, ENTRY_AFTER_OTHER_EXIT, SCORM2004

# A 2004 session that ends without "suspend" ends the learner attempt (RTE, cmi.exit and cmi.entry): the
# next launch starts a new attempt with a fresh data model. SCORM 1.2 has no attempts: its data carries
# over every launch.
NEW_ATTEMPT_ON_ENTRY = {SCORM2004: DEFAULT_ENTRY}


def _session_elements(spec):
    return {name for name, element in spec.elements.items() if element.session}


def _measured(session, now):
    started, ended = session.get("started_at"), now if now is not None else session.get("last_commit_at")
    if started is None or ended is None or ended < started:
        return 0
    return min(round((ended - started) * 100), TIME_LIMIT)


def finish_session(standard, state, exit_value=None, *, now=None):
    """Close the open session (Terminate / LMSFinish): add its time, set the next entry, drop its
    session-only elements. `exit_value` overrides the committed exit; `now` ends the measured time."""
    spec = standard_of(standard)
    if not (isinstance(state, dict) and state.get("session")):
        return state
    state = loaded(spec, state)
    if not state["session"]:
        return state  # a session that broke the rules is no session to end
    session, data = state["session"], state["data"]
    state["session"] = None
    if not session.get("commits") and exit_value is None:
        return state  # the SCO never committed: nothing happened that could change the next launch
    exit_value = exit_value if exit_value is not None else data.get(spec.exit, "")
    committed_time = data.get(spec.session_time)
    centiseconds = PARSERS[spec.name](committed_time) if committed_time is not None else None
    if centiseconds is None:
        centiseconds = _measured(session, now)
    state["total_time"] = min(state["total_time"] + centiseconds, TIME_LIMIT)
    state["all_time"] = min(state["all_time"] + centiseconds, TIME_LIMIT)
    state["sessions"] += 1
    state["entry"] = ENTRY_AFTER_EXIT[spec.name].get(exit_value, ENTRY_AFTER_OTHER_EXIT[spec.name])
    state["last_exit"] = exit_value
    state["attempt_ended"] = NEW_ATTEMPT_ON_ENTRY.get(spec.name) == state["entry"]
    for name in _session_elements(spec):
        data.pop(name, None)
    return state


def start_session(standard, state, *, now=None, objective_ids=()):
    """Open a session (the SCO's Initialize): end a session left open by a closed tab, in 2004 start a new
    attempt when the last session did not suspend, and give the data the manifest's objectives."""
    state = loaded(standard_of(standard), finish_session(standard, state))
    if state["attempt_ended"]:
        state.update(data={}, total_time=0, attempt=state["attempt"] + 1, attempt_ended=False)
    state["data"] = with_objectives(standard, state["data"], objective_ids)
    state["session"] = {"started_at": now, "last_commit_at": None, "commits": 0}
    return state
