"""Django settings for the test suite: sqlite in memory, local file storage in a temporary folder."""
import atexit
import os
import shutil
import tempfile

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
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
MEDIA_ROOT = os.environ.get("SCORM_TEST_MEDIA_ROOT")
if not MEDIA_ROOT:
    MEDIA_ROOT = tempfile.mkdtemp(prefix="scorm-media-")
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)  # the process that made it removes it
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
XBLOCK_SETTINGS = {"ScormXBlock": {}}
