"""Spool files never outlive their process: a killed worker's zip is swept at the next start, by the first use in a
process, and by `scorm_packages sweep-uploads`; a living process's files are never touched."""
import os
import signal
import subprocess
import sys
import tempfile
import time
from io import StringIO

import pytest
from django.core.management import call_command

from openedxscorm.package import Limits, spool, spooled_upload
from openedxscorm_support.folders import REPO_ROOT

SPOOL_IN_A_CHILD = """
import io, sys, time
from openedxscorm.package import Limits, spooled_upload
with spooled_upload(io.BytesIO(b"PK" * 1000), "big.zip", Limits()) as spooled:
    print(spooled.path, flush=True)
    time.sleep(600)
"""



def later():
    """A moment when files spooled just now count as old enough to sweep (taken when asked: the suite may run
    long after this module is imported)."""
    return time.time() + 2 * spool.MIN_AGE_SECONDS


@pytest.fixture
def temp_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(spool, "_swept", spool.threading.Event())
    return tmp_path


def spool_in_a_child(temp_folder):
    env = {**os.environ, "TMPDIR": str(temp_folder), "PYTHONPATH": str(REPO_ROOT)}
    child = subprocess.Popen([sys.executable, "-c", SPOOL_IN_A_CHILD], cwd=REPO_ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    path = child.stdout.readline().strip()
    assert path and os.path.exists(path), child.stderr.read()
    return child, path


def kill(child):
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    child.stdout.close()
    child.stderr.close()


def test_a_killed_processs_spooled_zip_is_swept_and_a_living_ones_is_kept(temp_folder):
    living, kept = spool_in_a_child(temp_folder)
    killed, left = spool_in_a_child(temp_folder)
    try:
        kill(killed)
        assert os.path.exists(left), "a kill leaves the spooled zip behind"
        assert spool.sweep_spool(now=later()) == [left]
        assert not os.path.exists(left) and os.path.exists(kept)
    finally:
        kill(living)
    assert spool.sweep_spool(now=later()) == [kept]


def test_young_files_are_left_to_their_maker(temp_folder):
    killed, left = spool_in_a_child(temp_folder)
    kill(killed)
    assert spool.sweep_spool() == []  # younger than MIN_AGE_SECONDS: perhaps not locked yet
    assert os.path.exists(left)


def test_the_first_use_in_a_process_sweeps(temp_folder):
    killed, left = spool_in_a_child(temp_folder)
    kill(killed)
    old = time.time() - 2 * spool.MIN_AGE_SECONDS
    os.utime(left, (old, old))
    with spooled_upload(open(__file__, "rb"), "x.zip", Limits()) as spooled:
        assert os.path.dirname(spooled.path) == str(temp_folder / spool.SPOOL_FOLDER_NAME)
        assert not os.path.exists(left)
    assert not os.path.exists(spooled.path)


def test_the_app_sweeps_when_it_starts(temp_folder):
    from django.apps import apps  # pylint: disable=import-outside-toplevel

    killed, left = spool_in_a_child(temp_folder)
    kill(killed)
    old = time.time() - 2 * spool.MIN_AGE_SECONDS
    os.utime(left, (old, old))
    apps.get_app_config("openedxscorm").ready()
    assert not os.path.exists(left)


def test_sweep_uploads_also_sweeps_the_spool(temp_folder, settings, storage):
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {}}
    killed, left = spool_in_a_child(temp_folder)
    kill(killed)
    old = time.time() - 2 * spool.MIN_AGE_SECONDS
    os.utime(left, (old, old))
    out = StringIO()
    call_command("scorm_packages", "sweep-uploads", stdout=out)
    assert f"WOULD DELETE {left}" in out.getvalue() and os.path.exists(left)
    call_command("scorm_packages", "sweep-uploads", "--apply", stdout=out)
    assert f"DELETED {left}" in out.getvalue() and not os.path.exists(left)
