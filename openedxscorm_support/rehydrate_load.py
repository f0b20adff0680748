"""Many first requests for a missing tree from several processes sharing one Redis (used by tests and bench)."""
import hashlib
import multiprocessing
import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager

from openedxscorm_support.packages import fixture_zip

PACKAGE_NAME = "other-1.2.zip"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def redis_server():
    """A private redis-server (Debian package) on 127.0.0.1, stopped on exit; yields its URL."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise RuntimeError("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    server = subprocess.Popen([executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def worker(redis_url, media_root, zip_path, counter_path, requests, start, results):
    """One LMS worker process: its own Django and fake platform, the shared Redis and storage folder."""
    from django.conf import settings  # pylint: disable=import-outside-toplevel

    settings.configure(
        USE_TZ=True, INSTALLED_APPS=[],
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}},
    )
    import django  # pylint: disable=import-outside-toplevel

    django.setup()
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel
    from django.core.files.storage import FileSystemStorage  # pylint: disable=import-outside-toplevel
    from opaque_keys.edx.keys import CourseKey  # pylint: disable=import-outside-toplevel

    from openedxscorm import mirror, rehydrate  # pylint: disable=import-outside-toplevel
    from openedxscorm.settings import merged_settings  # pylint: disable=import-outside-toplevel
    from openedxscorm.trees import PackageTree  # pylint: disable=import-outside-toplevel
    from openedxscorm_support.fake_platform import FakePlatform, installed  # pylint: disable=import-outside-toplevel

    course_key = CourseKey.from_string("course-v1:ORG+REDIS+RUN")
    sha1 = hashlib.sha1(open(zip_path, "rb").read(), usedforsecurity=False).hexdigest()
    storage = FileSystemStorage(location=media_root)
    statuses = []
    with installed(FakePlatform()):
        mirror.mirror_zip(course_key, sha1, zip_path)  # every worker sees the same course asset

        def request():
            tree = PackageTree(storage, "scorm", sha1)
            extract = rehydrate.package_extractor(tree, merged_settings({}))

            def counted_extract(path):
                with open(counter_path, "a", encoding="utf-8") as counter:
                    counter.write("extract\n")
                time.sleep(0.3)  # a slow extraction keeps the other requests waiting on the lock
                extract(path)

            status = rehydrate.ensure_tree(tree, course_key, counted_extract, cache=cache, lock_timeout=60,
                                           wait_seconds=10, poll_seconds=0.05)
            statuses.append(status.state)

        start.wait(timeout=60)
        threads = [threading.Thread(target=request) for _ in range(requests)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    results.put(statuses)


def concurrent_first_requests(redis_url, folder, processes=4, requests=50):
    """Start `requests` first views spread over `processes` spawned workers; (extraction count, statuses)."""
    context = multiprocessing.get_context("spawn")
    zip_path = folder / PACKAGE_NAME
    shutil.copyfile(fixture_zip(PACKAGE_NAME), zip_path)
    counter_path = folder / "extractions.log"
    counter_path.touch()
    start = context.Barrier(processes)
    results = context.Queue()
    shares = [requests // processes + (index < requests % processes) for index in range(processes)]
    workers = [
        context.Process(target=worker, args=(redis_url, str(folder / "media"), str(zip_path), str(counter_path),
                                             share, start, results))
        for share in shares
    ]
    for process in workers:
        process.start()
    statuses = [state for _ in workers for state in results.get(timeout=60)]
    for process in workers:
        process.join(timeout=30)
        if process.exitcode != 0:
            raise RuntimeError(f"a worker process exited with {process.exitcode}")
    return counter_path.read_text(encoding="utf-8").count("extract"), statuses
