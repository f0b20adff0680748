"""The browser SCORM APIs (npm package scorm-again), copied into static/vendor/ by the build, never committed.

One table says, per standard, which built file holds the API, which class it defines and the window
property the SCO looks for; `missing_files()` lets a view say clearly that the build step was skipped.
"""
from dataclasses import dataclass
from pathlib import Path

from .runtime import SCORM12, SCORM2004

PACKAGE_DIR = Path(__file__).resolve().parent
VENDOR_URI = "static/vendor/scorm-again"  # relative to the package: what local_resource_url serves
VENDOR_DIR = PACKAGE_DIR / VENDOR_URI
# The files the build copies from node_modules/scorm-again/dist (and the licence that must travel with them).
VENDOR_FILES = ("scorm12.min.js", "scorm2004.min.js", "LICENSE")
BUILD_HINT = "run `make static` (npm ci, then copy scorm-again into openedxscorm/static/vendor)"


@dataclass(frozen=True)
class BrowserApi:
    script: str        # file of VENDOR_DIR
    class_name: str    # global the script defines
    window_name: str   # property of the launcher window the SCO's API discovery finds
    set_method: str    # API methods the launcher wraps to send commits
    commit_method: str
    terminate_method: str
    initialize_method: str  # wrapped to start the SCO's session on the server


BROWSER_APIS = {
    SCORM12: BrowserApi("scorm12.min.js", "Scorm12API", "API", "LMSSetValue", "LMSCommit", "LMSFinish",
                          "LMSInitialize"),
    SCORM2004: BrowserApi("scorm2004.min.js", "Scorm2004API", "API_1484_11", "SetValue", "Commit", "Terminate",
                            "Initialize"),
}


def missing_files(vendor_dir=None):
    """Names of the built files that are not there (empty when the build ran)."""
    folder = Path(vendor_dir) if vendor_dir is not None else VENDOR_DIR
    return [name for name in VENDOR_FILES if not (folder / name).is_file()]
