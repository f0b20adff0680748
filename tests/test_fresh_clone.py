"""A fresh clone, with no real packages or conformance steps beside it, passes: the repository alone is enough.

The clone gets what `make venv` would build in it (scorm-again's files, node_modules) from this checkout, and runs
with this interpreter: nothing is installed. Every test is collected there, and a selection of the modules that
need a package runs there: the whole suite would double the run.
"""
import os
import re
import shutil
import subprocess
import sys

import pytest

from openedxscorm_support.folders import EXTRA_FOLDERS, REPO_ROOT

NESTED = "SCORM_FRESH_CLONE_RUN"
# Modules that read the real packages folder before the project wrote its own, and the builder's own tests: about
# 20 seconds. The others are collected only.
RUN_THERE = [
    "tests/test_packages.py", "tests/test_block.py", "tests/test_cli.py", "tests/test_course_moves.py",
    "tests/test_mirror.py", "tests/test_legacy.py", "tests/test_manifest_packages.py", "tests/test_sequencing.py",
    "tests/test_toc.py", "tests/test_engine_sequencing.py", "tests/test_player.py", "tests/security/test_access.py",
    "tests/runtime/test_conformance.py",
]
BUILT = ["openedxscorm/static/vendor", "node_modules"]  # git-ignored: what `make static` makes

pytestmark = pytest.mark.skipif(bool(os.environ.get(NESTED)), reason="already inside the fresh clone's run")


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout")
    target = tmp_path_factory.mktemp("fresh") / "openedxscorm"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO_ROOT), str(target)], check=True,
                   timeout=120)
    for relative in BUILT:
        source = REPO_ROOT / relative
        assert source.exists(), f"run `make static` first: {relative} is missing"
        (target / relative).symlink_to(source, target_is_directory=True)
    assert not (target.parent.parent / "shared").exists()
    return target


def run_pytest(clone, *arguments):
    environment = {name: value for name, value in os.environ.items() if name not in EXTRA_FOLDERS}
    environment.update({NESTED: "1", "PYTHONPATH": str(clone)})
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:cacheprovider",
                           *arguments], cwd=clone, env=environment, capture_output=True, text=True, timeout=1200,
                          check=False)


def test_every_test_is_collected_and_the_missing_folders_are_named_first(clone):
    result = run_pytest(clone, "--collect-only")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert any(re.match(r"collected \d+ items", line) for line in lines), lines[:20]
    header = lines[:lines.index(next(line for line in lines if line.startswith("collected")))]
    assert any(all(variable in line for variable in EXTRA_FOLDERS) for line in header), header


def test_package_suites_pass_with_skips_that_name_the_variables(clone):
    result = run_pytest(clone, "-q", "-rs", *RUN_THERE)
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    assert "failed" not in summary and "error" not in summary, summary
    passed = int(re.search(r"(\d+) passed", summary).group(1))
    assert passed > 150, summary
    skipped = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skipped, "the real-package tests are skipped there"
    assert all(any(variable in line for variable in EXTRA_FOLDERS) or "empty parameter set" in line
               for line in skipped), skipped
