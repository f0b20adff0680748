"""What the browser's sequencing engine is given and what the server keeps of it: the activity tree built from
the manifest's IMS SS data (golf samples and a hand-written manifest), the engine's saved state per learner and
package version, and the server's own check of the SCO the engine delivered."""
import json
import re
import zipfile

import pytest
from webob import Request

from openedxscorm.manifest import parse_manifest
from openedxscorm.player_navigation import engine
from openedxscorm.sequencing.engine_tree import engine_activity_tree
from openedxscorm_support.block_runtime import make_block
from tests.conftest import real_package
from tests.packages import CATALOG, fixture_zip
from tests.test_block import upload
from tests.test_sequencing import FORCED, POST_TEST, REMEDIATION, SEQUENCED_MANIFEST

MINIMUM_CALLS = "RuntimeMinimumCalls_SCORM12.zip"
OWN_FORCED = "sequenced-2004.zip"


def manifest_of(name):
    """The manifest of a fixture package, or of a real one (the test is skipped when it is absent)."""
    with zipfile.ZipFile(fixture_zip(name) if name in CATALOG else real_package("valid", name)) as package:
        return parse_manifest(package.read("imsmanifest.xml"))


def by_id(tree):
    found = {}

    def walk(activity):
        found[activity["id"]] = activity
        for child in activity.get("children", ()):
            walk(child)
    walk(tree)
    return found


def test_remediation_tree_carries_post_condition_rules_and_global_objectives():
    tree = engine.activity_tree(manifest_of(REMEDIATION))
    activities = by_id(tree)
    wrapper = activities["content_wrapper"]
    assert wrapper["isVisible"] is False
    assert wrapper["sequencingControls"] == {"choice": False, "flow": True, "choiceExit": False}
    assert [rule["action"] for rule in wrapper["sequencingRules"]["postConditionRules"]] == ["retry", "exitAll"]
    retry = wrapper["sequencingRules"]["postConditionRules"][0]
    assert retry["conditionCombination"] == "any"
    assert retry["conditions"] == [{"condition": "satisfied", "operator": "not"},
                                   {"condition": "objectiveStatusKnown", "operator": "not"}]
    test = activities["test_1"]
    assert test["primaryObjective"]["mapInfo"][0]["writeSatisfiedStatus"] is True
    assert test["primaryObjective"]["mapInfo"][0]["targetObjectiveID"].endswith("playing_satisfied")
    assert test["sequencingRules"]["preConditionRules"][0]["action"] == "skip"
    playing = activities["playing_item"]
    assert playing["deliveryControls"] == {"completionSetByContent": True, "objectiveSetByContent": True}
    assert playing["sequencingControls"]["objectiveMeasureWeight"] == 0.0
    assert [child["id"] for child in tree["children"][0]["children"]][:2] == ["playing_item", "etuqiette_item"]


def test_every_launchable_item_of_the_golf_samples_is_a_leaf_of_the_engine_tree():
    for name in (FORCED, POST_TEST, REMEDIATION):
        manifest = manifest_of(name)
        leaves = [identifier for identifier, activity in by_id(engine.activity_tree(manifest)).items()
                  if not activity.get("children")]
        assert leaves == [item.identifier for item in manifest.launchable_items()], name


def test_hand_written_manifest_maps_limits_rollup_thresholds_and_randomization():
    manifest = parse_manifest(SEQUENCED_MANIFEST.encode())
    tree = engine.activity_tree(manifest)
    activities = by_id(tree)
    assert tree["sequencingControls"] == {"choice": True, "flow": True, "forwardOnly": True}
    rule = tree["rollupRules"]["rules"][0]
    assert rule == {"action": "satisfied", "consideration": "atLeastCount", "conditionCombination": "any",
                    "conditions": [{"condition": "satisfied", "operator": "noOp"}], "minimumCount": 2}
    assert activities["a"]["attemptLimit"] == 1
    assert activities["b"]["sequencingRules"]["preConditionRules"][0]["action"] == "hiddenFromChoice"
    assert activities["b"]["sequencingControls"] == {"randomizeChildren": True}


def test_measure_thresholds_and_unnamed_primary_objectives_reach_the_engine():
    manifest = parse_manifest(SEQUENCED_MANIFEST.replace(
        '<imsss:limitConditions attemptLimit="1"/>',
        '<imsss:sequencingRules><imsss:preConditionRule><imsss:ruleConditions>'
        '<imsss:ruleCondition condition="objectiveMeasureGreaterThan" measureThreshold="0.5"'
        ' referencedObjective="obj"/></imsss:ruleConditions><imsss:ruleAction action="skip"/>'
        '</imsss:preConditionRule></imsss:sequencingRules>'
        '<imsss:objectives><imsss:primaryObjective satisfiedByMeasure="true">'
        '<imsss:minNormalizedMeasure>0.7</imsss:minNormalizedMeasure></imsss:primaryObjective>'
        '<imsss:objective objectiveID="obj"/></imsss:objectives>').encode())
    activity = by_id(engine.activity_tree(manifest))["a"]
    condition = activity["sequencingRules"]["preConditionRules"][0]["conditions"][0]
    assert condition == {"condition": "objectiveMeasureGreaterThan", "operator": "noOp",
                         "referencedObjective": "obj", "parameters": {"threshold": 0.5}}
    primary = activity["primaryObjective"]
    assert primary["objectiveID"] == "a#primary" and primary["satisfiedByMeasure"] is True
    assert primary["minNormalizedMeasure"] == 0.7
    assert [objective["objectiveID"] for objective in activity["objectives"]] == ["obj"]


def test_package_without_sequencing_data_gets_choice_and_flow_everywhere():
    tree = engine_activity_tree(manifest_of(MINIMUM_CALLS), sequenced=False)
    assert all(activity["sequencingControls"] == {"choice": True, "flow": True}
               for activity in by_id(tree).values())


def test_engine_is_used_for_scorm_2004_with_several_scos_only():
    assert engine.uses_engine("2004", [1, 2])
    assert not engine.uses_engine("2004", [1])
    assert not engine.uses_engine("1.2", [1, 2])


@pytest.mark.parametrize(("payload", "code"), [
    (None, "malformed"),
    ([], "malformed"),
    ({"state": 5}, "malformed"),
    ({"state": "x", "user": "someone"}, "malformed"),
    ({"state": "x" * 101}, "too_large"),
])
def test_bad_engine_states_are_refused(payload, code):
    assert engine.state_record(payload, "sha", 100) == (None, code)


def test_saved_state_belongs_to_one_package_version():
    record, refusal = engine.state_record({"state": "{}"}, "sha-1", 100)
    assert refusal is None
    assert engine.saved_state(record, "sha-1") == "{}"
    assert engine.saved_state(record, "sha-2") == ""
    assert engine.saved_state({}, "sha-1") == ""


# ---- on a real XBlock runtime ---------------------------------------------------------------------------------

@pytest.fixture
def forced(storage):  # noqa: ARG001  (storage points MEDIA_ROOT at a folder of this test)
    block = make_block()
    assert upload(block, OWN_FORCED).status_code == 200
    return block


def launch_of(block, query=""):
    response = block.handle("launcher", Request.blank(f"/{query}"))
    assert response.status_code == 200, response.text
    found = re.search(r'<script id="scorm-launch" type="application/json">(.*?)</script>', response.text, re.S)
    return json.loads(found.group(1)), response.text


def post_state(block, body, query=""):
    """A post of the engine's state, from the launcher page (its URL carries the page's delivery)."""
    launch, _page = launch_of(block, query)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return block.handle("engine_state", Request.blank(launch["sequencing"]["stateUrl"], method="POST", body=data,
                                                      content_type="application/json"))


def test_launcher_gives_the_engine_its_tree_and_the_saved_state(forced):
    launch, page = launch_of(forced)
    assert launch["sequencing"]["activityTree"]["id"] == manifest_of(OWN_FORCED).organization().identifier
    assert launch["sequencing"]["state"] == ""
    assert "static/js/sequencer.js" in page
    assert post_state(forced, {"state": '{"saved": 1}'}).json_body == {"result": "stored"}
    assert launch_of(forced)[0]["sequencing"]["state"] == '{"saved": 1}'


def test_preview_keeps_the_engine_session_in_the_tab(forced):
    post_state(forced, {"state": "learner"})
    launch = launch_of(forced, "?preview=1")[0]["sequencing"]
    assert launch["preview"] is True and launch["state"] == ""
    assert launch_of(forced)[0]["sequencing"]["preview"] is False


def test_engine_state_is_not_stored_in_preview_or_when_refused(forced):
    assert post_state(forced, {"state": "kept"}).status_code == 200
    assert post_state(forced, {"state": "preview"}, "?preview=1").json_body == {"result": "ignored"}
    assert post_state(forced, b"not json").status_code == 400
    limit = forced.block_settings()["MAX_STATE_SIZE"]
    assert post_state(forced, {"state": "x" * (limit + 1)}).status_code == 413
    assert forced.handle("engine_state", Request.blank("/")).status_code == 405
    assert forced.stored_version().engine_state == "kept"


def test_a_new_package_version_starts_a_new_engine_session(forced):
    post_state(forced, {"state": "old"})
    assert upload(forced, "remediation-2004.zip").status_code == 200
    assert launch_of(forced)[0]["sequencing"]["state"] == ""


def test_server_refuses_a_delivery_the_rules_disable(forced):
    order = [item.identifier for item in forced.launch_items()]
    launch, page = launch_of(forced, f"?deliver={order[2]}&from={order[0]}")
    assert launch["sco"] == order[0]
    assert re.search(r'class="scorm-refusal" role="alert">\s*This activity is not available yet', page)
    launch, _page = launch_of(forced, f"?deliver={order[0]}")
    assert launch["sco"] == order[0]
    launch, page = launch_of(forced, "?deliver=no-such-sco")
    assert launch["sco"] == order[0] and "not part of this content" in page


def test_engine_refusal_is_shown_on_the_current_sco(forced):
    order = [item.identifier for item in forced.launch_items()]
    launch, page = launch_of(forced, f"?refused=engine_refused&from={order[0]}")
    assert launch["sco"] == order[0]
    assert "sequencing rules do not allow that now" in page


def test_scorm12_packages_get_no_engine(storage):  # noqa: ARG001
    block = make_block()
    assert upload(block, "multi-1.2.zip").status_code == 200
    assert "sequencing" not in launch_of(block)[0]
