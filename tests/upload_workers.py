"""Studio worker processes for the upload tests: spawned, so nothing here imports Django before it is set up."""
import os

MIB = 1024 * 1024


def send_in_a_worker(redis_url, media_root, zip_path, pieces, barrier, results):
    """One Studio worker process with the shared Redis: for each round, send its piece when the other does."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["SCORM_TEST_MEDIA_ROOT"] = media_root
    from django.conf import settings  # pylint: disable=import-outside-toplevel

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    import django  # pylint: disable=import-outside-toplevel

    django.setup()
    from tests.test_chunked_upload_processes import SLOW_STORAGE, make_block, send  # pylint: disable=import-outside-toplevel

    block = make_block(UPLOAD_CHUNK_SIZE=2 * MIB, STORAGE_FUNC=SLOW_STORAGE)
    with open(zip_path, "rb") as handle:
        data = handle.read()
    statuses = []
    for upload_id, first, last in pieces:
        barrier.wait(timeout=60)
        statuses.append(send(block, upload_id, data[first:last + 1], first, len(data)).status_code)
    results.put(statuses)
