"""An author uploads a package through the Studio view of the running dev server; a learner sees it play."""
import re
import zipfile

from openedxscorm_support.browser import scenario_link
from tests.conftest import real_package
from tests.e2e.conftest import REAL_SCENARIOS, SCENARIO_PACKAGES
from tests.packages import CATALOG, fixture_zip, write_zip


def skip_unless_preloaded(label):
    """A scenario named after a real package exists only when SCORM_PACKAGES_DIR holds it: skip, naming it."""
    if label.endswith(".zip") and label not in CATALOG and label not in SCENARIO_PACKAGES:
        assert label in REAL_SCENARIOS, f"add {label} to REAL_SCENARIOS (tests/e2e/conftest.py)"
        real_package("valid", label)


def scenario_url(base_url, label):
    """The workbench URL of the scenario whose link text contains label."""
    skip_unless_preloaded(label)
    return scenario_link(base_url, label)


def title_of(zip_path, member):
    """The <title> of an HTML member of the zip, read straight from the package."""
    with zipfile.ZipFile(zip_path) as archive:
        html = archive.read(member).decode("utf-8", "replace")
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


# A package file's URL through the assets_proxy handler, or through the content view (CONTENT_VIEW_ENABLED, as the
# dev server gives it with SCORM_CONTENT_VIEW=1): the sha1 and the path inside the package, whichever serves it.
PACKAGE_FILE_URL = re.compile(r"/(?:assets_proxy|scorm-content/[^/]+)/(?P<sha1>[0-9a-f]{40})/(?P<path>[^?#]*)")


def package_file(url):
    """(sha1, path) of the package file a URL names; AssertionError when it names none."""
    match = PACKAGE_FILE_URL.search(url)
    assert match, url
    return match.group("sha1"), match.group("path")


def launch_frame(page):
    """The block's iframe, and the SCO's frame inside the block's launcher page once its document has loaded."""
    iframe = page.wait_for_selector("iframe.scorm-player")
    frame = iframe.content_frame().wait_for_selector("iframe.scorm-content").content_frame()
    frame.wait_for_load_state("load")
    return iframe, frame


def test_upload_in_studio_then_launch_page_plays(workbench, page):
    empty = scenario_url(workbench, "empty block")
    page.goto(empty)
    assert "No SCORM package has been uploaded" in page.inner_text(".scorm-block")

    page.goto(empty + "studio_view/")
    zip_path = fixture_zip("probe-1.2.zip")
    page.set_input_files("input[name=file]", str(zip_path))
    page.select_option("select[name=frame_size]", "fixed")  # the height below, rather than 16:9 of the width
    page.fill("input[name=height]", "600")
    page.click("button.save-button")
    page.wait_for_selector(".scorm-upload-status.is-success", timeout=60000)

    page.goto(empty)
    iframe, frame = launch_frame(page)
    assert iframe.get_attribute("title")
    assert "600px" in iframe.get_attribute("style")
    assert frame.url.split("?")[0].endswith("/lesson/index.html")
    # The document inside the iframe is the package's own launch page, served from storage.
    assert frame.evaluate("document.readyState") == "complete"
    assert frame.title() == title_of(zip_path, "lesson/index.html")
    assert frame.inner_text("h1")


def test_refused_upload_shows_reason_and_old_package_keeps_playing(workbench, page, tmp_path):
    playing = scenario_url(workbench, "refused-upload-1.2.zip")
    page.goto(playing)
    _iframe, frame = launch_frame(page)
    launch_before = frame.url

    page.goto(playing + "studio_view/")
    no_manifest = write_zip(tmp_path / "invalid.zip", {"index.html": "<!doctype html><title>no manifest</title>"})
    page.set_input_files("input[name=file]", str(no_manifest))
    page.click("button.save-button")
    status = page.wait_for_selector(".scorm-upload-status.is-error", timeout=60000)
    assert "imsmanifest.xml" in status.inner_text()

    page.goto(playing)
    _iframe, frame = launch_frame(page)
    assert package_file(frame.url) == package_file(launch_before)  # the content view's token is made anew
    assert frame.evaluate("document.readyState") == "complete"


def test_preloaded_scenario_plays(workbench, page):
    page.goto(scenario_url(workbench, "sequenced-2004.zip"))
    _iframe, frame = launch_frame(page)
    _sha1, launch_path = package_file(frame.url)
    zip_path = fixture_zip("sequenced-2004.zip")
    assert frame.title() == title_of(zip_path, launch_path)
