"""The activity tree in the shape scorm-again's sequencing engine reads (its `sequencing.activityTree`
setting), built from the manifest's plain IMS SS data. The browser engine decides which SCO comes next; the
server keeps its own evaluation (evaluate.py) for grades, completion and a delivery check."""
from .tree import merged_sequencing
from .vocab import TRUE_WORDS

# Where each IMS SS attribute goes in scorm-again's activity settings:
# element -> {attribute: (settings group, key, type)}. Types: "boolean", "number", "integer", "text".
ATTRIBUTE_TARGETS = {
    "controlMode": {
        "choice": ("sequencingControls", "choice", "boolean"),
        "choiceExit": ("sequencingControls", "choiceExit", "boolean"),
        "flow": ("sequencingControls", "flow", "boolean"),
        "forwardOnly": ("sequencingControls", "forwardOnly", "boolean"),
        "useCurrentAttemptObjectiveInfo": ("sequencingControls", "useCurrentAttemptObjectiveInfo", "boolean"),
        "useCurrentAttemptProgressInfo": ("sequencingControls", "useCurrentAttemptProgressInfo", "boolean"),
    },
    "rollupRules": {
        "rollupObjectiveSatisfied": ("sequencingControls", "rollupObjectiveSatisfied", "boolean"),
        "rollupProgressCompletion": ("sequencingControls", "rollupProgressCompletion", "boolean"),
        "objectiveMeasureWeight": ("sequencingControls", "objectiveMeasureWeight", "number"),
    },
    "constrainedChoiceConsiderations": {
        "preventActivation": ("sequencingControls", "preventActivation", "boolean"),
        "constrainChoice": ("sequencingControls", "constrainChoice", "boolean"),
    },
    "randomizationControls": {
        "selectionTiming": ("sequencingControls", "selectionTiming", "text"),
        "selectCount": ("sequencingControls", "selectCount", "integer"),
        "reorderChildren": ("sequencingControls", "randomizeChildren", "boolean"),
        "randomizationTiming": ("sequencingControls", "randomizationTiming", "text"),
    },
    "deliveryControls": {
        "tracked": ("deliveryControls", "tracked", "boolean"),
        "completionSetByContent": ("deliveryControls", "completionSetByContent", "boolean"),
        "objectiveSetByContent": ("deliveryControls", "objectiveSetByContent", "boolean"),
    },
    "limitConditions": {
        "attemptLimit": (None, "attemptLimit", "integer"),
        "attemptAbsoluteDurationLimit": (None, "attemptAbsoluteDurationLimit", "text"),
    },
    "rollupConsiderations": {
        "requiredForSatisfied": ("rollupConsiderations", "requiredForSatisfied", "text"),
        "requiredForNotSatisfied": ("rollupConsiderations", "requiredForNotSatisfied", "text"),
        "requiredForCompleted": ("rollupConsiderations", "requiredForCompleted", "text"),
        "requiredForIncomplete": ("rollupConsiderations", "requiredForIncomplete", "text"),
        "measureSatisfactionIfActive": ("rollupConsiderations", "measureSatisfactionIfActive", "boolean"),
    },
}
# <sequencingRules> child -> scorm-again's list of rules
RULE_LISTS = {
    "preConditionRule": "preConditionRules",
    "exitConditionRule": "exitConditionRules",
    "postConditionRule": "postConditionRules",
}
# <mapInfo> attributes scorm-again reads (all booleans)
MAP_INFO_FLAGS = (
    "readSatisfiedStatus", "readNormalizedMeasure", "writeSatisfiedStatus", "writeNormalizedMeasure",
    "readCompletionStatus", "writeCompletionStatus", "readProgressMeasure", "writeProgressMeasure",
    "readRawScore", "writeRawScore", "readMinScore", "writeMinScore", "readMaxScore", "writeMaxScore",
    "updateAttemptData",
)
# What a package without any sequencing data gets: flow everywhere, as the server's tree (tree.build_tree).
PLAIN_PACKAGE_CONTROLS = {"choice": True, "flow": True}


def _convert(kind, value):
    converters = {
        "boolean": lambda text: text.strip().lower() in TRUE_WORDS,
        "number": float,
        "integer": int,
        "text": str.strip,
    }
    try:
        return converters[kind](value)
    except ValueError:
        return None


def _children(node, name):
    return [child for child in (node or {}).get("children", ()) if child.get("name") == name]


def _child(node, name):
    found = _children(node, name)
    return found[0] if found else None


def _attributes(node):
    return (node or {}).get("attributes", {})


def _targets(sequencing, settings):
    """Copy every attribute ATTRIBUTE_TARGETS knows into its settings group."""
    for element, attributes in ATTRIBUTE_TARGETS.items():
        for name, value in _attributes(_child(sequencing, element)).items():
            if name not in attributes:
                continue
            group, key, kind = attributes[name]
            converted = _convert(kind, value)
            if converted is None:
                continue
            (settings.setdefault(group, {}) if group else settings)[key] = converted


def _condition(node):
    attributes = _attributes(node)
    condition = {"condition": attributes.get("condition", ""), "operator": attributes.get("operator", "noOp")}
    if attributes.get("referencedObjective"):
        condition["referencedObjective"] = attributes["referencedObjective"]
    threshold = _convert("number", attributes.get("measureThreshold", "")) if "measureThreshold" in attributes \
        else None
    if threshold is not None:
        condition["parameters"] = {"threshold": threshold}
    return condition


def _sequencing_rules(sequencing):
    rules = {}
    for kind, key in RULE_LISTS.items():
        for node in _children(_child(sequencing, "sequencingRules"), kind):
            holder = _child(node, "ruleConditions")
            rules.setdefault(key, []).append({
                "action": _attributes(_child(node, "ruleAction")).get("action", ""),
                "conditionCombination": _attributes(holder).get("conditionCombination", "all"),
                "conditions": [_condition(child) for child in _children(holder, "ruleCondition")],
            })
    return rules


def _rollup_rules(sequencing):
    rules = []
    for node in _children(_child(sequencing, "rollupRules"), "rollupRule"):
        attributes = _attributes(node)
        holder = _child(node, "rollupConditions")
        rule = {
            "action": _attributes(_child(node, "rollupAction")).get("action", ""),
            "consideration": attributes.get("childActivitySet", "all"),
            "conditionCombination": _attributes(holder).get("conditionCombination", "any"),
            "conditions": [_condition(child) for child in _children(holder, "rollupCondition")],
        }
        for name, kind in (("minimumCount", "integer"), ("minimumPercent", "number")):
            value = _convert(kind, attributes[name]) if name in attributes else None
            if value is not None:
                rule[name] = value
        rules.append(rule)
    return rules


def _objective(node):
    attributes = _attributes(node)
    objective = {
        "objectiveID": attributes.get("objectiveID", ""),
        "isPrimary": node["name"] == "primaryObjective",
        "satisfiedByMeasure": _convert("boolean", attributes.get("satisfiedByMeasure", "false")),
        "mapInfo": [
            {"targetObjectiveID": _attributes(info).get("targetObjectiveID", ""),
             **{flag: _convert("boolean", value) for flag, value in _attributes(info).items()
                if flag in MAP_INFO_FLAGS}}
            for info in _children(node, "mapInfo")
        ],
    }
    measure = _convert("number", (_child(node, "minNormalizedMeasure") or {}).get("text") or "")
    if measure is not None:
        objective["minNormalizedMeasure"] = measure
    return objective


def _objectives(sequencing):
    """(primary objective or None, other objectives)."""
    primary, others = None, []
    for node in (_child(sequencing, "objectives") or {}).get("children", ()):
        if node.get("name") == "primaryObjective":
            primary = _objective(node)
        elif node.get("name") == "objective":
            others.append(_objective(node))
    return primary, others


def activity_settings(identifier, title, sequencing, *, visible=True, hide_lms_ui=()):
    """One activity's settings (without children) from its merged <sequencing> node (or None)."""
    settings = {"id": identifier, "title": title, "isVisible": visible}
    _targets(sequencing, settings)
    rules = _sequencing_rules(sequencing)
    if rules:
        settings["sequencingRules"] = rules
    rollup = _rollup_rules(sequencing)
    if rollup:
        settings["rollupRules"] = {"rules": rollup}
    primary, others = _objectives(sequencing)
    if primary is not None:
        # An unnamed primary objective still carries satisfiedByMeasure; scorm-again needs an identifier.
        settings["primaryObjective"] = {**primary, "objectiveID": primary["objectiveID"] or f"{identifier}#primary"}
    if others:
        settings["objectives"] = others
    if hide_lms_ui:
        settings["hideLmsUi"] = list(hide_lms_ui)
    return settings


def _item_settings(item, collection):
    settings = activity_settings(item.identifier, item.title, merged_sequencing(item.sequencing, collection),
                                 visible=item.visible, hide_lms_ui=item.presentation)
    if item.children:
        settings["children"] = [_item_settings(child, collection) for child in item.children]
    return settings


def _with_plain_controls(settings):
    settings["sequencingControls"] = {**settings.get("sequencingControls", {}), **PLAIN_PACKAGE_CONTROLS}
    for child in settings.get("children", ()):
        _with_plain_controls(child)
    return settings


def engine_activity_tree(manifest, *, sequenced):
    """scorm-again's `activityTree` setting for the default organization (None without one). A package
    without sequencing data (`sequenced` False) gets choice and flow everywhere."""
    organization = manifest.organization()
    if organization is None:
        return None
    collection = manifest.sequencing_collection
    root = activity_settings(organization.identifier, organization.title,
                             merged_sequencing(organization.sequencing, collection))
    root["children"] = [_item_settings(item, collection) for item in organization.items]
    return root if sequenced else _with_plain_controls(root)
