"""Script payloads in an uploaded package's titles, its file name and the display name never run in Chromium:
the author uploads through the Studio view of the running dev server, then every view of the block is opened."""
import zipfile

from tests.e2e.player import find_scenario
from tests.e2e.test_upload_and_play import launch_frame
from tests.security.helpers import index_html, manifest_bytes

SCENARIO = "xss-target.zip"  # played by no other browser test
TITLE_PAYLOAD = "<img src=x onerror=window.__pwned=1>"
ITEM_PAYLOAD = "</title><script>window.__pwned=1</script>"
SECOND_ITEM_PAYLOAD = "\"><svg onload=window.__pwned=1>"
DISPLAY_NAME_PAYLOAD = "'\"><img src=x onerror=window.__pwned=1>"
FILE_NAME = "<img src=x onerror=window.__pwned=1>.zip"


def hostile_package(folder):
    path = folder / FILE_NAME
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("imsmanifest.xml", manifest_bytes(title=TITLE_PAYLOAD, item_title=ITEM_PAYLOAD,
                                                          second_item_title=SECOND_ITEM_PAYLOAD))
        archive.writestr("index.html", index_html())
    return path


def assert_no_script_ran(page, view):
    for frame in page.frames:
        frame.wait_for_load_state("load")
        assert frame.evaluate("typeof window.__pwned") == "undefined", (view, frame.url)


def test_script_payloads_in_titles_never_run(workbench, page, tmp_path):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    scenario = find_scenario(workbench, SCENARIO)

    page.goto(scenario + "studio_view/")
    page.set_input_files("input[name=file]", str(hostile_package(tmp_path)))
    page.fill("input[name=display_name]", DISPLAY_NAME_PAYLOAD)
    page.click("button.save-button")
    page.wait_for_selector(".scorm-upload-status.is-success", timeout=60000)
    assert_no_script_ran(page, "studio view after the upload")

    page.goto(scenario)  # the student view, and the launcher page inside its iframe
    iframe, _sco = launch_frame(page)
    assert iframe.get_attribute("title") == DISPLAY_NAME_PAYLOAD
    launcher = iframe.content_frame()
    assert launcher.title() == DISPLAY_NAME_PAYLOAD
    toc = launcher.wait_for_selector("nav.scorm-toc", state="attached")  # two items: the table of contents shows
    toc_text = toc.text_content()
    assert ITEM_PAYLOAD in toc_text and SECOND_ITEM_PAYLOAD in toc_text
    assert_no_script_ran(page, "student view and table of contents")

    page.goto(scenario + "author_view/")
    page.wait_for_selector(".scorm-package-title")
    assert page.inner_text(".scorm-package-title") == TITLE_PAYLOAD
    assert FILE_NAME in page.inner_text("body")
    assert_no_script_ran(page, "author view")

    page.goto(scenario + "studio_view/")
    page.wait_for_selector("input[name=display_name]")
    assert page.input_value("input[name=display_name]") == DISPLAY_NAME_PAYLOAD
    assert FILE_NAME in page.inner_text("body")
    assert_no_script_ran(page, "studio view")

    assert page.locator("img[src=x]").count() == 0 and page.locator("svg[onload]").count() == 0
    assert dialogs == []
