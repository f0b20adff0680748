"""The player's frame fits authoring-tool output: a 16:9 stage drawn at the frame's width shows whole, without a
scrollbar inside the frame, on a laptop screen and on a phone. Screenshots go to the test's folder."""
import pytest

from tests.e2e.test_upload_and_play import scenario_url

SCENARIO = "stage-16x9.zip"


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_a_16_9_stage_shows_whole_without_scrollbars(workbench, chromium, tmp_path, width, height):
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(scenario_url(workbench, SCENARIO) + "?student=frame-fit")
        player = page.wait_for_selector("iframe.scorm-player")
        assert player.get_attribute("data-frame-size") == "16:9"
        sco = player.content_frame().wait_for_selector("iframe.scorm-content").content_frame()
        sco.wait_for_selector("html[data-stage=drawn]")
        player.scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / f"stage-{width}x{height}.png"))
        sizes = sco.evaluate("() => { var d = document.documentElement; return {scrollWidth: d.scrollWidth, "
                             "clientWidth: d.clientWidth, scrollHeight: d.scrollHeight, "
                             "clientHeight: d.clientHeight}; }")
        assert sizes["scrollWidth"] <= sizes["clientWidth"] and sizes["scrollHeight"] <= sizes["clientHeight"], sizes
        assert player.bounding_box()["height"] >= 300  # the minimum, on the phone
        stage = sco.locator(".stage").bounding_box()
        assert stage["width"] > 0.8 * player.bounding_box()["width"]
        assert stage["x"] >= 0 and stage["y"] >= 0, stage
        assert stage["x"] + stage["width"] <= width and stage["y"] + stage["height"] <= height, stage
    finally:
        context.close()


def test_the_fixed_height_still_works_and_shows_what_the_ratio_avoids(workbench, page):
    """An author's fixed height keeps working: at the default 450 pixels, the 16:9 stage scrolls inside."""
    scenario = scenario_url(workbench, "stage-fixed-target.zip")
    page.goto(scenario + "studio_view/")
    page.select_option("select[name=frame_size]", "fixed")
    page.fill("input[name=height]", "450")
    page.click("button.save-button")
    page.wait_for_selector(".scorm-upload-status.is-success", timeout=60000)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(scenario + "?student=frame-fixed")
    player = page.wait_for_selector("iframe.scorm-player")
    assert player.get_attribute("data-frame-size") == "fixed"
    assert player.bounding_box()["height"] == 450
    sco = player.content_frame().wait_for_selector("iframe.scorm-content").content_frame()
    sco.wait_for_selector("html[data-stage=drawn]")
    assert sco.evaluate("document.documentElement.scrollHeight > document.documentElement.clientHeight")
