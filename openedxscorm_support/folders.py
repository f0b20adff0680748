"""Where the checkout is, and the extra folders beside it: real third-party SCORM packages and the ADL conformance
steps. Tests skip what needs an absent folder; the benchmarks read the same folders."""
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# The extra folders: real third-party packages and the conformance steps. Tests over them are skipped when the
# folder is absent; the variable -> where it is looked for when unset, and what it adds.
EXTRA_FOLDERS = {
    "SCORM_PACKAGES_DIR": (REPO_ROOT.parent / "shared" / "scorm-packages",
                           "real authoring-tool and ADL packages (a folder holding valid/ and invalid/)"),
    "SCORM_CONFORMANCE_DIR": (REPO_ROOT.parent / "shared" / "conformance",
                              "the ADL run-time conformance steps (JSON)"),
}


def extra_folder(variable):
    """The folder the variable names, else the one beside the checkout (which may not exist)."""
    configured = os.environ.get(variable)
    return Path(configured) if configured else EXTRA_FOLDERS[variable][0]


def packages_dir():
    """The real packages folder (SCORM_PACKAGES_DIR): valid/ and invalid/ zips no one on this project wrote."""
    return extra_folder("SCORM_PACKAGES_DIR")


def conformance_dir():
    """The conformance steps folder (SCORM_CONFORMANCE_DIR)."""
    return extra_folder("SCORM_CONFORMANCE_DIR")


def package_zips(kind):
    """Every zip in valid/ or invalid/ of the real packages folder, sorted by name; none when it is absent."""
    return sorted((packages_dir() / kind).glob("*.zip"))
