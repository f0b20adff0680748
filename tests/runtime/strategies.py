"""Hypothesis strategies for stored learner states that break the rules: what an older version, a hand edit or a
bug could have left in storage, shaped enough like a real state to reach every reader of it."""
from hypothesis import strategies as st

from openedxscorm.runtime.datamodel import STANDARDS

INDEXES = ("0", "1", "3", "00", "9" * 17, "9" * 5000, "\u0661", "-1")
JUNK_TEXT = ("", "9" * 320 + ":00:00", "P" + "9" * 40 + "Y", "\ud800", "\uff15\uff10", "\u0665\u0660", "P", "PT",
             "99999:99:99", "1e400", "NaN", "-0", "x" * 300, "passed", "completed", "resume", "suspend")
NUMBERS = st.one_of(st.integers(), st.integers(min_value=-(10 ** 400), max_value=10 ** 400),
                    st.floats(allow_nan=True, allow_infinity=True), st.booleans())
JSON_LEAVES = st.one_of(st.none(), NUMBERS, st.text(max_size=6), st.sampled_from(JUNK_TEXT))
JSON = st.recursive(JSON_LEAVES, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)


def _concrete(pattern, index):
    return ".".join(index if segment == "n" else segment for segment in pattern.split("."))


ELEMENT_NAMES = st.one_of(
    st.builds(_concrete, st.sampled_from(sorted({name for spec in STANDARDS.values() for name in spec.elements})),
              st.sampled_from(INDEXES)),
    st.text(max_size=12), st.sampled_from(("cmi.\ud800", "cmi.interactions.n.id", "")),
)
ELEMENT_VALUES = st.one_of(st.sampled_from(JUNK_TEXT), st.text(max_size=8), NUMBERS, st.none(),
                           st.from_regex(r"-?[0-9]{1,3}(\.[0-9]{1,3})?", fullmatch=True),
                           st.from_regex(r"[0-9]{2}:[0-9]{2}:[0-9]{2}", fullmatch=True), JSON)
SESSION = st.one_of(st.none(), JSON, st.fixed_dictionaries({"note": JSON}, optional={
    "started_at": st.one_of(NUMBERS, st.none(), st.text(max_size=3)),
    "last_commit_at": st.one_of(NUMBERS, st.none()),
    "commits": st.one_of(NUMBERS, st.text(max_size=3)),
}))
BOOKKEEPING = {
    "seq": NUMBERS, "entry": st.one_of(st.sampled_from(("ab-initio", "resume", "", "bogus")), JSON),
    "total_time": NUMBERS, "all_time": NUMBERS, "attempt": NUMBERS, "attempt_ended": JSON, "sessions": NUMBERS,
    "last_exit": JSON, "session": SESSION, "version": JSON,
}

STORED_STATES = st.one_of(
    st.fixed_dictionaries({}, optional={
        "data": st.one_of(st.dictionaries(ELEMENT_NAMES, ELEMENT_VALUES, max_size=12), JSON), **BOOKKEEPING}),
    JSON,
)
# A block's learner fields: a first SCO's state, the others' by identifier, and 19.x fields beside them.
USER_STATES = st.one_of(
    st.fixed_dictionaries({}, optional={
        "scorm_state": st.one_of(STORED_STATES, st.builds(dict)),
        "sco_states": st.one_of(st.dictionaries(st.sampled_from(("sco-1", "sco-2", "sco-3", "x")), STORED_STATES,
                                                max_size=3), JSON),
        "sco_current": JSON,
        "scorm_data": st.one_of(st.dictionaries(ELEMENT_NAMES, ELEMENT_VALUES, max_size=5), JSON),
        "lesson_status": JSON, "success_status": JSON, "lesson_score": NUMBERS,
    }),
    JSON,
)
