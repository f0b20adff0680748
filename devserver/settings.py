"""Settings of the local dev server: the XBlock SDK workbench with this block, sqlite and local file storage."""
import os

from workbench.settings import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import
from workbench.settings import INSTALLED_APPS

from devserver.sqlite_backend.base import database_options

VAR_DIR = os.path.abspath(os.environ.get("SCORM_DEVSERVER_VAR", "var"))
os.makedirs(VAR_DIR, exist_ok=True)

INSTALLED_APPS = [*INSTALLED_APPS, "openedxscorm"]
# Learner state writes lock (docs/learner-state.rst): on sqlite a writing transaction takes the database lock when
# it begins, and concurrent requests wait for it.
DATABASES = {"default": {"ENGINE": "devserver.sqlite_backend", "NAME": os.path.join(VAR_DIR, "workbench.db"),
                         "OPTIONS": database_options(timeout=60)}}
MEDIA_ROOT = os.path.join(VAR_DIR, "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Only this block on the workbench index, not the SDK's demo blocks.
EXCLUDED_XBLOCKS = {
    "allscopes_demo", "attempts_scoreboard_demo", "equality_demo", "filethumbs", "helloworld_demo",
    "html_demo", "problem_demo", "sidebar_demo", "slider_demo", "textinput_demo", "thumbs",
    "view_counter_demo",
}
LOGGING["handlers"]["logfile"]["filename"] = os.path.join(VAR_DIR, "workbench.log")  # noqa: F405
# Requests (runserver's one line each) and every 4xx/5xx (with the traceback of a 5xx) on the console; the file
# keeps the workbench's own lines, without Django's SQL at DEBUG that rotated a 404 out of it within seconds.
LOGGING["handlers"]["console"] = {"level": "INFO", "class": "logging.StreamHandler"}  # noqa: F405
LOGGING["loggers"]["django"]["level"] = "INFO"  # noqa: F405
LOGGING["loggers"]["django.server"] = {"handlers": ["console"], "level": "INFO", "propagate": False}  # noqa: F405
LOGGING["loggers"]["django.request"] = {"handlers": ["console", "logfile"], "level": "WARNING",  # noqa: F405
                                        "propagate": False}
# Every tracking event on, answers included: the dev server writes them to <var>/tracking.log (README).
XBLOCK_SETTINGS = {"ScormXBlock": {"LOCATION": "scorm", "TRACKING_EVENTS": {"interacted": True}}}
SCORM_TRACKING_LOG = os.path.join(VAR_DIR, "tracking.log")
DATA_UPLOAD_MAX_MEMORY_SIZE = None
# Large uploads go to temporary files: with a handler that copes with file names of any length (as operators can).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "openedxscorm.upload_handlers.BoundedNameUploadHandler",
]

# Course moves in the dev server (README: "Seeing a course move locally"): the devserver app puts a local
# contentstore and modulestore under the platform's module names, gives workbench blocks course keys, and brings
# the export_scenario and import_olx commands. SCORM_CONTENTSTORE_SYNC=1 turns the contentstore mirror on.
INSTALLED_APPS = [*INSTALLED_APPS, "devserver"]
ROOT_URLCONF = "devserver.urls"
MIDDLEWARE = [*MIDDLEWARE, "devserver.middleware.ImportedScenariosMiddleware",  # noqa: F405
              "devserver.staff_switch.StaffSwitchMiddleware", "devserver.student_cookie.StudentCookieMiddleware"]
SCORM_CONTENTSTORE_DIR = os.path.join(VAR_DIR, "contentstore")
# SCORM_CONTENT_VIEW=1 gives package files through the content view (/scorm-content/...) instead of assets_proxy.
if os.environ.get("SCORM_CONTENT_VIEW") == "1":
    XBLOCK_SETTINGS["ScormXBlock"]["CONTENT_VIEW_ENABLED"] = True
# SCORM_CONTENT_ORIGIN=http://content.localhost:8000 serves the content view and the SCORM API's wrapper page from
# that second host name (CONTENT_ORIGIN): browsers resolve *.localhost to the loopback address, and the workbench's
# ALLOWED_HOSTS takes any host.
if os.environ.get("SCORM_CONTENT_ORIGIN"):
    XBLOCK_SETTINGS["ScormXBlock"]["CONTENT_ORIGIN"] = os.environ["SCORM_CONTENT_ORIGIN"]
if os.environ.get("SCORM_CONTENTSTORE_SYNC") == "1":
    XBLOCK_SETTINGS["ScormXBlock"]["CONTENTSTORE_SYNC_ENABLED"] = True
