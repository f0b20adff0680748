"""Where the server deliberately accepts more than the letter of the standard, and why: the one list.

The browser API (scorm-again) accepts these values, so the server must too: were the server stricter than
the API the SCO talks to, a commit the SCO was told succeeded would be refused as a whole and its data lost.
Everything else the standards refuse, the server refuses.
"""
from dataclasses import dataclass

from .vocab import SCORM12, SCORM2004


@dataclass(frozen=True)
class Divergence:
    standard: str
    elements: tuple  # table patterns concerned
    standard_rule: str
    our_rule: str
    reason: str


DIVERGENCES = (
    Divergence(
        SCORM12, ("cmi.suspend_data",),
        "CMIString4096: at most 4096 characters.",
        "At most SCORM12_SUSPEND_DATA_LIMIT characters (setting, default 64000).",
        "Real 1.2 packages (authoring tools' resume data) write more than 4096 characters; scorm-again and "
        "Moodle relax the limit too.",
    ),
    Divergence(
        SCORM12, ("cmi.objectives.n.id", "cmi.interactions.n.id", "cmi.interactions.n.objectives.n.id"),
        "CMIIdentifier: no whitespace.",
        "Printable ASCII and whitespace, at most 255 characters.",
        "scorm-again tolerates identifiers with spaces, which real content ships.",
    ),
    Divergence(
        SCORM12, ("cmi.interactions.n.student_response", "cmi.interactions.n.correct_responses.n.pattern"),
        "CMIFeedback: at most 255 characters.",
        "Any length, within MAX_STATE_SIZE.",
        "scorm-again accepts long answers, which real content sends.",
    ),
    Divergence(
        SCORM2004, ("cmi.session_time", "cmi.interactions.n.latency"),
        "timeinterval (second,10,2): at least one designator, no weeks, fractions on seconds only.",
        "Also weeks, decimal fractions on any part, and the T may be left out (still at least one component).",
        "scorm-again accepts these forms; each still has one exact meaning.",
    ),
    Divergence(
        SCORM2004, ("cmi.interactions.n.id", "cmi.objectives.n.id", "cmi.interactions.n.objectives.n.id"),
        "long_identifier_type: a URI (urn: names checked), at most 4000 characters.",
        "Any non-blank text of at most 4000 characters.",
        "scorm-again falls back to any text for identifiers; refusing them here would lose whole commits.",
    ),
    Divergence(
        SCORM2004, ("cmi.interactions.n.learner_response", "cmi.interactions.n.correct_responses.n.pattern"),
        "Format per interaction type (choice: identifiers joined by [,], numeric: a range, ...).",
        "Any text of at most 64000 characters, once the interaction has a type.",
        "The browser API checks the per-type formats; the server keeps the size bounded.",
    ),
)


def divergences_for(standard, pattern):
    return tuple(d for d in DIVERGENCES if d.standard == standard and pattern in d.elements)
