"""A real S3 API for the tests: moto's server on 127.0.0.1, started once per session, reached through
django-storages' S3Storage. Its request log is read to count what each test sent, server side."""
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ACCESS_KEY = "testing"
SECRET_KEY = "testing"
REGION = "us-east-1"
# Werkzeug's access log line: "PUT /bucket/key?uploads HTTP/1.1" 200
# Werkzeug colours some lines (4xx, 5xx) with ANSI codes unless colorama is installed to strip them.
ANSI_STYLE = re.compile(r"\x1b\[[0-9;]*m")
REQUEST_LINE = re.compile(r'"(?P<method>[A-Z]+) /(?P<bucket>[^/?" ]+)(?P<rest>[^" ]*) HTTP/[0-9.]+" (?P<status>\d+)')


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _moto_server_command(port):
    executable = Path(sys.executable).with_name("moto_server")
    program = [str(executable)] if executable.exists() else [shutil.which("moto_server") or "moto_server"]
    return [*program, "-H", "127.0.0.1", "-p", str(port)]


class MotoServer:
    """The running server: its endpoint and the requests it logged so far."""

    def __init__(self, endpoint, log_path):
        self.endpoint = endpoint
        self.log_path = log_path

    def requests(self, bucket):
        """(method, path-after-bucket, status) of every request the server logged for `bucket`."""
        text = ANSI_STYLE.sub("", self.log_path.read_text(encoding="utf-8", errors="replace"))
        return [(match["method"], match["rest"], int(match["status"]))
                for match in REQUEST_LINE.finditer(text) if match["bucket"] == bucket]

    def settled_requests(self, bucket, quiet_seconds=0.2, timeout=5):
        """The requests for `bucket` once the log has stopped growing (lines are written after each answer)."""
        deadline = time.monotonic() + timeout
        seen = self.requests(bucket)
        while time.monotonic() < deadline:
            time.sleep(quiet_seconds)
            now = self.requests(bucket)
            if now == seen:
                return now
            seen = now
        return seen


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    """moto_server on a free port of 127.0.0.1 for the whole session; stopped afterwards."""
    yield from running_moto_server(tmp_path_factory.mktemp("moto"))


def running_moto_server(log_dir):
    """Start moto_server on a free port of 127.0.0.1, yield it once it answers, stop it when resumed."""
    port = _free_port()
    log_path = log_dir / "server.log"
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(_moto_server_command(port), stdout=log_file,  # pylint: disable=consider-using-with
                                   stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"moto_server exited: {log_path.read_text()}")
            try:
                with urllib.request.urlopen(endpoint + "/moto-api/", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield MotoServer(endpoint, log_path)
    finally:
        process.terminate()
        process.wait(timeout=10)


def make_s3_storage(endpoint, bucket, **options):
    """django-storages' S3Storage on the moto server, path-style, with fake credentials."""
    from storages.backends.s3 import S3Storage  # pylint: disable=import-outside-toplevel

    return S3Storage(bucket_name=bucket, endpoint_url=endpoint, access_key=ACCESS_KEY, secret_key=SECRET_KEY,
                     region_name=REGION, addressing_style="path", **options)


def create_bucket(endpoint, bucket):
    import boto3  # pylint: disable=import-outside-toplevel

    boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                 region_name=REGION).create_bucket(Bucket=bucket)


@pytest.fixture
def bucket(moto_server):
    """A new, empty bucket for each test, so that request counts and listings are the test's own."""
    name = f"scorm-{uuid.uuid4().hex[:16]}"
    create_bucket(moto_server.endpoint, name)
    return name


@pytest.fixture
def s3_storage(moto_server, bucket):
    return make_s3_storage(moto_server.endpoint, bucket)
