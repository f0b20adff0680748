"""What the manifest tells the run-time about one item: the launch settings `runtime.initial_values` takes.

SCORM 1.2: adlcp:masteryscore, adlcp:datafromlms, adlcp:maxtimeallowed, adlcp:timelimitaction.
SCORM 2004: adlcp:dataFromLMS, adlcp:completionThreshold (when completion is judged by measure), the
primary objective's minNormalizedMeasure when it is satisfied by measure (cmi.scaled_passing_score), and the
objectiveIDs of the item's imsss objectives (seeded as cmi.objectives.n.id).
"""
from .runtime import SCORM12, SCORM2004
from .runtime.datamodel import standard_of
from .runtime.elements import WRITABLE

# scorm_version field -> run-time standard
STANDARD_OF_VERSION = {
    "1.2": SCORM12, "2004-2nd": SCORM2004, "2004-3rd": SCORM2004, "2004-4th": SCORM2004,
}
# Path through the plain sequencing data to the primary objective, then its measure.
PRIMARY_OBJECTIVE_PATH = ("objectives", "primaryObjective")
OBJECTIVE_NODES = ("primaryObjective", "objective")
MIN_NORMALIZED_MEASURE = "minNormalizedMeasure"
TRUE_WORDS = ("true", "1")


def standard_of_version(scorm_version):
    """The run-time standard of a package's version; None for a block without a package."""
    return STANDARD_OF_VERSION.get(scorm_version)


def _child(node, name):
    for child in (node or {}).get("children", ()):
        if child.get("name") == name:
            return child
    return None


def scaled_passing_score(sequencing):
    """minNormalizedMeasure of the primary objective when satisfiedByMeasure is true, else None."""
    node = sequencing
    for name in PRIMARY_OBJECTIVE_PATH:
        node = _child(node, name)
    if node is None or node.get("attributes", {}).get("satisfiedByMeasure", "").lower() not in TRUE_WORDS:
        return None
    measure = _child(node, MIN_NORMALIZED_MEASURE)
    text = (measure or {}).get("text")
    return text if text else "1.0"  # the schema's default minNormalizedMeasure


def objective_ids(sequencing):
    """The objectiveIDs of an item's objectives (primary first, as the schema orders them), None without any."""
    found = []
    for node in (_child(sequencing, "objectives") or {}).get("children", ()):
        identifier = node.get("attributes", {}).get("objectiveID", "") if node.get("name") in OBJECTIVE_NODES else ""
        if identifier and identifier not in found:
            found.append(identifier)
    return tuple(found) or None


def completion_threshold(threshold):
    """minProgressMeasure when completion is judged by measure, else None."""
    if not threshold or not threshold.get("completedByMeasure"):
        return None
    return threshold.get("minProgressMeasure")


def _number_text(value):
    return None if value is None else format(value, "g")


LAUNCH_SETTINGS_OF_STANDARD = {
    SCORM12: lambda item: {
        "mastery_score": _number_text(item.mastery_score),
        "launch_data": item.data_from_lms,
        "max_time_allowed": item.max_time_allowed,
        "time_limit_action": item.time_limit_action,
    },
    SCORM2004: lambda item: {
        "launch_data": item.data_from_lms,
        "scaled_passing_score": scaled_passing_score(item.sequencing),
        "completion_threshold": _number_text(completion_threshold(item.completion_threshold)),
        "max_time_allowed": item.max_time_allowed,
        "time_limit_action": item.time_limit_action,
        "objective_ids": objective_ids(item.sequencing),
    },
}


def launch_settings(standard, item):
    """Keyword arguments of initial_values (and derive) from a manifest item; unset ones left out."""
    found = LAUNCH_SETTINGS_OF_STANDARD[standard](item)
    return {name: value for name, value in found.items() if value is not None}


def writable_patterns(standard):
    """Element patterns (indices as `n`) the SCO may write: the launcher commits only these."""
    spec = standard_of(standard)
    return sorted(name for name, element in spec.elements.items() if element.access in WRITABLE)
