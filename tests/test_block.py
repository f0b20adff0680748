"""The XBlock class end to end on a real XBlock runtime: upload through studio_submit, views, asset serving."""
import pytest
from webob import Request

from openedxscorm_support.block_runtime import make_block
from tests.conftest import real_package
from tests.packages import CATALOG, Sco, fixture_zip, write_package, write_zip

VALID = "probe-1.2.zip"
LAUNCH_FILE = "lesson/index.html"


def upload_request(zip_path=None, **form):
    post = {key: str(value) for key, value in form.items()}
    if zip_path is not None:
        post["file"] = (zip_path.name, zip_path.read_bytes())
    return Request.blank("/", POST=post)


def upload(block, name, **form):
    """studio_submit with a package of the builder's CATALOG, or else a real one (skipped when absent)."""
    path = fixture_zip(name) if name in CATALOG else real_package("valid", name)
    return block.handle("studio_submit", upload_request(path, **form))


@pytest.fixture
def block(storage):  # noqa: ARG001  (storage points MEDIA_ROOT at a folder of this test)
    return make_block()


def test_student_view_without_package_says_so(block):
    assert "No SCORM package has been uploaded" in block.student_view().content


def test_upload_sets_fields_after_extraction_and_plays(block, storage):
    response = upload(block, VALID, display_name="Golf", height="600")
    assert response.status_code == 200, response.text
    assert response.json["package"]["version"] == "1.2"
    assert len(block.package_sha1) == 40
    assert block.package_filename == VALID
    assert block.display_name == "Golf" and block.height == 600
    assert storage.exists(f"scorm/{block.package_sha1}/{LAUNCH_FILE}")
    assert "/handler/launcher" in block.student_view().content
    html = block.handle("launcher", Request.blank("/")).text  # the block's launcher page frames the SCO
    assert f"/handler/assets_proxy/{block.package_sha1}/{LAUNCH_FILE}" in html
    assert 'title="Golf"' in html


def test_refused_upload_changes_nothing(block, tmp_path):
    upload(block, VALID)
    before = (block.package_sha1, block.package_manifest, block.display_name)
    no_manifest = write_zip(tmp_path / "invalid.zip", {"index.html": "<!doctype html><title>no manifest</title>"})
    response = block.handle("studio_submit", upload_request(no_manifest, display_name="Changed"))
    assert response.status_code == 400
    assert "imsmanifest.xml" in response.json["error"]
    assert (block.package_sha1, block.package_manifest, block.display_name) == before
    launch_page = f"{block.package_sha1}/{LAUNCH_FILE}"
    assert block.handle("assets_proxy", Request.blank("/"), launch_page).status_code == 200


@pytest.mark.parametrize("value", ["abc", "-5", "0", "99999"])
def test_bad_display_option_is_refused_with_message(block, value):
    response = block.handle("studio_submit", upload_request(height=value))
    assert response.status_code == 400
    assert "whole numbers" in response.json["error"]
    assert block.height == 450


def test_options_without_file_keep_package(block):
    upload(block, VALID)
    sha1 = block.package_sha1
    response = block.handle("studio_submit", upload_request(display_name="Renamed", width=""))
    assert response.status_code == 200
    assert block.package_sha1 == sha1 and block.display_name == "Renamed" and block.width is None


def test_get_on_studio_submit_is_refused(block):
    assert block.handle("studio_submit", Request.blank("/")).status_code == 405


def test_asset_proxy_serves_only_the_current_tree(block):
    upload(block, VALID)
    sha1 = block.package_sha1
    ok = block.handle("assets_proxy", Request.blank("/"), f"{sha1}/{LAUNCH_FILE}")
    assert ok.status_code == 200 and ok.headers["X-Content-Type-Options"] == "nosniff"
    assert ok.content_type == "text/html"
    assert b"<html" in b"".join(ok.app_iter).lower()
    for suffix in (f"{sha1}/nope.html", f"{'0' * 40}/{LAUNCH_FILE}", f"{sha1}/../{sha1}/imsmanifest.xml",
                   f"{sha1}/%2e%2e/secret", LAUNCH_FILE, ""):
        assert block.handle("assets_proxy", Request.blank("/"), suffix).status_code == 404, suffix


def test_author_and_studio_views_show_package_facts(block):
    upload(block, VALID)
    author = block.author_view().content
    assert VALID in author and "1.2" in author
    studio = block.studio_view().content
    assert 'name="file"' in studio and VALID in studio


def test_without_proxy_the_iframe_uses_storage_urls(storage):
    block = make_block(PROXY_ASSETS_LMS=False)
    upload(block, "sequenced-2004.zip")
    html = block.handle("launcher", Request.blank("/")).text
    item = block.launch_items()[0]
    path, _sep, query = item.launch_url.partition("?")
    assert f'src="{storage.url(f"scorm/{block.package_sha1}/{path}")}' in html
    assert query and query.replace("&", "&amp;") in html


def test_popup_launch_shows_a_button_with_a_window_spec_instead_of_the_iframe(block):
    upload(block, VALID, display_name="Golf", popup_on_launch="true", width="800", height="600")
    assert block.popup_on_launch is True
    html = block.student_view().content
    assert "scorm-player" not in html
    assert 'data-window-features="width=800,height=600,resizable=yes,scrollbars=yes"' in html
    assert "/handler/launcher" in html
    block.handle("studio_submit", upload_request(display_name="Golf"))  # the unchecked box turns it off
    assert block.popup_on_launch is False and "scorm-player" in block.student_view().content


def test_non_ascii_launch_file_is_named_once_and_served(block):
    """The handler's suffix is the file's own name: the platform quotes it into the URL once."""
    upload(block, "nested-café-1.2.zip")
    html = block.handle("launcher", Request.blank("/")).text
    assert f"/handler/assets_proxy/{block.package_sha1}/modules/été/café.html?page=1" in html
    response = block.handle("assets_proxy", Request.blank("/"), f"{block.package_sha1}/modules/été/café.html")
    assert response.status_code == 200


def test_upload_lacking_listed_files_is_accepted_with_a_warning_naming_them(block, tmp_path):
    sco = Sco(href="lesson/index.html", files={"lesson/intro.mp4": b"video", "lesson/quiz.js": "1"})
    zip_path = write_package(tmp_path / "lacking.zip", [sco], omit=("lesson/intro.mp4",))
    response = block.handle("studio_submit", upload_request(zip_path))
    assert response.status_code == 200, response.text
    warning = "Files the manifest lists are not in the package (1: lesson/intro.mp4)"
    assert any(warning in notice for notice in response.json["notices"]), response.json["notices"]
    assert any(warning in text for text in block.notices_text())
