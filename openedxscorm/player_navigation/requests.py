"""Navigation requests as the player sends them: the TOC and next/previous buttons, and the SCORM 2004
`adl.nav.request` a SCO sets before it terminates, in the same vocabulary."""
import re
from dataclasses import dataclass

# adl.nav.request value -> sequencing request ("start", "continue", "previous") or an ending one.
SIMPLE_REQUESTS = {
    "start": "start", "resumeAll": "start", "continue": "continue", "previous": "previous",
    "exit": "exit", "exitAll": "exitAll", "suspendAll": "suspendAll", "abandon": "exit", "abandonAll": "exitAll",
}
# Requests after which the player delivers nothing more until the learner picks something.
ENDING_REQUESTS = ("exit", "exitAll", "suspendAll")
TARGETED = re.compile(r"^\{target=(?P<target>[^{}]+)\}(?P<kind>choice|jump)$")
TARGETED_KINDS = {"choice": "choice", "jump": "choice"}  # a jump is honoured like a choice (documented)


@dataclass(frozen=True)
class NavRequest:
    kind: str  # a value of SIMPLE_REQUESTS, or "choice"
    target: str | None = None

    @property
    def ending(self):
        return self.kind in ENDING_REQUESTS


def parse_request(value):
    """The NavRequest of a request string; None for "_none_", empty or malformed values."""
    value = (value or "").strip()
    if value in SIMPLE_REQUESTS:
        return NavRequest(SIMPLE_REQUESTS[value])
    found = TARGETED.match(value)
    if found:
        return NavRequest(TARGETED_KINDS[found["kind"]], found["target"])
    return None
