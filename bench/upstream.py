"""openedx-scorm-xblock 19.0.5, the block this project replaces, run in a virtualenv of its own.

The parent side (`ensure_venv`, `command`) creates bench/.work/upstream-venv and installs the pinned
release from PyPI. The worker side is this same file run as a script by that virtualenv's Python: it
builds a real `openedxscorm.scormxblock.ScormXBlock` (the upstream one: this repository's package is
not on that interpreter's path) on XBlock's empty test runtime and calls its Studio upload handler,
`studio_submit`, with the zip, exactly as Studio would. Only the handler's own work is timed: hashing
the upload, clearing the old folder, extracting every member through the storage and reading the
manifest back.
"""
import fcntl
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

UPSTREAM_REQUIREMENTS = ("openedx-scorm-xblock==19.0.5", "Django>=5.2,<5.3")
UPSTREAM_S3_PACKAGES = ("boto3==1.44.8", "django-storages==1.14.6")
VENV_DIR = Path(__file__).resolve().parent / ".work" / "upstream-venv"
STAMP_NAME = "bench-requirements.txt"
BENCH_USAGE_ID = "block-v1:Bench+Extract+Run+type@scorm+block@upstream"
FORM_FIELDS = {
    "display_name": "Benchmark",
    "width": "",
    "height": "",
    "has_score": "0",
    "enable_navigation_menu": "0",
    "enable_fullscreen_button": "0",
    "navigation_menu_width": "",
    "weight": "1",
    "popup_on_launch": "0",
}


def venv_python(venv_dir=VENV_DIR):
    return Path(venv_dir) / "bin" / "python"


@contextmanager
def venv_lock(venv_dir):
    """One installer at a time: test workers running side by side share the virtualenv."""
    venv_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(venv_dir.parent / f"{venv_dir.name}.lock", "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure_venv(venv_dir=VENV_DIR, log=None):
    """Create the virtualenv and install the pinned upstream release, unless that was already done."""
    venv_dir = Path(venv_dir)
    with venv_lock(venv_dir):
        return _ensure_venv(venv_dir, log)


def _ensure_venv(venv_dir, log):
    stamp = venv_dir / STAMP_NAME
    wanted = "\n".join(UPSTREAM_REQUIREMENTS) + "\n"
    if stamp.exists() and stamp.read_text(encoding="utf-8") == wanted and venv_python(venv_dir).exists():
        return venv_python(venv_dir)
    if log:
        log(f"installing {', '.join(UPSTREAM_REQUIREMENTS)} into {venv_dir}")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv_dir)], check=True)
    installed = subprocess.run(
        [str(venv_python(venv_dir)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         *UPSTREAM_REQUIREMENTS], check=False, capture_output=True, text=True)
    if installed.returncode != 0:
        raise RuntimeError(f"installing {UPSTREAM_REQUIREMENTS} failed:\n{installed.stdout}\n{installed.stderr}")
    stamp.write_text(wanted, encoding="utf-8")
    return venv_python(venv_dir)


def ensure_s3_packages(python, log=None):
    """Add boto3 and django-storages to the upstream virtualenv, for its workers that write to S3."""
    with venv_lock(Path(python).parent.parent):
        return _ensure_s3_packages(python, log)


def _ensure_s3_packages(python, log):
    probe = subprocess.run([str(python), "-c", "import boto3, storages"], check=False, capture_output=True)
    if probe.returncode != 0:
        if log:
            log(f"installing {', '.join(UPSTREAM_S3_PACKAGES)} into the upstream virtualenv")
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        *UPSTREAM_S3_PACKAGES], check=True)
    return python


def command(zip_path, media_root):
    """argv that extracts `zip_path` with the upstream block into a FileSystemStorage at `media_root`."""
    return [str(venv_python()), str(Path(__file__).resolve()), str(zip_path), str(media_root)]


# ---- worker side: runs under the upstream virtualenv's Python ----

def _upstream_block():
    """A real upstream ScormXBlock on XBlock's empty test runtime, with the one attribute the LMS adds."""
    # pylint: disable=import-outside-toplevel
    from openedxscorm.scormxblock import ScormXBlock
    from xblock.field_data import DictFieldData
    from xblock.fields import ScopeIds
    from xblock.test.tools import TestRuntime

    class BenchScormXBlock(ScormXBlock):
        """The upstream block plus `location`, which edx-platform's runtime mixes into every block."""

        location = SimpleNamespace(block_id="upstream")

    runtime = TestRuntime(services={"settings": None, "user": None})
    scope_ids = ScopeIds("bench-user", "scorm", BENCH_USAGE_ID, BENCH_USAGE_ID)
    return BenchScormXBlock(runtime, DictFieldData({}), scope_ids)


def _upload_request(package_file):
    from webob.multidict import MultiDict  # pylint: disable=import-outside-toplevel

    params = MultiDict(FORM_FIELDS)
    params["file"] = SimpleNamespace(file=package_file, filename=os.path.basename(package_file.name))
    return SimpleNamespace(params=params)


def main(zip_path, media_root):
    """Extract `zip_path` through upstream's studio_submit and report the time and peak memory."""
    from local_settings import configure_django  # pylint: disable=import-outside-toplevel,import-error
    from measure import peak_rss_mib, print_report  # pylint: disable=import-outside-toplevel,import-error

    configure_django(media_root)
    block = _upstream_block()

    with open(zip_path, "rb") as package_file:
        request = _upload_request(package_file)
        start = time.perf_counter()
        response = block.studio_submit(request, "")
        seconds = time.perf_counter() - start
    if b'"errors": []' not in response.body:
        raise SystemExit(f"upstream refused the package: {response.body!r}")
    print_report(seconds=seconds, peak_rss_mib=peak_rss_mib(), sha1=block.package_meta["sha1"],
                 extract_folder=block.extract_folder_path)


if __name__ == "__main__":
    main(*sys.argv[1:3])
