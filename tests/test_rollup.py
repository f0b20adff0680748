"""Block-level rollup: the Studio score methods over several SCOs, and the outcome of a sequencing root."""
import pytest

from openedxscorm import rollup
from openedxscorm.player_navigation import engine
from openedxscorm.runtime import SCORM12
from openedxscorm.scoring import Outcome
from openedxscorm.sequencing.evaluate import ActivityStatus, ObjectiveStatus


def sco(grade, completion, success="unknown", raw=None, high=None):
    data = {}
    if raw is not None:
        data["cmi.core.score.raw"] = str(raw)
    if high is not None:
        data["cmi.core.score.max"] = str(high)
    return {"outcome": Outcome(grade, completion), "derived": {"success": success}, "data": data}


SCOS = [sco(0.5, 1.0, "passed", raw=5, high=10), sco(1.0, 1.0, "passed", raw=30, high=30),
        sco(None, 0.0)]


@pytest.mark.parametrize("method, grade", [
    (rollup.SCORE_AVERAGE, 0.5),  # (0.5 + 1.0 + 0) / 3
    (rollup.SCORE_HIGHEST, 1.0),
    (rollup.SCORE_SUM, 35 / 140),  # points over possible points, an unscored SCO out of the default 100
    (rollup.SCORE_PASSED, 2 / 3),
])
def test_score_methods(method, grade):
    outcome = rollup.by_score_method(SCOS, method, SCORM12)
    assert outcome.grade == pytest.approx(grade)
    assert outcome.completion == pytest.approx(2 / 3)  # complete only when every SCO is


def test_nothing_graded_yet_gives_no_grade():
    untouched = [sco(None, 0.0), sco(None, 0.0)]
    for method in rollup.SCORE_METHOD_CHOICES:
        assert rollup.by_score_method(untouched, method, SCORM12) == Outcome(None, 0.0)
    assert rollup.by_score_method([sco(1.0, 1.0), sco(0.5, 1.0)], "average", SCORM12).completion == 1.0


def test_sequencing_root_gives_measure_else_satisfaction():
    measured = ActivityStatus(progress_known=True, completed=True,
                              objectives={"": ObjectiveStatus(known=True, satisfied=False, measure=0.7)})
    assert rollup.by_sequencing(measured) == Outcome(0.7, 1.0)
    satisfied = ActivityStatus(objectives={"": ObjectiveStatus(known=True, satisfied=True)})
    assert rollup.by_sequencing(satisfied) == Outcome(1.0, 0.0)
    assert rollup.by_sequencing(ActivityStatus()) == Outcome(None, 0.0)


# -- in the block ---------------------------------------------------------------------------------------------

def _commit(block, sco, changes, seq, terminate=False):
    from tests.test_player import commit  # pylint: disable=import-outside-toplevel

    return commit(block, changes, seq, terminate, sco=sco)


@pytest.fixture
def multi_block(storage):  # noqa: ARG001
    from openedxscorm_support.block_runtime import make_block  # pylint: disable=import-outside-toplevel
    from tests.test_block import upload  # pylint: disable=import-outside-toplevel

    block = make_block()
    upload(block, "multi-1.2.zip")
    return block


def test_each_sco_keeps_its_own_state_and_the_block_grades_by_the_score_method(multi_block):
    block = multi_block
    first, second = (item.identifier for item in block.launch_items()[:2])
    assert _commit(block, first, [("cmi.core.lesson_location", "one"), ("cmi.core.score.raw", "80")], 1).json[
        "result"] == "stored"
    assert _commit(block, second, [("cmi.core.lesson_location", "two"), ("cmi.core.score.raw", "40")], 2).json[
        "result"] == "stored"
    version = block.stored_version()
    assert version.sco(first)["data"]["cmi.core.lesson_location"] == "one"
    assert version.sco(second)["data"]["cmi.core.lesson_location"] == "two"
    grades = [data for kind, data in block.runtime.events if kind == "grade"]
    assert grades[-1]["value"] == pytest.approx((0.8 + 0.4) / 3)  # average over the 3 SCOs
    assert block.grading_options({"score_method": "highest"}) == ({"score_method": "highest"}, None)
    assert block.grading_options({"score_method": "median"})[1]


def test_author_is_warned_of_unsupported_sequencing(storage):  # noqa: ARG001
    from openedxscorm_support.block_runtime import make_block  # pylint: disable=import-outside-toplevel
    from tests.test_block import upload  # pylint: disable=import-outside-toplevel

    block = make_block()
    upload(block, "remediation-2004.zip")  # its retry runs in the browser engine
    assert not any("sequencing" in text for text in block.notices_text())
    upload(block, "sequenced-2004.zip")
    assert not any("sequencing" in text for text in block.notices_text())
    ignored = ["postConditionRule:retry", "randomizationControls"]
    assert engine.ignored_by_player(ignored, "2004", ["a", "b"]) == ["randomizationControls"]
    assert engine.ignored_by_player(ignored, "2004", ["a"]) == ignored
    assert engine.ignored_by_player(ignored, "1.2", ["a", "b"]) == ignored
