"""A 1 GB package through a reverse proxy with a 100 MB body limit and 60-second timeouts.

The dev server runs in a child process (bench/proxy.py's DevServer) behind Debian's nginx on 127.0.0.1
(openedxscorm_support/nginx.py: `client_max_body_size 100m`, read, send and body timeouts of 60 s). This module then
does what the Studio view's JavaScript does, from Python, through nginx: `studio_upload_start`, the zip in pieces of
the size the server names (`studio_upload_chunk`, one `Content-Range` each), asking `studio_upload_status` after a
failed piece and going on from the byte count it reports, and waiting there while the package is processed. The
figure is `ok` when the server reports the package done, no request went over the limit and the block then names the
package; else the reason.
"""
import tempfile
import time
from pathlib import Path

from . import synthetic
from .measure import log
from .proxy import DevServer

MB = 1000 * 1000
BODY_LIMIT = 100 * 1024 * 1024
ONE_GB = synthetic.PackageSpec(name="upload-1gb", file_count=12, media_count=1, media_size=1000 * MB)
EMPTY_BLOCK = "empty block"
MAX_RETRIES = 6
PROCESSING_POLL_SECONDS = 2
PROCESSING_DEADLINE_SECONDS = 900
REQUEST_TIMEOUT = (10, 120)


class UploadFailed(Exception):
    """The reason the upload did not go through, as the figure reports it."""


class StudioUploader:
    """The chunked upload protocol of the Studio view, over HTTP with the dev server's CSRF cookie."""

    def __init__(self, base_url, usage_id, studio_url):
        import requests  # pylint: disable=import-outside-toplevel

        self.session = requests.Session()
        self.base_url = base_url
        self.usage_id = usage_id
        self.session.get(studio_url, timeout=REQUEST_TIMEOUT).raise_for_status()  # sets csrftoken
        self.headers = {"X-CSRFToken": self.session.cookies.get("csrftoken", "")}

    def handler_url(self, name, suffix=""):
        return f"{self.base_url}/handler/{self.usage_id}/{name}/{suffix}?student=student_1"

    def start(self, filename, size):
        answer = self.session.post(self.handler_url("studio_upload_start"), json={"filename": filename, "size": size},
                                   headers=self.headers, timeout=REQUEST_TIMEOUT)
        if answer.status_code != 200:
            raise UploadFailed(f"studio_upload_start answered {answer.status_code}: {answer.text[:200]}")
        body = answer.json()
        return body["upload_id"], body["chunk_size"]

    def send_piece(self, upload_id, data, start, size):
        """(status, body) of one piece; status 0 when the connection failed."""
        import requests  # pylint: disable=import-outside-toplevel

        headers = {**self.headers, "Content-Range": f"bytes {start}-{start + len(data) - 1}/{size}"}
        try:
            answer = self.session.post(self.handler_url("studio_upload_chunk", upload_id), headers=headers,
                                       files={"chunk": ("chunk", data, "application/octet-stream")},
                                       timeout=REQUEST_TIMEOUT)
        except requests.RequestException as error:
            log(f"piece at {start}: {error}")
            return 0, {}
        try:
            return answer.status_code, answer.json()
        except ValueError:
            return answer.status_code, {}

    def status(self, upload_id):
        answer = self.session.get(self.handler_url("studio_upload_status", upload_id), headers=self.headers,
                                  timeout=REQUEST_TIMEOUT)
        return answer.status_code, (answer.json() if answer.status_code == 200 else {})

    def wait_while_processing(self, upload_id):
        deadline = time.monotonic() + PROCESSING_DEADLINE_SECONDS
        status, body = self.status(upload_id)
        while status == 200 and body.get("state") == "processing" and time.monotonic() < deadline:
            time.sleep(PROCESSING_POLL_SECONDS)
            status, body = self.status(upload_id)
        return status, body

    def upload(self, zip_path):
        """Send the zip; returns the final answer's body, or raises UploadFailed."""
        size = zip_path.stat().st_size
        upload_id, piece_size = self.start(zip_path.name, size)
        offset = 0
        retries = 0
        with open(zip_path, "rb") as handle:
            while True:
                handle.seek(offset)
                status, body = self.send_piece(upload_id, handle.read(piece_size), offset, size)
                if status == 200 and body.get("state") == "done":
                    return body
                if status in (200, 409):
                    offset, retries = body["received"], 0
                    continue
                if status not in (0, 502, 503, 504):
                    raise UploadFailed(f"piece at byte {offset} answered {status}: {body}")
                retries += 1
                if retries > MAX_RETRIES:
                    raise UploadFailed(f"piece at byte {offset} failed {MAX_RETRIES} times (last status {status})")
                log(f"piece at byte {offset}: status {status}; asking the server how much arrived")
                known, known_body = self.wait_while_processing(upload_id)
                if known == 200 and known_body.get("state") == "done":
                    return known_body
                if known == 200 and known_body.get("state") == "failed":
                    raise UploadFailed(f"processing failed: {known_body.get('error')}")
                if known == 200:
                    offset = known_body["received"]


def upload_through_proxy(zip_path, server):
    """'ok', or why not: the zip sent through a fresh nginx in front of the running dev server."""
    from openedxscorm_support.nginx import ReverseProxy  # pylint: disable=import-outside-toplevel

    with ReverseProxy(server.url) as proxy:
        studio_url = proxy.url + server.scenario_url(EMPTY_BLOCK)[len(server.url):] + "studio_view/"
        uploader = StudioUploader(proxy.url, server.usage_id(EMPTY_BLOCK), studio_url)
        start = time.perf_counter()
        try:
            body = uploader.upload(zip_path)
        except UploadFailed as failure:
            return str(failure)
        log(f"{zip_path.stat().st_size / MB:.0f} MB uploaded and extracted through nginx in "
            f"{time.perf_counter() - start:.1f} s")
        answered = proxy.requests()
        refused = [entry for entry in answered if entry[2] == 413]
        largest = max(length for _method, _path, _status, length in answered)
        pieces = sum(1 for entry in answered if "/studio_upload_chunk/" in entry[1])
        log(f"{pieces} piece requests, the largest request {largest / MB:.1f} MB")
        if refused or largest >= BODY_LIMIT:
            return f"a request over the proxy's limit ({largest} bytes)"
        summary = body.get("package") or {}
        if zip_path.name not in str(summary):
            return f"the block does not name the package afterwards: {summary}"
    return "ok"


def run():
    """Yield (name, value) figures."""
    zip_path = synthetic.package_path(ONE_GB)
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as work:
        packages = Path(work) / "packages"  # no packages: the empty block only
        packages.mkdir()
        var_dir = Path(work) / "var"
        var_dir.mkdir()
        with DevServer(packages, var_dir) as server:
            yield "upload_1gb_through_100mb_limit", upload_through_proxy(zip_path, server)
