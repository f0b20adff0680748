"""The element tables are consistent with each other and with the value checks."""
import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openedxscorm.runtime import CommitRejected, apply_commit, format_scorm2004, parse_scorm2004
from openedxscorm.runtime.datamodel import STANDARDS
from openedxscorm.runtime.elements import KEYWORD, READ_ONLY, WRITE_ONLY
from openedxscorm.runtime.errors import REASON_CODES, SCORM12_ERRORS, SCORM2004_ERRORS
from openedxscorm.runtime.errors import CommitRejected as Rejected
from openedxscorm.runtime.timespan import LIMITS
from openedxscorm.runtime.valuetypes import CHECKS
from openedxscorm.runtime.vocab import SCORM2004

ERROR_TABLES = {"1.2": SCORM12_ERRORS, "2004": SCORM2004_ERRORS}


@pytest.mark.parametrize("standard", sorted(STANDARDS))
def test_element_rows_are_well_formed(standard):
    spec = STANDARDS[standard]
    for pattern, element in spec.elements.items():
        assert element.type in CHECKS, pattern
        with_vocabulary = element.type in ("vocabulary", "result12", "result2004", "nav_request")
        assert with_vocabulary == bool(element.vocab), pattern
        assert pattern.split(".")[-1].startswith("_") == (element.access == KEYWORD), pattern
        entry = pattern[:pattern.rfind(".n.") + 2]
        for leaf in element.requires:
            assert f"{entry}.{leaf}" in spec.elements, (pattern, leaf)
    for collection in spec.collections:
        assert any(p.startswith(collection + ".n.") for p in spec.elements), collection
        assert collection + "._count" in spec.elements, collection
    for element in spec.launch_elements.values():
        assert spec.elements[element].access == READ_ONLY, element
    for name in (spec.exit, spec.session_time):
        assert spec.elements[name].access == WRITE_ONLY and spec.elements[name].session
    for parent, required in spec.parent_requires.items():
        assert parent in spec.collections and all(r in spec.elements for r in required)


@pytest.mark.parametrize("standard", sorted(STANDARDS))
def test_every_reason_has_a_code_of_the_standard(standard):
    for reason, codes in REASON_CODES.items():
        assert codes[standard] in ERROR_TABLES[standard], reason
        assert reason in Rejected.MESSAGES


_WRITABLE = {
    standard: sorted(p for p, e in spec.elements.items() if e.access not in (KEYWORD, READ_ONLY))
    for standard, spec in STANDARDS.items()
}
_INDEX = st.integers(min_value=0, max_value=2).map(str)
_VALUE = st.one_of(
    st.sampled_from(["", "0", "1", "-1", "0.5", "150", "completed", "passed", "suspend", "choice", "true", "PT1S",
                     "00:00:01", "q1", "obj 1", "{lang=en}x", "2024-01-01"]),
    st.text(max_size=20),
)


def _change(standard):
    pattern = st.sampled_from(_WRITABLE[standard])
    return st.tuples(pattern, st.lists(_INDEX, min_size=2, max_size=2), _VALUE).map(
        lambda t: (t[0].replace(".n.", f".{t[1][0]}.", 1).replace(".n.", f".{t[1][1]}.", 1), t[2]))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), standard=st.sampled_from(sorted(STANDARDS)))
def test_commits_are_all_or_nothing(data, standard):
    state = None
    for seq in range(1, 4):
        changes = data.draw(st.lists(_change(standard), max_size=6))
        before = copy.deepcopy(state)
        try:
            result = apply_commit(standard, state, changes, seq=seq)
        except CommitRejected as refusal:
            assert state == before
            assert refusal.element in [name for name, _ in changes]
            continue
        for name, value in dict(changes).items():
            assert result.state["data"][name] == value
        state = result.state


@given(st.integers(min_value=0, max_value=LIMITS[SCORM2004]))
def test_scorm2004_durations_round_trip(centiseconds):
    assert parse_scorm2004(format_scorm2004(centiseconds)) == centiseconds
