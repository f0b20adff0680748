"""Going back to the real openedx-scorm-xblock 19.0.5 after running this block, local and S3: what it plays."""
import pytest

from tests.test_player import commit, stored
from tests.upstream.conftest import LEARNERS
from tests.upstream.helpers import handler_19x, make_site, set_values, sha1_of, upload_19x, upload_here
from tests.upstream.lms import SwitchedBlock
from tests.upstream.packages19 import package_zip

ADA = LEARNERS["ada"]
V2_NOTE = b"second version, uploaded after the switch"


@pytest.fixture
def site(tmp_path, backend):
    return make_site(tmp_path, backend.storage, backend.spec)


def test_a_package_uploaded_again_here_is_what_19x_plays_after_a_rollback(backend, site):
    runner = backend.upstream
    upload_19x(runner, site)
    block = upload_here(site, package_zip(extra={"shared/v2.txt": V2_NOTE}))
    assert block.package_meta["sha1"] == f"../{block.package_sha1}"

    view, note, launch = runner.run(site, {"action": "view", "user": ADA},
                                    {"action": "asset", "user": ADA, "path": "shared/v2.txt"},
                                    {"action": "asset", "user": ADA, "path": "shared/launch.html"})
    assert view["json_init_args"]["scorm_version"] == "SCORM_12"  # 19.x offers the SCORM 1.2 API
    assert view["index_page_url"].endswith("/handler/assets_proxy/shared/launch.html")
    assert note == {"status": 200, "sha1": sha1_of(V2_NOTE), "events": []}
    assert launch["status"] == 200
    answer = runner.one(site, handler_19x("scorm_get_value", ADA, {"name": "cmi.core.lesson_status"}))
    assert answer["status"] == 200


@pytest.fixture
def local_site(tmp_path, storage, settings):
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"STORAGE_FUNC": lambda block: storage}}
    return make_site(tmp_path, storage, {"kind": "local", "media_root": str(storage.location)})


def play_here(site, learner, changes):
    switched = SwitchedBlock(site, learner)
    block = switched.block
    response = commit(block, changes, seq=stored(block).get("seq", 0) + 1, terminate=True)
    assert response.status_code == 200, response.json
    return switched.save()


def values_19x(runner, site, learner, *names):
    steps = [handler_19x("scorm_get_value", learner, {"name": name}) for name in names]
    return [answer["body"]["value"] for answer in runner.run(site, *steps)]


def test_progress_made_here_is_what_19x_resumes_after_a_rollback(upstream19, local_site):
    site, alan = local_site, LEARNERS["alan"]
    upload_19x(upstream19, site)
    upstream19.run(site, handler_19x("scorm_initialize", ADA),
                   set_values(ADA, ("cmi.core.lesson_location", "p2"), ("cmi.suspend_data", "A1")))
    play_here(site, ADA, [("cmi.core.lesson_location", "p7"), ("cmi.suspend_data", "B2"),
                          ("cmi.core.score.raw", "90"), ("cmi.core.lesson_status", "passed"),
                          ("cmi.core.exit", "suspend")])
    upload_here(site, package_zip(extra={"shared/v2.txt": V2_NOTE}))
    play_here(site, alan, [("cmi.core.lesson_location", "v2-p1"), ("cmi.core.lesson_status", "incomplete")])

    assert values_19x(upstream19, site, ADA, "cmi.core.lesson_status", "cmi.success_status",
                      "cmi.core.score.raw") == ["completed", "passed", pytest.approx(90.0)]
    seeded = upstream19.one(site, {"action": "view", "user": ADA})["json_init_args"]["scorm_data"]
    assert (seeded["cmi.core.lesson_location"], seeded["cmi.suspend_data"]) == ("p7", "B2")
    assert values_19x(upstream19, site, alan, "cmi.core.lesson_status", "cmi.core.lesson_location") == [
        "incomplete", "v2-p1"]
