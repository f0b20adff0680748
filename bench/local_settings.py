"""The Django settings a benchmark worker runs with when its storage is a local FileSystemStorage at MEDIA_ROOT.

Imported by this repository's workers (`bench.local_settings`) and by the upstream virtualenv's scripts, which run
from this folder (`local_settings`): no imports of the package itself here.
"""


def configure_django(media_root):
    """settings.configure() with default_storage a FileSystemStorage at `media_root` and a local-memory cache."""
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
