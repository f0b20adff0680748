"""Build the browser files the package ships: `npm ci`, then copy scorm-again's built APIs into
openedxscorm/static/vendor/scorm-again (git-ignored). Used by `make static` and by setup.py's build_py.

    python scripts/build_static.py [--skip-install]
"""
import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE = REPO_ROOT / "node_modules" / "scorm-again"
TARGET = REPO_ROOT / "openedxscorm" / "static" / "vendor" / "scorm-again"
# node_modules path -> name in TARGET; keep in step with openedxscorm/vendor.py VENDOR_FILES.
COPIES = {
    "dist/scorm12.min.js": "scorm12.min.js",
    "dist/scorm2004.min.js": "scorm2004.min.js",
    "LICENSE": "LICENSE",
}


def npm_ci():
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is required to build the browser files: install Node.js and npm (apt-get install nodejs npm)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=REPO_ROOT, check=True)


def copy_files():
    TARGET.mkdir(parents=True, exist_ok=True)
    for source, name in COPIES.items():
        path = SOURCE / source
        if not path.is_file():
            sys.exit(f"{path} is missing: run npm ci first")
        shutil.copyfile(path, TARGET / name)
    return TARGET


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-install", action="store_true", help="copy from an existing node_modules only")
    options = parser.parse_args(argv)
    if not options.skip_install:
        npm_ci()
    print(f"copied {', '.join(COPIES.values())} into {copy_files().relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
