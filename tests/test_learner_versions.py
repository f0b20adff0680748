"""Learner state per package version, on a real XBlock runtime and the learner state tables: a new package starts
the learner fresh and the old grade stays until the first commit in it; only SCOs the server delivered count; GETs
change nothing; MAX_STATE_SIZE bounds the whole block; an open page of the previous version keeps storing."""
import copy
import json

import pytest
from webob import Request

from openedxscorm import deliveries, models
from openedxscorm_support.block_runtime import make_block
from tests.packages import Sco, forced_sequential, write_package
from tests.packages import fixture_zip as fixture_zip_path
from tests.test_block import upload_request
from tests.test_player import delivered_query, launch_config, post_commit

SUSPEND = "cmi.suspend_data"


def upload_path(block, path):
    response = block.handle("studio_submit", upload_request(path))
    assert response.status_code == 200, response.text
    return block.package_sha1


def grades(block):
    return [data for kind, data in block.runtime.events if kind == "grade"]


def tables():
    """Every row of the learner state tables, as plain data."""
    return (sorted(models.LearnerPackageState.objects.values_list(
        "learner", "usage_key", "package_sha1", "current_sco", "engine_state", "published", "size")),
            sorted((row.package_state_id, row.sco, json.dumps(row.state, sort_keys=True))
                   for row in models.LearnerScoState.objects.all()))


@pytest.fixture
def two_packages(storage, tmp_path):  # noqa: ARG001  (storage points MEDIA_ROOT at a folder of this test)
    return (write_package(tmp_path / "a.zip", [Sco("a-sco")], title="Package A"),
            write_package(tmp_path / "b.zip", [Sco("b-sco")], title="Package B"))


def test_a_new_package_starts_fresh_and_the_old_grade_stays_until_the_first_commit_in_it(two_packages):
    package_a, package_b = two_packages
    block = make_block()
    sha1_a = upload_path(block, package_a)
    page_a = delivered_query(block)
    post_commit(block, page_a, [(SUSPEND, "A-resume-data"), ("cmi.core.lesson_status", "passed"),
                                ("cmi.core.score.raw", "90"), ("cmi.core.exit", "suspend")], 1, terminate=True)
    assert launch_config(block)["values"]["cmi.core.entry"] == "resume"
    assert grades(block) == [{"value": pytest.approx(0.9), "max_value": 1.0}]

    sha1_b = upload_path(block, package_b)
    values = launch_config(block)["values"]
    assert values["cmi.core.entry"] == "ab-initio" and SUSPEND not in values
    assert values["cmi.core.lesson_status"] == "not attempted"
    state = block.handle("learner_state", Request.blank("/")).json
    assert state["grade"] == {"value": pytest.approx(0.9), "max_value": 1.0}  # A's, still in the gradebook
    assert state["package_sha1"] == sha1_b and state["data"] == {}
    assert len(grades(block)) == 1

    post_commit(block, delivered_query(block), [("cmi.core.lesson_location", "b-page-1")], 1)
    assert grades(block)[-1] == {"value": 0.0, "max_value": 1.0}  # B's first commit replaces A's grade
    assert block.handle("learner_state", Request.blank("/")).json["grade"]["value"] == 0.0
    assert block.stored_version(sha1_a).sco("a-sco")["data"][SUSPEND] == "A-resume-data"  # kept for staff
    assert SUSPEND not in block.stored_version(sha1_b).sco("b-sco")["data"]


def test_an_open_page_of_the_previous_version_stores_its_last_commits_against_it(two_packages):
    package_a, package_b = two_packages
    block = make_block()
    sha1_a = upload_path(block, package_a)
    page_a = delivered_query(block)
    assert post_commit(block, page_a, [("cmi.core.lesson_location", "a-1")], 1).json["result"] == "stored"
    upload_path(block, package_b)  # the SCO ids changed too: a-sco is not in B
    response = post_commit(block, page_a, [("cmi.core.lesson_status", "completed"),
                                           ("cmi.core.session_time", "00:02:00")], 2, terminate=True)
    assert response.json["result"] == "stored"
    kept = block.stored_version(sha1_a).sco("a-sco")
    assert kept["data"]["cmi.core.lesson_status"] == "completed" and kept["sessions"] == 1
    assert kept["total_time"] == 12000
    assert block.stored_version().scos == {}  # nothing of A reached B


def test_a_commit_without_a_delivery_of_the_server_is_refused(storage, tmp_path):  # noqa: ARG001
    block = make_block()
    upload_path(block, write_package(tmp_path / "two.zip", [Sco("one"), Sco("two")]))
    page = delivered_query(block)
    forged = page.replace("delivery=", "delivery=x")
    other_learner = make_block(usage_name="scorm1")
    other_learner.scope_ids = other_learner.scope_ids._replace(user_id="someone-else")
    changes = [("cmi.core.lesson_status", "passed")]
    for query in ("", "sco=two", forged, page.replace("sco=one", "sco=two")):
        response = post_commit(block, query, changes, 1)
        assert response.status_code == 400 and response.json["code"] == "not_delivered", query
        assert response.json["error"]
    assert post_commit(other_learner, page, changes, 1).json["code"] == "not_delivered"
    expired = deliveries.verify(page.split("delivery=")[1].split("&")[0], block.learner_key(), max_age=-1)
    assert expired is None
    assert tables() == ([], []) and grades(block) == []


def test_commits_to_scos_the_rules_never_delivered_do_not_grade(storage, tmp_path):  # noqa: ARG001
    block = make_block()
    upload_path(block, forced_sequential(tmp_path / "forced.zip"))
    order = [item.identifier for item in block.launch_items()]
    first = delivered_query(block)
    assert f"sco={order[0]}" in first
    for target in order[1:]:  # the rules refuse to deliver them: the launcher stays on the first SCO
        assert launch_config(block, f"?deliver={target}&from={order[0]}")["sco"] == order[0]
        forged = first.replace(f"sco={order[0]}", f"sco={target}")
        response = post_commit(block, forged, [("cmi.completion_status", "completed"),
                                               ("cmi.success_status", "passed")], 1)
        assert response.status_code == 400 and response.json["code"] == "not_delivered"
    assert grades(block) == [] and block.stored_version().scos == {}


def test_gets_change_nothing(storage, tmp_path):  # noqa: ARG001
    block = make_block()
    upload_path(block, write_package(tmp_path / "two.zip", [Sco("one"), Sco("two")], version="2004"))
    post_commit(block, delivered_query(block), [("cmi.location", "p1")], 1)  # a session is open on "one"
    field_data = copy.deepcopy(block._field_data._data)  # pylint: disable=protected-access
    before = tables()
    for handler, query in [("launcher", ""), ("launcher", "?nav=%7Btarget=two%7Dchoice"), ("launcher", "?nav=continue"),
                           ("launcher", "?deliver=two&from=one"), ("learner_state", ""),
                           ("sco_navigation", "?sco=two"), ("package_status", ""),
                           (f"assets_proxy/{block.package_sha1}/index.html", "")]:
        name, _sep, suffix = handler.partition("/")
        response = block.handle(name, Request.blank(f"/{query}"), suffix)
        assert response.status_code < 400, (handler, response.status_code)
    assert tables() == before
    assert block._field_data._data == field_data  # pylint: disable=protected-access
    assert block.stored_version().current_sco == "one"


def test_initialize_starts_the_session_once_per_delivery(storage, tmp_path):  # noqa: ARG001
    block = make_block()
    upload_path(block, write_package(tmp_path / "one.zip", [Sco("one")], version="2004"))
    post_commit(block, delivered_query(block), [("cmi.location", "p1"), ("cmi.exit", "suspend")], 1, terminate=True)
    page = delivered_query(block)
    url = f"/?{page.replace('scorm_commit', 'sco_initialize')}"
    for _twice in range(2):
        assert block.handle("sco_initialize", Request.blank(url, method="POST")).json["result"] == "started"
    state = block.stored_version().sco("one")
    assert state["session"] is not None and state["sessions"] == 1 and state["entry"] == "resume"
    assert block.handle("sco_initialize", Request.blank("/", method="POST")).status_code == 400
    assert block.handle("sco_initialize", Request.blank(url)).status_code == 405


def test_max_state_size_bounds_every_sco_and_the_engine_together(storage, tmp_path):  # noqa: ARG001
    block = make_block(MAX_STATE_SIZE=6000)
    upload_path(block, write_package(tmp_path / "two.zip", [Sco("one"), Sco("two")], version="2004"))
    one = delivered_query(block)
    assert post_commit(block, one, [("cmi.suspend_data", "x" * 3500)], 1).json["result"] == "stored"
    two = delivered_query(block, "two")
    refused = post_commit(block, two, [("cmi.suspend_data", "y" * 3500)], 1)  # fits alone, not with "one"
    assert refused.status_code == 400 and refused.json["code"] == "state_too_large"
    assert refused.json["element"] == "cmi.suspend_data" and "6000" in refused.json["error"]
    assert block.stored_version().sco("two") == {}
    assert post_commit(block, two, [("cmi.suspend_data", "y" * 1000)], 2).json["result"] == "stored"
    launch = launch_config(block)
    state_url = launch["sequencing"]["stateUrl"]
    too_big = json.dumps({"state": "z" * 2000}).encode()
    response = block.handle("engine_state", Request.blank(state_url, method="POST", body=too_big,
                                                          content_type="application/json"))
    assert response.status_code == 413 and block.stored_version().engine_state == ""
    version = block.stored_version()
    assert version.size <= 6000 and version.size == sum(len(json.dumps(state, separators=(",", ":")))
                                                        for state in version.scos.values())


def test_states_of_earlier_releases_are_read_then_stored_with_the_first_write(storage, tmp_path):  # noqa: ARG001
    block = make_block()
    sha1 = upload_path(block, write_package(tmp_path / "two.zip", [Sco("one"), Sco("two")]))
    block.scorm_state = {"data": {"cmi.core.lesson_location": "kept-1"}, "seq": 3, "sessions": 1}
    block.sco_states = {"two": {"data": {"cmi.core.lesson_location": "kept-2"}, "seq": 4}}
    block.sco_current = "two"
    block.last_grade = {"value": 0.5, "max_value": 1.0}
    assert block.stored_version().sco("two")["data"]["cmi.core.lesson_location"] == "kept-2"
    assert tables() == ([], [])  # read in place: nothing written by a read
    assert launch_config(block)["sco"] == "two"
    assert block.handle("learner_state", Request.blank("/")).json["grade"] == {"value": 0.5, "max_value": 1.0}
    post_commit(block, delivered_query(block, "one"), [("cmi.core.score.raw", "10")], 9)
    version = block.stored_version()
    assert version.stored and version.sha1 == sha1
    assert version.sco("one")["data"]["cmi.core.lesson_location"] == "kept-1"
    assert version.sco("two")["data"]["cmi.core.lesson_location"] == "kept-2"


def test_the_previous_version_files_stay_servable_to_its_open_pages_for_the_grace_period(two_packages):
    package_a, package_b = two_packages
    block = make_block()
    sha1_a = upload_path(block, package_a)
    post_commit(block, delivered_query(block), [("cmi.core.lesson_location", "a-1")], 1)
    sha1_b = upload_path(block, package_b)

    def asset(viewer, sha1):
        return viewer.handle("assets_proxy", Request.blank("/"), f"{sha1}/index.html").status_code

    assert asset(block, sha1_b) == 200 and asset(block, sha1_a) == 200  # the learner's open page of A
    newcomer = make_block(runtime=None, usage_name="scorm1")
    newcomer.scope_ids = newcomer.scope_ids._replace(user_id="newcomer")
    newcomer._field_data = block._field_data  # pylint: disable=protected-access  # the same block, another learner
    assert asset(newcomer, sha1_a) == 404  # never played A
    assert asset(block, "0" * 40) == 404 and asset(block, "not-a-sha1") == 404
    block.runtime.service(block, "settings").buckets["ScormXBlock"]["PREVIOUS_VERSION_GRACE_PERIOD"] = -1
    assert asset(block, sha1_a) == 404  # the grace period is over


def test_an_engine_state_without_a_delivery_is_refused(storage):  # noqa: ARG001
    block = make_block()
    upload_path(block, fixture_zip_path("sequenced-2004.zip"))
    state_url = launch_config(block)["sequencing"]["stateUrl"]
    body = json.dumps({"state": "{}"}).encode()
    for url in ("/", state_url.replace("delivery=", "delivery=forged")):
        response = block.handle("engine_state", Request.blank(url, method="POST", body=body,
                                                              content_type="application/json"))
        assert response.status_code == 400 and response.json["code"] == "not_delivered"
    assert tables() == ([], [])
    response = block.handle("engine_state", Request.blank(state_url, method="POST", body=body,
                                                          content_type="application/json"))
    assert response.json == {"result": "stored"} and block.stored_version().engine_state == "{}"
