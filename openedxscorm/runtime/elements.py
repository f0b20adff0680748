"""The shape of one data-model element declaration, shared by the SCORM 1.2 and 2004 tables."""
from dataclasses import dataclass

READ_ONLY = "read-only"
WRITE_ONLY = "write-only"
READ_WRITE = "read-write"
KEYWORD = "keyword"  # _children, _count, _version: answered by the API itself, never stored

WRITABLE = (READ_WRITE, WRITE_ONLY)


@dataclass(frozen=True)
class Element:
    """One element: its value type (a key of valuetypes.CHECKS), who may read or write it, and its limits.

    spm: smallest permitted maximum in characters, enforced as the upper limit of the string.
    limit_setting: a settings key that replaces spm (the relaxed SCORM 1.2 suspend_data limit).
    requires: sibling leaves (same collection entry) that must be set first, else "dependency".
    session: the value belongs to one session (exit, session_time); it is consumed when the session ends.
    """

    type: str
    access: str = READ_WRITE
    spm: int | None = None
    vocab: tuple = ()
    range: tuple | None = None
    limit_setting: str | None = None
    requires: tuple = ()
    session: bool = False


def keyword():
    return Element("keyword", KEYWORD)


@dataclass(frozen=True)
class Collection:
    """A list element (cmi.interactions.n...): entries are added in index order, the id leaf names each one.

    unique_id: ids must differ between entries (2004 objectives); fixed_id: a set id may not change.
    """

    id_leaf: str | None = "id"
    unique_id: bool = False
    fixed_id: bool = False
