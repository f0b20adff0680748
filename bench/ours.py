"""Worker: this project's upload path on one zip, in a process of its own (`python -m bench.ours ZIP MEDIA_ROOT`).

It times what a Studio upload costs once the zip is on disk: hashing it (spool), checking it (limits, paths,
manifest) and extracting it into a FileSystemStorage under MEDIA_ROOT, then reports that time and the
process's peak memory to the parent.
"""
import json
import os
import sys
import time

# XBLOCK_SETTINGS["ScormXBlock"] overrides as JSON, to try other chunk sizes or worker counts.
SETTINGS_ENV = "BENCH_OURS_SETTINGS"


def _configure_django(media_root):
    # pylint: disable=import-outside-toplevel
    import django
    from django.conf import settings

    settings.configure(
        MEDIA_ROOT=media_root,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        USE_TZ=True,
        INSTALLED_APPS=[],
    )
    django.setup()


def extract(zip_path, block_settings):
    """Spool, check and extract `zip_path` into default_storage; returns the package's sha1."""
    # pylint: disable=import-outside-toplevel
    from django.core.files.storage import default_storage

    from openedxscorm.package import Limits, check_package, extract_package, spool_path
    from openedxscorm.trees import PackageTree

    limits = Limits.from_settings(block_settings)
    spooled = spool_path(zip_path, limits=limits)
    checked = check_package(spooled, limits)
    tree = PackageTree(default_storage, block_settings["LOCATION"], spooled.sha1)
    extract_package(spooled, checked, tree, limits)
    return spooled.sha1


def main(zip_path, media_root):
    _configure_django(media_root)
    # pylint: disable=import-outside-toplevel
    import openedxscorm.manifest  # noqa: F401  (imported before timing, as in a running LMS)
    import openedxscorm.package  # noqa: F401
    import openedxscorm.trees  # noqa: F401
    from openedxscorm.settings import merged_settings

    from .measure import peak_rss_mib, print_report

    block_settings = merged_settings(json.loads(os.environ.get(SETTINGS_ENV) or "{}"))
    start = time.perf_counter()
    sha1 = extract(zip_path, block_settings)
    seconds = time.perf_counter() - start
    print_report(seconds=seconds, peak_rss_mib=peak_rss_mib(), sha1=sha1)


if __name__ == "__main__":
    main(*sys.argv[1:3])
