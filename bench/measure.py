"""Run one measured child process and collect its wall time, peak memory and report.

Each variant runs in a fresh process so that its peak memory is its own. The peak is read by the child
itself from /proc/self/status (VmHWM, the high-water mark of its own address space) and printed as the
last line of its output, a JSON object. ru_maxrss from os.wait4 is kept too, but it is not used for the
figures: on Linux it also counts the memory of the parent copied at fork time, before exec. The CPU time
(user + system) from os.wait4 is the child's own and is reported.
"""
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

KIB = 1024
MIB = 1024 * 1024
REPORT_PREFIX = "BENCH-REPORT "


@dataclasses.dataclass
class ChildRun:
    """What one child process took: the wall time around it and what it reported about itself."""

    wall_seconds: float
    cpu_seconds: float
    wait4_maxrss_mib: float
    report: dict

    def seconds(self):
        """The child's own timing of its measured section when it gave one, else the process wall time."""
        return self.report.get("seconds", self.wall_seconds)

    def peak_rss_mib(self):
        return self.report.get("peak_rss_mib")


def run_child(argv, cwd=None, env=None):
    """Run `argv` to completion; raise with its output when it fails."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited with {process.returncode}:\n{stdout[-2000:]}\n{stderr[-4000:]}")
    return ChildRun(wall_seconds=wall, cpu_seconds=usage.ru_utime + usage.ru_stime,
                    wait4_maxrss_mib=usage.ru_maxrss * KIB / MIB, report=_report(stdout))


def _report(stdout):
    for line in reversed(stdout.splitlines()):
        if line.startswith(REPORT_PREFIX):
            return json.loads(line[len(REPORT_PREFIX):])
    return {}


def peak_rss_mib():
    """This process's own memory high-water mark, in MiB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * KIB / MIB
    raise RuntimeError("VmHWM not found in /proc/self/status")


def print_report(**figures):
    """Called by a worker: hand its figures to the parent as the last line of its output."""
    print(REPORT_PREFIX + json.dumps(figures), flush=True)


def median(values):
    return statistics.median(values)


def repeat_count(default=3):
    """How many times each variant runs (BENCH_REPEAT), the median being reported."""
    return max(1, int(os.environ.get("BENCH_REPEAT", default)))


def log(message):
    """Progress goes to stderr so that stdout holds only `name: value` lines."""
    print(message, file=sys.stderr, flush=True)
