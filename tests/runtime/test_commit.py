"""apply_commit: all or nothing, sequence numbers, size limits."""
import copy

import pytest

from openedxscorm.runtime import CommitRejected, apply_commit, blank_state, state_size
from openedxscorm.settings import DEFAULTS


@pytest.fixture(name="stored")
def stored_fixture():
    return apply_commit("1.2", blank_state(), [("cmi.core.lesson_location", "p1")], seq=3, now=100.0).state


def test_applies_changes_in_order_and_records_seq(stored):
    result = apply_commit("1.2", stored, [("cmi.core.lesson_location", "p2"), ("cmi.core.lesson_location", "p3")],
                          seq=4, now=110.0)
    assert result.applied
    assert result.state["data"]["cmi.core.lesson_location"] == "p3"
    assert result.state["seq"] == 4
    assert result.state["session"] == {"started_at": 100.0, "last_commit_at": 110.0, "commits": 2}


@pytest.mark.parametrize("bad_change", [
    ("cmi.core.student_id", "someone-else"),
    ("cmi.core.score.raw", "150"),
    ("cmi.core.lesson_status", "not attempted"),
    ("cmi.nothing", "x"),
])
def test_rejected_commit_leaves_state_untouched(stored, bad_change):
    before = copy.deepcopy(stored)
    changes = [("cmi.core.lesson_location", "p9"), ("cmi.core.score.raw", "50"), bad_change]
    with pytest.raises(CommitRejected) as refusal:
        apply_commit("1.2", stored, changes, seq=4)
    assert refusal.value.element == bad_change[0]
    assert stored == before


@pytest.mark.parametrize("seq", [3, 2, 0, -1])
def test_stale_or_repeated_seq_is_ignored(stored, seq):
    before = copy.deepcopy(stored)
    result = apply_commit("1.2", stored, [("cmi.core.lesson_location", "old")], seq=seq)
    assert not result.applied
    assert result.state == before


def test_stale_seq_is_ignored_even_when_invalid(stored):
    assert not apply_commit("1.2", stored, [("cmi.core.student_id", "x")], seq=1).applied


@pytest.mark.parametrize("changes,seq", [
    ([("cmi.core.lesson_location", "x")], "5"),
    ([("cmi.core.lesson_location", "x")], True),
    ([("cmi.core.lesson_location",)], 5),
    ({"cmi.core.lesson_location": "x"}, 5),
    ([(5, "x")], 5),
])
def test_malformed_commit_is_refused(stored, changes, seq):
    with pytest.raises(CommitRejected) as refusal:
        apply_commit("1.2", stored, changes, seq=seq)
    assert refusal.value.code == "bad_commit"


def test_suspend_data_limit_setting_is_honoured():
    big = "x" * 10000
    assert apply_commit("1.2", None, [("cmi.suspend_data", big)], seq=1).applied
    with pytest.raises(CommitRejected) as refusal:
        apply_commit("1.2", None, [("cmi.suspend_data", big)], seq=1, limits={"SCORM12_SUSPEND_DATA_LIMIT": 4096})
    assert (refusal.value.element, refusal.value.scorm_code) == ("cmi.suspend_data", 405)
    assert DEFAULTS["SCORM12_SUSPEND_DATA_LIMIT"] == 64000


def test_max_state_size_is_enforced(stored):
    limits = {"MAX_STATE_SIZE": 2000}
    assert apply_commit("1.2", stored, [("cmi.suspend_data", "x" * 1000)], seq=4, limits=limits).applied
    before = copy.deepcopy(stored)
    with pytest.raises(CommitRejected) as refusal:
        apply_commit("1.2", stored, [("cmi.core.lesson_location", "p"), ("cmi.suspend_data", "x" * 2000)],
                     seq=4, limits=limits)
    assert (refusal.value.code, refusal.value.element) == ("state_too_large", "cmi.suspend_data")
    assert refusal.value.params["limit"] == 2000
    assert stored == before


def test_state_size_counts_utf8_bytes():
    ascii_state = apply_commit("2004", None, [("cmi.location", "a" * 100)], seq=1).state
    wide_state = apply_commit("2004", None, [("cmi.location", "\u00e9" * 100)], seq=1).state
    assert state_size(wide_state) == state_size(ascii_state) + 100


def test_default_state_size_fits_a_full_scorm2004_suspend_data():
    result = apply_commit("2004", None, [("cmi.suspend_data", "\u20ac" * 64000)], seq=1)
    assert result.applied and state_size(result.state) <= DEFAULTS["MAX_STATE_SIZE"]


def test_commit_without_a_prior_state():
    result = apply_commit("2004", None, [("cmi.location", "here")], seq=1, now=5.0)
    assert result.state["data"] == {"cmi.location": "here"}
    assert result.state["session"]["started_at"] == 5.0


def test_a_flood_of_changes_is_stopped_early():
    flood = [("cmi.core.lesson_location", "x" * 200)] * 100
    with pytest.raises(CommitRejected) as refusal:
        apply_commit("1.2", None, flood, seq=1, limits={"MAX_STATE_SIZE": 5000})
    assert refusal.value.code == "state_too_large"
    assert apply_commit("1.2", None, flood[:10], seq=1, limits={"MAX_STATE_SIZE": 5000}).applied
