"""The block's tracking event names, for Django settings files and analytics code.

openedx-scorm-xblock's README tells operators to write ``from openedxscorm.tracking import tracked_event_names`` in
their LMS and CMS settings, so this module keeps that path. It imports nothing from the platform, Django or XBlock:
a settings file may import it before anything is configured.
"""
from .events import (
    COMPLETED,
    DEFAULT_INTERACTION_ELEMENTS,
    DEFAULT_TRACKING_EVENTS,
    EVENT_PREFIX,
    FAILED,
    INITIALIZED,
    INTERACTED,
    MAX_TRACKED_VALUE_LENGTH,
    PASSED,
    SCORED,
    TERMINATED,
    event_name,
    tracked_event_names,
)

# Where event-routing-backends' settings (its settings.common) keep the lists of events they let through, besides
# EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS: the name whitelists of EVENT_TRACKING_BACKENDS' event_transformer
# backend and of its xapi backend, copied when the plugin settings were applied. An event missing from one of them is
# dropped before any transformer sees it.
WHITELIST_PATHS = (
    ("event_transformer", "OPTIONS", "processors"),
    ("event_transformer", "OPTIONS", "backends", "xapi", "OPTIONS", "processors"),
)
WHITELIST_ENGINE = "NameWhitelistProcessor"
# Settings holding a plain collection of event names: the xAPI allow list, and the event bus's (Aspects).
EVENT_NAME_SETTINGS = ("EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS", "EVENT_BUS_TRACKING_LOGS")


def _with_names(collection, names):
    """`collection` (a list or a set) holding `names` too, of the same type."""
    if isinstance(collection, (set, frozenset)):
        return type(collection)(collection) | set(names)
    return list(collection) + [name for name in names if name not in collection]


def _processors(backends, path):
    node = backends
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node or []


def route_events_to_xapi(settings):
    """Let every event of the block through event-routing-backends to its xAPI backend.

    `settings` is the namespace of an LMS or CMS settings file (``globals()``), read after event-routing-backends'
    plugin settings were applied; settings it does not have are left alone.
    """
    names = tracked_event_names()
    for setting in EVENT_NAME_SETTINGS:
        if setting in settings:
            settings[setting] = _with_names(settings[setting], names)
    for path in WHITELIST_PATHS:
        for processor in _processors(settings.get("EVENT_TRACKING_BACKENDS") or {}, path):
            if processor.get("ENGINE", "").endswith(WHITELIST_ENGINE):
                options = processor.setdefault("OPTIONS", {})
                options["whitelist"] = _with_names(options.get("whitelist", []), names)


__all__ = [
    "COMPLETED", "DEFAULT_INTERACTION_ELEMENTS", "DEFAULT_TRACKING_EVENTS", "EVENT_PREFIX", "FAILED", "INITIALIZED",
    "INTERACTED", "MAX_TRACKED_VALUE_LENGTH", "PASSED", "SCORED", "TERMINATED", "event_name", "route_events_to_xapi",
    "tracked_event_names",
]
