"""A single-SCO SCORM 2004 package's manifest objectives reach the SCO as cmi.objectives.n.id (RTE 4.2.17), from
its first launch, and the server accepts the SCO's writes to them (it seeded the same entries). Tested with a
manifest of our own: a primary and two secondary objectives."""
import pytest
from webob import Request

from openedxscorm.runtime import initial_values, start_session
from openedxscorm.runtime.launch import with_objectives
from openedxscorm_support.block_runtime import make_block
from tests.packages import Objective, Sco, Sequencing, write_package
from tests.test_block import upload_request
from tests.test_player import commit, launch_config, stored

OBJECTIVES = (Objective("primary-obj", primary=True), Objective("secondary-a"), Objective("secondary-b"))
SEEDED = {"cmi.objectives.0.id": "primary-obj", "cmi.objectives.1.id": "secondary-a",
          "cmi.objectives.2.id": "secondary-b"}


@pytest.fixture
def block(storage, tmp_path):  # noqa: ARG001  (storage points MEDIA_ROOT at a folder of this test)
    block = make_block()
    path = write_package(tmp_path / "objectives.zip", [Sco(sequencing=Sequencing(objectives=OBJECTIVES))],
                         version="2004")
    assert block.handle("studio_submit", upload_request(path)).status_code == 200
    return block


def objective_values(values):
    return {name: value for name, value in values.items() if name.startswith("cmi.objectives.")}


def test_the_first_launch_seeds_the_manifest_objectives_primary_first(block):
    assert objective_values(launch_config(block)["values"]) == SEEDED


def test_the_sco_writes_to_seeded_objectives_and_they_are_kept_once(block):
    response = commit(block, [("cmi.objectives.1.success_status", "passed"),
                              ("cmi.objectives.2.score.scaled", "0.5"), ("cmi.exit", "suspend")], seq=1, terminate=True)
    assert response.json_body["result"] == "stored", response.text
    data = stored(block)["data"]
    assert {name: data[name] for name in SEEDED} == SEEDED
    assert data["cmi.objectives.1.success_status"] == "passed"
    relaunched = objective_values(launch_config(block)["values"])  # resumed: the same entries, not added again
    assert relaunched == {**SEEDED, "cmi.objectives.1.success_status": "passed", "cmi.objectives.2.score.scaled": "0.5"}


def test_a_seeded_objective_id_cannot_be_changed_by_the_sco(block):
    response = commit(block, [("cmi.objectives.0.id", "another")], seq=1)
    assert (response.status_code, response.json_body["code"]) == (400, "id_change")


def test_a_package_without_objectives_seeds_none(storage, tmp_path):  # noqa: ARG001
    block = make_block()
    path = write_package(tmp_path / "plain.zip", [Sco()], version="2004")
    assert block.handle("studio_submit", upload_request(path)).status_code == 200
    assert objective_values(launch_config(block)["values"]) == {}
    assert block.handle("learner_state", Request.blank("/")).status_code == 200


def test_objectives_are_added_after_the_entries_the_sco_made_and_never_twice():
    data = {"cmi.objectives.0.id": "own", "cmi.objectives.1.id": "secondary-a", "cmi.objectives.3.score.raw": "1"}
    found = with_objectives("2004", data, ("primary-obj", "secondary-a", "x" * 4001, " ", "secondary-b"))
    assert found == {**data, "cmi.objectives.4.id": "primary-obj", "cmi.objectives.5.id": "secondary-b"}
    assert with_objectives("2004", found, ("primary-obj", "secondary-b")) == found


def test_a_new_attempt_starts_with_the_objectives_again():
    state = start_session("2004", None, objective_ids=("primary-obj",))
    state.update(attempt_ended=True, data={**state["data"], "cmi.objectives.0.success_status": "failed"})
    again = start_session("2004", state, objective_ids=("primary-obj",))
    assert (again["attempt"], again["data"]) == (2, {"cmi.objectives.0.id": "primary-obj"})
    values = initial_values("2004", None, learner_id="1", learner_name="x", objective_ids=("primary-obj",))
    assert values["cmi.objectives.0.id"] == "primary-obj"
