"""Serving package files through `assets_proxy`: memory while ranges of a 600 MB member are served, and
throughput on a 50 KB asset against openedx-scorm-xblock 19.0.5.

proxy_range_peak_rss_mib
    The dev server (the workbench with this block, Django's runserver, local file storage) runs in a process of
    its own with one scenario, the synthetic package `one-big-member` (a 600 MB stored member). Over HTTP the
    benchmark asks for RANGE_COUNT ranges of 4 MB spread over that member and a suffix range, checks every
    answer's length, then reads the server's high-water mark (VmHWM of /proc/<pid>/status); the mark covers the
    server's whole life, the package's extraction at start-up included. proxy_open_range_peak_rss_mib is the
    mark after one more request, `Range: bytes=0-`, which the block answers with its first
    delivery.OPEN_RANGE_MAX_BYTES bytes (what a media element asks first).
proxy_small_asset_rps_ratio_vs_upstream
    The upstream block needs edx-platform or the SDK it does not ship with, so both handlers are called in
    process, each in a child process of its own virtualenv, on the same zip extracted by that block into a local
    FileSystemStorage: `assets_proxy` with a webob request for the 50 KB member, the whole body read, for
    ASSET_SECONDS seconds after a warm-up. Requests per second, ours / upstream, median over BENCH_REPEAT rounds.

This file is also the worker of both sides: `python -m bench.proxy ours-rps ZIP MEDIA_ROOT` in this project's
virtualenv and `<upstream python> bench/proxy.py upstream-rps ZIP MEDIA_ROOT` in the upstream one.
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ASSET_SECONDS = 3.0
WARM_UP_CALLS = 50
ASSET_MEMBER = "media/clip00.mp4"
ASSET_SIZE = 50 * 1000
BIG_MEMBER = "media/clip00.mp4"
RANGE_SPAN = 4 * 1000 * 1000
RANGE_COUNT = 24
READ_CHUNK = 1024 * 1024
KIB = 1024
USAGE_PATTERN = re.compile(r"""data-usage=["']([^"']+)["']""")


def _synthetic():
    from bench import synthetic  # pylint: disable=import-outside-toplevel

    return synthetic


def small_asset_spec():
    synthetic = _synthetic()
    return synthetic.PackageSpec(name="small-asset", file_count=12, media_count=1, media_size=ASSET_SIZE)


# ---------------------------------------------------------------------------------------- the dev server


class DevServer:
    """The workbench dev server in a child process, with one scenario per zip of `packages_dir`."""

    def __init__(self, packages_dir, var_dir, extra_env=None):
        self.packages_dir = Path(packages_dir)
        self.var_dir = Path(var_dir)
        self.extra_env = dict(extra_env or {})
        self.process = None
        self.url = None
        self.log_file = None

    def start(self):
        from openedxscorm_support.devserver_process import free_port, wait_for_http  # pylint: disable=import-outside-toplevel

        env = {**os.environ, "SCORM_DEVSERVER_VAR": str(self.var_dir), "SCORM_PACKAGES_DIR": str(self.packages_dir),
               "DJANGO_SETTINGS_MODULE": "devserver.settings", "PYTHONPATH": str(REPO_ROOT), **self.extra_env}
        env.pop("SCORM_TEST_MEDIA_ROOT", None)
        subprocess.run([sys.executable, "-m", "django", "migrate", "--run-syncdb", "--verbosity", "0"],
                       cwd=REPO_ROOT, env=env, check=True)
        port = free_port()
        self.log_file = open(self.var_dir / "server.log", "wb")  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO_ROOT, env=env, stdout=self.log_file, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"
        wait_for_http(self.url + "/", self.process, timeout=600)
        return self

    def scenario_url(self, label):
        with urllib.request.urlopen(self.url + "/") as response:
            index = response.read().decode()
        for href, text in re.findall(r'<a href="([^"]+)">([^<]*)</a>', index):
            if label in text:
                return self.url + href
        raise RuntimeError(f"no scenario {label!r} on the workbench")

    def usage_id(self, label):
        """The usage id of the (first) block of a scenario, read from its page."""
        with urllib.request.urlopen(self.scenario_url(label)) as response:
            page = response.read().decode()
        return next(usage for usage in USAGE_PATTERN.findall(page) if "type@scorm+" in usage)

    def peak_rss_mib(self):
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * KIB / (1024 * 1024)
        raise RuntimeError("VmHWM not found")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
        if self.log_file is not None:
            self.log_file.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def _sha1_of(path):
    import hashlib  # pylint: disable=import-outside-toplevel

    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _read_range(url, header):
    """Bytes received for one ranged GET, read in chunks and dropped."""
    request = urllib.request.Request(url, headers={"Range": header})
    received = 0
    with urllib.request.urlopen(request, timeout=300) as response:
        if response.status != 206:
            raise RuntimeError(f"{header}: status {response.status}")
        while chunk := response.read(READ_CHUNK):
            received += len(chunk)
    return received


def range_peak_rss_mib(log):
    """The dev server's memory high-water mark (MiB) after bounded ranges of the 600 MB member, then after one
    open range from byte 0 (all 600 MB in one answer)."""
    synthetic = _synthetic()
    zip_path = synthetic.package_path(synthetic.ONE_BIG_MEMBER)
    size = synthetic.ONE_BIG_MEMBER.media_size
    with tempfile.TemporaryDirectory(prefix="bench-proxy-") as work:
        packages = Path(work) / "packages"
        packages.mkdir()
        (packages / zip_path.name).symlink_to(zip_path)
        var_dir = Path(work) / "var"
        var_dir.mkdir()
        with DevServer(packages, var_dir) as server:
            log(f"dev server up, peak {server.peak_rss_mib():.1f} MiB after extracting {zip_path.name}")
            usage = server.usage_id(zip_path.name)
            url = (f"{server.url}/handler/{usage}/assets_proxy/{_sha1_of(zip_path)}/{BIG_MEMBER}"
                   "?student=student_1")
            step = (size - RANGE_SPAN) // (RANGE_COUNT - 1)
            ranges = {f"bytes={index * step}-{index * step + RANGE_SPAN - 1}": RANGE_SPAN
                      for index in range(RANGE_COUNT)}
            ranges[f"bytes=-{RANGE_SPAN}"] = RANGE_SPAN
            _read_ranges(url, ranges, log)
            bounded_peak = server.peak_rss_mib()
            # bench/ also runs in the upstream block's virtualenv, whose package is named openedxscorm too
            from openedxscorm.delivery import OPEN_RANGE_MAX_BYTES  # pylint: disable=import-outside-toplevel

            _read_ranges(url, {"bytes=0-": min(size, OPEN_RANGE_MAX_BYTES)}, log)
            return bounded_peak, server.peak_rss_mib()


def _read_ranges(url, ranges, log):
    start = time.perf_counter()
    for header, length in ranges.items():
        received = _read_range(url, header)
        if received != length:
            raise RuntimeError(f"{header}: {received} bytes, {length} expected")
    log(f"{len(ranges)} ranges ({sum(ranges.values()) / 1e6:.0f} MB) in {time.perf_counter() - start:.1f} s")


# ------------------------------------------------------------------------- handler throughput, side by side


def _measure_module():
    if __package__:
        from . import measure  # pylint: disable=import-outside-toplevel
    else:
        import measure  # pylint: disable=import-outside-toplevel,import-error
    return measure


def _rate(call, expected_length):
    """Calls per second of `call` (which returns the body's length) over ASSET_SECONDS, after a warm-up: per second
    of wall time, and per second of this process's CPU time (which other work on a shared machine moves less)."""
    for _ in range(WARM_UP_CALLS):
        if call() != expected_length:
            raise RuntimeError("wrong body length")
    calls = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - start) < ASSET_SECONDS:
        if call() != expected_length:
            raise RuntimeError("wrong body length")
        calls += 1
    return calls / elapsed, calls / (time.process_time() - cpu_start)


def _report_asset_rate(block, request_class, suffix):
    """Print the requests per second the block's assets_proxy answers for `suffix` (the 50 KB member), and
    the worker's peak memory."""

    def call():
        response = block.assets_proxy(request_class.blank("/" + suffix), suffix)
        if response.status_code != 200:
            raise RuntimeError(f"status {response.status_code}")
        return sum(len(chunk) for chunk in response.app_iter)

    measure = _measure_module()
    rps, cpu_rps = _rate(call, ASSET_SIZE)
    measure.print_report(rps=rps, cpu_rps=cpu_rps, peak_rss_mib=measure.peak_rss_mib())


def ours_rps(zip_path, media_root, endpoint="", bucket=""):
    """Worker: this block's assets_proxy on the 50 KB member, after receive_package into the storage."""
    if endpoint:
        from .s3_settings import configure_django as configure_s3  # pylint: disable=import-outside-toplevel

        configure_s3(endpoint, bucket)
    else:
        from .local_settings import configure_django  # pylint: disable=import-outside-toplevel

        configure_django(media_root)
    # pylint: disable=import-outside-toplevel
    from django.core.files.storage import default_storage
    from webob import Request
    from xblock.fields import ScopeIds

    from openedxscorm.block import ScormXBlock
    from openedxscorm.upload import receive_package
    from openedxscorm_support.block_runtime import BlockTestRuntime

    block_settings = {"LOCATION": "scorm"}
    with open(zip_path, "rb") as handle:
        received = receive_package(handle, Path(zip_path).name, default_storage, block_settings)
    runtime = BlockTestRuntime(xblock_settings=block_settings)
    usage = "block-v1:Bench+Proxy+Run+type@scorm+block@ours"
    block = ScormXBlock(runtime, scope_ids=ScopeIds("bench-user", "scorm", usage, usage))
    for name, value in received.fields.items():
        setattr(block, name, value)
    _report_asset_rate(block, Request, f"{received.sha1}/{ASSET_MEMBER}")


def upstream_rps(zip_path, media_root, endpoint="", bucket=""):
    """Worker (upstream virtualenv): openedx-scorm-xblock 19.0.5's assets_proxy, after its studio_submit."""
    # pylint: disable=import-outside-toplevel,import-error,protected-access
    import upstream

    if endpoint:
        import s3_settings
        import upstream_s3

        sys.modules["__main__"].FolderAwareS3Storage = upstream_s3._folder_aware_storage_class()
        s3_settings.configure_django(endpoint, bucket, backend="__main__.FolderAwareS3Storage")
    else:
        import local_settings

        local_settings.configure_django(media_root)
    from webob import Request

    block = upstream._upstream_block()  # pylint: disable=protected-access
    with open(zip_path, "rb") as package_file:
        answer = block.studio_submit(upstream._upload_request(package_file), "")  # pylint: disable=protected-access
    if b'"errors": []' not in answer.body:
        raise SystemExit(f"upstream refused the package: {answer.body!r}")
    _report_asset_rate(block, Request, ASSET_MEMBER)


def rps_ratio(log, server=None):
    """{"rps", "upstream_rps", "rps_ratio_vs_upstream", "cpu_rps_ratio_vs_upstream"}: medians, the ratios over
    rounds; on S3 when a moto `server` is given, else local."""
    from . import synthetic, upstream  # pylint: disable=import-outside-toplevel
    from .measure import median, repeat_count, run_child

    python = upstream.ensure_venv(log=log)
    zip_path = synthetic.package_path(small_asset_spec())
    commands = {
        "ours": [sys.executable, "-m", "bench.proxy", "ours-rps", str(zip_path)],
        "upstream": [str(python), str(Path(__file__).resolve()), "upstream-rps", str(zip_path)],
    }
    where = "S3" if server else "local storage"
    reports = {name: [] for name in commands}
    for round_number in range(1, repeat_count() + 1):
        for name, command in commands.items():
            with tempfile.TemporaryDirectory(prefix=f"bench-rps-{name}-") as media:
                storage_args = [media, server.endpoint, server.new_bucket()] if server else [media]
                child = run_child(command + storage_args, cwd=REPO_ROOT)
            reports[name].append(child.report)
            log(f"50 KB asset on {where}, {name} round {round_number}: {child.report['rps']:.0f} requests/s, "
                f"{child.report['cpu_rps']:.0f} per CPU second")

    def paired_ratio(key):
        return median(mine[key] / theirs[key] for mine, theirs in zip(reports["ours"], reports["upstream"],
                                                                       strict=True))

    return {
        "rps": median(report["rps"] for report in reports["ours"]),
        "upstream_rps": median(report["rps"] for report in reports["upstream"]),
        "rps_ratio_vs_upstream": paired_ratio("rps"),
        "cpu_rps_ratio_vs_upstream": paired_ratio("cpu_rps"),
    }


def run():
    """Yield (name, value) figures."""
    # pylint: disable=import-outside-toplevel
    from .extract_s3 import MotoServer, ensure_upstream_s3
    from .measure import log

    bounded_peak, open_peak = range_peak_rss_mib(log)
    yield "proxy_range_peak_rss_mib", bounded_peak
    yield "proxy_open_range_peak_rss_mib", open_peak
    ensure_upstream_s3()
    server = MotoServer()
    try:
        on_s3 = rps_ratio(log, server)
    finally:
        server.stop()
    for key, value in on_s3.items():
        yield f"proxy_small_asset_{key}", value
    for key, value in rps_ratio(log).items():
        yield f"proxy_small_asset_local_{key}", value


WORKERS = {"ours-rps": ours_rps, "upstream-rps": upstream_rps}

if __name__ == "__main__":
    WORKERS[sys.argv[1]](*sys.argv[2:])
