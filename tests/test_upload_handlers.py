"""The upload handler sites may install: large uploads in the spool folder (swept once their process is gone) and
extensions too long for a temporary file's name cut short, so Django never fails before the block runs."""
import os
import signal
import subprocess
import sys
import tempfile
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from openedxscorm.package import spool
from openedxscorm.upload_handlers import MAX_EXTENSION_CHARACTERS, BoundedNameUploadHandler, bounded_file_name
from openedxscorm_support.folders import REPO_ROOT

DATA = os.urandom(64 * 1024)

PARSE_IN_A_CHILD = """
import sys, time
import django
django.setup()
from tests.test_upload_handlers import parsed_upload
upload = parsed_upload("package.zip")
print(upload.temporary_file_path(), flush=True)
time.sleep(600)
"""


@pytest.fixture
def temp_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def parsed_upload(name):
    """The uploaded file Django gives a view for a multipart POST, parsed with this handler only."""
    request = RequestFactory().post("/", {"file": SimpleUploadedFile(name, DATA)})
    request.upload_handlers = [BoundedNameUploadHandler(request)]
    return request.FILES["file"]


@pytest.mark.parametrize("name,expected", [
    ("package.zip", "package.zip"),
    ("x." + "z" * 300, "x." + "z" * (MAX_EXTENSION_CHARACTERS - 1)),
    ("", ""),
])
def test_bounded_file_name(name, expected):
    assert bounded_file_name(name) == expected


@pytest.mark.parametrize("name", ["package." + "z" * 300, "a" * 300 + ".zip", "package.zip"])
def test_an_upload_of_any_name_is_parsed_into_the_spool_folder(temp_folder, name):
    upload = parsed_upload(name)
    path = upload.temporary_file_path()
    assert os.path.dirname(path) == str(temp_folder / spool.SPOOL_FOLDER_NAME)
    assert upload.read() == DATA and len(upload.name) <= 255
    assert spool.sweep_spool(now=time.time() + 3600) == []  # in use: locked
    upload.close()
    assert not os.path.exists(path)


def test_a_killed_requests_upload_is_swept(temp_folder):
    env = {**os.environ, "TMPDIR": str(temp_folder), "PYTHONPATH": str(REPO_ROOT),
           "DJANGO_SETTINGS_MODULE": "tests.settings"}
    child = subprocess.Popen([sys.executable, "-c", PARSE_IN_A_CHILD], cwd=REPO_ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        path = child.stdout.readline().strip()
        assert path and os.path.exists(path), child.stderr.read()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert os.path.exists(path), "a kill leaves the upload behind"
    assert spool.sweep_spool(now=time.time() + 3600) == [path]
    assert not os.path.exists(path)
