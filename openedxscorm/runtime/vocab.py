"""Vocabularies, ranges and size limits of both SCORM data models, in one place.

Every rule the element tables of scorm12.py and scorm2004.py refer to by name lives here, so a reader
can check the product against the standard without reading any code.
"""
from decimal import Decimal

SCORM12 = "1.2"
SCORM2004 = "2004"
STANDARDS = (SCORM12, SCORM2004)

# --- SCORM 1.2 vocabularies (RTE 3.4) ---------------------------------------------------------------
SCORM12_LESSON_STATUS_SET = ("passed", "completed", "failed", "incomplete", "browsed")
SCORM12_LESSON_STATUS = SCORM12_LESSON_STATUS_SET + ("not attempted",)
SCORM12_EXIT = ("time-out", "suspend", "logout", "")
SCORM12_INTERACTION_TYPE = (
    "true-false", "choice", "fill-in", "matching", "performance", "sequencing", "likert", "numeric",
)
SCORM12_RESULT = ("correct", "wrong", "unanticipated", "neutral")
SCORM12_CREDIT = ("credit", "no-credit")
SCORM12_LESSON_MODE = ("browse", "normal", "review")

# --- SCORM 2004 vocabularies (RTE 4.2) --------------------------------------------------------------
SCORM2004_COMPLETION_STATUS = ("completed", "incomplete", "not attempted", "unknown")
SCORM2004_SUCCESS_STATUS = ("passed", "failed", "unknown")
SCORM2004_EXIT = ("time-out", "suspend", "logout", "normal", "")
SCORM2004_INTERACTION_TYPE = (
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing", "likert",
    "numeric", "other",
)
SCORM2004_RESULT = ("correct", "incorrect", "unanticipated", "neutral")
SCORM2004_AUDIO_CAPTIONING = ("-1", "0", "1")
SCORM2004_CREDIT = ("credit", "no-credit")
SCORM2004_MODE = ("browse", "normal", "review")
SCORM2004_TRUE_FALSE = ("true", "false")
SCORM2004_NAV_REQUEST = (
    "continue", "previous", "choice", "jump", "exit", "exitAll", "abandon", "abandonAll", "suspendAll",
    "start", "resumeAll", "retry", "retryAll", "_none_",
)

# --- Ranges (inclusive; None = unbounded on that side) ----------------------------------------------
SCORM12_SCORE_RANGE = (Decimal(0), Decimal(100))
SCORM12_AUDIO_RANGE = (Decimal(-1), Decimal(100))
SCORM12_SPEED_RANGE = (Decimal(-100), Decimal(100))
SCORM12_TEXT_RANGE = (Decimal(-1), Decimal(1))
SCORM2004_SCALED_RANGE = (Decimal(-1), Decimal(1))
SCORM2004_PROGRESS_RANGE = (Decimal(0), Decimal(1))
SCORM2004_NON_NEGATIVE = (Decimal(0), None)

# --- Smallest permitted maxima: strings, in characters ----------------------------------------------
SCORM12_STRING255 = 255
SCORM12_STRING4096 = 4096
SCORM2004_LOCATION_SPM = 1000
SCORM2004_SUSPEND_DATA_SPM = 64000
SCORM2004_LONG_IDENTIFIER_SPM = 4000
SCORM2004_SHORT_IDENTIFIER_SPM = 250
SCORM2004_DESCRIPTION_SPM = 250
SCORM2004_COMMENT_SPM = 4000
SCORM2004_COMMENT_LOCATION_SPM = 250
SCORM2004_LANGUAGE_SPM = 250
SCORM2004_RESPONSE_SPM = 64000

# --- Smallest permitted maxima: collections, in entries ---------------------------------------------
# Documented, not enforced: an LMS may hold more, and the total stored state is capped by MAX_STATE_SIZE.
SCORM2004_COLLECTION_SPM = {
    "cmi.interactions": 250,
    "cmi.interactions.n.objectives": 10,
    "cmi.interactions.n.correct_responses": 10,
    "cmi.objectives": 100,
    "cmi.comments_from_learner": 250,
    "cmi.comments_from_lms": 100,
}

# --- Time -------------------------------------------------------------------------------------------
# Calendar units in ISO 8601 durations have no fixed length; like other SCORM players we count a year as
# 365 days and a month as 30 days when adding session times.
SECONDS_PER_UNIT = {
    "Y": 365 * 86400, "M": 30 * 86400, "W": 7 * 86400, "D": 86400,
    "H": 3600, "TM": 60, "S": 1,
}
SCORM12_MAX_TIMESPAN_HOURS = 9999
# 2004 timeinterval (second,10,2): at most 10 digits of seconds with 2 decimals, about 317 years.
SCORM2004_MAX_DURATION_SECONDS = Decimal("9999999999.99")
SCORM2004_YEAR_RANGE = (1970, 2038)

# --- Numbers -----------------------------------------------------------------------------------------
# Digits a number may carry: the integer part as scorm-again's decimal pattern allows it (so the server is never
# stricter than the browser on magnitude), and enough decimals for SCORM 2004's real(10,7).
MAX_INTEGER_DIGITS = 10
MAX_FRACTION_DIGITS = 18
# Integers the browser sends as JSON numbers (a commit's seq, collection indexes): exact in JavaScript.
MAX_SAFE_INTEGER = 2 ** 53 - 1

# --- What the next launch is, from the exit of the last session ------------------------------------
# The first launch is ab-initio; a session that suspends is resumed. After any other exit, SCORM 1.2 gives ""
# (the data carries over, RTE 3.4.4 cmi.core.entry); SCORM 2004 starts a new attempt, ab-initio again.
DEFAULT_ENTRY = "ab-initio"
ENTRY_VALUES = ("ab-initio", "resume", "")
ENTRY_AFTER_EXIT = {
    SCORM12: {"suspend": "resume"},
    SCORM2004: {"suspend": "resume"},
}
ENTRY_AFTER_OTHER_EXIT = {SCORM12: "", SCORM2004: DEFAULT_ENTRY}
