"""Peak memory of the staff results CSV export for 10,000 generated learners (one SCO, interactions included).

The export runs in a child process (`python -m bench.csv_export --child`), which reads its own high-water mark
(VmHWM) after consuming the streamed CSV; the rows are generated on the fly, as the platform's queryset
iterator yields them, so the figure is the export's own footprint.
"""
import json
import subprocess
import sys
import zipfile

from openedxscorm_support.folders import REPO_ROOT

from .packages import package_path

LEARNERS = 10_000
PACKAGE = "RuntimeBasicCalls_SCORM12.zip"
OWN_PACKAGE = "multi-1.2.zip"  # without SCORM_PACKAGES_DIR
KIB_PER_MIB = 1024


def _items():
    from openedxscorm.manifest import parse_manifest  # pylint: disable=import-outside-toplevel

    with zipfile.ZipFile(package_path(PACKAGE, OWN_PACKAGE)) as archive:
        return parse_manifest(archive.read("imsmanifest.xml")).launchable_items()


def _learners(count):
    for number in range(count):
        data = {"cmi.core.lesson_status": "passed", "cmi.core.score.raw": str(number % 101),
                "cmi.suspend_data": "s" * 2000, "cmi.core.lesson_location": f"page-{number % 40}"}
        for index in range(10):
            prefix = f"cmi.interactions.{index}"
            data.update({f"{prefix}.id": f"q{index}", f"{prefix}.type": "choice",
                         f"{prefix}.student_response": "a", f"{prefix}.result": "wrong"})
        yield {"username": f"learner{number}", "email": f"learner{number}@example.com",
               "modified": "2026-01-01T00:00:00+00:00",
               "state": {"scorm_state": {"data": data, "attempt": 1, "sessions": 3, "all_time": 123456}}}


def _peak_rss_mib():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / KIB_PER_MIB
    return 0.0


def child():
    from openedxscorm import reports  # pylint: disable=import-outside-toplevel

    items = _items()
    size = 0
    for export, make_rows in (("results", reports.result_rows), ("interactions", reports.interaction_rows)):
        columns = reports.RESULT_COLUMNS if export == "results" else reports.INTERACTION_COLUMNS
        for chunk in reports.stream_csv(columns, make_rows("1.2", items, _learners(LEARNERS))):
            size += len(chunk)
    print(json.dumps({"peak_rss_mib": _peak_rss_mib(), "bytes": size}))


def run():
    output = subprocess.run([sys.executable, "-m", "bench.csv_export", "--child"], cwd=REPO_ROOT, check=True,
                            capture_output=True, text=True).stdout
    report = json.loads(output.strip().splitlines()[-1])
    yield "csv_export_10k_peak_rss_mib", report["peak_rss_mib"]
    yield "csv_export_10k_bytes", report["bytes"]


if __name__ == "__main__" and "--child" in sys.argv:
    child()
