"""The dev server's real HTTP stack for the security tests: Django's runserver with the workbench and this block,
and a client that calls a block's handlers with the CSRF token, as Studio's and the LMS's pages do."""
import http.client
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from contextlib import contextmanager
from urllib.parse import quote

from openedxscorm_support.devserver_process import free_port, wait_for_http
from openedxscorm_support.folders import REPO_ROOT

EMPTY_SCENARIO = "/scenario/scorm.0/"


@contextmanager
def devserver(var_dir, packages_dir):
    """A dev server on 127.0.0.1 with its own var folder (database, media), stopped on exit; yields its port."""
    env = {**os.environ, "SCORM_DEVSERVER_VAR": str(var_dir), "SCORM_PACKAGES_DIR": str(packages_dir),
           "DJANGO_SETTINGS_MODULE": "devserver.settings", "PYTHONPATH": str(REPO_ROOT)}
    env.pop("SCORM_TEST_MEDIA_ROOT", None)
    subprocess.run([sys.executable, "-m", "django", "migrate", "--run-syncdb", "--verbosity", "0"],
                   cwd=REPO_ROOT, env=env, check=True)
    port = free_port()
    with open(os.path.join(var_dir, "server.log"), "wb") as log_file:
        server = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            wait_for_http(f"http://127.0.0.1:{port}/", server)
            yield port
        finally:
            server.terminate()
            server.wait(timeout=20)


class BlockClient:
    """Calls the handlers of the empty block's scenario; every call is one HTTP request."""

    def __init__(self, port, var_dir):
        self.port = port
        self.var_dir = var_dir
        status, page, headers = self.request("GET", EMPTY_SCENARIO)
        assert status == 200
        self.token = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
        self.usage_id = re.findall(r"data-usage='([^']*type@scorm\+[^']*)'", page.decode())[0]

    def request(self, method, path, body=b"", headers=None, timeout=300):
        """(status, body, headers) of one request."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read(), dict(response.getheaders())
        finally:
            connection.close()

    def csrf_headers(self):
        return {"Cookie": f"csrftoken={self.token}", "X-CSRFToken": self.token}

    def handler_path(self, handler, suffix=""):
        return f"/handler/{self.usage_id}/{handler}/{quote(suffix, safe='/')}"

    def call(self, handler, suffix="", method="GET", body=b"", headers=None):
        return self.request(method, self.handler_path(handler, suffix), body,
                            {**self.csrf_headers(), **(headers or {})})

    def upload(self, filename, data, **form):
        """studio_submit with the zip attached, as Studio's upload form posts it."""
        body, content_type = multipart(form, {"file": (filename, data)})
        return self.call("studio_submit", method="POST", body=body, headers={"Content-Type": content_type})

    def fields(self):
        """The block's content and settings fields as the dev server stored them."""
        with sqlite3.connect(os.path.join(self.var_dir, "workbench.db")) as database:
            rows = database.execute("SELECT state FROM workbench_xblockstate WHERE scope_id = ? AND scope = 'usage' "
                                    "AND (user_id IS NULL OR user_id = '')",
                                    (self.usage_id,)).fetchall()
        fields = {}
        for (state,) in rows:
            fields.update(json.loads(state))
        return fields

    def media_files(self):
        """Every file under the dev server's media folder, relative to it."""
        media = os.path.join(self.var_dir, "media")
        return {os.path.relpath(os.path.join(folder, name), media)
                for folder, _folders, names in os.walk(media) for name in names}


def multipart(fields, files):
    """A multipart/form-data body and its Content-Type, as a browser's FormData sends it."""
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data) in files.items():
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                   f"Content-Type: application/zip\r\n\r\n".encode())
        body.write(data)
        body.write(b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"
