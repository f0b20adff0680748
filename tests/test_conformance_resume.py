"""The server replay's resume path is the block's: for every conformance activity whose initialState needs a
previous session, that session is played through a real block's handlers (launcher, Initialize, a terminating
commit), and the launcher then seeds the API with exactly the values the server replay reads (runtime.start_session
and runtime.initial_values on the stored state): entry, total_time and every seeded element."""
import json
import re

import pytest
from webob import Request

from openedxscorm.runtime.datamodel import standard_of
from openedxscorm_support.block_runtime import make_block
from tests.packages import Sco, write_package
from tests.runtime.conformance import Replay, all_activities, previous_session, seed_of
from tests.test_block import upload_request

RESUMED = [(test_id, standard, activity) for test_id, standard, activity in all_activities()
           if seed_of(standard, activity).exit is not None and not seed_of(standard, activity).problems]


@pytest.fixture(scope="module")
def probe_zips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("resume-probes")
    return {standard: write_package(folder / f"probe-{standard}.zip", [Sco(parameters="?manual=1")],
                                    version=standard) for standard in ("1.2", "2004")}


def launch(block):
    page = block.handle("launcher", Request.blank("/")).text
    return json.loads(re.search(r'<script id="scorm-launch" type="application/json">(.*?)</script>', page, re.S)
                      .group(1))


def post(block, url, body):
    query = url.split("?", 1)[1]
    return block.handle(url.rsplit("/", 1)[-1].split("?")[0],
                        Request.blank(f"/?{query}", method="POST", body=json.dumps(body).encode(),
                                      content_type="application/json"))


def test_some_activities_resume():
    assert len({standard for _, standard, _ in RESUMED}) == 2


@pytest.mark.parametrize("standard,activity", [(s, a) for _, s, a in RESUMED], ids=[i for i, _, _ in RESUMED])
def test_the_block_resumes_what_the_server_replay_reads(storage, probe_zips, standard, activity):  # noqa: ARG001
    block = make_block()
    assert block.handle("studio_submit", upload_request(probe_zips[standard])).status_code == 200
    seed, spec = seed_of(standard, activity), standard_of(standard)
    first = launch(block)
    assert post(block, first["initializeUrl"], {}).status_code == 200
    changes = [[element, value] for element, value in [*seed.changes, (spec.exit, seed.exit)]]
    answer = post(block, first["commitUrl"], {"seq": 1, "changes": changes, "terminate": True})
    assert answer.json_body["result"] == "stored", answer.text
    resumed = launch(block)["values"]
    replay = Replay(standard, activity)
    replay.seed, replay.state = seed, previous_session(standard, seed)
    expected = replay.values()
    # entry and total_time, and every element the previous session left (its session_time went into total_time)
    names = {spec.launch_elements["entry"], spec.launch_elements["total_time"],
             *(element for element, _ in seed.changes if element in expected)}
    assert {name: resumed.get(name) for name in names} == {name: expected[name] for name in names}
