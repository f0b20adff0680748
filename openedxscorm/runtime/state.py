"""The learner's stored run-time state: one JSON-able dict per learner and block.

    data        element -> value, as the SCO committed them (session elements until the session ends)
    seq         sequence number of the last applied commit
    entry       cmi.(core.)entry of the next launch
    total_time  centiseconds: all sessions (1.2) or the current attempt's sessions (2004)
    all_time    centiseconds over every session and attempt
    attempt     attempt number
    attempt_ended  the last session ended the attempt (2004, exit other than suspend): the next launch
                starts attempt + 1 with fresh data
    sessions    sessions finished so far
    last_exit   exit value of the last finished session
    session     the open session: started_at, last_commit_at (seconds, caller's clock), commits; else None
"""
import json

from .vocab import DEFAULT_ENTRY

STATE_VERSION = 1


def blank_state():
    return {
        "version": STATE_VERSION, "data": {}, "seq": 0, "entry": DEFAULT_ENTRY, "total_time": 0, "all_time": 0,
        "attempt": 1, "attempt_ended": False, "sessions": 0, "last_exit": None, "session": None,
    }


def state_size(state):
    """Bytes of the state as stored (compact UTF-8 JSON), the measure MAX_STATE_SIZE caps."""
    return len(json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
