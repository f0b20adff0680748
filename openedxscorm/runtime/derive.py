"""What the stored state means for the gradebook: completion, success, a score in [0, 1], time spent.

SCORM 1.2: lesson_status from the package; when it says neither passed nor failed, the mastery score
decides from score.raw (credit only). SCORM 2004 (4th edition rules, as the browser API reports them to the
SCO): a scaled_passing_score decides success from score.scaled, "unknown" without one; a
completion_threshold decides completion from progress_measure, "unknown" without one; otherwise the
package's own statuses count.
"""
from decimal import Decimal, InvalidOperation

from .datamodel import standard_of
from .loading import loaded
from .vocab import SCORM12, SCORM2004

SCORM12_COMPLETION_OF_STATUS = {
    "passed": "completed", "completed": "completed", "failed": "unknown", "incomplete": "incomplete",
    "browsed": "incomplete", "not attempted": "not attempted",
}
SCORM12_SUCCESS_OF_STATUS = {"passed": "passed", "failed": "failed"}
SCORE_DEFAULT_RANGE = (Decimal(0), Decimal(100))

SCORE_ELEMENTS = {
    SCORM12: ("cmi.core.score.raw", "cmi.core.score.min", "cmi.core.score.max"),
    SCORM2004: ("cmi.score.raw", "cmi.score.min", "cmi.score.max"),
}


def _number(value):
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _clamp(number):
    return float(min(max(number, Decimal(0)), Decimal(1)))


def normalised_raw(standard, data):
    """score.raw on a 0..1 scale of min..max (0..100 when absent); None without a usable raw score."""
    raw, low, high = (_number(data.get(name)) for name in SCORE_ELEMENTS[standard])
    low = SCORE_DEFAULT_RANGE[0] if low is None else low
    high = SCORE_DEFAULT_RANGE[1] if high is None else high
    if raw is None or high <= low:
        return None
    return _clamp((raw - low) / (high - low))


def _at_least(value, threshold):
    return "passed" if value >= threshold else "failed"


def _completed_at_least(value, threshold):
    return "completed" if value >= threshold else "incomplete"


def _derive_scorm12(data, *, mastery_score, credit, **_ignored):
    status = data.get("cmi.core.lesson_status", "not attempted")
    success = SCORM12_SUCCESS_OF_STATUS.get(status, "unknown")
    raw, mastery = _number(data.get("cmi.core.score.raw")), _number(mastery_score)
    if success == "unknown" and credit and raw is not None and mastery is not None:
        success = _at_least(raw, mastery)
    return {
        "completion": SCORM12_COMPLETION_OF_STATUS.get(status, "unknown"),
        "success": success,
        "score": normalised_raw(SCORM12, data),
        "progress": None,
    }


def _measured_status(value, threshold, stored, compare):
    """SCORM 2004 (RTE 4.2.4, 4.2.22): once a threshold is defined, the status follows the measure alone, and is
    "unknown" without a measure; otherwise the status the SCO stored counts."""
    if threshold is None:
        return stored
    return compare(value, threshold) if value is not None else "unknown"


def _derive_scorm2004(data, *, scaled_passing_score, completion_threshold, **_ignored):
    progress, scaled = _number(data.get("cmi.progress_measure")), _number(data.get("cmi.score.scaled"))
    completion = _measured_status(progress, _number(completion_threshold),
                                  data.get("cmi.completion_status", "unknown"), _completed_at_least)
    success = _measured_status(scaled, _number(scaled_passing_score), data.get("cmi.success_status", "unknown"),
                               _at_least)
    return {
        "completion": completion,
        "success": success,
        "score": _clamp(scaled) if scaled is not None else normalised_raw(SCORM2004, data),
        "progress": float(progress) if progress is not None else None,
    }


DERIVERS = {SCORM12: _derive_scorm12, SCORM2004: _derive_scorm2004}


def derive(standard, state, *, mastery_score=None, scaled_passing_score=None, completion_threshold=None,
           credit=True):
    """{completion, success, score (0..1 or None), progress (2004 progress_measure or None),
    total_time (seconds of the attempt), attempt}."""
    spec = standard_of(standard)
    state = loaded(spec, state)
    result = DERIVERS[spec.name](
        state["data"], mastery_score=mastery_score, credit=credit,
        scaled_passing_score=scaled_passing_score, completion_threshold=completion_threshold,
    )
    result["total_time"] = state["total_time"] / 100
    result["attempt"] = state["attempt"]
    return result
