"""Block-level rollup: from every SCO's outcome to the one grade and completion Open edX records.

A package that defines IMS SS data is graded by its own rollup (the sequencing engine's root activity);
any other multi-SCO package by the Studio score method. Knows nothing of XBlock.
"""
from decimal import Decimal, InvalidOperation

from .runtime.derive import SCORE_DEFAULT_RANGE, SCORE_ELEMENTS
from .scoring import GRADE_OF_SUCCESS, Outcome

SCORE_AVERAGE, SCORE_HIGHEST, SCORE_SUM, SCORE_PASSED = "average", "highest", "sum", "passed"
SCORE_METHOD_CHOICES = (SCORE_AVERAGE, SCORE_HIGHEST, SCORE_SUM, SCORE_PASSED)


def _number(value):
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _points(standard, data):
    """(raw - min, max - min) of one SCO, with the 0..100 default range; no raw score counts as 0 points."""
    raw, low, high = (_number(data.get(name)) for name in SCORE_ELEMENTS[standard])
    low = SCORE_DEFAULT_RANGE[0] if low is None else low
    high = SCORE_DEFAULT_RANGE[1] if high is None else high
    if high <= low:
        return Decimal(0), Decimal(0)
    return (min(max(raw, low), high) - low if raw is not None else Decimal(0)), high - low


def _average(scos, standard):  # pylint: disable=unused-argument
    grades = [sco["outcome"].grade for sco in scos]
    return None if all(grade is None for grade in grades) else sum(grade or 0.0 for grade in grades) / len(grades)


def _highest(scos, standard):  # pylint: disable=unused-argument
    grades = [sco["outcome"].grade for sco in scos if sco["outcome"].grade is not None]
    return max(grades) if grades else None


def _sum(scos, standard):
    if all(sco["outcome"].grade is None for sco in scos):
        return None
    points = [_points(standard, sco["data"]) for sco in scos]
    possible = sum(total for _earned, total in points)
    return float(sum(earned for earned, _total in points) / possible) if possible else None


def _passed(scos, standard):  # pylint: disable=unused-argument
    if all(sco["derived"].get("success") == "unknown" for sco in scos):
        return None
    return sum(1 for sco in scos if sco["derived"].get("success") == "passed") / len(scos)


SCORE_METHODS = {SCORE_AVERAGE: _average, SCORE_HIGHEST: _highest, SCORE_SUM: _sum, SCORE_PASSED: _passed}


def by_score_method(scos, method, standard):
    """Outcome of the block from its SCOs, each {"derived", "outcome", "data"}: complete when every SCO is
    (partial completion is the share of complete ones), grade by the score method."""
    if not scos:
        return Outcome(None, 0.0)
    completion = sum(sco["outcome"].completion for sco in scos) / len(scos)
    return Outcome(SCORE_METHODS.get(method, _average)(scos, standard), completion)


def by_sequencing(root_status):
    """Outcome of the block from the root activity of an evaluated sequencing tree."""
    objective = root_status.primary_status
    if objective.measure is not None:
        grade = min(max(objective.measure, 0.0), 1.0)
    elif objective.known:
        grade = GRADE_OF_SUCCESS["passed" if objective.satisfied else "failed"]
    else:
        grade = None
    complete = root_status.progress_known and root_status.completed
    return Outcome(grade, 1.0 if complete else 0.0)
