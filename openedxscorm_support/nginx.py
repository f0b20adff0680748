"""Debian's nginx as a reverse proxy on 127.0.0.1, with the body limit and timeouts of an ordinary site.

`ReverseProxy(upstream)` writes a configuration into a temporary folder of its own (pid file, error and access
logs, body buffers) and runs /usr/sbin/nginx in the foreground as a child process: nothing of the system's nginx
is used or touched, and no root is needed. Used by the large-upload browser test and the upload benchmark.
"""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

NGINX = "/usr/sbin/nginx"
# What the issue names "ordinary proxies": a body limit of 100 MB and a minute for each step.
LIMITS = {
    "client_max_body_size": "100m",
    "proxy_read_timeout": "60s",
    "proxy_send_timeout": "60s",
    "client_body_timeout": "60s",
}
TEMP_FOLDERS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
CONFIG_TEMPLATE = """daemon off;
{user}worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 256; }}
http {{
    log_format proxy_log '$request_method $request_uri $status $request_length $body_bytes_sent $request_time';
    access_log {root}/access.log proxy_log;
{limits}
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    server {{
        listen 127.0.0.1:{port};
{locations}        location / {{
            proxy_pass {upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
    }}
}}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ReverseProxy:
    """nginx proxying 127.0.0.1:<port> to `upstream` (for example http://127.0.0.1:8000)."""

    def __init__(self, upstream, limits=None, locations=""):
        self.upstream = upstream.rstrip("/")
        self.limits = {**LIMITS, **(limits or {})}
        self.locations = locations  # more `location` blocks of the server, before the proxied one
        self.root = None
        self.port = None
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self):
        return Path(self.root) / "access.log"

    @property
    def error_log(self):
        return Path(self.root) / "error.log"

    def config_text(self):
        limits = "\n".join(f"    {name} {value};" for name, value in self.limits.items())
        # Started by root, nginx's workers would become `nobody` and could not write the buffers of this folder.
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
        return CONFIG_TEMPLATE.format(user=user, root=self.root, port=self.port, upstream=self.upstream,
                                      limits=limits, locations=self.locations)

    def start(self, timeout=15):
        if not Path(NGINX).exists():
            raise RuntimeError("Debian's nginx is required: apt-get install nginx-light")
        self.root = tempfile.mkdtemp(prefix="scorm-nginx-")
        for folder in TEMP_FOLDERS:
            (Path(self.root) / folder).mkdir()
        self.port = free_port()
        config = Path(self.root) / "nginx.conf"
        config.write_text(self.config_text(), encoding="utf-8")
        # -e: the error log before the configuration is read (the default one is under /var/log).
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [NGINX, "-c", str(config), "-p", self.root, "-e", str(self.error_log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.process.returncode}: {self.read_error_log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.1)

    def read_error_log(self):
        return self.error_log.read_text(encoding="utf-8", errors="replace") if self.error_log.exists() else ""

    def requests(self):
        """(method, path, status, request bytes) of every request nginx answered so far."""
        if not self.access_log.exists():
            return []
        found = []
        for line in self.access_log.read_text(encoding="utf-8", errors="replace").splitlines():
            method, rest = line.split(" ", 1)
            path, status, length, _sent, _seconds = rest.rsplit(" ", 4)
            found.append((method, path, int(status), int(length)))
        return found

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
