"""The sample package that `make serve` falls back to is a package the block accepts."""
import subprocess
import sys

from openedxscorm_support.folders import REPO_ROOT


def test_sample_package_folder_is_uploadable():
    result = subprocess.run([sys.executable, "-m", "openedxscorm", "inspect", "devserver/sample_package", "--json"],
                            cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"launch_url": "index.html"' in result.stdout
