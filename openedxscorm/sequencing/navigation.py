"""Navigation requests against an evaluated tree: start, continue, previous and choice, as far as control
modes, pre-condition rules and attempt limits allow. Each returns the leaf to deliver, or a refusal code."""
from dataclasses import dataclass

from ..errors import gettext_noop


@dataclass(frozen=True)
class NavigationResult:
    target: str | None  # identifier of the SCO to launch
    refusal: str | None = None  # code of NAVIGATION_REFUSALS when nothing can be delivered


# Refusal code -> English reason (the player shows it; see navigation/messages in the launcher).
NAVIGATION_REFUSALS = {
    "flow_disabled": gettext_noop("This content does not allow moving forward or back in order."),
    "forward_only": gettext_noop("This content does not allow going back."),
    "choice_disabled": gettext_noop("This content does not allow choosing activities from the list."),
    "disabled": gettext_noop("This activity is not available yet."),
    "hidden": gettext_noop("This activity cannot be chosen."),
    "limit_exceeded": gettext_noop("You have used all the attempts allowed for this activity."),
    "choice_exit": gettext_noop("You have to finish the current section first."),
    "end": gettext_noop("There is no activity in that direction."),
    "unknown_target": gettext_noop("That activity is not part of this content."),
    "engine_refused": gettext_noop("This content's sequencing rules do not allow that now."),
}


def _blocked(evaluation, activity):
    """Refusal code when `activity` cannot be delivered or entered, else None."""
    status = evaluation.status(activity)
    if status.disabled:
        return "disabled"
    if status.limit_exceeded:
        return "limit_exceeded"
    return None


def _first_leaf(evaluation, activity, forward=True):
    """Flow into `activity`: itself when a leaf, else its first (or last) deliverable descendant by flow."""
    if not activity.children:
        return NavigationResult(activity.identifier)
    if not activity.control["flow"]:
        return NavigationResult(None, "flow_disabled")
    children = activity.children if forward else list(reversed(activity.children))
    return _first_deliverable(evaluation, children, forward)


def _first_deliverable(evaluation, candidates, forward):
    """The first deliverable leaf under the candidates, in order, skipping skipped ones; stop at a refusal."""
    for candidate in candidates:
        if evaluation.status(candidate).skipped:
            continue
        refusal = _blocked(evaluation, candidate)
        if refusal:
            return NavigationResult(None, refusal)
        found = _first_leaf(evaluation, candidate, forward)
        if found.target or found.refusal != "end":
            return found
    return NavigationResult(None, "end")


def _flow(evaluation, current, forward):
    """The next (or previous) deliverable leaf from `current` in flow order."""
    node = current
    while node.parent is not None:
        parent = node.parent
        if not parent.control["flow"]:
            return NavigationResult(None, "flow_disabled")
        if not forward and parent.control["forwardOnly"]:
            return NavigationResult(None, "forward_only")
        siblings = parent.children
        index = siblings.index(node)
        candidates = siblings[index + 1:] if forward else list(reversed(siblings[:index]))
        found = _first_deliverable(evaluation, candidates, forward)
        if found.target or found.refusal != "end":
            return found
        node = parent
    return NavigationResult(None, "end")


def _choice(evaluation, current, target):
    path = [target, *target.ancestors()]
    for activity in path:
        if activity.parent is not None and not activity.parent.control["choice"]:
            return NavigationResult(None, "choice_disabled")
        status = evaluation.status(activity)
        if status.hidden_from_choice:
            return NavigationResult(None, "hidden")
        refusal = _blocked(evaluation, activity)
        if refusal:
            return NavigationResult(None, refusal)
    if current is not None and current is not target:
        order = [activity.identifier for activity in evaluation.root.walk()]
        backward = order.index(target.identifier) < order.index(current.identifier)
        target_path = set(map(id, path))
        for ancestor in current.ancestors():
            if id(ancestor) in target_path:
                if backward and ancestor.control["forwardOnly"]:
                    return NavigationResult(None, "forward_only")
                break
            if not ancestor.control["choiceExit"]:
                return NavigationResult(None, "choice_exit")
    return _first_leaf(evaluation, target)


def _find(root, identifier):
    return next((activity for activity in root.walk() if activity.identifier == identifier), None)


def resolve_request(evaluation, request, current_id=None, target_id=None):
    """The SCO a navigation request leads to: "start", "continue", "previous" or "choice" (with target_id)."""
    root = evaluation.root
    current = _find(root, current_id) if current_id else None
    if request == "start" or (current is None and request in ("continue", "previous")):
        return _first_leaf(evaluation, root) if root.control["flow"] else _first_choosable(evaluation, root)
    if request == "continue":
        return _flow(evaluation, current, True)
    if request == "previous":
        return _flow(evaluation, current, False)
    if request == "choice":
        target = _find(root, target_id) if target_id else None
        return _choice(evaluation, current, target) if target is not None else NavigationResult(
            None, "unknown_target")
    return NavigationResult(None, "end")


def _first_choosable(evaluation, root):
    """Without flow at the root, the first leaf a learner may choose (an LMS starts somewhere)."""
    for activity in root.walk():
        if not activity.children and activity.launchable and _choice(evaluation, None, activity).target:
            return NavigationResult(activity.identifier)
    return NavigationResult(None, "end")


def choosable(evaluation, activity, current_id=None):
    """Whether a choice request for `activity` would deliver something now."""
    current = _find(evaluation.root, current_id) if current_id else None
    return _choice(evaluation, current, activity).target is not None


def delivery_refusal(evaluation, identifier):
    """Refusal code when the SCO cannot be delivered now whatever request led to it (the server's check of a
    delivery the browser's engine chose): unknown, or it or an ancestor disabled or out of attempts."""
    target = _find(evaluation.root, identifier)
    if target is None or target.children or not target.launchable:
        return "unknown_target"
    for activity in (target, *target.ancestors()):
        refusal = _blocked(evaluation, activity)
        if refusal:
            return refusal
    return None
