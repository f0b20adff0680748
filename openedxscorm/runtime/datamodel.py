"""What SetValue and a commit may store: every element checked against its standard's table.

The server never trusts the browser: a commit is replayed change by change on a copy of the stored
state, and either every change is accepted or the stored state is left exactly as it was.
"""
from dataclasses import dataclass

from openedxscorm.settings import DEFAULTS

from . import scorm12, scorm2004
from .elements import KEYWORD, READ_ONLY
from .errors import CommitRejected
from .loading import loaded
from .names import resolve
from .state import state_size
from .valuetypes import CHECKS, is_text
from .vocab import MAX_SAFE_INTEGER, SCORM12, SCORM2004


@dataclass(frozen=True, eq=False)
class Standard:
    """One standard's tables, looked up by its name ("1.2" or "2004")."""

    name: str
    elements: dict
    collections: dict
    parent_requires: dict
    launch_elements: dict
    exit: str
    session_time: str
    suspend_data: str


STANDARDS = {
    SCORM12: Standard(SCORM12, scorm12.ELEMENTS, scorm12.COLLECTIONS, {}, scorm12.LAUNCH_ELEMENTS,
                      scorm12.EXIT, scorm12.SESSION_TIME, scorm12.SUSPEND_DATA),
    SCORM2004: Standard(SCORM2004, scorm2004.ELEMENTS, scorm2004.COLLECTIONS, scorm2004.PARENT_REQUIRES,
                        scorm2004.LAUNCH_ELEMENTS, scorm2004.EXIT, scorm2004.SESSION_TIME, scorm2004.SUSPEND_DATA),
}


def standard_of(name):
    try:
        return STANDARDS[name]
    except KeyError:
        raise ValueError(f"unknown SCORM standard {name!r}; expected one of {sorted(STANDARDS)}") from None


class Draft:
    """Data being changed, with the size of every collection kept up to date so each change is O(1)."""

    def __init__(self, standard, data):
        self.standard = standard
        self.data = dict(data)
        self.counts = {}
        for name in self.data:
            self._count(name)

    def _count(self, name):
        resolved = resolve(name)
        if resolved is None:
            return
        for _collection, prefix, index in resolved.levels(self.standard):
            self.counts[prefix] = max(self.counts.get(prefix, 0), index + 1)

    def set(self, name, value):
        self.data[name] = value
        self._count(name)


def _refuse(standard, code, name, **params):
    raise CommitRejected(code, element=name, standard=standard.name, **params)


def _check_access(standard, name, resolved):
    if not name:
        _refuse(standard, "empty_element", name)
    element = standard.elements.get(resolved.pattern) if resolved else None
    if element is None:
        _refuse(standard, "undefined", name)
    if element.access == KEYWORD:
        _refuse(standard, "keyword", name)
    if element.access == READ_ONLY:
        _refuse(standard, "read_only", name)
    return element


def _check_collections(standard, draft, name, resolved, element):
    """Entries are added one index at a time; in 2004 an entry's leaves need its id (and parents) first."""
    levels = resolved.levels(standard)
    for depth, (collection, prefix, index) in enumerate(levels):
        if index > draft.counts.get(prefix, 0):
            _refuse(standard, "index_gap", name)
        for required in standard.parent_requires.get(collection, ()):
            concrete = _concrete(required, resolved.indices[:depth + 1])
            if concrete not in draft.data:
                _refuse(standard, "dependency", name, required=concrete)
    if not levels:
        return
    collection, prefix, index = levels[-1]
    entry = f"{prefix}.{index}"
    for leaf in element.requires:
        if f"{entry}.{leaf}" not in draft.data:
            _refuse(standard, "dependency", name, required=f"{entry}.{leaf}")


def _concrete(pattern, indices):
    """cmi.interactions.n.id with (3,) -> cmi.interactions.3.id."""
    values = iter(indices)
    return ".".join(str(next(values)) if segment == "n" else segment for segment in pattern.split("."))


def _check_identity(standard, draft, name, resolved, value):
    """2004 objective ids are unique and fixed once set."""
    levels = resolved.levels(standard)
    if not levels:
        return
    collection_name, prefix, index = levels[-1]
    collection = standard.collections[collection_name]
    if collection.id_leaf is None or name != f"{prefix}.{index}.{collection.id_leaf}":
        return
    current = draft.data.get(name)
    if collection.fixed_id and current is not None and current != value:
        _refuse(standard, "id_change", name)
    if collection.unique_id:
        for other in range(draft.counts.get(prefix, 0)):
            if other != index and draft.data.get(f"{prefix}.{other}.{collection.id_leaf}") == value:
                _refuse(standard, "duplicate_id", name)


def _check_value(standard, name, element, value, limits):
    if not isinstance(value, str) or not is_text(value):
        _refuse(standard, "type_mismatch", name)
    limit = limits.get(element.limit_setting, element.spm) if element.limit_setting else element.spm
    refusal = CHECKS[element.type](value, element, limit)
    if refusal:
        code, params = refusal
        _refuse(standard, code, name, **params)


def _check(standard, draft, name, value, limits):
    if not isinstance(name, str) or not is_text(name):
        _refuse(standard, "bad_commit", ascii(name))
    resolved = resolve(name)
    element = _check_access(standard, name, resolved)
    _check_collections(standard, draft, name, resolved, element)
    _check_value(standard, name, element, value, limits)
    _check_identity(standard, draft, name, resolved, value)


def _limits(limits):
    return {**DEFAULTS, **(limits or {})}


def validate_set(standard, state, element, value, *, limits=None):
    """Refuse (CommitRejected, with the standard's error code) what SetValue of `element` must refuse,
    given what `state` already holds; return None when the value may be stored."""
    standard = standard_of(standard)
    _check(standard, Draft(standard, (state or {}).get("data", {})), element, value, _limits(limits))


def load_state(standard, state):
    """A stored state read defensively (runtime/loading.py): anything breaking the rules replaced or dropped."""
    return loaded(standard_of(standard), state)


@dataclass(frozen=True)
class CommitResult:
    """The state after a commit, and whether it was applied (False: a stale or repeated sequence number)."""

    state: dict
    applied: bool


def apply_commit(standard, stored_state, changes, *, seq, limits=None, now=None):
    """Validate every change and return the new state; on any refusal raise CommitRejected and leave
    `stored_state` untouched. A commit whose `seq` is not above the last applied one is ignored."""
    spec = standard_of(standard)
    limits = _limits(limits)
    if isinstance(seq, bool) or not isinstance(seq, int) or abs(seq) > MAX_SAFE_INTEGER:
        _refuse(spec, "bad_commit", "seq")
    state = loaded(spec, stored_state)
    if seq <= state["seq"]:
        return CommitResult(stored_state, False)
    if not isinstance(changes, (list, tuple)) or not all(
            isinstance(change, (list, tuple)) and len(change) == 2 for change in changes):
        _refuse(spec, "bad_commit", "changes")
    limit = limits["MAX_STATE_SIZE"]
    draft = Draft(spec, state["data"])
    received = 0
    for name, value in changes:
        _check(spec, draft, name, value, limits)
        draft.set(name, value)
        received += len(name) + len(value)
        if received > 2 * limit:  # stop a flood early; the exact measure follows
            _refuse(spec, "state_too_large", name, limit=limit)
    state["data"] = draft.data
    state["seq"] = seq
    session = state["session"] or {"started_at": now, "last_commit_at": None, "commits": 0}
    state["session"] = {**session, "last_commit_at": now, "commits": session.get("commits", 0) + 1}
    if state_size(state) > limit:
        largest = max(changes, key=lambda change: len(change[1]), default=("", ""))[0]
        _refuse(spec, "state_too_large", largest, limit=limit)
    return CommitResult(state, True)
