"""A real dev server (the XBlock SDK workbench with this block) and headless Debian Chromium, for browser tests."""
import os
import shutil
from pathlib import Path

import pytest

from openedxscorm_support.browser import CHROMIUM_ARGS
from openedxscorm_support.devserver_process import running_dev_server
from openedxscorm_support.folders import package_zips
from tests.packages import CATALOG, Sco, fixture_zip, write_package, write_zip
from tests.packages import PROBE_DIR as FIXTURE_SCO

# Scenarios of the browser tests besides one per CATALOG package: a block each test may change on its own.
# A zip without a manifest is refused at preload, so its scenario is an empty block.
SCENARIO_PACKAGES = {
    "xss-target.zip": lambda path: fixture_copy("probe-1.2.zip", path),
    "refused-upload-1.2.zip": lambda path: fixture_copy("probe-1.2.zip", path),
    "large-upload-target.zip": lambda path: write_zip(path, {"readme.txt": "no manifest: an empty block"}),
    "resumed-upload-target.zip": lambda path: write_zip(path, {"readme.txt": "no manifest: an empty block"}),
    "summary-target.zip": lambda path: write_zip(path, {"readme.txt": "no manifest: an empty block"}),
    "stage-16x9.zip": lambda path: write_package(
        path, [Sco("stage", "Stage", body=(FIXTURE_SCO / "stage.html").read_bytes())], title="A 16:9 stage"),
    "stage-fixed-target.zip": lambda path: write_package(
        path, [Sco("stage", "Stage", body=(FIXTURE_SCO / "stage.html").read_bytes())], title="A 16:9 stage"),
    # The probe waits: the test makes every call itself. Named after CATALOG's first SCORM 1.2 zip, which the
    # two-blocks scenario plays (when RuntimeBasicCalls is absent) and whose probe must initialize by itself.
    "probe-api-1.2.zip": lambda path: write_package(path, [Sco(parameters="?manual=1")], title="API probe 1.2"),
    "probe-api-2004.zip": lambda path: write_package(path, [Sco(parameters="?manual=1")], "2004",
                                                     title="API probe 2004"),
    "probe-popup-1.2.zip": lambda path: write_package(path, [Sco(parameters="?manual=1")], title="Pop-up probe"),
}


# The real packages the browser tests play, preloaded when SCORM_PACKAGES_DIR has them (the first index request
# extracts every preloaded zip: the others would only slow it down).
REAL_SCENARIOS = (
    "RuntimeBasicCalls_SCORM12.zip", "RuntimeBasicCalls_SCORM20043rdEdition.zip", "RuntimeMinimumCalls_SCORM12.zip",
    "RuntimeMinimumCalls_SCORM20043rdEdition.zip", "SequencingForcedSequential_SCORM20043rdEdition.zip",
    "SequencingPostTestRollup_SCORM20043rdEdition.zip", "SequencingSimpleRemediation_SCORM20043rdEdition.zip",
)


def fixture_copy(name, path):
    shutil.copyfile(fixture_zip(name), path)


def scenario_folder(folder):
    """The folder the workbench preloads: the project's packages, and the real valid ones when they are there."""
    for name in CATALOG:
        fixture_copy(name, folder / name)
    for name, write in SCENARIO_PACKAGES.items():
        write(folder / name)
    for path in package_zips("valid"):
        if path.name in REAL_SCENARIOS:
            (folder / path.name).symlink_to(path)
    return folder


@pytest.fixture(scope="session")
def workbench_var(tmp_path_factory):
    """The dev server's var folder (database, media, tracking.log)."""
    return tmp_path_factory.mktemp("workbench-var")


@pytest.fixture(scope="session")
def workbench(workbench_var, tmp_path_factory):
    """Base URL of a workbench serving this block, with the scenario folder's packages preloaded as scenarios."""
    with running_dev_server(workbench_var, scenario_folder(tmp_path_factory.mktemp("scenarios"))) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def content_origin_workbench(tmp_path_factory):
    """The same workbench with a content origin (CONTENT_ORIGIN): package files and the SCORM API's wrapper page
    on content.localhost, a second host name of 127.0.0.1 (Chromium resolves *.localhost to the loopback)."""
    with running_dev_server(tmp_path_factory.mktemp("workbench-content-origin-var"),
                            scenario_folder(tmp_path_factory.mktemp("content-origin-scenarios")),
                            extra_env={"SCORM_CONTENT_ORIGIN": "http://content.localhost:{port}"}) as base_url:
        yield base_url


# The player's two modes: package files on the LMS's origin, or on a content origin with the API beside them.
PLAYER_MODES = {"same-origin": "workbench", "content-origin": "content_origin_workbench"}


@pytest.fixture(scope="session", params=sorted(PLAYER_MODES))
def player_workbench(request):
    """A workbench in each of the player's modes: tests that play packages run in both."""
    return request.getfixturevalue(PLAYER_MODES[request.param])


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium, driven by Playwright."""
    from playwright.sync_api import sync_playwright  # pylint: disable=import-outside-toplevel

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(executable).exists(), "Debian's chromium package is required: apt-get install chromium"
    # Playwright's sync API keeps an asyncio loop marked as running in this thread while the browser lives, and
    # Django then refuses database calls (SynchronousOnlyOperation); its documented switch lets a test that drives
    # the browser also read the test database. Only while the browser is open.
    allow_async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if allow_async_unsafe is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = allow_async_unsafe


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    yield page
    context.close()
