"""SCORM run-time on the server: the 1.2 and 2004 data models as tables, commit validation, session time,
and what a learner's state means for grades and completion. Knows nothing of XBlock or Django."""
from .datamodel import CommitResult, apply_commit, load_state, resolve, validate_set
from .derive import derive
from .errors import CommitRejected
from .launch import initial_values
from .session import finish_session, start_session
from .state import blank_state, state_size
from .timespan import format_scorm12, format_scorm2004, parse_scorm12, parse_scorm2004
from .vocab import SCORM12, SCORM2004

__all__ = [
    "SCORM12", "SCORM2004", "CommitRejected", "CommitResult", "apply_commit", "blank_state", "derive",
    "finish_session", "format_scorm12", "format_scorm2004", "initial_values", "load_state", "parse_scorm12",
    "parse_scorm2004", "resolve", "start_session", "state_size", "validate_set",
]
