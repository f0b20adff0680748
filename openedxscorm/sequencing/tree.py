"""The activity tree of an organization: each item with its sequencing definition, read from the manifest's
plain sequencing data (with `IDRef` references to the sequencing collection resolved)."""
from dataclasses import dataclass, field

from .vocab import (
    CONSIDERATION_DEFAULTS,
    CONTROL_MODE_DEFAULTS,
    DELIVERY_DEFAULTS,
    MAP_INFO_DEFAULTS,
    ROLLUP_ACTIONS,
    ROLLUP_ATTRIBUTES,
    RULE_KINDS,
    SUPPORTED_ELEMENTS,
    SUPPORTED_LIMITS,
    TRUE_WORDS,
)


@dataclass(frozen=True)
class Condition:
    condition: str
    negated: bool = False
    objective: str | None = None  # referencedObjective
    threshold: float = 0.0  # measureThreshold


@dataclass(frozen=True)
class Rule:
    """A sequencing rule (pre, post or exit condition) or, with child_set, a rollup rule."""

    action: str
    conditions: tuple[Condition, ...]
    combination: str = "all"
    child_set: str = "all"
    minimum_count: int = 0
    minimum_percent: float = 0.0


@dataclass(frozen=True)
class Objective:
    identifier: str
    primary: bool
    satisfied_by_measure: bool = False
    min_measure: float = 1.0
    maps: tuple[dict, ...] = ()


@dataclass(eq=False)
class Activity:  # pylint: disable=too-many-instance-attributes
    identifier: str
    title: str
    launchable: bool
    visible: bool = True
    hide_lms_ui: tuple[str, ...] = ()
    control: dict = field(default_factory=lambda: dict(CONTROL_MODE_DEFAULTS))
    attempt_limit: int | None = None
    rules: dict = field(default_factory=dict)  # rule kind -> [Rule]
    rollup_rules: list = field(default_factory=list)
    rollup: dict = field(default_factory=dict)
    delivery: dict = field(default_factory=lambda: dict(DELIVERY_DEFAULTS))
    considerations: dict = field(default_factory=lambda: dict(CONSIDERATION_DEFAULTS))
    objectives: list = field(default_factory=list)
    children: list = field(default_factory=list)
    parent: "Activity | None" = None
    unsupported: tuple[str, ...] = ()

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def ancestors(self):
        """Parent, grandparent, ... up to the root."""
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def primary_objective(self):
        return next((objective for objective in self.objectives if objective.primary), None)


def _children(node, name):
    return [child for child in (node or {}).get("children", ()) if child.get("name") == name]


def _child(node, name):
    found = _children(node, name)
    return found[0] if found else None


def _boolean(value, default):
    return default if value is None else value.strip().lower() in TRUE_WORDS


def _number(value, default):
    try:
        return float(value) if value not in (None, "") else default
    except ValueError:
        return default


def _typed(kind, value, default):
    return _boolean(value, default) if kind == "boolean" else _number(value, default)


def merged_sequencing(node, collection):
    """An item's <sequencing> with the collection entry its IDRef names as the base: own children replace
    the base's children of the same name."""
    if node is None:
        return None
    reference = node.get("attributes", {}).get("IDRef")
    base = next((entry for entry in _children(collection, "sequencing")
                 if entry.get("attributes", {}).get("ID") == reference), None) if reference else None
    if base is None:
        return node
    own_names = {child["name"] for child in node.get("children", ())}
    children = [child for child in base.get("children", ()) if child["name"] not in own_names]
    return {**node, "children": children + list(node.get("children", ()))}


def _attributes(node, defaults):
    attributes = (node or {}).get("attributes", {})
    return {name: _boolean(attributes.get(name), default) if isinstance(default, bool) else
            attributes.get(name, default) for name, default in defaults.items()}


def _conditions(node, element):
    holder = _child(node, element) or {}
    conditions = tuple(
        Condition(
            condition=child["attributes"].get("condition", ""),
            negated=child["attributes"].get("operator", "noOp") == "not",
            objective=child["attributes"].get("referencedObjective"),
            threshold=_number(child["attributes"].get("measureThreshold"), 0.0),
        )
        for child in holder.get("children", ()) if child.get("name") in ("ruleCondition", "rollupCondition")
    )
    return conditions, holder.get("attributes", {}).get("conditionCombination", "all" if element ==
                                                          "ruleConditions" else "any")


def _rules(sequencing, unsupported):
    rules = {kind: [] for kind in RULE_KINDS}
    for kind, supported_actions in RULE_KINDS.items():
        for node in _children(_child(sequencing, "sequencingRules"), kind):
            action = (_child(node, "ruleAction") or {}).get("attributes", {}).get("action", "")
            if action not in supported_actions:
                unsupported.append(f"{kind}:{action}")
                continue
            conditions, combination = _conditions(node, "ruleConditions")
            rules[kind].append(Rule(action=action, conditions=conditions, combination=combination))
    return rules


def _rollup_rules(sequencing):
    rules = []
    for node in _children(_child(sequencing, "rollupRules"), "rollupRule"):
        attributes = node.get("attributes", {})
        action = (_child(node, "rollupAction") or {}).get("attributes", {}).get("action", "")
        if action not in ROLLUP_ACTIONS:
            continue
        conditions, combination = _conditions(node, "rollupConditions")
        rules.append(Rule(action=action, conditions=conditions, combination=combination,
                          child_set=attributes.get("childActivitySet", "all"),
                          minimum_count=int(_number(attributes.get("minimumCount"), 0)),
                          minimum_percent=_number(attributes.get("minimumPercent"), 0.0)))
    return rules


def _objectives(sequencing):
    holder = _child(sequencing, "objectives")
    objectives = []
    for node in (holder or {}).get("children", ()):
        if node.get("name") not in ("primaryObjective", "objective"):
            continue
        attributes = node.get("attributes", {})
        measure = _child(node, "minNormalizedMeasure")
        maps = tuple({**_attributes(info, MAP_INFO_DEFAULTS),
                      "target": info.get("attributes", {}).get("targetObjectiveID", "")}
                     for info in _children(node, "mapInfo"))
        objectives.append(Objective(
            identifier=attributes.get("objectiveID", ""), primary=node["name"] == "primaryObjective",
            satisfied_by_measure=_boolean(attributes.get("satisfiedByMeasure"), False),
            min_measure=_number((measure or {}).get("text"), 1.0), maps=maps))
    return objectives


def _limit(sequencing, unsupported):
    attributes = (_child(sequencing, "limitConditions") or {}).get("attributes", {})
    unsupported.extend(f"limitConditions:{name}" for name in attributes if name not in SUPPORTED_LIMITS)
    limit = attributes.get("attemptLimit")
    return int(limit) if limit and limit.isdigit() and int(limit) > 0 else None


def _activity(identifier, title, launchable, sequencing, *, visible=True, hide_lms_ui=()):
    unsupported = [child["name"] for child in (sequencing or {}).get("children", ())
                   if child["name"] not in SUPPORTED_ELEMENTS]
    rollup_node = _child(sequencing, "rollupRules")
    rollup = {key: _typed(kind, (rollup_node or {}).get("attributes", {}).get(name), default)
              for name, (key, kind, default) in ROLLUP_ATTRIBUTES.items()}
    return Activity(
        identifier=identifier, title=title, launchable=launchable, visible=visible,
        hide_lms_ui=tuple(hide_lms_ui),
        control=_attributes(_child(sequencing, "controlMode"), CONTROL_MODE_DEFAULTS),
        attempt_limit=_limit(sequencing, unsupported),
        rules=_rules(sequencing, unsupported),
        rollup_rules=_rollup_rules(sequencing),
        rollup=rollup,
        delivery=_attributes(_child(sequencing, "deliveryControls"), DELIVERY_DEFAULTS),
        considerations=_attributes(_child(sequencing, "rollupConsiderations"), CONSIDERATION_DEFAULTS),
        objectives=_objectives(sequencing),
        unsupported=tuple(sorted(set(unsupported))),
    )


def _item_activity(item, collection):
    activity = _activity(item.identifier, item.title, bool(item.launch_url),
                         merged_sequencing(item.sequencing, collection), visible=item.visible,
                         hide_lms_ui=item.presentation)
    for child_item in item.children:
        child = _item_activity(child_item, collection)
        child.parent = activity
        activity.children.append(child)
    return activity


def build_tree(manifest):
    """The root activity (the default organization) of a Manifest, its items as children.

    A package without any sequencing data gets flow navigation everywhere (the schema's default is no flow,
    which would leave a plain multi-SCO package with no next and previous)."""
    organization = manifest.organization()
    collection = manifest.sequencing_collection
    root = _activity(organization.identifier if organization else "", organization.title if organization else "",
                     False, merged_sequencing(organization.sequencing if organization else None, collection))
    for item in organization.items if organization else ():
        child = _item_activity(item, collection)
        child.parent = root
        root.children.append(child)
    if not defines_sequencing(manifest):
        for activity in root.walk():
            activity.control["flow"] = True
    return root


def unsupported_elements(root):
    """Sorted names of the sequencing elements (and `kind:action` rule actions) of the tree that are ignored."""
    return sorted({name for activity in root.walk() for name in activity.unsupported})


def defines_sequencing(manifest):
    """Whether the package carries any IMS SS data: then its rollup, not the Studio score method, decides."""
    organization = manifest.organization()
    if organization is None:
        return False
    return organization.sequencing is not None or any(item.sequencing is not None for item in organization.walk())
