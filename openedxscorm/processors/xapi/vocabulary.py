"""The IRIs and mappings of the block's xAPI statements, as tables.

Verbs are ADL's, the ones the cmi5 profile uses for a launched unit; the block is an ADL "lesson" activity and an
interaction a "cmi.interaction" activity. The scorm-version and cmi-element extensions keep openedx-scorm-xblock's
IRIs, so LRS queries written for that package keep matching; package-sha1 is this block's addition, under the same
prefix.
"""
from openedxscorm import tracking

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
# short event name -> the statement's verb IRI (its display is the short name)
VERBS = {short_name: ADL_VERBS + short_name for short_name in (
    tracking.INITIALIZED, tracking.INTERACTED, tracking.SCORED, tracking.COMPLETED, tracking.PASSED,
    tracking.FAILED, tracking.TERMINATED)}

LESSON = "http://adlnet.gov/expapi/activities/lesson"
CMI_INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"

EXTENSION_PREFIX = "https://github.com/overhangio/openedx-scorm-xblock/xapi/extension/"
SCORM_VERSION_EXTENSION = EXTENSION_PREFIX + "scorm-version"
CMI_ELEMENT_EXTENSION = EXTENSION_PREFIX + "cmi-element"
PACKAGE_SHA1_EXTENSION = EXTENSION_PREFIX + "package-sha1"

LANGUAGE = "en"

# short event name -> the parts of the statement's result it carries (see statements.RESULT_PARTS)
RESULTS = {
    tracking.INITIALIZED: (),
    tracking.INTERACTED: ("response", "interaction_success", "latency"),
    tracking.SCORED: ("score",),
    tracking.COMPLETED: ("completion", "score"),
    tracking.PASSED: ("success", "score"),
    tracking.FAILED: ("success", "score"),
    tracking.TERMINATED: ("duration", "completion", "success", "score"),
}

SUCCESS = {"passed": True, "failed": False}
# completion status -> result.completion ("unknown" says nothing)
COMPLETION = {"completed": True, "incomplete": False, "not attempted": False}
# cmi.interactions.n.result -> result.success of the interaction (numeric, neutral and unanticipated say nothing)
INTERACTION_SUCCESS = {"correct": True, "wrong": False, "incorrect": False}

# xAPI's interactionType vocabulary: SCORM 2004's, which holds SCORM 1.2's; anything else is "other".
INTERACTION_TYPES = frozenset({"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
                               "sequencing", "likert", "numeric", "other"})
