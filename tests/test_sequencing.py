"""The IMS SS subset on the ADL golf sequencing samples and on small hand-written trees: control modes,
pre-condition rules, attempt limits, global objectives and rollup."""
import zipfile

import pytest

from openedxscorm.manifest import parse_manifest
from openedxscorm.player_navigation.requests import NavRequest, parse_request
from openedxscorm.sequencing import LeafStatus, build_tree, evaluate, resolve_request, unsupported_elements
from openedxscorm.sequencing.navigation import choosable
from tests.conftest import real_package
from tests.packages import CATALOG, fixture_zip

FORCED = "SequencingForcedSequential_SCORM20043rdEdition.zip"
REMEDIATION = "SequencingSimpleRemediation_SCORM20043rdEdition.zip"
POST_TEST = "SequencingPostTestRollup_SCORM20043rdEdition.zip"
DONE = LeafStatus(attempted=True, attempts=1, attempt_ended=True, completion="completed", success="passed")
STARTED = LeafStatus(attempted=True, attempts=1, completion="incomplete")

SEQUENCED_MANIFEST = """<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
 <metadata><schema>ADL SCORM</schema><schemaversion>2004 3rd Edition</schemaversion></metadata>
 <organizations default="o"><organization identifier="o"><title>T</title>
  <item identifier="a" identifierref="r"><title>A</title>
   <imsss:sequencing><imsss:limitConditions attemptLimit="1"/></imsss:sequencing></item>
  <item identifier="b" identifierref="r"><title>B</title>
   <imsss:sequencing><imsss:sequencingRules><imsss:preConditionRule>
     <imsss:ruleConditions><imsss:ruleCondition condition="always"/></imsss:ruleConditions>
     <imsss:ruleAction action="hiddenFromChoice"/></imsss:preConditionRule></imsss:sequencingRules>
     <imsss:randomizationControls reorderChildren="true"/></imsss:sequencing></item>
  <item identifier="c" identifierref="r"><title>C</title></item>
  <imsss:sequencing><imsss:controlMode choice="true" flow="true" forwardOnly="true"/>
   <imsss:rollupRules><imsss:rollupRule childActivitySet="atLeastCount" minimumCount="2">
    <imsss:rollupConditions><imsss:rollupCondition condition="satisfied"/></imsss:rollupConditions>
    <imsss:rollupAction action="satisfied"/></imsss:rollupRule></imsss:rollupRules>
  </imsss:sequencing>
 </organization></organizations>
 <resources><resource identifier="r" type="webcontent" adlcp:scormType="sco" href="a.html"/></resources>
</manifest>"""


def tree_of(name):
    """The activity tree of a fixture package, or of a real one (the test is skipped when it is absent)."""
    with zipfile.ZipFile(fixture_zip(name) if name in CATALOG else real_package("valid", name)) as package:
        return build_tree(parse_manifest(package.read("imsmanifest.xml")))


def leaves(root):
    return [activity.identifier for activity in root.walk() if activity.launchable]


def test_forced_sequential_disables_later_scos_until_the_earlier_ones_are_satisfied():
    root = tree_of(FORCED)
    order = leaves(root)
    evaluation = evaluate(root, {})
    assert resolve_request(evaluation, "start").target == order[0]
    assert [choosable(evaluation, activity) for activity in root.walk() if activity.launchable] == [
        True, False, False, False, False]
    assert resolve_request(evaluation, "choice", order[0], order[2]).refusal == "disabled"
    # The first SCO passed: its primary objective writes the global the second one reads.
    evaluation = evaluate(root, {order[0]: DONE})
    assert resolve_request(evaluation, "choice", order[0], order[1]).target == order[1]
    assert resolve_request(evaluation, "choice", order[0], order[2]).refusal == "disabled"
    assert resolve_request(evaluation, "continue", order[0]).target == order[1]
    evaluation = evaluate(root, {identifier: DONE for identifier in order[:4]})
    assert resolve_request(evaluation, "choice", order[0], order[4]).target == order[4]


def test_own_forced_sequential_package_disables_each_lesson_until_the_previous_one_is_satisfied():
    root = tree_of("sequenced-2004.zip")
    first, second, third = leaves(root)
    evaluation = evaluate(root, {})
    assert [choosable(evaluation, activity) for activity in root.walk() if activity.launchable] == [
        True, False, False]
    assert resolve_request(evaluation, "choice", first, third).refusal == "disabled"
    evaluation = evaluate(root, {first: DONE})
    assert resolve_request(evaluation, "continue", first).target == second
    assert resolve_request(evaluation, "choice", first, third).refusal == "disabled"
    assert not evaluation.status(root).primary_status.satisfied
    done = evaluate(root, {identifier: DONE for identifier in (first, second, third)})
    assert done.status(root).primary_status.satisfied


def test_forced_sequential_rolls_up_completion_and_satisfaction_without_a_measure():
    root = tree_of(FORCED)
    partial = evaluate(root, {identifier: DONE for identifier in leaves(root)[:4]}).status(root)
    assert not partial.completed and not partial.primary_status.satisfied
    complete = evaluate(root, {identifier: DONE for identifier in leaves(root)}).status(root)
    assert complete.completed and complete.primary_status.known and complete.primary_status.satisfied
    assert complete.primary_status.measure is None  # every SCO has objectiveMeasureWeight="0"


def test_post_test_rollup_counts_only_the_assessment():
    root = tree_of(POST_TEST)
    order = leaves(root)
    content_only = evaluate(root, {identifier: DONE for identifier in order[:4]}).status(root)
    assert not content_only.progress_known and not content_only.primary_status.known
    failed = LeafStatus(attempted=True, attempts=1, attempt_ended=True, completion="completed", success="failed",
                        measure=0.4)
    status = evaluate(root, {order[-1]: failed}).status(root)
    assert status.completed and status.primary_status.known and not status.primary_status.satisfied
    assert status.primary_status.measure == pytest.approx(0.4)


def test_simple_remediation_rolls_up_the_tests_and_skips_what_is_satisfied():
    root = tree_of(REMEDIATION)
    tests = ["test_1", "test_2", "test_3", "test_4"]
    passed = LeafStatus(attempted=True, attempts=1, attempt_ended=True, completion="completed", success="passed",
                        measure=0.9)
    evaluation = evaluate(root, {"test_1": passed})
    assert evaluation.status(next(a for a in root.walk() if a.identifier == "playing_item")).skipped
    assert resolve_request(evaluation, "start").target == "etuqiette_item"  # playing_item skipped
    assert not choosable(evaluation, next(a for a in root.walk() if a.identifier == "test_2"))  # choice="false"
    status = evaluate(root, {name: passed for name in tests}).status(root)
    assert status.completed and status.primary_status.satisfied
    assert status.primary_status.measure == pytest.approx(0.9)
    assert unsupported_elements(root) == ["postConditionRule:exitAll", "postConditionRule:exitParent",
                                          "postConditionRule:retry"]


def test_forward_only_attempt_limit_hidden_from_choice_and_rollup_rules():
    root = build_tree(parse_manifest(SEQUENCED_MANIFEST.encode()))
    evaluation = evaluate(root, {"a": DONE})
    b = next(activity for activity in root.walk() if activity.identifier == "b")
    assert resolve_request(evaluation, "choice", "c", "a").refusal == "limit_exceeded"
    assert resolve_request(evaluation, "choice", "a", "b").refusal == "hidden"
    assert not choosable(evaluation, b) and evaluation.status(b).hidden_from_choice
    assert resolve_request(evaluation, "previous", "c").refusal == "forward_only"
    assert resolve_request(evaluation, "continue", "b").target == "c"
    assert not evaluation.status(root).primary_status.known  # only one of the two satisfied children needed
    assert evaluate(root, {"a": DONE, "c": DONE}).status(root).primary_status.satisfied
    assert unsupported_elements(root) == ["randomizationControls"]


def test_a_package_without_sequencing_flows_everywhere():
    root = tree_of("RuntimeMinimumCalls_SCORM12.zip")
    order = leaves(root)
    evaluation = evaluate(root, {})
    assert resolve_request(evaluation, "continue", order[5]).target == order[6]  # across folders
    assert resolve_request(evaluation, "previous", order[6]).target == order[5]
    assert resolve_request(evaluation, "continue", order[-1]).refusal == "end"
    assert resolve_request(evaluation, "choice", order[0], "nowhere").refusal == "unknown_target"


@pytest.mark.parametrize("value, expected", [
    ("continue", NavRequest("continue")), ("previous", NavRequest("previous")), ("exitAll", NavRequest("exitAll")),
    ("suspendAll", NavRequest("suspendAll")), ("{target=test_2}choice", NavRequest("choice", "test_2")),
    ("{target=x}jump", NavRequest("choice", "x")), ("_none_", None), ("", None), ("{target=}choice", None),
])
def test_nav_requests_parse(value, expected):
    assert parse_request(value) == expected
    if expected is not None:
        assert expected.ending == (expected.kind in ("exit", "exitAll", "suspendAll"))
