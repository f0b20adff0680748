"""``"STORAGE_FUNC": "openedxscorm.storage.s3"``: openedx-scorm-xblock's recipe for keeping packages in an S3 bucket
of their own, kept so that sites configured by that package's README upgrade without a settings change.

It reads the same keys of XBLOCK_SETTINGS["ScormXBlock"] (S3_BUCKET_NAME, S3_QUERY_AUTH, S3_EXPIRES_IN); the rest of
the connection (credentials, region, endpoint) comes from django-storages' AWS_* Django settings. The storage is a
django-storages S3Storage, so extraction and serving take the block's S3 paths (multipart writes, ranged reads).
"""
from storages.backends.s3 import S3Storage

from .settings import django_block_settings


class S3ScormStorage(S3Storage):
    """An S3Storage bound to one block, with openedx-scorm-xblock's constructor.

    No custom domain: package files must come from the bucket itself (or through the block), never from a CDN
    domain configured for the site's other media.
    """

    def __init__(self, xblock, bucket_name=None, querystring_auth=None, querystring_expire=None):
        self.xblock = xblock
        given = {"bucket_name": bucket_name, "querystring_auth": querystring_auth,
                 "querystring_expire": querystring_expire}
        super().__init__(custom_domain=None, **{name: value for name, value in given.items() if value is not None})


def s3(xblock):
    """The S3 storage for `xblock`'s packages; S3_BUCKET_NAME unset means AWS_STORAGE_BUCKET_NAME. The management
    command may have no block at hand (no SCORM block in the chosen courses): then the Django settings say."""
    settings = xblock.block_settings() if xblock is not None else django_block_settings()
    return S3ScormStorage(xblock, bucket_name=settings["S3_BUCKET_NAME"], querystring_auth=settings["S3_QUERY_AUTH"],
                          querystring_expire=settings["S3_EXPIRES_IN"])
