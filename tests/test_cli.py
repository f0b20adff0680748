"""`python -m openedxscorm inspect`, run as authors run it: a separate process, without Django settings."""
import json
import os
import subprocess
import sys
import zipfile

import pytest

from openedxscorm_support.folders import REPO_ROOT
from tests.conftest import real_package
from tests.packages import CATALOG, Sco, fixture_zip, manifest_bytes, write_package, write_zip


def valid_zip(name):
    """A fixture package, or a real one (the test is skipped when it is absent)."""
    return fixture_zip(name) if name in CATALOG else real_package("valid", name)


def inspect(*arguments):
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    environment["PYTHONPATH"] = str(REPO_ROOT)
    return subprocess.run(
        [sys.executable, "-m", "openedxscorm", "inspect", *map(str, arguments)],
        capture_output=True, text=True, env=environment, cwd=REPO_ROOT, timeout=60, check=False,
    )


def inspect_json(*arguments):
    result = inspect(*arguments, "--json")
    return result.returncode, json.loads(result.stdout)


def test_valid_zip_is_uploadable():
    code, report = inspect_json(valid_zip("probe-1.2.zip"))
    assert code == 0
    assert set(report) == {"version", "title", "items", "warnings", "errors"}
    assert report["version"] == "1.2"
    assert report["title"] == "Probe course 1.2"
    assert report["errors"] == []
    assert [item["launch_url"] for item in report["items"]] == ["lesson/index.html"]
    assert set(report["items"][0]) == {"identifier", "title", "launch_url", "visible"}


def test_items_are_listed_in_manifest_order_without_folder_items():
    code, report = inspect_json(valid_zip("RuntimeMinimumCalls_SCORM12.zip"))
    assert code == 0
    assert len(report["items"]) == 18
    urls = [item["launch_url"] for item in report["items"]]
    assert urls[0] == "Playing/Playing.html"
    assert urls[5] == "shared/assessmenttemplate.html?questions=Playing"
    assert urls[-1] == "shared/assessmenttemplate.html?questions=HavingFun"


HIDDEN_ITEM_MANIFEST = """<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o">
    <organization identifier="o"><title>Hidden</title>
      <item identifier="folder"><title>Folder</title>
        <item identifier="shown" identifierref="r1"><title>Shown</title></item>
        <item identifier="hidden" identifierref="r2" isvisible="false"><title>Hidden</title></item>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="a.html"/>
    <resource identifier="r2" type="webcontent" adlcp:scormtype="sco" href="b.html"/>
  </resources>
</manifest>
"""


def test_hidden_items_are_listed_and_marked_and_folders_left_out(tmp_path):
    path = tmp_path / "hidden.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("imsmanifest.xml", HIDDEN_ITEM_MANIFEST)
        archive.writestr("a.html", "a")
        archive.writestr("b.html", "b")
    code, report = inspect_json(path)
    assert code == 0
    assert [(item["identifier"], item["visible"]) for item in report["items"]] == [("shown", True), ("hidden", False)]
    text = inspect(path).stdout
    assert "b.html  (hidden: Hidden)  [hidden]" in text
    assert "a.html  (shown: Shown)\n" in text


def test_invalid_zip_is_refused_with_the_reason(tmp_path):
    invalid = write_package(tmp_path / "broken.zip", [Sco("lesson", "Test Item", href="content/nonexistent.html")],
                            title="Invalid File References Test", omit=("content/nonexistent.html",))
    code, report = inspect_json(invalid)
    assert code == 1
    assert report["errors"] == [
        'The launch file content/nonexistent.html of item "Test Item" is not in the package.']
    assert report["title"] == "Invalid File References Test"
    text = inspect(invalid)
    assert text.returncode == 1
    assert "Refused: The launch file content/nonexistent.html" in text.stdout


def test_non_zip_is_refused(tmp_path):
    path = tmp_path / "course.zip"
    path.write_text("not a zip")
    code, report = inspect_json(path)
    assert code == 1
    assert report["version"] is None
    assert "course.zip is not a zip file" in report["errors"][0]


def test_folder(tmp_path):
    with zipfile.ZipFile(valid_zip("probe-1.2.zip")) as archive:
        archive.extractall(tmp_path / "course")
    code, report = inspect_json(tmp_path / "course")
    assert code == 0, report
    assert report["version"] == "1.2"
    assert report["items"]
    os.remove(tmp_path / "course" / report["items"][0]["launch_url"].split("?")[0])
    code, report = inspect_json(tmp_path / "course")
    assert code == 1
    assert "is not in the package" in report["errors"][0]


def test_bare_manifest_is_checked_against_its_folder(tmp_path):
    with zipfile.ZipFile(valid_zip("multi-1.2.zip")) as archive:
        archive.extractall(tmp_path)
    code, report = inspect_json(tmp_path / "imsmanifest.xml")
    assert code == 0, report
    assert len(report["items"]) == 3
    os.remove(tmp_path / "lesson2" / "index.html")
    code, report = inspect_json(tmp_path / "imsmanifest.xml")
    assert code == 1
    assert report["errors"] == ['The launch file lesson2/index.html of item "Lesson 2" is not in the package.']


def test_manifest_only_zip_is_refused_but_still_described(tmp_path):
    manifest_only = write_zip(tmp_path / "manifest-only.zip", {"imsmanifest.xml": manifest_bytes([Sco()], "2004")})
    code, report = inspect_json(manifest_only)
    assert code == 1
    assert report["version"] == "2004-3rd"
    assert report["items"] and "is not in the package" in report["errors"][0]


def test_missing_path_is_a_usage_error(tmp_path):
    result = inspect(tmp_path / "nothing.zip")
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr


@pytest.mark.parametrize("name", sorted(CATALOG)[:3])
def test_text_output_names_version_and_title(name):
    result = inspect(fixture_zip(name))
    assert result.stdout.startswith("Version: ")
    assert "Title:" in result.stdout
    assert ("Uploadable." in result.stdout) == (result.returncode == 0)


def test_the_checks_load_without_django():
    """Authors run `inspect` outside any Open edX: checking a package must not import Django."""
    code = ("import sys, openedxscorm.cli, openedxscorm.package, openedxscorm.paths; "
            "print(sorted(name for name in sys.modules if name.split('.')[0] == 'django'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT,
                            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, timeout=60, check=True)
    assert result.stdout.strip() == "[]"
