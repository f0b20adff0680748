"""Package files through the content view against the block's assets_proxy handler, both through the dev server's
HTTP stack (Django's runserver, its middleware, the workbench's handler view, local file storage), in one run.

asset_view_requests_per_launch_loading_block
    A package whose SCO page loads FILE_COUNT small scripts is launched in headless Chromium from its workbench
    scenario, with the content view on (SCORM_CONTENT_VIEW=1). Counted: the requests of that launch that reach a
    view loading the block to show the package, the launcher page and assets_proxy; the run-time's own posts
    (session start, commits) are not part of showing it. Target 1: the launcher only.
    asset_view_requests_per_launch_loading_block_handler is the same launch with the view off (assets_proxy
    serves every file), and asset_view_files_per_launch the package files the launch asked for, in both modes.
asset_small_rps_ratio_vs_handler
    Requests per second for one 5 KB file of that package, one connection per request, ASSET_SECONDS per
    measure: the content view's URL (as the launcher gives it) against assets_proxy's, alternated in the same
    dev server, BENCH_REPEAT rounds; the median of the per-round ratios. Target >= 5.
    asset_small_stack_floor_rps is a request the content view refuses at once (a token it cannot read): what the
    dev server's stack (runserver, its middleware, URL resolution) costs by itself, the ceiling of any view there.
"""
import http.client
import re
import shutil
import tempfile
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

FILE_COUNT = 60
FILE_SIZE = 5 * 1000
ASSET_SECONDS = 3.0
WARM_UP_CALLS = 30
PACKAGE_NAME = "content-view-bench.zip"
LEARNER = "bench"
SCO_FRAME = re.compile(r'<iframe class="scorm-content" src="([^"]+)"')
# The handlers that load the block to show the package (the run-time's posts are not counted).
SHOWING_HANDLERS = ("/launcher", "/assets_proxy/")


def write_package(path):
    """A SCORM 1.2 package whose SCO page loads FILE_COUNT scripts of FILE_SIZE bytes, then finishes."""
    from bench.synthetic import FIXED_DATE, INDEX_HTML, MANIFEST_TEMPLATE  # pylint: disable=import-outside-toplevel

    scripts = "".join(f'<script src="js/f{index:03d}.js"></script>\n' for index in range(FILE_COUNT))
    index_html = INDEX_HTML.replace("<body>", "<body>\n" + scripts, 1)
    line = "var benchValue = 'x';\n"
    script = (line * (FILE_SIZE // len(line) + 1))[:FILE_SIZE]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in {"imsmanifest.xml": MANIFEST_TEMPLATE.format(name="content-view"),
                           "index.html": index_html,
                           **{f"js/f{index:03d}.js": script for index in range(FILE_COUNT)}}.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=FIXED_DATE), text)


def get(base_url, path):
    """(status, body) of one GET on a new connection. Over a kept-alive connection runserver's answer, written as
    headers then body, waits for the client's delayed ACK (40 ms) and both views would measure that stall."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def rate(base_url, path, expected, status_expected=200):
    """GETs per second of `path` over ASSET_SECONDS, after a warm-up; every answer checked (`expected` bytes, or
    any body when None)."""
    def one():
        status, body = get(base_url, path)
        if status != status_expected or (expected is not None and len(body) != expected):
            raise RuntimeError(f"{path}: status {status}, {len(body)} bytes")

    for _ in range(WARM_UP_CALLS):
        one()
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < ASSET_SECONDS:
        one()
        calls += 1
    return calls / elapsed


def asset_paths(server, usage, sha1):
    """(content view path, assets_proxy path) of the first script, the first as the launcher gives it."""
    status, page = get(server.url, f"/handler/{usage}/launcher?student={LEARNER}")
    if status != 200:
        raise RuntimeError(f"launcher: status {status}")
    sco_url = SCO_FRAME.search(page.decode()).group(1).replace("&amp;", "&")
    if "/scorm-content/" not in sco_url:
        raise RuntimeError(f"the launcher does not give the content view: {sco_url}")
    base = sco_url.split(f"/{sha1}/", 1)[0] + f"/{sha1}/"
    return base + "js/f000.js", f"/handler/{usage}/assets_proxy/{sha1}/js/f000.js?student={LEARNER}"


def small_rps(server, usage, sha1, log):
    """{"view": [rps...], "handler": [rps...], "floor": [rps...]} alternated over BENCH_REPEAT rounds."""
    from .measure import repeat_count  # pylint: disable=import-outside-toplevel

    paths = dict(zip(("view", "handler"), asset_paths(server, usage, sha1), strict=True))
    paths["floor"] = f"/scorm-content/unreadable/{sha1}/js/f000.js"
    answers = {"view": (FILE_SIZE, 200), "handler": (FILE_SIZE, 200), "floor": (None, 403)}
    rates = {name: [] for name in paths}
    for round_number in range(1, repeat_count() + 1):
        for name, path in paths.items():
            rates[name].append(rate(server.url, path, *answers[name]))
            log(f"5 KB file through the {name}, round {round_number}: {rates[name][-1]:.0f} requests/s")
    return rates


def launch_requests(server, log):
    """(requests loading the block, package files asked for) when the package is launched in Chromium."""
    # pylint: disable=import-outside-toplevel
    from playwright.sync_api import sync_playwright

    from openedxscorm_support.browser import CHROMIUM_ARGS, block_frames

    urls = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                             headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("requestfinished", lambda request: urls.append(request.url))
            page.goto(f"{server.scenario_url(PACKAGE_NAME)}?student={LEARNER}")
            _launcher, sco = block_frames(page)
            sco.wait_for_load_state("load")
            page.wait_for_timeout(300)
        finally:
            browser.close()
    paths = [urlsplit(url).path for url in urls]
    loading = [path for path in paths if path.startswith("/handler/") and any(
        part in path for part in SHOWING_HANDLERS)]
    files = [path for path in paths if "/scorm-content/" in path or "/assets_proxy/" in path]
    log(f"launch: {len(files)} package files, {len(loading)} requests loading the block")
    if len(files) < FILE_COUNT + 1:
        raise RuntimeError(f"the launch asked for {len(files)} package files, {FILE_COUNT + 1} expected")
    return len(loading), len(files)


def run():
    """Yield (name, value) figures."""
    # pylint: disable=import-outside-toplevel
    from .measure import log, median
    from .proxy import DevServer, _sha1_of

    work = Path(tempfile.mkdtemp(prefix="bench-content-view-"))
    try:
        packages = work / "packages"
        packages.mkdir()
        write_package(packages / PACKAGE_NAME)
        sha1 = _sha1_of(packages / PACKAGE_NAME)
        figures = {}
        for mode, env in (("handler", {"SCORM_CONTENT_VIEW": "0"}), ("view", {"SCORM_CONTENT_VIEW": "1"})):
            var_dir = work / f"var-{mode}"
            var_dir.mkdir()
            with DevServer(packages, var_dir, extra_env=env) as server:
                figures[mode] = launch_requests(server, log)
                if mode == "view":
                    rates = small_rps(server, server.usage_id(PACKAGE_NAME), sha1, log)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    yield "asset_view_requests_per_launch_loading_block", figures["view"][0]
    yield "asset_view_requests_per_launch_loading_block_handler", figures["handler"][0]
    yield "asset_view_files_per_launch", figures["view"][1]
    yield "asset_small_view_rps", median(rates["view"])
    yield "asset_small_handler_rps", median(rates["handler"])
    yield "asset_small_stack_floor_rps", median(rates["floor"])
    yield "asset_small_rps_ratio_vs_handler", median(
        view / handler for view, handler in zip(rates["view"], rates["handler"], strict=True))
