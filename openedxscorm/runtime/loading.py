"""Reading a stored state defensively: whatever an older version, a hand edit or a bug left in storage, the
launcher, grading and staff reports get a state that follows the rules.

Each bookkeeping key is checked against a rule and replaced by its blank value when it breaks it; each
data element must be a writable element of the standard holding a value of its type, else it is dropped.
Lengths are not checked here: a limit lowered after the value was stored must not lose it, and the
whole state stays bounded by MAX_STATE_SIZE. Keys this module does not know are kept as they are when they
can be stored again as JSON.
"""
import copy
import json
from functools import lru_cache

from .elements import WRITABLE
from .names import BEYOND_SAFE_INDEX, resolve
from .state import blank_state
from .timespan import LIMITS
from .valuetypes import CHECKS, is_text
from .vocab import ENTRY_VALUES, MAX_SAFE_INTEGER, SCORM2004

# Times are centiseconds; no honest total comes near the longest 2004 duration (about 317 years).
TIME_LIMIT = LIMITS[SCORM2004]
# Session clocks are seconds since the epoch: anything beyond this (the year 5138) is not a time.
MOMENT_LIMIT = 10 ** 11


def _storable(value):
    """Whether a value of a key this module does not know can be stored again as JSON text."""
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, TypeError, RecursionError):  # UnicodeEncodeError is a ValueError
        return False
    return True


def _whole(low, high):
    return lambda value: isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _moment(value):
    """A time in seconds on the caller's clock, or None."""
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)
                             and -MOMENT_LIMIT <= value <= MOMENT_LIMIT)  # NaN compares False


def _session(value):
    return value is None or (isinstance(value, dict) and _moment(value.get("started_at"))
                             and _moment(value.get("last_commit_at"))
                             and _whole(0, MAX_SAFE_INTEGER)(value.get("commits", 0)) and _storable(value))


def _text(value):
    return isinstance(value, str) and is_text(value)


# key -> (rule its value must follow); a value breaking it is replaced by the blank state's.
KEY_RULES = {
    "seq": _whole(0, MAX_SAFE_INTEGER),
    "entry": lambda value: _text(value) and value in ENTRY_VALUES,
    "total_time": _whole(0, TIME_LIMIT),
    "all_time": _whole(0, TIME_LIMIT),
    "attempt": _whole(1, MAX_SAFE_INTEGER),
    "attempt_ended": lambda value: isinstance(value, bool),
    "sessions": _whole(0, MAX_SAFE_INTEGER),
    "last_exit": lambda value: value is None or _text(value),
    "session": _session,
    "version": _whole(1, MAX_SAFE_INTEGER),
}
# Keys a state may lack; one breaking its rule is dropped. The player's deliveries: nonces of its last pages.
OPTIONAL_KEY_RULES = {
    "deliveries": lambda value: isinstance(value, list) and all(_text(nonce) for nonce in value),
}


# Values up to this length have their verdict remembered: one request reads the same states several times.
REMEMBERED_VALUE_LENGTH = 256


def stored_value_ok(spec, name, value):
    """Whether `name` = `value` may stand in a stored state: a writable element, a value of its type."""
    if not (_text(name) and isinstance(value, str)):
        return False
    if len(value) <= REMEMBERED_VALUE_LENGTH:
        return _remembered_value_ok(spec, name, value)
    return _value_ok(spec, name, value)


@lru_cache(maxsize=65536)
def _remembered_value_ok(spec, name, value):
    return _value_ok(spec, name, value)


def _value_ok(spec, name, value):
    if not is_text(value):
        return False
    resolved = resolve(name)
    element = spec.elements.get(resolved.pattern) if resolved else None
    if element is None or element.access not in WRITABLE or BEYOND_SAFE_INDEX in resolved.indices:
        return False
    return CHECKS[element.type](value, element, None) is None


def loaded(spec, state):
    """A deep copy of `state` with the keys of a blank state, every one following its rule (see above)."""
    state = state if isinstance(state, dict) else {}
    blank = blank_state()
    clean = {key: copy.deepcopy(value) for key, value in state.items()
             if isinstance(key, str) and key not in KEY_RULES and key != "data"
             and OPTIONAL_KEY_RULES.get(key, _storable)(value)}
    for key, rule in KEY_RULES.items():
        clean[key] = copy.deepcopy(state[key]) if key in state and rule(state[key]) else blank[key]
    data = state.get("data")
    clean["data"] = {name: value for name, value in data.items() if stored_value_ok(spec, name, value)} \
        if isinstance(data, dict) else {}
    return clean
