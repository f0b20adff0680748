"""The dev server in a process of its own, for tests that talk to it over HTTP: its own var folder (database,
media), the packages of a folder preloaded as scenarios, a free port on 127.0.0.1; stopped when the test is done."""
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request

from openedxscorm_support.folders import REPO_ROOT


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url, process, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dev server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=120) as response:  # the first request builds every scenario
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"dev server did not answer at {url}")


@contextlib.contextmanager
def running_dev_server(var_dir, packages, extra_env=None):
    """Base URL of a dev server (runserver, threaded) with the zips of `packages` preloaded; `extra_env` sets its
    switches (SCORM_CONTENT_VIEW=1...), "{port}" in a value standing for the server's port (a content origin on a
    second host name: SCORM_CONTENT_ORIGIN=http://content.localhost:{port})."""
    port = free_port()
    switches = {name: value.replace("{port}", str(port)) for name, value in (extra_env or {}).items()}
    env = {**os.environ, "SCORM_DEVSERVER_VAR": str(var_dir), "SCORM_PACKAGES_DIR": str(packages),
           "DJANGO_SETTINGS_MODULE": "devserver.settings", "PYTHONPATH": str(REPO_ROOT), **switches}
    env.pop("SCORM_TEST_MEDIA_ROOT", None)
    subprocess.run([sys.executable, "-m", "django", "migrate", "--run-syncdb", "--verbosity", "0"], cwd=REPO_ROOT,
                   env=env, check=True)
    with open(var_dir / "server.log", "wb") as log_file:
        server = subprocess.Popen([sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
                                  cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_for_http(base_url + "/", server)
            yield base_url
        finally:
            server.terminate()
            server.wait(timeout=20)
