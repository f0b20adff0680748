"""The run-time inside the block, on a real XBlock runtime: launcher values, commits, grades and completion."""
import copy
import json
import re

import pytest
from webob import Request

from openedxscorm import vendor
from openedxscorm.block import ScormXBlock
from openedxscorm_support.block_runtime import make_block
from tests.test_block import upload

SCORM12 = "probe-1.2.zip"
SCORM2004 = "probe-2004.zip"


@pytest.fixture
def block(storage):  # noqa: ARG001  (storage points MEDIA_ROOT at a folder of this test)
    block = make_block()
    upload(block, SCORM12)
    return block


@pytest.fixture
def block2004(storage):  # noqa: ARG001
    block = make_block()
    upload(block, SCORM2004)
    return block


def launch_config(block, query=""):
    """The launcher page's JSON: a new page, so the next commits come from it."""
    vars(block).pop("test_deliveries", None)
    response = block.handle("launcher", Request.blank(f"/{query}"))
    assert response.status_code == 200, response.text
    found = re.search(r'<script id="scorm-launch" type="application/json">(.*?)</script>', response.text, re.S)
    return json.loads(found.group(1))


def delivered_query(block, sco=None, preview=False):
    """The query of the commit URL the launcher page gives (its signed delivery) for a SCO (the one the launcher
    picks by default), as the page gets it: the launcher is asked for that SCO as the table of contents asks."""
    params = [f"nav=%7Btarget={sco}%7Dchoice"] if sco else []
    params += ["preview=1"] if preview else []
    config = launch_config(block, "?" + "&".join(params) if params else "")
    assert sco is None or config["sco"] == sco, config["sco"]
    return config["commitUrl"].split("?", 1)[1]


def post_commit(block, query, changes, seq, terminate=False):
    body = json.dumps({"seq": seq, "changes": [list(change) for change in changes], "terminate": terminate})
    request = Request.blank(f"/?{query}", method="POST", body=body.encode(), content_type="application/json")
    return block.handle("scorm_commit", request)


def commit(block, changes, seq, terminate=False, query="", sco=None):
    """A commit as the launcher page of `sco` sends it (`query` "?preview=1" for Studio's preview): the page last
    loaded for that SCO, else a new one."""
    preview = "preview=1" in query
    pages = vars(block).get("test_deliveries", {})
    page = pages.get((sco, preview)) or delivered_query(block, sco, preview=preview)
    vars(block).setdefault("test_deliveries", {})[(sco, preview)] = page
    return post_commit(block, page, changes, seq, terminate)


def stored(block, sco=None):
    """The learner's stored state of one SCO (the first by default) of the package the block plays."""
    return block.stored_version().sco(sco or block.launch_items()[0].identifier)


def events(block, kind):
    return [data for event_type, data in block.runtime.events if event_type == kind]


def test_launcher_seeds_the_learner_and_frames_the_sco(block):
    config = launch_config(block)
    values = config["values"]
    assert values["cmi.core.student_id"] == "7" and values["cmi.core.student_name"] == "Learner One"
    assert (values["cmi.core.credit"], values["cmi.core.lesson_mode"], values["cmi.core.entry"]) == (
        "credit", "normal", "ab-initio")
    assert config["api"]["windowName"] == "API" and config["standard"] == "1.2"
    assert "cmi.core.student_id" not in config["writable"] and "cmi.suspend_data" in config["writable"]
    assert "/handler/scorm_commit" in config["commitUrl"]


def test_accepted_commit_is_stored(block):
    response = commit(block, [("cmi.core.lesson_location", "p3"), ("cmi.suspend_data", "x" * 5000)], seq=10)
    assert response.json == {"result": "stored", "seq": 10}
    assert stored(block)["data"]["cmi.core.lesson_location"] == "p3"
    assert len(stored(block)["data"]["cmi.suspend_data"]) == 5000  # the relaxed 1.2 limit


def test_rejected_commit_names_the_element_and_changes_nothing(block):
    commit(block, [("cmi.core.lesson_location", "p1")], seq=1)
    before = copy.deepcopy(stored(block))
    response = commit(block, [("cmi.core.lesson_location", "p2"), ("cmi.core.score.raw", "abc")], seq=2)
    assert response.status_code == 400
    assert response.json["element"] == "cmi.core.score.raw" and response.json["code"] == "type_mismatch"
    assert response.json["scorm_code"] == 405 and response.json["error"]
    assert stored(block) == before
    assert commit(block, [("cmi.core.student_id", "me")], seq=3).json["code"] == "read_only"


def test_stale_or_repeated_commit_is_ignored(block):
    assert commit(block, [("cmi.core.lesson_location", "new")], seq=5).json["result"] == "stored"
    for seq in (5, 4):
        assert commit(block, [("cmi.core.lesson_location", "old")], seq=seq).json["result"] == "ignored"
    assert stored(block)["data"]["cmi.core.lesson_location"] == "new"


def test_malformed_commit_is_refused(block):
    request = Request.blank("/", method="POST", body=b"{not json", content_type="application/json")
    assert block.handle("scorm_commit", request).status_code == 400
    assert block.handle("scorm_commit", Request.blank("/")).status_code == 405


def test_grade_is_published_when_score_changes_and_matches_it(block):
    block.weight = 2.0
    commit(block, [("cmi.core.score.raw", "80")], seq=1)
    assert events(block, "grade") == [{"value": pytest.approx(1.6), "max_value": 2.0}]
    assert block.max_score() == 2.0
    commit(block, [("cmi.core.lesson_location", "p9")], seq=2)  # neither score nor success changed
    assert len(events(block, "grade")) == 1
    commit(block, [("cmi.core.score.raw", "40"), ("cmi.core.score.max", "50")], seq=3)
    assert events(block, "grade")[-1] == {"value": pytest.approx(1.6), "max_value": 2.0}  # 40 of 50
    state = block.handle("learner_state", Request.blank("/")).json
    assert state["score"] == pytest.approx(0.8) and state["grade"] == events(block, "grade")[-1]


def test_unscored_block_publishes_no_grade(block):
    block.has_score = False
    commit(block, [("cmi.core.score.raw", "80")], seq=1)
    assert events(block, "grade") == [] and block.max_score() is None


def test_completion_is_emitted_on_completed_status(block):
    commit(block, [("cmi.core.lesson_status", "incomplete")], seq=1)
    assert events(block, "completion") == []
    commit(block, [("cmi.core.lesson_status", "completed")], seq=2)
    assert events(block, "completion") == [{"completion": 1.0}]


def test_progress_measure_is_partial_completion_in_2004(block2004):
    commit(block2004, [("cmi.progress_measure", "0.4")], seq=1)
    commit(block2004, [("cmi.success_status", "passed"), ("cmi.score.scaled", "0.9")], seq=2)
    assert events(block2004, "completion") == [{"completion": 0.4}, {"completion": 1.0}]
    assert events(block2004, "grade") == [{"value": pytest.approx(0.9), "max_value": 1.0}]


def test_completion_on_terminate_for_packages_without_status(block):
    block.completion_on = "terminate"
    commit(block, [("cmi.core.lesson_location", "p1")], seq=1)
    assert events(block, "completion") == []
    commit(block, [], seq=2, terminate=True)
    assert events(block, "completion") == [{"completion": 1.0}]


def test_terminate_with_suspend_resumes_on_next_launch(block):
    launch_config(block)
    commit(block, [("cmi.core.lesson_location", "p4"), ("cmi.core.exit", "suspend"),
                   ("cmi.core.session_time", "00:01:00")], seq=1, terminate=True)
    values = launch_config(block)["values"]
    assert values["cmi.core.entry"] == "resume" and values["cmi.core.lesson_location"] == "p4"
    assert values["cmi.core.total_time"] == "0000:01:00.00"
    assert "cmi.core.exit" not in values


def test_author_view_previews_in_browse_mode_and_records_nothing(block):
    assert "preview=1" in block.author_view().content
    assert "preview=1" not in block.student_view().content
    values = launch_config(block, "?preview=1")["values"]
    assert (values["cmi.core.lesson_mode"], values["cmi.core.credit"]) == ("browse", "no-credit")
    response = commit(block, [("cmi.core.score.raw", "90"), ("cmi.core.lesson_status", "passed")], seq=1,
                      query="?preview=1")
    assert response.json["result"] == "stored"
    assert stored(block) == {} and block.runtime.events == []
    assert commit(block, [("cmi.core.score.raw", "x")], seq=2, query="?preview=1").status_code == 400


def test_beacon_form_payload_is_accepted(block):
    """sendBeacon posts FormData: the commit's JSON in a field, beside the CSRF token the LMS checks."""
    payload = json.dumps({"seq": 3, "changes": [["cmi.suspend_data", "left"]], "terminate": False})
    request = Request.blank(f"/?{delivered_query(block)}", POST={"commit": payload, "csrfmiddlewaretoken": "token"})
    assert request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded")
    response = block.handle("scorm_commit", request)
    assert response.json["result"] == "stored"
    assert stored(block)["data"]["cmi.suspend_data"] == "left"


def test_launcher_without_built_files_says_how_to_build(block, tmp_path, monkeypatch):
    monkeypatch.setattr(vendor, "VENDOR_DIR", tmp_path / "no-vendor")
    response = block.handle("launcher", Request.blank("/"))
    assert response.status_code == 500
    assert "make static" in response.text


def test_built_files_are_there_and_served_as_local_resources():
    assert vendor.missing_files() == [], vendor.BUILD_HINT
    for api in vendor.BROWSER_APIS.values():
        with ScormXBlock.open_local_resource(f"{vendor.VENDOR_URI}/{api.script}") as handle:
            assert api.class_name.encode() in handle.read()


def test_studio_form_sets_the_grading_options(block):
    response = upload(block, SCORM12, weight="2.5", has_score="false", completion_on="terminate")
    assert response.status_code == 200, response.text
    assert (block.weight, block.has_score, block.completion_on) == (2.5, False, "terminate")
    studio = block.studio_view().content
    assert 'name="weight"' in studio and 'value="terminate" selected' in studio
    for bad in ({"weight": "-1"}, {"weight": "lots"}, {"completion_on": "never"}):
        assert upload(block, SCORM12, **bad).status_code == 400, bad
    assert (block.weight, block.completion_on) == (2.5, "terminate")
