"""Python children for the fault tests: started with the test settings and the test's media folder, killed with
SIGKILL at the moment the test chooses."""
import os
import signal
import subprocess
import sys
import time

from openedxscorm_support.folders import REPO_ROOT


def kill_when(script, args, media_root, ready, what, tmp_dir=None, timeout=60):
    """Run `script` (python -c) with `args`; SIGKILL it as soon as `ready()` is true. Returns its exit code.

    Fails the test when the child ends first or `ready()` is not true within `timeout` seconds (`what` says what
    was awaited). `tmp_dir` becomes the child's temporary folder (its spool).
    """
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(REPO_ROOT),
           "SCORM_TEST_MEDIA_ROOT": str(media_root)}
    if tmp_dir is not None:
        env["TMPDIR"] = str(tmp_dir)
    child = subprocess.Popen([sys.executable, "-c", script, *map(str, args)], cwd=REPO_ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline, f"the child never {what}"
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    return child.returncode
