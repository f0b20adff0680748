"""Time spans of both standards as exact centiseconds: SCORM 1.2 CMITimespan (HHHH:MM:SS.SS) and SCORM 2004
ISO 8601 durations (PnYnMnDTnHnMnS). Centiseconds are the precision both standards require, so totals add
up without floating-point drift.

Both forms are read strictly (ASCII digits, minutes and seconds under 60, at least one duration component)
and bounded by what the type can hold, so no stored or committed time can overflow a sum or a float.
"""
import re
from decimal import ROUND_HALF_UP, Decimal

from .vocab import SCORM12, SCORM12_MAX_TIMESPAN_HOURS, SCORM2004, SCORM2004_MAX_DURATION_SECONDS, SECONDS_PER_UNIT

CENTI = Decimal(100)

# Read with fullmatch: a trailing newline is not part of a time span.
SCORM12_TIMESPAN = re.compile(r"([0-9]{2,4}):([0-5][0-9]):([0-5][0-9])(\.[0-9]{1,2})?")
# One component: at most 10 integer digits (2004's second,10,2), decimals on any part (divergences.py).
_NUMBER = r"([0-9]{1,10}(?:[.,][0-9]{1,10})?)"
# P, then at least one component (the lookaheads refuse "P" and "PT"); the T may be left out (divergences.py).
SCORM2004_DURATION = re.compile(
    rf"P(?=[0-9T])(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T?(?=[0-9])(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
)
_DURATION_UNITS = ("Y", "M", "W", "D", "H", "TM", "S")

# The largest time span of each type, in centiseconds.
LIMITS = {
    SCORM12: (SCORM12_MAX_TIMESPAN_HOURS * 3600 + 59 * 60 + 59) * 100 + 99,
    SCORM2004: int(SCORM2004_MAX_DURATION_SECONDS * CENTI),
}


def _centiseconds(seconds):
    return int((Decimal(seconds) * CENTI).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _within(centiseconds, standard):
    return centiseconds if centiseconds is not None and centiseconds <= LIMITS[standard] else None


def scorm12_centiseconds(text):
    """Centiseconds of a well-formed CMITimespan, or None when the text is not one."""
    match = SCORM12_TIMESPAN.fullmatch(text) if isinstance(text, str) else None
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    whole = int(hours) * 3600 + int(minutes) * 60 + int(seconds)
    return whole * 100 + _centiseconds(fraction or 0)


def scorm2004_centiseconds(text):
    """Centiseconds of a well-formed ISO 8601 duration (possibly beyond the type's bound), or None."""
    match = SCORM2004_DURATION.fullmatch(text) if isinstance(text, str) else None
    if not match or not any(match.groups()):
        return None
    total = Decimal(0)
    for unit, amount in zip(_DURATION_UNITS, match.groups(), strict=True):
        if amount is not None:
            total += Decimal(amount.replace(",", ".")) * SECONDS_PER_UNIT[unit]
    return _centiseconds(total)  # 10-digit components keep this within Decimal's 28-digit precision


def parse_scorm12(text):
    """Centiseconds of a CMITimespan, or None when the text is not one."""
    return _within(scorm12_centiseconds(text), SCORM12)


def parse_scorm2004(text):
    """Centiseconds of an ISO 8601 duration the type can hold, or None when the text is not one."""
    return _within(scorm2004_centiseconds(text), SCORM2004)


def _held(centiseconds, standard):
    """A total as a non-negative int held at the largest value the type can write."""
    return max(0, min(int(centiseconds), LIMITS[standard]))


def format_scorm12(centiseconds):
    """HHHH:MM:SS.SS, held at the largest value the type can write."""
    seconds, cents = divmod(_held(centiseconds, SCORM12), 100)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:04d}:{minutes:02d}:{seconds:02d}.{cents:02d}"


def format_scorm2004(centiseconds):
    """PTnHnMnS with zero parts left out (PT0S for nothing); seconds keep at most two decimals."""
    seconds, cents = divmod(_held(centiseconds, SCORM2004), 100)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours}H")
    if minutes:
        parts.append(f"{minutes}M")
    if seconds or cents or not parts:
        fraction = f".{cents:02d}".rstrip("0") if cents else ""
        parts.append(f"{seconds}{fraction}S")
    return "PT" + "".join(parts)


PARSERS = {SCORM12: parse_scorm12, SCORM2004: parse_scorm2004}
# Well-formed, whether or not the type can hold it: tells a malformed value from one out of range.
UNBOUNDED_PARSERS = {SCORM12: scorm12_centiseconds, SCORM2004: scorm2004_centiseconds}
FORMATTERS = {SCORM12: format_scorm12, SCORM2004: format_scorm2004}
