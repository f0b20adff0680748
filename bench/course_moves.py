"""Course moves: what the contentstore mirror costs on the hot paths, measured through the real block.

- mirror_warm_view_storage_calls: storage calls of a warm student view (after the first view), mirror on.
- gc_get_items_calls_per_save: modulestore get_items calls made by one Studio upload (mirror + GC).
- gc_seconds_200_blocks: one garbage collection in a course of 200 SCORM blocks with 400 mirrored zips,
  on the contract fake of the platform.
- rehydrate_extractions_50_concurrent: extractions done for 50 simultaneous first views of a missing tree,
  from 4 processes sharing a real Redis (Debian redis-server on 127.0.0.1).
"""
import hashlib
import tempfile
import time
from pathlib import Path

from .measure import log

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "ContentPackagingSingleSCO_SCORM12.zip"
OWN_PACKAGE = "probe-1.2.zip"  # without SCORM_PACKAGES_DIR
STORAGE_METHODS = ("exists", "open", "save", "size", "get_modified_time", "listdir", "delete", "url")


def configure_django(media_root):
    from django.conf import settings  # pylint: disable=import-outside-toplevel

    if not settings.configured:
        settings.configure(
            USE_TZ=True, INSTALLED_APPS=[], MEDIA_ROOT=str(media_root),
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            XBLOCK_SETTINGS={"ScormXBlock": {"CONTENTSTORE_SYNC_ENABLED": True}},
        )
        import django  # pylint: disable=import-outside-toplevel

        django.setup()


class CountingStorage:
    """Wraps a storage and counts every call the block makes to it."""

    def __init__(self, storage):
        self.storage = storage
        self.calls = 0

    def __getattr__(self, name):
        attribute = getattr(self.storage, name)
        if name not in STORAGE_METHODS:
            return attribute

        def counted(*args, **kwargs):
            self.calls += 1
            return attribute(*args, **kwargs)

        return counted


def upload(block, path):
    from webob import Request  # pylint: disable=import-outside-toplevel

    return block.handle("studio_submit", Request.blank("/", POST={"file": (path.name, path.read_bytes())}))


def warm_view_and_gc_calls(media_root):
    from django.core.files.storage import FileSystemStorage  # pylint: disable=import-outside-toplevel

    from openedxscorm_support.block_runtime import make_block  # pylint: disable=import-outside-toplevel
    from openedxscorm_support.fake_platform import FakePlatform, installed  # pylint: disable=import-outside-toplevel

    from .packages import package_path  # pylint: disable=import-outside-toplevel

    storage = CountingStorage(FileSystemStorage(location=str(media_root)))
    with installed(FakePlatform()) as platform:
        block = make_block(CONTENTSTORE_SYNC_ENABLED=True, STORAGE_FUNC=lambda _block: storage)
        before = len(platform.modulestore.get_items_calls)
        upload(block, package_path(PACKAGE, OWN_PACKAGE))
        get_items_per_save = len(platform.modulestore.get_items_calls) - before
        block.student_view()
        storage.calls = 0
        contentstore_calls = len(platform.contentstore.calls)
        block.student_view()
        warm_calls = storage.calls + len(platform.contentstore.calls) - contentstore_calls
    return warm_calls, get_items_per_save


def gc_seconds(blocks=200):
    from opaque_keys.edx.keys import CourseKey  # pylint: disable=import-outside-toplevel

    from openedxscorm import mirror  # pylint: disable=import-outside-toplevel
    from openedxscorm_support.fake_platform import FakePlatform, installed  # pylint: disable=import-outside-toplevel

    course = CourseKey.from_string("course-v1:Bench+GC+2026")
    with tempfile.TemporaryDirectory() as folder, installed(FakePlatform()) as platform:
        for index in range(blocks):
            usage_key = course.make_usage_key("scorm", f"block{index}")
            for branch in ("published", "draft"):
                zip_path = Path(folder) / f"{index}-{branch}.zip"
                zip_path.write_bytes(f"{index} {branch}".encode())
                sha1 = hashlib.sha1(zip_path.read_bytes(), usedforsecurity=False).hexdigest()
                mirror.mirror_zip(course, sha1, zip_path)
                platform.modulestore.save_draft(usage_key, package_sha1=sha1)
                if branch == "published":
                    platform.modulestore.publish(usage_key)
        started = time.perf_counter()
        deleted = mirror.collect_garbage(course, {})
        elapsed = time.perf_counter() - started
    assert deleted == [], "every zip is referenced: GC must keep them all"
    return elapsed


def rehydrate_extractions():
    from openedxscorm_support.rehydrate_load import concurrent_first_requests, redis_server  # pylint: disable=import-outside-toplevel

    with tempfile.TemporaryDirectory() as folder, redis_server() as redis_url:
        extractions, _statuses = concurrent_first_requests(redis_url, Path(folder), processes=4, requests=50)
    return extractions


def run():
    with tempfile.TemporaryDirectory() as media_root:
        configure_django(media_root)
        log("course_moves: warm view and GC calls through the block")
        warm_calls, get_items_per_save = warm_view_and_gc_calls(media_root)
    yield "mirror_warm_view_storage_calls", warm_calls
    yield "gc_get_items_calls_per_save", get_items_per_save
    log("course_moves: GC over 200 blocks")
    yield "gc_seconds_200_blocks", gc_seconds()
    log("course_moves: 50 concurrent first views from 4 processes on Redis")
    yield "rehydrate_extractions_50_concurrent", rehydrate_extractions()
