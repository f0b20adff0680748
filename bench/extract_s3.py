"""Uploads into S3: this block against openedx-scorm-xblock 19.0.5, same zips, same local moto server.

Both go through django-storages' S3Storage on a moto server started for the run on 127.0.0.1, each through the
upload path its Studio uses: ours through its Studio handlers as the Studio form calls them (bench/studio_upload.py:
pieces stored, joined, hashed, checked, extracted, the zip kept beside the tree), upstream through its own
`studio_submit`. Each upload is a fresh process into a new bucket; the variants take turns for BENCH_REPEAT rounds
(3 by default) and the median of the per-round ratios is reported. Requests are counted server side, from moto's
access log, from the moment the bucket exists: the benchmark's own CreateBucket is not counted against either block;
those about the pieces of ours' chunked upload are counted apart too. The CPU time the moto server spends during each
upload is read from /proc: moto answers in one Python process, so its CPU time is a floor for any upload it serves,
whatever the client does (`*_store_cpu_*` figures).

Packages: SMALL_MEDIA (500 files, 20 MB of media in four stored members of 5 MB), then the package with the most
files of SCORM_PACKAGES_DIR when it is set (`extract_s3_real_*`), else the project's own many-files-1.2.zip of
openedxscorm_support/packages.py (83 files, `extract_s3_fixture_*`).

SMALL_MEDIA is measured again with every S3 request 20 ms longer (`extract_s3_latency20_*`): a LatencyProxy
(bench/latency_proxy.py) between the workers and moto delays each direction by 10 ms, as a store across a network
would, where moto on the loopback answers in a fraction of a millisecond plus its own CPU time.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
import zipfile
from pathlib import Path

from . import synthetic, upstream
from .latency_proxy import LatencyProxy
from .measure import log, median, repeat_count, run_child
from .s3_settings import ACCESS_KEY, REGION, SECRET_KEY

REPO_ROOT = Path(__file__).resolve().parent.parent
# Half the round trip added to every S3 request in the latency figures (20 ms in all).
LATENCY_ONE_WAY_SECONDS = 0.010
SMALL_MEDIA = synthetic.PackageSpec(name="s3-500-files", file_count=500, media_count=4, media_size=5 * 1000 * 1000)
# Werkzeug colours some lines (4xx, 5xx) with ANSI codes unless colorama is installed to strip them.
ANSI_STYLE = re.compile(r"\x1b\[[0-9;]*m")
REQUEST_LINE = re.compile(r'"(?P<method>[A-Z]+) /(?P<bucket>[^/?" ]+)(?P<target>[^" ]*) HTTP/[0-9.]+" \d+')
# Requests about the pieces of a chunked upload (stored, listed, joined, deleted) name this folder.
PIECES_FOLDER = "partial-uploads/"


class MotoServer:
    """moto_server on a free local port, its access log in a temporary file."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_file = tempfile.NamedTemporaryFile(prefix="moto-", suffix=".log")  # pylint: disable=consider-using-with
        program = Path(sys.executable).with_name("moto_server")
        self.process = subprocess.Popen([str(program), "-H", "127.0.0.1", "-p", str(self.port)],  # pylint: disable=consider-using-with
                                        stdout=self.log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=2):
                    return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.2)

    def new_bucket(self):
        import boto3  # pylint: disable=import-outside-toplevel

        name = f"bench-{uuid.uuid4().hex[:12]}"
        boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=ACCESS_KEY,
                     aws_secret_access_key=SECRET_KEY, region_name=REGION).create_bucket(Bucket=name)
        return name

    def cpu_seconds(self):
        """User + system CPU time of the server process so far (Linux /proc)."""
        with open(f"/proc/{self.process.pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def request_count(self, bucket):
        """(requests about `bucket`, those about the pieces of chunked uploads) logged so far."""
        time.sleep(0.3)  # lines are logged after each answer
        text = ANSI_STYLE.sub("", Path(self.log_file.name).read_text(encoding="utf-8", errors="replace"))
        targets = [match["target"] for match in REQUEST_LINE.finditer(text) if match["bucket"] == bucket]
        return len(targets), sum(1 for target in targets if PIECES_FOLDER in target)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log_file.close()


def ensure_upstream_s3():
    return upstream.ensure_s3_packages(upstream.ensure_venv(log=log), log=log)


def ours_command(zip_path, endpoint, bucket):
    return [sys.executable, "-m", "bench.studio_upload", str(zip_path), "s3", endpoint, bucket]


def upstream_command(zip_path, endpoint, bucket):
    return [str(upstream.venv_python()), str(Path(__file__).resolve().with_name("upstream_s3.py")),
            str(zip_path), endpoint, bucket]


VARIANTS = {"ours": ours_command, "upstream": upstream_command}


def second_package():
    """(figure prefix, zip): with SCORM_PACKAGES_DIR set, the package of its valid/ folder (or of the folder itself)
    with the most files; else the project's own package of many small files (openedxscorm_support/packages.py)."""
    # pylint: disable=import-outside-toplevel
    from openedxscorm_support.folders import package_zips, packages_dir
    from openedxscorm_support.packages import fixture_zip

    zips = (package_zips("valid") or sorted(packages_dir().glob("*.zip"))) if os.environ.get("SCORM_PACKAGES_DIR") \
        else []
    if zips:
        return "extract_s3_real", max(zips, key=_member_count)
    return "extract_s3_fixture", fixture_zip("many-files-1.2.zip")


def _member_count(zip_path):
    with zipfile.ZipFile(zip_path) as archive:
        return sum(1 for info in archive.infolist() if not info.is_dir())


def _rounds(server, zip_path, repeat, endpoint=None):
    runs = {name: [] for name in VARIANTS}
    requests = {name: [] for name in VARIANTS}
    piece_requests = []
    store_cpu = {name: [] for name in VARIANTS}
    for round_number in range(1, repeat + 1):
        for name, command in VARIANTS.items():
            bucket = server.new_bucket()
            before, _none = server.request_count(bucket)  # the CreateBucket that made it
            cpu_before = server.cpu_seconds()
            child = run_child(command(zip_path, endpoint or server.endpoint, bucket), cwd=REPO_ROOT)
            store_cpu[name].append(server.cpu_seconds() - cpu_before)
            runs[name].append(child)
            count, pieces = server.request_count(bucket)
            requests[name].append(count - before)
            if name == "ours":
                piece_requests.append(pieces)
            log(f"{zip_path.name} into S3: {name} round {round_number}: {child.seconds():.3f} s, "
                f"{requests[name][-1]} requests, peak {child.peak_rss_mib():.1f} MiB, "
                f"moto CPU {store_cpu[name][-1]:.2f} s, process CPU {child.cpu_seconds:.2f} s")
    return runs, requests, store_cpu, piece_requests


def _store_figures(prefix, runs, requests, store_cpu):
    """moto's CPU time per extraction and per request, and the ratio ours would reach if it took no longer than
    moto's own work on its requests (upstream's time over that floor)."""
    for name, label in (("ours", ""), ("upstream", "_upstream")):
        yield f"{prefix}{label}_store_cpu_seconds", median(store_cpu[name])
        yield f"{prefix}{label}_store_cpu_ms_per_request", 1000 * median(
            cpu / count for cpu, count in zip(store_cpu[name], requests[name], strict=True))
        yield f"{prefix}{label}_process_cpu_seconds", median(child.cpu_seconds for child in runs[name])
    yield f"{prefix}_ratio_bound_by_store", median(
        theirs.seconds() / floor for theirs, floor in zip(runs["upstream"], store_cpu["ours"], strict=True))


def _ratio(runs):
    pairs = zip(runs["ours"], runs["upstream"], strict=True)
    return median(theirs.seconds() / mine.seconds() for mine, theirs in pairs)


def _package_figures(server, prefix, zip_path, repeat, with_memory, endpoint=None):
    """The figures of one package, named with `prefix`: seconds, ratio, requests per file, moto's CPU; through
    `endpoint` (a latency proxy) when given."""
    runs, requests, store_cpu, piece_requests = _rounds(server, zip_path, repeat, endpoint)
    files = _member_count(zip_path)
    yield f"{prefix}_files", files
    yield f"{prefix}_seconds", median(child.seconds() for child in runs["ours"])
    yield f"{prefix}_last_piece_seconds", median(child.report["last_piece_seconds"] for child in runs["ours"])
    yield f"{prefix}_upstream_seconds", median(child.seconds() for child in runs["upstream"])
    yield f"{prefix}_ratio_vs_upstream", _ratio(runs)
    yield f"{prefix}_requests_per_file", median(requests["ours"]) / files
    yield f"{prefix}_piece_requests", median(piece_requests)
    yield f"{prefix}_requests_per_file_after_join", median(
        (count - pieces) / files for count, pieces in zip(requests["ours"], piece_requests, strict=True))
    yield f"{prefix}_upstream_requests_per_file", median(requests["upstream"]) / files
    if with_memory:
        yield f"{prefix}_peak_rss_mib", max(child.peak_rss_mib() for child in runs["ours"])
        yield f"{prefix}_upstream_peak_rss_mib", max(child.peak_rss_mib() for child in runs["upstream"])
    yield from _store_figures(prefix, runs, requests, store_cpu)


def run():
    """Yield (name, value) figures."""
    ensure_upstream_s3()
    repeat = repeat_count()
    server = MotoServer()
    try:
        small_media = synthetic.package_path(SMALL_MEDIA)
        yield from _package_figures(server, "extract_s3", small_media, repeat, True)
        prefix, package = second_package()
        log(f"second package: {package}")
        yield from _package_figures(server, prefix, package, repeat, False)
        proxy = LatencyProxy(server.port, LATENCY_ONE_WAY_SECONDS)
        try:
            yield from _package_figures(server, "extract_s3_latency20", small_media, repeat, False, proxy.endpoint)
        finally:
            proxy.stop()
    finally:
        server.stop()
