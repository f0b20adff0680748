"""Time spans of both standards as exact centiseconds: SCORM 1.2 CMITimespan (HHHH:MM:SS.SS) and SCORM 2004
ISO 8601 durations (PnYnMnDTnHnMnS). Centiseconds are the precision both standards require, so totals add
up without floating-point drift.
"""
import re
from decimal import ROUND_HALF_UP, Decimal

from .vocab import SCORM12_MAX_TIMESPAN_HOURS, SECONDS_PER_UNIT

CENTI = Decimal(100)

SCORM12_TIMESPAN = re.compile(r"^(\d{2,}):(\d{2}):(\d{2})(\.\d{1,2})?$")
_NUMBER = r"(\d+(?:[.,]\d+)?)"
SCORM2004_DURATION = re.compile(
    rf"^P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T?(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?$"
)
_DURATION_UNITS = ("Y", "M", "W", "D", "H", "TM", "S")


def _centiseconds(seconds):
    return int((Decimal(seconds) * CENTI).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_scorm12(text):
    """Centiseconds of a CMITimespan, or None when the text is not one."""
    match = SCORM12_TIMESPAN.match(text) if isinstance(text, str) else None
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    whole = int(hours) * 3600 + int(minutes) * 60 + int(seconds)
    return whole * 100 + _centiseconds(fraction or 0)


def format_scorm12(centiseconds):
    """HHHH:MM:SS.SS, held at the largest value the type can write."""
    centiseconds = min(int(centiseconds), (SCORM12_MAX_TIMESPAN_HOURS * 3600 + 3599) * 100 + 99)
    seconds, cents = divmod(centiseconds, 100)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:04d}:{minutes:02d}:{seconds:02d}.{cents:02d}"


def parse_scorm2004(text):
    """Centiseconds of an ISO 8601 duration, or None when the text is not one."""
    match = SCORM2004_DURATION.match(text) if isinstance(text, str) else None
    if not match:
        return None
    total = Decimal(0)
    for unit, amount in zip(_DURATION_UNITS, match.groups(), strict=True):
        if amount is not None:
            total += Decimal(amount.replace(",", ".")) * SECONDS_PER_UNIT[unit]
    return _centiseconds(total)


def format_scorm2004(centiseconds):
    """PTnHnMnS with zero parts left out (PT0S for nothing); seconds keep at most two decimals."""
    seconds, cents = divmod(int(centiseconds), 100)
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


PARSERS = {"1.2": parse_scorm12, "2004": parse_scorm2004}
FORMATTERS = {"1.2": format_scorm12, "2004": format_scorm2004}
