"""`make serve` prints each request, and every 4xx/5xx, on its console (the dev server's stdout and stderr)."""
import time
import urllib.error
import urllib.request
import uuid


def console_lines(workbench_var, needle, wanted, timeout=10):
    """The console's lines naming `needle`, once one of them holds `wanted` (or the timeout passed)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = (workbench_var / "server.log").read_text(encoding="utf-8", errors="replace").splitlines()
        found = [line for line in lines if needle in line]
        if any(wanted in line for line in found) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_requests_and_errors_reach_the_console(workbench, workbench_var):
    missing = f"/scenario/no-such-scenario-{uuid.uuid4().hex[:8]}/"
    try:
        urllib.request.urlopen(workbench + missing, timeout=30)  # noqa: S310  (loopback)
    except urllib.error.HTTPError as error:
        assert error.code == 404
    found = console_lines(workbench_var, missing, '" 404 ')
    assert any(f'"GET {missing} HTTP/1.1" 404 ' in line for line in found), found
    assert f"Not Found: {missing}" in found, found  # django.request's warning as well
    marker = f"?console-check={uuid.uuid4().hex[:8]}"
    with urllib.request.urlopen(workbench + "/" + marker, timeout=60) as answer:  # noqa: S310
        assert answer.status == 200
    assert any('" 200 ' in line for line in console_lines(workbench_var, marker, '" 200 '))
