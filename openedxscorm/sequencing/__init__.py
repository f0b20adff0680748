"""A subset of IMS Simple Sequencing (SCORM 2004 SN) evaluated on the server, from the manifest's plain
sequencing data and the learner's per-SCO states. Knows nothing of XBlock, Django or the browser.

`build_tree` reads the activity tree; `evaluate` gives every activity's status after global objectives and
rollup, and what navigation is allowed; `navigation` resolves continue / previous / choice requests.
What is not supported is listed by `unsupported_elements` and documented in docs/sequencing.rst.
"""
from .evaluate import Evaluation, LeafStatus, evaluate
from .navigation import NavigationResult, resolve_request
from .tree import Activity, build_tree, unsupported_elements

__all__ = [
    "Activity", "Evaluation", "LeafStatus", "NavigationResult", "build_tree", "evaluate", "resolve_request",
    "unsupported_elements",
]
