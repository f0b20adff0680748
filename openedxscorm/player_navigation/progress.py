"""A learner's progress through a package: every SCO's derived values, the sequencing evaluation, and the
block's outcome. Built from plain inputs on each request; nothing here is stored."""
from dataclasses import dataclass

from .. import rollup, scoring
from ..launch_settings import launch_settings
from ..runtime import derive, load_state
from ..sequencing import build_tree, evaluate
from ..sequencing.tree import defines_sequencing
from .states import attempted, leaf_status
from .toc import status_code


@dataclass
class Progress:
    tree: object  # root Activity
    evaluation: object  # sequencing Evaluation
    scos: dict  # identifier -> {"item", "state", "data", "derived", "outcome", "status"}
    outcome: scoring.Outcome  # of the whole block
    graded_by_sequencing: bool


def sco_progress(standard, item, state, *, completion_on, credit=True):
    """One SCO's derived values, outcome and TOC status; the stored state read defensively ({} if none)."""
    state = load_state(standard, state) if state else {}
    settings = launch_settings(standard, item)
    derived = derive(standard, state, mastery_score=settings.get("mastery_score"),
                     scaled_passing_score=settings.get("scaled_passing_score"),
                     completion_threshold=settings.get("completion_threshold"), credit=credit)
    outcome = scoring.outcome(derived, completion_on=completion_on, sessions=(state or {}).get("sessions", 0))
    return {"item": item, "state": state or {}, "data": (state or {}).get("data", {}), "derived": derived,
            "outcome": outcome, "status": status_code({**derived, "attempted": attempted(state)})}


def learner_progress(manifest, standard, state_of, *, completion_on, score_method):
    """Progress of one learner; `state_of(identifier)` gives a SCO's stored state."""
    items = manifest.launchable_items()
    scos = {item.identifier: sco_progress(standard, item, state_of(item.identifier), completion_on=completion_on)
            for item in items}
    tree = build_tree(manifest)
    evaluation = evaluate(tree, {identifier: leaf_status(standard, sco["state"], sco["derived"])
                                 for identifier, sco in scos.items()})
    by_sequencing = len(items) > 1 and defines_sequencing(manifest)
    if by_sequencing:
        outcome = rollup.by_sequencing(evaluation.status(tree))
    elif len(items) == 1:
        outcome = next(iter(scos.values()))["outcome"]
    else:
        outcome = rollup.by_score_method(list(scos.values()), score_method, standard)
    return Progress(tree=tree, evaluation=evaluation, scos=scos, outcome=outcome, graded_by_sequencing=by_sequencing)
