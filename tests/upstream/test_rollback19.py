"""Going back to the real openedx-scorm-xblock 19.0.5 after running this block, local and S3: what it plays."""
import pytest

from tests.upstream.conftest import LEARNERS
from tests.upstream.helpers import handler_19x, make_site, sha1_of, upload_19x, upload_here
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
