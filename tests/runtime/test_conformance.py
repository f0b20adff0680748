"""The conformance suite, server side: every step the server answers for agrees with the JSON."""
from collections import Counter

import pytest

from openedxscorm.runtime.divergences import DIVERGENCES
from tests.conftest import needs_conformance

from .conformance import SKIP_REASONS, Replay, conformance_activities

ACTIVITIES = conformance_activities()
pytestmark = needs_conformance


def test_conformance_folder_holds_activities():
    assert ACTIVITIES, "no conformance activities found"


@pytest.mark.parametrize("standard,activity", [(s, a) for _, s, a in ACTIVITIES], ids=[i for i, _, _ in ACTIVITIES])
def test_activity_agrees_with_server(standard, activity):
    replay = Replay(standard, activity).run()
    assert not replay.failures, "\n".join(replay.failures)


def test_every_set_value_step_is_checked_or_skipped_for_a_browser_reason():
    checked, skipped = Counter(), Counter()
    set_steps = 0
    for _, standard, activity in ACTIVITIES:
        replay = Replay(standard, activity).run()
        checked.update(replay.checked)
        skipped.update(replay.skipped)
        set_steps += sum(step["method"] == "SetValue" for step in activity["steps"])
    set_checked = checked["set"] + checked["set_divergence"]
    assert {reason for _, reason in skipped} <= set(SKIP_REASONS)
    set_skipped = {reason: count for (method, reason), count in skipped.items() if method == "SetValue"}
    assert set(set_skipped) <= {"call_sequence"}
    assert set_checked + sum(set_skipped.values()) == set_steps
    assert set_checked > 0.9 * set_steps
    print(f"\nconformance (server side): {set_steps} SetValue steps, checked {dict(checked)}, "
          f"skipped {dict(skipped)}")


def test_documented_divergences_name_real_elements():
    from openedxscorm.runtime.datamodel import standard_of  # pylint: disable=import-outside-toplevel

    for divergence in DIVERGENCES:
        for pattern in divergence.elements:
            assert pattern in standard_of(divergence.standard).elements, pattern
