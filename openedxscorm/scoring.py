"""From what the run-time derived (runtime.derive) to what Open edX records: a grade and a completion.

Knows nothing of XBlock: the block publishes what these functions return.
"""
from dataclasses import dataclass

# Studio setting completion_on: when a learner's attempt counts as complete.
COMPLETION_ON_STATUS = "status"        # the package reports completed, or an evaluation (passed or failed)
COMPLETION_ON_TERMINATE = "terminate"  # also as soon as a session ends (packages that never report a status)
COMPLETION_ON_CHOICES = (COMPLETION_ON_STATUS, COMPLETION_ON_TERMINATE)

COMPLETE_WHEN_COMPLETION = ("completed",)
COMPLETE_WHEN_SUCCESS = ("passed", "failed")
# A package that reports success without any score: the grade it earns.
GRADE_OF_SUCCESS = {"passed": 1.0, "failed": 0.0}


@dataclass(frozen=True)
class Outcome:
    """What one learner's state is worth: grade fraction 0..1 (None: nothing to grade yet), completion 0..1."""

    grade: float | None
    completion: float


def grade_fraction(derived):
    """score when the package gave one, else 1 for passed and 0 for failed, else None."""
    if derived.get("score") is not None:
        return derived["score"]
    return GRADE_OF_SUCCESS.get(derived.get("success"))


def completion_fraction(derived, *, completion_on=COMPLETION_ON_STATUS, sessions=0):
    """1.0 when complete; else the 2004 progress_measure as partial progress; else 0."""
    complete = (derived.get("completion") in COMPLETE_WHEN_COMPLETION
                or derived.get("success") in COMPLETE_WHEN_SUCCESS
                or (completion_on == COMPLETION_ON_TERMINATE and sessions > 0))
    if complete:
        return 1.0
    progress = derived.get("progress")
    return min(max(float(progress), 0.0), 1.0) if progress is not None else 0.0


def outcome(derived, *, completion_on=COMPLETION_ON_STATUS, sessions=0):
    return Outcome(grade_fraction(derived), completion_fraction(derived, completion_on=completion_on,
                                                                sessions=sessions))
