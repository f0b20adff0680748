"""Strict and bounded values: ASCII digits only, strict time spans and durations, integers within JavaScript's
safe range, and the value-level inputs that once crashed the server (lone surrogates, 5,000-digit indexes,
30-digit durations) refused with the element named and nothing stored."""
import copy

import pytest

from openedxscorm.runtime import CommitRejected, apply_commit, blank_state, validate_set
from openedxscorm.runtime.vocab import MAX_SAFE_INTEGER

OK = 0

# (standard, element, value, SCORM error code)
STRICT_CASES = [
    # ASCII digits only: fullwidth and Arabic-Indic digits are no number
    ("1.2", "cmi.core.score.raw", "\uff15\uff10", 405),
    ("1.2", "cmi.core.score.raw", "\u0665\u0660", 405),
    ("1.2", "cmi.core.score.raw", "50\n", 405),
    ("1.2", "cmi.student_preference.audio", "\u0665", 405),
    ("2004", "cmi.score.raw", "\uff15\uff10", 406),
    ("2004", "cmi.score.raw", "\u0665\u0660", 406),
    ("2004", "cmi.score.scaled", "0.\u0665", 406),
    ("2004", "cmi.session_time", "P\u0665Y", 406),
    ("2004", "cmi.comments_from_learner.0.timestamp", "\u0662\u0660\u0662\u0664", 406),
    ("1.2", "cmi.interactions.0.time", "\u0661\u0660:00:00", 405),
    # bounded numbers: at most 10 integer digits, 18 decimals
    ("2004", "cmi.score.raw", "9999999999.5", OK),
    ("2004", "cmi.score.raw", "99999999999", 406),
    ("2004", "cmi.score.raw", "9" * 5000, 406),
    ("2004", "cmi.score.raw", "0." + "1" * 18, OK),
    ("2004", "cmi.score.raw", "0." + "1" * 19, 406),
    ("2004", "cmi.learner_preference.delivery_speed", "1" * 400, 406),
    ("1.2", "cmi.interactions.0.weighting", "9" * 320, 405),
    ("1.2", "cmi.student_preference.speed", "9" * 5000, 405),
    # SCORM 1.2 HHHH:MM:SS.SS: 2 to 4 hour digits, minutes and seconds under 60
    ("1.2", "cmi.core.session_time", "9999:59:59.99", OK),
    ("1.2", "cmi.core.session_time", "99999:99:99", 405),
    ("1.2", "cmi.core.session_time", "0000:99:00", 405),
    ("1.2", "cmi.core.session_time", "0000:00:60", 405),
    ("1.2", "cmi.core.session_time", "9" * 320 + ":00:00", 405),
    ("1.2", "cmi.interactions.0.latency", "00:60:00", 405),
    # SCORM 2004 durations: at least one component, within timeinterval (second,10,2)
    ("2004", "cmi.session_time", "P", 406),
    ("2004", "cmi.session_time", "PT", 406),
    ("2004", "cmi.session_time", "P1DT", 406),
    ("2004", "cmi.session_time", "PT0S", OK),
    ("2004", "cmi.session_time", "PT9999999999.99S", OK),
    ("2004", "cmi.session_time", "P9999999999Y", 407),
    ("2004", "cmi.session_time", "P" + "9" * 30 + "Y", 406),
    ("2004", "cmi.session_time", "PT" + "9" * 40 + "S", 406),
    ("2004", "cmi.interactions.0.latency", "P", 406),
]


@pytest.mark.parametrize("standard,element,value,expected", STRICT_CASES)
def test_strict_values(standard, element, value, expected):
    state = blank_state()
    if element.startswith("cmi.interactions.0.") or element.startswith("cmi.comments_from_learner.0."):
        leaf = "cmi.interactions.0.id" if "interactions" in element else None
        if leaf:
            state = apply_commit(standard, state, [(leaf, "q1")], seq=1).state
    try:
        validate_set(standard, state, element, value)
    except CommitRejected as refusal:
        assert refusal.element == element
        assert refusal.scorm_code == expected, refusal.code
        return
    assert expected == OK


def _refused(standard, state, changes, seq=None):
    """The refusal of a commit, after checking the stored state was left exactly as it was."""
    before = copy.deepcopy(state)
    with pytest.raises(CommitRejected) as refusal:
        apply_commit(standard, state, changes, seq=(state or {}).get("seq", 0) + 1 if seq is None else seq)
    assert state == before
    return refusal.value


@pytest.mark.parametrize("standard,element", [("1.2", "cmi.core.lesson_location"), ("2004", "cmi.location"),
                                              ("2004", "cmi.suspend_data")])
def test_a_lone_surrogate_in_a_value_is_refused_naming_the_element(standard, element):
    refusal = _refused(standard, blank_state(), [(element, "page \ud800 3")])
    assert (refusal.element, refusal.code) == (element, "type_mismatch")


def test_a_lone_surrogate_in_an_element_name_is_refused():
    refusal = _refused("2004", blank_state(), [("cmi.loc\udfffation", "x")])
    assert refusal.code in ("undefined", "bad_commit")
    assert "\\udfff" in refusal.render()  # named, escaped: the message can be logged and sent as JSON


@pytest.mark.parametrize("standard", ["1.2", "2004"])
def test_an_interaction_index_of_5000_digits_is_an_index_gap(standard):
    element = f"cmi.interactions.{'9' * 5000}.id"
    refusal = _refused(standard, blank_state(), [(element, "q1")])
    assert (refusal.element, refusal.code) == (element, "index_gap")


def test_an_index_beyond_the_safe_integers_is_an_index_gap_even_after_many_entries():
    refusal = _refused("2004", blank_state(), [(f"cmi.objectives.{MAX_SAFE_INTEGER + 1}.id", "o")])
    assert refusal.code == "index_gap"


def test_a_2004_duration_of_30_digits_is_refused_and_never_reaches_total_time():
    refusal = _refused("2004", blank_state(), [("cmi.session_time", "PT" + "9" * 30 + "S")])
    assert (refusal.element, refusal.code) == ("cmi.session_time", "type_mismatch")


def test_the_320_nines_session_time_is_refused_naming_it():
    refusal = _refused("1.2", blank_state(), [("cmi.core.lesson_status", "completed"),
                                              ("cmi.core.session_time", "9" * 320 + ":00:00")])
    assert refusal.element == "cmi.core.session_time"
    assert "cmi.core.session_time" in refusal.render()


@pytest.mark.parametrize("seq", [MAX_SAFE_INTEGER + 1, 2 ** 64, -(MAX_SAFE_INTEGER + 1), 1.0, "1", True])
def test_seq_must_be_an_integer_within_javascripts_safe_range(seq):
    refusal = _refused("2004", blank_state(), [("cmi.location", "x")], seq=seq)
    assert (refusal.element, refusal.code) == ("seq", "bad_commit")


def test_seq_at_the_top_of_the_safe_range_is_accepted():
    result = apply_commit("2004", blank_state(), [("cmi.location", "x")], seq=MAX_SAFE_INTEGER)
    assert result.applied and result.state["seq"] == MAX_SAFE_INTEGER
