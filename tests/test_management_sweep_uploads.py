"""scorm_packages sweep-uploads: unfinished Studio uploads older than the timeout are listed, and deleted with
--apply; recent ones and the package trees are left alone."""
import os
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from openedxscorm import chunked_upload
from openedxscorm.settings import merged_settings

pytest_plugins = ["openedxscorm_support.fake_platform.plugin"]


def run(*args):
    out = StringIO()
    call_command("scorm_packages", *args, stdout=out)
    return out.getvalue()


def open_upload(storage, owner, started):
    """An upload with one piece of ten bytes, as Studio leaves it when the author goes away."""
    settings = merged_settings({})
    upload_id = chunked_upload.start_upload(storage, "scorm", owner, "a.zip", 100, settings, now=started)
    partial = chunked_upload.PartialUpload(storage, "scorm", upload_id)
    chunked_upload.accept_piece(partial, partial.read_meta(), "bytes 0-9/100", ContentFile(b"x" * 10), 10, settings)
    return partial


@pytest.fixture
def uploads(storage):
    old = open_upload(storage, "block-a", started=time.time())
    recent = open_upload(storage, "block-b", started=time.time())
    storage.save("scorm/" + "a" * 40 + "/index.html", ContentFile(b"a tree"))
    return old, recent


def age(partial, seconds):
    """Make every file of the upload `seconds` old (local storage: file times)."""
    folder = partial.storage.path(partial.folder)
    when = time.time() - seconds
    for name in os.listdir(folder):
        os.utime(os.path.join(folder, name), (when, when))


def test_dry_run_lists_stale_uploads_only(settings, storage, uploads):
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"PARTIAL_UPLOAD_TIMEOUT": 3600}}
    old, recent = uploads
    age(old, 7200)
    output = run("sweep-uploads")
    assert output.strip() == f"WOULD DELETE {old.folder}"
    assert old.pieces() and recent.pieces()


def test_apply_deletes_stale_uploads_and_nothing_else(settings, storage, uploads):
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"PARTIAL_UPLOAD_TIMEOUT": 3600}}
    old, recent = uploads
    age(old, 7200)
    output = run("sweep-uploads", "--apply")
    assert output.strip() == f"DELETED {old.folder}"
    assert old.pieces() == []
    with pytest.raises(chunked_upload.UploadError):
        old.read_meta()
    assert recent.pieces() and recent.read_meta()["owner"] == "block-b"
    assert storage.exists("scorm/" + "a" * 40 + "/index.html")


def test_older_than_hours_overrides_the_timeout(settings, storage, uploads):
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"PARTIAL_UPLOAD_TIMEOUT": 24 * 3600}}
    old, recent = uploads
    age(old, 3 * 3600)
    assert run("sweep-uploads", "--apply").strip() == ""
    assert run("sweep-uploads", "--apply", "--older-than-hours", "2").strip() == f"DELETED {old.folder}"
    assert recent.pieces()


def test_storage_func_is_called_with_a_block_of_the_courses(settings, storage, uploads, fake_platform, course_key):
    seen = []

    def storage_func(block):
        seen.append(block)
        return storage

    usage_key = course_key.make_usage_key("scorm", "one")
    fake_platform.modulestore.save_draft(usage_key, package_sha1="b" * 40)
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"STORAGE_FUNC": storage_func, "PARTIAL_UPLOAD_TIMEOUT": 3600}}
    old, _recent = uploads
    age(old, 7200)
    assert run("sweep-uploads", "--apply").strip() == f"DELETED {old.folder}"
    assert seen and seen[0] is not None
