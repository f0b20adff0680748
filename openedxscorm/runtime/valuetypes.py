"""Value checks per data type. Each check answers None when the value is acceptable, else a refusal
reason (a key of errors.REASON_CODES) and its parameters; `limit` is the element's length limit in characters.

Patterns are applied with fullmatch and name ASCII digits ([0-9]), never \\d: "５０" or "٥٠" is not a number
in any SCORM data type, and a trailing newline is not part of a value.
"""
import re
from decimal import Decimal

from .timespan import LIMITS, UNBOUNDED_PARSERS
from .vocab import MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS, MAX_SAFE_INTEGER, SCORM12, SCORM2004, SCORM2004_YEAR_RANGE

DECIMAL = re.compile(rf"-?([0-9]{{1,{MAX_INTEGER_DIGITS}}}(\.[0-9]{{0,{MAX_FRACTION_DIGITS}}})?"
                     rf"|\.[0-9]{{1,{MAX_FRACTION_DIGITS}}})")
INTEGER = re.compile(rf"-?[0-9]{{1,{len(str(MAX_SAFE_INTEGER))}}}")
# SCORM 1.2 CMIIdentifier: printable ASCII; ASCII whitespace accepted on purpose (see divergences.py).
IDENTIFIER12 = re.compile(r"[\x21-\x7e\s]*", re.ASCII)
TIME12 = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,2})?")
TIME2004 = re.compile(
    r"([0-9]{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3])(:[0-5][0-9](:[0-5][0-9]"
    r"(\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)?)?)?)?)?)?"
)
LANGUAGE = re.compile(r"(([a-zA-Z]{2,3}|i|x)(-[a-zA-Z0-9]{1,8})*)?")
LANG_PREFIX = re.compile(r"\{lang=([^}]*)\}")
NAV_TARGET = re.compile(r"\{target=[^}\s]+\}(choice|jump)")

DIGITS = re.compile(r"[0-9]+")

TYPE_MISMATCH = ("type_mismatch", {})
OUT_OF_RANGE = ("out_of_range", {})


def _too_long(value, limit):
    if limit is not None and len(value) > limit:
        return "too_long", {"limit": limit}
    return None


def _in_range(number, bounds):
    low, high = bounds
    if (low is not None and number < low) or (high is not None and number > high):
        return OUT_OF_RANGE
    return None


def _number(value, pattern=DECIMAL):
    """The value as a Decimal when the pattern accepts it whole; the pattern bounds its digits."""
    return Decimal(value) if pattern.fullmatch(value) else None


def is_text(value):
    """Whether a string holds only characters (a lone surrogate such as "\\ud800" is none, and cannot be stored)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_string(value, element, limit):
    return _too_long(value, limit)


def check_identifier12(value, element, limit):
    return _too_long(value, limit) or (None if IDENTIFIER12.fullmatch(value) else TYPE_MISMATCH)


def check_long_identifier(value, element, limit):
    return _too_long(value, limit) or (None if value.strip() else TYPE_MISMATCH)


def check_localized_string(value, element, limit):
    prefix = LANG_PREFIX.match(value)
    if prefix:
        if not prefix.group(1) or not LANGUAGE.fullmatch(prefix.group(1)):
            return TYPE_MISMATCH
        value = value[prefix.end():]
    return _too_long(value, limit)


def check_language(value, element, limit):
    return _too_long(value, limit) or (None if LANGUAGE.fullmatch(value) else TYPE_MISMATCH)


def check_vocabulary(value, element, limit):
    return None if value in element.vocab else TYPE_MISMATCH


def check_decimal(value, element, limit):
    number = _number(value)
    if number is None:
        return TYPE_MISMATCH
    return _in_range(number, element.range) if element.range else None


def check_decimal_or_blank(value, element, limit):
    return None if value == "" else check_decimal(value, element, limit)


def check_integer(value, element, limit):
    number = _number(value, INTEGER)
    if number is None:
        return OUT_OF_RANGE if DIGITS.fullmatch(value.lstrip("-")) else TYPE_MISMATCH  # too many digits
    return _in_range(number, element.range or (-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER))


def check_result(value, element, limit):
    return None if value in element.vocab else check_decimal(value, element, limit)


def _duration(standard, value):
    centiseconds = UNBOUNDED_PARSERS[standard](value)
    if centiseconds is None:
        return TYPE_MISMATCH
    return _in_range(centiseconds, (0, LIMITS[standard]))


def check_timespan12(value, element, limit):
    return _duration(SCORM12, value)


def check_timeinterval(value, element, limit):
    return _duration(SCORM2004, value)


def check_time12(value, element, limit):
    return None if TIME12.fullmatch(value) else TYPE_MISMATCH


def check_time2004(value, element, limit):
    match = TIME2004.fullmatch(value)
    if not match:
        return TYPE_MISMATCH
    low, high = SCORM2004_YEAR_RANGE
    return None if low <= int(match.group(1)) <= high else TYPE_MISMATCH


def check_nav_request(value, element, limit):
    return None if value in element.vocab or NAV_TARGET.fullmatch(value) else TYPE_MISMATCH


def check_keyword(value, element, limit):  # pragma: no cover - keywords are refused before their type is read
    return TYPE_MISMATCH


CHECKS = {
    "string": check_string,
    "identifier12": check_identifier12,
    "feedback12": check_string,
    "long_identifier": check_long_identifier,
    "localized_string": check_localized_string,
    "language": check_language,
    "vocabulary": check_vocabulary,
    "decimal12": check_decimal,
    "decimal_or_blank12": check_decimal_or_blank,
    "real": check_decimal,
    "integer": check_integer,
    "result12": check_result,
    "result2004": check_result,
    "timespan12": check_timespan12,
    "timeinterval": check_timeinterval,
    "time12": check_time12,
    "time2004": check_time2004,
    "nav_request": check_nav_request,
    "keyword": check_keyword,
}
