"""Worker: this block's upload path into S3 (`python -m bench.ours_s3 ZIP ENDPOINT BUCKET`).

Spool, check, keep the zip beside its tree and extract it into django-storages' S3Storage on the given endpoint,
as Studio's upload does once the zip is on disk; reports the time and the peak memory. BENCH_OURS_SETTINGS
(JSON, as for bench.ours) overrides XBLOCK_SETTINGS["ScormXBlock"] keys, e.g. {"EXTRACT_WORKERS": 4}.
"""
import json
import os
import sys
import time

from .ours import SETTINGS_ENV
from .s3_settings import configure_django


def main(zip_path, endpoint, bucket):
    configure_django(endpoint, bucket)
    # pylint: disable=import-outside-toplevel
    from django.core.files.storage import default_storage

    from openedxscorm.settings import merged_settings
    from openedxscorm.upload import receive_package

    from .measure import peak_rss_mib, print_report

    settings = merged_settings(json.loads(os.environ.get(SETTINGS_ENV) or "{}"))
    default_storage.connection  # noqa: B018  (the client is made before timing, as in a running Studio)
    with open(zip_path, "rb") as handle:
        start = time.perf_counter()
        receive_package(handle, zip_path.rsplit("/", 1)[-1], default_storage, settings)
        seconds = time.perf_counter() - start
    print_report(seconds=seconds, peak_rss_mib=peak_rss_mib())


if __name__ == "__main__":
    main(*sys.argv[1:4])
