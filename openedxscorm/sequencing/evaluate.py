"""Tracking status of every activity: the SCOs' own reports, global objectives (mapInfo read and write),
pre-condition rules, and rollup from the leaves up to the root. Recomputed from scratch on every call: the
learner's per-SCO states are the only stored input."""
from dataclasses import dataclass, field

from .vocab import TIME_CONDITIONS


@dataclass(frozen=True)
class LeafStatus:
    """What one SCO's stored state says, in sequencing terms."""

    attempted: bool = False
    attempts: int = 0  # attempts started
    attempt_ended: bool = False  # the last session ended the attempt (a new launch starts another)
    suspended: bool = False
    completion: str = "unknown"  # completed / incomplete / not attempted / unknown
    success: str = "unknown"  # passed / failed / unknown
    measure: float | None = None  # cmi.score.scaled
    objectives: dict = field(default_factory=dict)  # cmi.objectives id -> {"success": ..., "measure": ...}


@dataclass
class ObjectiveStatus:
    known: bool = False
    satisfied: bool = False
    measure: float | None = None


@dataclass
class ActivityStatus:  # pylint: disable=too-many-instance-attributes
    attempted: bool = False
    attempts: int = 0
    suspended: bool = False
    limit_exceeded: bool = False
    progress_known: bool = False
    completed: bool = False
    objectives: dict = field(default_factory=dict)  # objective id ("" for an activity without any) -> status
    primary: str = ""
    skipped: bool = False
    disabled: bool = False
    hidden_from_choice: bool = False

    @property
    def primary_status(self):
        return self.objectives.setdefault(self.primary, ObjectiveStatus())


@dataclass
class Evaluation:
    root: object
    statuses: dict  # activity identifier -> ActivityStatus
    globals: dict  # target objective id -> ObjectiveStatus

    def status(self, activity):
        return self.statuses[activity.identifier]


# -- rule conditions ------------------------------------------------------------------------------------------

def _objective(status, condition):
    return status.objectives.get(condition.objective or status.primary) or status.primary_status


CONDITIONS = {
    "satisfied": lambda s, c: _objective(s, c).known and _objective(s, c).satisfied,
    "objectiveStatusKnown": lambda s, c: _objective(s, c).known,
    "objectiveMeasureKnown": lambda s, c: _objective(s, c).measure is not None,
    "objectiveMeasureGreaterThan": lambda s, c: (_objective(s, c).measure is not None
                                                 and _objective(s, c).measure > c.threshold),
    "objectiveMeasureLessThan": lambda s, c: (_objective(s, c).measure is not None
                                              and _objective(s, c).measure < c.threshold),
    "completed": lambda s, c: s.progress_known and s.completed,
    "activityProgressKnown": lambda s, c: s.progress_known,
    "attempted": lambda s, c: s.attempted,
    "attemptLimitExceeded": lambda s, c: s.limit_exceeded,
    "always": lambda s, c: True,
    **{name: (lambda s, c: False) for name in TIME_CONDITIONS},
}
COMBINATIONS = {"all": all, "any": any}


def conditions_hold(rule, status):
    results = [CONDITIONS.get(condition.condition, lambda s, c: False)(status, condition) != condition.negated
               for condition in rule.conditions]
    return bool(results) and COMBINATIONS.get(rule.combination, all)(results)


# -- leaves ----------------------------------------------------------------------------------------------------

def _leaf_status(activity, leaf):
    status = ActivityStatus(attempted=leaf.attempted, attempts=leaf.attempts, suspended=leaf.suspended)
    ended_unreported = leaf.attempted and leaf.attempt_ended
    completion = leaf.completion
    if completion == "unknown" and ended_unreported and not activity.delivery["completionSetByContent"]:
        completion = "completed"  # SN: the LMS marks a delivered activity complete unless the content says
    status.progress_known = completion in ("completed", "incomplete")
    status.completed = completion == "completed"
    success = leaf.success
    if success == "unknown" and ended_unreported and not activity.delivery["objectiveSetByContent"]:
        success = "passed"
    primary = activity.primary_objective()
    status.primary = primary.identifier if primary else ""
    status.objectives[status.primary] = ObjectiveStatus(
        known=success in ("passed", "failed"), satisfied=success == "passed", measure=leaf.measure)
    for objective in activity.objectives:
        if objective.primary:
            continue
        reported = leaf.objectives.get(objective.identifier, {})
        status.objectives[objective.identifier] = ObjectiveStatus(
            known=reported.get("success") in ("passed", "failed"), satisfied=reported.get("success") == "passed",
            measure=reported.get("measure"))
    limit = activity.attempt_limit
    status.limit_exceeded = bool(limit) and (leaf.attempts > limit or (leaf.attempts == limit and leaf.attempt_ended))
    return status


def _write_globals(activity, status, store):
    for objective in activity.objectives:
        local = status.objectives.get(objective.identifier)
        if local is None:
            continue
        for info in objective.maps:
            shared = store.setdefault(info["target"], ObjectiveStatus())
            if info["writeSatisfiedStatus"] and local.known:
                shared.known, shared.satisfied = True, local.satisfied
            if info["writeNormalizedMeasure"] and local.measure is not None:
                shared.measure = local.measure


def _read_globals(activity, status, store):
    for objective in activity.objectives:
        local = status.objectives.setdefault(objective.identifier, ObjectiveStatus())
        for info in objective.maps:
            shared = store.get(info["target"])
            if shared is None:
                continue
            if info["readSatisfiedStatus"] and shared.known:
                local.known, local.satisfied = True, shared.satisfied
            if info["readNormalizedMeasure"] and shared.measure is not None:
                local.measure = shared.measure


def _apply_pre_conditions(activity, status):
    for rule in activity.rules.get("preConditionRule", ()):
        if conditions_hold(rule, status):
            setattr(status, PRE_CONDITION_FLAGS[rule.action], True)


PRE_CONDITION_FLAGS = {"skip": "skipped", "disabled": "disabled", "hiddenFromChoice": "hidden_from_choice"}


# -- rollup ------------------------------------------------------------------------------------------------------

CONSIDERED = {
    "always": lambda status: True,
    "ifAttempted": lambda status: status.attempted,
    "ifNotSkipped": lambda status: not status.skipped,
    "ifNotSuspended": lambda status: not (status.attempted and status.suspended),
}
# Rollup action -> (which rollup flag a child needs to count, which consideration, default rule condition)
ROLLUP_DEFAULTS = {
    "notSatisfied": ("objective_satisfied", "requiredForNotSatisfied", "objectiveStatusKnown"),
    "satisfied": ("objective_satisfied", "requiredForSatisfied", "satisfied"),
    "incomplete": ("progress_completion", "requiredForIncomplete", "activityProgressKnown"),
    "completed": ("progress_completion", "requiredForCompleted", "completed"),
}
CHILD_SETS = {
    "all": lambda hits, rule: all(hits),
    "any": lambda hits, rule: any(hits),
    "none": lambda hits, rule: not any(hits),
    "atLeastCount": lambda hits, rule: sum(hits) >= rule.minimum_count,
    "atLeastPercent": lambda hits, rule: sum(hits) / len(hits) >= rule.minimum_percent,
}


def _contributing(children, statuses, action):
    flag, consideration, _condition = ROLLUP_DEFAULTS[action]
    return [statuses[child.identifier] for child in children
            if child.delivery["tracked"] and child.rollup[flag]
            and CONSIDERED.get(child.considerations[consideration], CONSIDERED["always"])(
                statuses[child.identifier])]


def _rule_fires(rule, contributing):
    if not contributing:
        return False
    hits = [conditions_hold(rule, status) for status in contributing]
    return CHILD_SETS.get(rule.child_set, CHILD_SETS["all"])(hits, rule)


def _rules_for(activity, action):
    from .tree import Condition, Rule  # pylint: disable=import-outside-toplevel

    defined = [rule for rule in activity.rollup_rules if rule.action == action]
    return defined or [Rule(action=action, conditions=(Condition(ROLLUP_DEFAULTS[action][2]),))]


def _rollup_measure(activity, statuses):
    counted, total, known = 0.0, 0.0, False
    for child in activity.children:
        weight = child.rollup["measure_weight"]
        if not child.delivery["tracked"] or weight <= 0:
            continue
        counted += weight
        measure = statuses[child.identifier].primary_status.measure
        if measure is not None:
            total, known = total + weight * measure, True
    return total / counted if known and counted else None


def _rollup(activity, statuses):
    status = ActivityStatus()
    children = [statuses[child.identifier] for child in activity.children]
    status.attempted = any(child.attempted for child in children)
    status.suspended = any(child.suspended for child in children)
    primary = activity.primary_objective()
    status.primary = primary.identifier if primary else ""
    objective = status.primary_status
    objective.measure = _rollup_measure(activity, statuses)
    if primary is not None and primary.satisfied_by_measure and objective.measure is not None:
        objective.known, objective.satisfied = True, objective.measure >= primary.min_measure
    else:
        for action, value in (("notSatisfied", False), ("satisfied", True)):
            if any(_rule_fires(rule, _contributing(activity.children, statuses, action))
                   for rule in _rules_for(activity, action)):
                objective.known, objective.satisfied = True, value
    for action, value in (("incomplete", False), ("completed", True)):
        if any(_rule_fires(rule, _contributing(activity.children, statuses, action))
               for rule in _rules_for(activity, action)):
            status.progress_known, status.completed = True, value
    return status


# -- the whole tree ------------------------------------------------------------------------------------------------

def evaluate(root, leaves):
    """Evaluation of the tree rooted at `root`, given {leaf identifier: LeafStatus} (missing: never launched)."""
    statuses, store = {}, {}
    activities = list(root.walk())
    for activity in activities:
        if not activity.children:
            statuses[activity.identifier] = _leaf_status(activity, leaves.get(activity.identifier, LeafStatus()))
            _write_globals(activity, statuses[activity.identifier], store)
    for activity in activities:
        if not activity.children:
            _read_globals(activity, statuses[activity.identifier], store)
            _apply_pre_conditions(activity, statuses[activity.identifier])
    for activity in reversed(activities):  # children before their parent
        if activity.children:
            statuses[activity.identifier] = _rollup(activity, statuses)
            _write_globals(activity, statuses[activity.identifier], store)
            _read_globals(activity, statuses[activity.identifier], store)
            _apply_pre_conditions(activity, statuses[activity.identifier])
    return Evaluation(root=root, statuses=statuses, globals=store)
