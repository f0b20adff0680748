"""Right after an upload through the Studio form, the form shows the new package's summary and every warning the
server found (the last piece's answer carries them), without reopening the editor."""
from tests.e2e.test_upload_and_play import scenario_url
from tests.packages import Sco, write_package

MISSING = "lesson2/media/clip.mp4"


def test_summary_and_warnings_show_right_after_the_upload(workbench, page, tmp_path):
    scos = [Sco("one", "One", href="lesson1/index.html"),
            Sco("two", "Two", href="lesson2/index.html", files={MISSING: b"video"})]
    zip_path = write_package(tmp_path / "summary.zip", scos, version="2004", title="Summary course",
                             omit=(MISSING,))
    studio = scenario_url(workbench, "summary-target.zip") + "studio_view/"
    page.goto(studio)
    assert page.inner_text(".scorm-package-summary") == "No package uploaded yet."
    assert page.locator(".scorm-notices").is_hidden()

    page.set_input_files("input[name=file]", str(zip_path))
    page.click("button.save-button")
    page.wait_for_selector(".scorm-upload-status.is-success", timeout=60000)

    summary = page.inner_text(".scorm-package-summary")
    for expected in ("summary.zip", '"Summary course"', "SCORM 2004 3rd Edition", "2 learning objects", "KiB"):
        assert expected in summary, summary
    assert page.locator(".scorm-notices").is_visible()
    warnings = page.locator(".scorm-notices li").all_inner_texts()
    assert warnings == [f"Files the manifest lists are not in the package (1: {MISSING}); learners will get "
                        "errors where the content uses them."], warnings
    assert page.inner_text(".scorm-upload-status") == "Saved."

    page.goto(studio)  # what the editor shows when reopened is the same
    assert page.inner_text(".scorm-package-summary") == summary
    assert page.locator(".scorm-notices li").all_inner_texts() == warnings
