"""Worker, run by the upstream virtualenv's Python: openedx-scorm-xblock 19.0.5's studio_submit into S3.

`python bench/upstream_s3.py ZIP ENDPOINT BUCKET`: default_storage is django-storages' S3Storage on the given
endpoint (the benchmark's moto server), with the same options as ours; only the handler's own work is timed.
"""
import sys
import time

import upstream  # bench/upstream.py, on sys.path as this script's folder
from measure import peak_rss_mib, print_report
from s3_settings import configure_django


def _folder_aware_storage_class():
    """S3Storage whose exists() is also true for a folder prefix: upstream looks for its extracted folder with
    exists(), which a plain S3Storage answers False for any prefix, so upstream refuses every package on it."""
    from storages.backends.s3 import S3Storage  # pylint: disable=import-outside-toplevel

    class FolderAwareS3Storage(S3Storage):
        def exists(self, name):
            if super().exists(name):
                return True
            folders, files = self.listdir(name)
            return bool(folders or files)

    return FolderAwareS3Storage


def main(zip_path, endpoint, bucket):
    globals()["FolderAwareS3Storage"] = _folder_aware_storage_class()
    configure_django(endpoint, bucket, backend="__main__.FolderAwareS3Storage")
    block = upstream._upstream_block()  # pylint: disable=protected-access
    with open(zip_path, "rb") as package_file:
        request = upstream._upload_request(package_file)  # pylint: disable=protected-access
        start = time.perf_counter()
        response = block.studio_submit(request, "")
        seconds = time.perf_counter() - start
    if b'"errors": []' not in response.body:
        raise SystemExit(f"upstream refused the package: {response.body!r}")
    print_report(seconds=seconds, peak_rss_mib=peak_rss_mib())


if __name__ == "__main__":
    main(*sys.argv[1:4])
