"""Error codes of both SCORM run-time APIs, and the refusal the server answers a bad commit with."""
from openedxscorm.errors import ScormError, gettext_noop

from .vocab import SCORM12, SCORM2004

# The standards' own tables (code -> short text), as GetErrorString reports them.
SCORM12_ERRORS = {
    0: "No error",
    101: "General exception",
    201: "Invalid argument error",
    202: "Element cannot have children",
    203: "Element not an array - cannot have count",
    301: "Not initialized",
    401: "Not implemented error",
    402: "Invalid set value, element is a keyword",
    403: "Element is read only",
    404: "Element is write only",
    405: "Incorrect data type",
}

SCORM2004_ERRORS = {
    0: "No error",
    101: "General exception",
    102: "General initialization failure",
    103: "Already initialized",
    104: "Content instance terminated",
    111: "General termination failure",
    112: "Termination before initialization",
    113: "Termination after termination",
    122: "Retrieve data before initialization",
    123: "Retrieve data after termination",
    132: "Store data before initialization",
    133: "Store data after termination",
    142: "Commit before initialization",
    143: "Commit after termination",
    201: "General argument error",
    301: "General get failure",
    351: "General set failure",
    391: "General commit failure",
    401: "Undefined data model element",
    402: "Unimplemented data model element",
    403: "Data model element value not initialized",
    404: "Data model element is read only",
    405: "Data model element is write only",
    406: "Data model element type mismatch",
    407: "Data model element value out of range",
    408: "Data model dependency not established",
}

# Why the server refused a SetValue, and which code each standard gives that reason.
REASON_CODES = {
    "empty_element":    {SCORM12: 201, SCORM2004: 351},
    "undefined":        {SCORM12: 401, SCORM2004: 401},
    "keyword":          {SCORM12: 402, SCORM2004: 404},
    "read_only":        {SCORM12: 403, SCORM2004: 404},
    "type_mismatch":    {SCORM12: 405, SCORM2004: 406},
    "too_long":         {SCORM12: 405, SCORM2004: 406},
    "out_of_range":     {SCORM12: 405, SCORM2004: 407},
    "index_gap":        {SCORM12: 201, SCORM2004: 351},
    "dependency":       {SCORM12: 201, SCORM2004: 408},
    "duplicate_id":     {SCORM12: 201, SCORM2004: 351},
    "id_change":        {SCORM12: 201, SCORM2004: 351},
    "state_too_large":  {SCORM12: 101, SCORM2004: 351},
    "bad_commit":       {SCORM12: 201, SCORM2004: 201},
}


class CommitRejected(ScormError):
    """A commit the server refuses as a whole: `element` names the culprit, `code` the reason,
    `scorm_code` the error number the standard gives that reason."""

    MESSAGES = {
        "empty_element": gettext_noop("An element name is required (got %(element)r)."),
        "undefined": gettext_noop("%(element)s is not an element of the SCORM %(standard)s data model."),
        "keyword": gettext_noop("%(element)s is a keyword of the data model and cannot be set."),
        "read_only": gettext_noop("%(element)s is read-only."),
        "type_mismatch": gettext_noop("%(element)s does not accept this value: wrong type or format."),
        "too_long": gettext_noop("%(element)s accepts at most %(limit)s characters."),
        "out_of_range": gettext_noop("%(element)s is outside its permitted range."),
        "index_gap": gettext_noop("%(element)s skips an index: items of a collection are added in order."),
        "dependency": gettext_noop("%(element)s cannot be set before %(required)s."),
        "duplicate_id": gettext_noop("%(element)s repeats an identifier already used in its collection."),
        "id_change": gettext_noop("%(element)s cannot change an identifier that is already set."),
        "state_too_large": gettext_noop("The stored learner state would exceed %(limit)s bytes."),
        "bad_commit": gettext_noop("The commit is malformed: %(element)s."),
    }

    def __init__(self, code, *, element, standard, **params):
        super().__init__(code, element=element, standard=standard, **params)
        self.element = element
        self.standard = standard
        self.scorm_code = REASON_CODES[code][standard]
