"""Pop-up launch: the Studio setting opens the block's launcher in a window of its own, where the SCO finds its API."""
from tests.e2e.player import call, find_scenario

PACKAGE = "probe-popup-1.2.zip"


def test_popup_launch_opens_a_window_whose_sco_reaches_the_api(workbench, page):
    scenario = find_scenario(workbench, PACKAGE)
    page.goto(scenario + "studio_view/")
    page.check("input[name=popup_on_launch]")
    page.fill("input[name=width]", "900")
    page.fill("input[name=height]", "700")
    page.click("button.save-button")
    page.wait_for_selector(".scorm-upload-status.is-success", timeout=60000)

    page.goto(scenario)
    assert page.locator("iframe.scorm-player").count() == 0
    button = page.wait_for_selector(".scorm-popup-button:not([disabled])")
    assert button.get_attribute("data-window-features") == "width=900,height=700,resizable=yes,scrollbars=yes"
    with page.expect_popup() as opened:
        button.click()
    popup = opened.value
    popup.wait_for_load_state("load")
    assert "/launcher" in popup.url
    assert popup.evaluate("window.opener !== null")
    sco = popup.wait_for_selector("iframe.scorm-content").content_frame()
    sco.wait_for_load_state("load")
    assert call(sco, "1.2", "LMSInitialize", "") == {"result": "true", "error": "0"}
    assert call(sco, "1.2", "LMSGetValue", "cmi.core.lesson_mode")["result"] == "normal"
