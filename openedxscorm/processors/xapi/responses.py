"""SCORM interaction responses in xAPI's response format.

xAPI took SCORM 2004's formats ("a[,]b", "1[.]a[,]2[.]b"), so 2004 responses pass as they are. SCORM 1.2 wrote
lists with commas and pairs with dots, true-false as t/f/1/0: those are rewritten, type by type.
"""
from openedxscorm.events import EVENT_SCORM_VERSION
from openedxscorm.runtime import SCORM12

SCORM12_EVENT_VERSION = EVENT_SCORM_VERSION[SCORM12]
LIST_SEPARATOR = "[,]"
PAIR_SEPARATOR = "[.]"
TRUE_FALSE = {"t": "true", "1": "true", "true": "true", "f": "false", "0": "false", "false": "false"}


def _items(text):
    return [item.strip() for item in text.strip().strip("{}").split(",")]


def _list(text):
    return LIST_SEPARATOR.join(_items(text))


def _pairs(text):
    return LIST_SEPARATOR.join(PAIR_SEPARATOR.join(part.strip() for part in item.split(".", 1))
                               for item in _items(text))


def _true_false(text):
    return TRUE_FALSE.get(text.strip().lower(), text)


# SCORM 1.2 interaction type -> rewrite of its responses; the others (fill-in, numeric, likert, performance) pass
SCORM12_REWRITES = {"choice": _list, "sequencing": _list, "matching": _pairs, "true-false": _true_false}


def xapi_response(scorm_version, interaction_type, text):
    """`text` (a learner response or a correct pattern) in xAPI's format."""
    if scorm_version != SCORM12_EVENT_VERSION:
        return text
    return SCORM12_REWRITES.get(interaction_type, str)(text)
