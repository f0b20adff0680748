"""Which package a benchmark plays: a named real one when SCORM_PACKAGES_DIR is set, else one of the project's own.

A fresh clone has no folder of third-party packages beside it, so every benchmark that names a real package also
names a package of openedxscorm_support/packages.py that exercises the same path.
"""
import os

from openedxscorm_support.packages import CATALOG, Sco, fixture_zip, write_package

# The project's own packages the benchmarks need beyond the CATALOG of openedxscorm_support/packages.py: name -> writer.
BENCH_PACKAGES = {
    # One SCORM 1.2 SCO that makes no call of its own: the benchmark drives its API.
    "manual-1.2.zip": lambda path: write_package(
        path, [Sco("lesson", "A lesson driven by the benchmark", href="lesson/index.html", parameters="?manual=1")],
        title="Benchmark course 1.2"),
}


def real_packages_set():
    return bool(os.environ.get("SCORM_PACKAGES_DIR"))


def package_path(real_name, own_name):
    """The real package `real_name` of SCORM_PACKAGES_DIR's valid/ folder when the variable is set, else the
    project's own package `own_name` (written on first use, removed when the process exits)."""
    if real_packages_set():
        from openedxscorm_support.folders import packages_dir  # pylint: disable=import-outside-toplevel

        return packages_dir() / "valid" / real_name
    if own_name not in CATALOG:
        CATALOG[own_name] = BENCH_PACKAGES[own_name]
    return fixture_zip(own_name)
