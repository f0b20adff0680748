"""The table of contents the player shows: the default organization's items, nested, with each launchable
item's status and whether the learner may choose it now. Plain data for the launcher template."""

# What the learner sees for an item's status: (completion, success) of runtime.derive -> status code.
STATUS_OF = (
    (lambda derived: derived.get("success") == "passed", "passed"),
    (lambda derived: derived.get("success") == "failed", "failed"),
    (lambda derived: derived.get("completion") == "completed", "completed"),
    (lambda derived: derived.get("attempted"), "incomplete"),
)
NOT_ATTEMPTED = "not_attempted"
# Status code -> label (translated by the template).
STATUS_LABELS = {
    "passed": "Passed", "failed": "Failed", "completed": "Completed", "incomplete": "In progress",
    NOT_ATTEMPTED: "Not started",
}


def status_code(derived):
    """One status code for an item from its derived run-time values (plus "attempted")."""
    return next((code for test, code in STATUS_OF if test(derived)), NOT_ATTEMPTED)


def toc_entries(root, statuses, *, current=None, choosable=lambda activity: True):
    """Flat entries in manifest order, each knowing how deep it is and how many nested lists close after it,
    so a template writes nested <ul> without recursion. Invisible items are left out; their children show at
    their depth. `statuses` maps a launchable item's identifier to its status code."""
    entries = []

    def visit(activity, depth):
        shown = activity.visible
        if shown:
            entries.append({
                "identifier": activity.identifier, "title": activity.title, "depth": depth,
                "launchable": activity.launchable, "status": statuses.get(activity.identifier, NOT_ATTEMPTED)
                if activity.launchable else "",
                "status_label": STATUS_LABELS[statuses.get(activity.identifier, NOT_ATTEMPTED)]
                if activity.launchable else "",
                "current": activity.identifier == current,
                "enabled": activity.launchable and choosable(activity),
                "opens": False, "closes": 0,
            })
        first_child = len(entries)
        for child in activity.children:
            visit(child, depth + 1 if shown else depth)
        if shown and len(entries) > first_child:
            entries[first_child - 1]["opens"] = True
            entries[-1]["closes"] += 1

    for child in root.children:
        visit(child, 1)
    for entry in entries:
        entry["close_range"] = range(entry["closes"])
    return entries


def leaf_order(root):
    """Identifiers of the launchable items, depth first in manifest order."""
    return [activity.identifier for activity in root.walk() if activity.launchable]
