"""Django settings for the test suite: sqlite in a temporary file, local file storage in a temporary folder."""
import atexit
import os
import shutil
import tempfile

from devserver.sqlite_backend.base import database_options

SECRET_KEY = "tests-only"
DEBUG = False
USE_TZ = True
USE_I18N = True
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "openedxscorm",
]
MEDIA_ROOT = os.environ.get("SCORM_TEST_MEDIA_ROOT")
if not MEDIA_ROOT:
    MEDIA_ROOT = tempfile.mkdtemp(prefix="scorm-media-")
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)  # the process that made it removes it
_DATABASE_DIR = tempfile.mkdtemp(prefix="scorm-db-")
atexit.register(shutil.rmtree, _DATABASE_DIR, ignore_errors=True)
# The test database is a file, so that threads of one test (concurrent learner requests) share it; writers take
# the database lock when their transaction begins and wait for each other, like row locks elsewhere.
DATABASES = {"default": {
    "ENGINE": "devserver.sqlite_backend", "NAME": os.path.join(_DATABASE_DIR, "tests.sqlite3"),
    "OPTIONS": database_options(timeout=60),
    "TEST": {"NAME": os.path.join(_DATABASE_DIR, "test.sqlite3")},
}}
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
XBLOCK_SETTINGS = {"ScormXBlock": {}}

# event-routing-backends, for the xAPI tests: its app and its own settings as the LMS applies them (plugin
# settings), then the block's xAPI app and event names as the README tells operators to add them.
INSTALLED_APPS += ["event_routing_backends"]
LMS_ROOT_URL = "http://lms.example.com"
RUNNING_WITH_TEST_SETTINGS = True


def _event_routing_backends_settings():
    import sys  # pylint: disable=import-outside-toplevel

    from event_routing_backends.settings import common  # pylint: disable=import-outside-toplevel

    common.plugin_settings(sys.modules[__name__])


_event_routing_backends_settings()

INSTALLED_APPS.append("openedxscorm.processors.xapi")
from openedxscorm.tracking import route_events_to_xapi  # noqa: E402  (after the plugin settings, as in the LMS)

route_events_to_xapi(globals())

# event-routing-backends logs a traceback when it imports outside the LMS (no edx-platform to read retired users
# from); the tests do not use those lookups, and the traceback at the end of a green run reads like a failure.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "loggers": {"event_routing_backends.helpers": {"level": "CRITICAL"}},
}
