"""The dev server shows a course move: export a preloaded workbench scenario to an OLX folder, import it under a
new course key on another "instance" (its own var folder: database, media, contentstore), and play it there.

The commands run in subprocesses with the dev server's settings, as a person runs them; the imported block is
then viewed through the dev server's URLs (Django's test client in that process). Also checks the contract of
the dev server's local contentstore directly.
"""
import json
import os
import subprocess
import sys

import pytest
from lxml import etree
from opaque_keys.edx.keys import CourseKey

from devserver.contentstore import LocalContentStore, NotFoundError, StaticContent
from openedxscorm_support.folders import REPO_ROOT
from tests.packages import fixture_zip

PACKAGE = fixture_zip("probe-1.2.zip")
PRELOADED_SCENARIO = "scorm.1"  # scorm.0 is the empty block, then one scenario per zip of SCORM_PACKAGES_DIR
SOURCE = "course-v1:Workbench+SCORM+dev"
TARGET = "course-v1:Other+SCORM201+2027"
IMPORTED_SCENARIO = "scorm.imported.course-v1other-scorm201-2027"
MARKER_SUFFIX = ".complete"

MIGRATE_AND_EXPORT = """
import sys, django
django.setup()
from django.core.management import call_command
call_command("migrate", run_syncdb=True, verbosity=0)
call_command("export_scenario", sys.argv[1], sys.argv[2])
"""

# Views the imported scenario like a browser: the student view, then each nested iframe's URL until the package's
# launch page, served by the assets_proxy handler.
MIGRATE_AND_PLAY = """
import json, re, sys, django
django.setup()
from django.core.management import call_command
from django.test import Client

def iframe_src(html):
    found = re.search(r'<iframe[^>]*\\ssrc="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None

call_command("migrate", run_syncdb=True, verbosity=0)
client = Client()
index = client.get("/").content.decode()
page = client.get(f"/scenario/{sys.argv[1]}/")
frames = []
url = iframe_src(page.content.decode())
while url and len(frames) < 3:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    frames.append({"url": url, "status": response.status_code, "body": body.decode("utf-8", "replace")})
    url = None if "/assets_proxy/" in frames[-1]["url"] else iframe_src(frames[-1]["body"])
print(json.dumps({"listed": f"/scenario/{sys.argv[1]}/" in index, "page_status": page.status_code,
                  "frames": frames}))
"""


def instance_env(var_dir, packages, mirror):
    """The environment of one dev server "instance": its own var folder, the mirror on or off."""
    env = {**os.environ, "SCORM_DEVSERVER_VAR": str(var_dir), "SCORM_PACKAGES_DIR": str(packages),
           "DJANGO_SETTINGS_MODULE": "devserver.settings", "PYTHONPATH": str(REPO_ROOT)}
    env.pop("SCORM_TEST_MEDIA_ROOT", None)
    env.pop("SCORM_CONTENTSTORE_SYNC", None)
    if mirror:
        env["SCORM_CONTENTSTORE_SYNC"] = "1"
    return env


def run(args, env):
    done = subprocess.run([sys.executable, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=180, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def packages(tmp_path):
    """A packages folder with one real package, so the preloaded scenario scorm.1 plays it."""
    folder = tmp_path / "packages"
    folder.mkdir()
    (folder / PACKAGE.name).write_bytes(PACKAGE.read_bytes())
    return folder


def exported_node(olx):
    (path,) = (olx / "scorm").glob("*.xml")
    return etree.parse(str(path)).getroot()


@pytest.mark.parametrize("mirror", [False, True], ids=["mirror-off", "mirror-on"])
def test_export_a_scenario_import_it_under_a_new_course_key_and_play_it(tmp_path, packages, mirror):
    source_env = instance_env(tmp_path / "instance-a", packages, mirror)
    target_env = instance_env(tmp_path / "instance-b", packages, mirror)
    olx = tmp_path / "olx"

    run(["-c", MIGRATE_AND_EXPORT, PRELOADED_SCENARIO, str(olx)], source_env)
    node = exported_node(olx)
    sha1 = node.get("package_sha1")
    assert len(sha1) == 40
    if mirror:
        assert node.get("package_asset") == f"/static/scorm_packages_{sha1}.zip"
        assert not (olx / "scorm_packages").exists()
        assert (olx / "static" / f"scorm_packages_{sha1}.zip").read_bytes() == PACKAGE.read_bytes()
        policy = json.loads((olx / "policies" / "assets.json").read_text())
        assert policy[f"scorm_packages_{sha1}.zip"]["locked"] is True
    else:
        assert (olx / node.get("package_file")).read_bytes() == PACKAGE.read_bytes()
        assert not (olx / "static").exists()

    output = run(["-m", "django", "import_olx", str(olx), TARGET], target_env)
    assert IMPORTED_SCENARIO in output
    tree = tmp_path / "instance-b" / "media" / "scorm" / sha1
    asset = tmp_path / "instance-b" / "contentstore" / TARGET / "asset" / f"scorm_packages_{sha1}.zip"
    if mirror:
        assert not tree.exists()  # static assets are imported after parsing: re-extracted on first view
        assert asset.read_bytes() == PACKAGE.read_bytes()
    else:
        assert tree.with_suffix(MARKER_SUFFIX).exists()
        assert not asset.exists()

    played = json.loads(run(["-c", MIGRATE_AND_PLAY, IMPORTED_SCENARIO], target_env).splitlines()[-1])
    assert played["listed"] and played["page_status"] == 200
    frames = played["frames"]
    assert frames and frames[0]["url"].startswith("/handler/block-v1:Other+SCORM201+2027+type@scorm+block@")
    assert all(frame["status"] == 200 for frame in frames), [(frame["url"], frame["status"]) for frame in frames]
    launch_page = frames[-1]
    assert f"/assets_proxy/{sha1}/" in launch_page["url"] and "<title>" in launch_page["body"]
    assert tree.with_suffix(MARKER_SUFFIX).exists()

    again = subprocess.run([sys.executable, "-m", "django", "import_olx", str(olx), TARGET], cwd=REPO_ROOT,
                           env=target_env, capture_output=True, text=True, timeout=180, check=False)
    assert again.returncode != 0 and "already imported" in again.stderr


# -- the local contentstore keeps the platform's contract ------------------------------------------------------

COURSE = CourseKey.from_string("course-v1:Org+SCORM101+2026")


def test_local_contentstore_keys_errors_and_listing(tmp_path):
    store = LocalContentStore(str(tmp_path))
    location = StaticContent.compute_location(COURSE, "scorm_packages/abc.zip")
    assert str(location) == "asset-v1:Org+SCORM101+2026+type@asset+block@scorm_packages_abc.zip"
    with pytest.raises(NotFoundError):
        store.find(location)
    assert store.find(location, throw_on_not_found=False) is None
    store.delete(location)  # missing: a no-op

    store.save(StaticContent(location, "scorm_packages_abc.zip", "application/zip", iter([b"PK", b"\x03\x04"]),
                             locked=True))
    assert store.find(location).data == b"PK\x03\x04"
    stream = store.find(location, as_stream=True)
    assert stream.data is None and b"".join(stream.stream_data()) == b"PK\x03\x04" and stream.locked
    stream.close()
    store.save(StaticContent(location, "scorm_packages_abc.zip", "application/zip", b"new"))  # overwrites
    assert store.find(location).data == b"new"

    rows, total = store.get_all_content_for_course(COURSE)
    assert total == 1 and rows[0]["asset_key"] == location and rows[0]["contentType"] == "application/zip"
    assert store.get_all_content_for_course(CourseKey.from_string("course-v1:Org+Other+2026")) == ([], 0)
    store.delete(str(location))
    assert store.get_all_content_for_course(COURSE) == ([], 0)
