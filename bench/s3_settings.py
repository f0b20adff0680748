"""The Django settings a benchmark worker runs with when its storage is S3 on the benchmark's moto server.

Imported by this repository's workers (`bench.s3_settings`) and by the upstream virtualenv's scripts, which
run from this folder (`s3_settings`): no imports of the package itself here.
"""
ACCESS_KEY = "testing"
SECRET_KEY = "testing"
REGION = "us-east-1"
S3_BACKEND = "storages.backends.s3.S3Storage"


def configure_django(endpoint, bucket, backend=S3_BACKEND):
    """settings.configure() with default_storage on `bucket` of the moto server at `endpoint` (path-style)."""
    # pylint: disable=import-outside-toplevel
    import django
    from django.conf import settings

    settings.configure(
        STORAGES={
            "default": {"BACKEND": backend, "OPTIONS": {
                "bucket_name": bucket, "endpoint_url": endpoint, "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY, "region_name": REGION, "addressing_style": "path"}},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        USE_TZ=True,
        INSTALLED_APPS=[],
    )
    django.setup()
