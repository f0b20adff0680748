"""Collections (interactions, objectives, comments): index order, 2004 dependencies, identifiers."""
import pytest

from openedxscorm.runtime import CommitRejected, apply_commit, validate_set


def _state(standard, *changes):
    return apply_commit(standard, None, list(changes), seq=1).state if changes else None


def _code(standard, state, element, value):
    try:
        validate_set(standard, state, element, value)
    except CommitRejected as refusal:
        return refusal.scorm_code
    return 0


CASES = [
    # (standard, already stored, element, value, SCORM error code)
    ("1.2", [], "cmi.interactions.0.id", "q1", 0),
    ("1.2", [], "cmi.interactions.1.id", "q1", 201),
    ("1.2", [], "cmi.interactions.0.result", "correct", 0),  # 1.2 sets no order on an entry's leaves
    ("1.2", [("cmi.interactions.0.id", "q1")], "cmi.interactions.1.id", "q2", 0),
    ("1.2", [("cmi.interactions.0.id", "q1")], "cmi.interactions.0.objectives.1.id", "o", 201),
    ("1.2", [], "cmi.objectives.0.status", "passed", 0),
    ("1.2", [("cmi.objectives.0.id", "a")], "cmi.objectives.1.id", "a", 0),
    ("2004", [], "cmi.interactions.0.id", "q1", 0),
    ("2004", [], "cmi.interactions.1.id", "q1", 351),
    ("2004", [], "cmi.interactions.0.type", "choice", 408),
    ("2004", [], "cmi.interactions.0.objectives.0.id", "o1", 408),
    ("2004", [("cmi.interactions.0.id", "q1")], "cmi.interactions.0.type", "choice", 0),
    ("2004", [("cmi.interactions.0.id", "q1")], "cmi.interactions.0.learner_response", "a", 408),
    ("2004", [("cmi.interactions.0.id", "q1")], "cmi.interactions.0.correct_responses.0.pattern", "a", 408),
    ("2004", [("cmi.interactions.0.id", "q1"), ("cmi.interactions.0.type", "choice")],
     "cmi.interactions.0.correct_responses.0.pattern", "a", 0),
    ("2004", [("cmi.interactions.0.id", "q1"), ("cmi.interactions.0.type", "choice")],
     "cmi.interactions.0.learner_response", "a,b", 0),
    ("2004", [("cmi.interactions.0.id", "q1")], "cmi.interactions.0.objectives.0.id", "o1", 0),
    ("2004", [("cmi.interactions.0.id", "q1"), ("cmi.interactions.0.objectives.0.id", "o1")],
     "cmi.interactions.0.objectives.1.id", "o1", 351),
    ("2004", [("cmi.interactions.0.id", "q1")], "cmi.interactions.1.id", "q1", 0),  # interaction ids may repeat
    ("2004", [], "cmi.objectives.0.score.scaled", "0.5", 408),
    ("2004", [("cmi.objectives.0.id", "a")], "cmi.objectives.0.score.scaled", "0.5", 0),
    ("2004", [("cmi.objectives.0.id", "a")], "cmi.objectives.1.id", "a", 351),
    ("2004", [("cmi.objectives.0.id", "a")], "cmi.objectives.0.id", "a", 0),
    ("2004", [("cmi.objectives.0.id", "a")], "cmi.objectives.0.id", "b", 351),
    ("2004", [], "cmi.comments_from_learner.0.comment", "hi", 0),
    ("2004", [], "cmi.comments_from_learner.1.comment", "hi", 351),
]


@pytest.mark.parametrize("standard,stored,element,value,expected", CASES)
def test_collection_rules(standard, stored, element, value, expected):
    assert _code(standard, _state(standard, *stored), element, value) == expected


def test_a_commit_builds_entries_in_order():
    changes = [
        ("cmi.interactions.0.id", "q1"), ("cmi.interactions.0.type", "true-false"),
        ("cmi.interactions.0.learner_response", "true"), ("cmi.interactions.0.result", "correct"),
        ("cmi.interactions.1.id", "q2"), ("cmi.interactions.1.objectives.0.id", "o1"),
    ]
    state = apply_commit("2004", None, changes, seq=1).state
    assert state["data"] == dict(changes)


def test_out_of_order_commit_is_refused_whole():
    with pytest.raises(CommitRejected) as refusal:
        apply_commit("2004", None, [("cmi.interactions.0.type", "choice"), ("cmi.interactions.0.id", "q")], seq=1)
    assert (refusal.value.element, refusal.value.scorm_code) == ("cmi.interactions.0.type", 408)
    assert refusal.value.params["required"] == "cmi.interactions.0.id"
