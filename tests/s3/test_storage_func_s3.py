"""``"STORAGE_FUNC": "openedxscorm.storage.s3"`` (openedx-scorm-xblock's S3 recipe) on a moto server: an upload lands
in the S3_BUCKET_NAME bucket through the block's S3 writes, and the block serves it from there."""
from webob import Request

from openedxscorm import s3
from openedxscorm_support.block_runtime import make_block
from tests.s3.conftest import ACCESS_KEY, REGION, SECRET_KEY
from tests.test_xapi import upload


def test_upstream_s3_storage_func_stores_and_serves_a_package(moto_server, bucket, settings):
    settings.AWS_STORAGE_BUCKET_NAME = "not-this-one"
    settings.AWS_S3_ENDPOINT_URL = moto_server.endpoint
    settings.AWS_ACCESS_KEY_ID, settings.AWS_SECRET_ACCESS_KEY = ACCESS_KEY, SECRET_KEY
    settings.AWS_S3_REGION_NAME, settings.AWS_S3_ADDRESSING_STYLE = REGION, "path"
    block = make_block(STORAGE_FUNC="openedxscorm.storage.s3", S3_BUCKET_NAME=bucket)
    upload(block, "1.2")
    listed = moto_server_keys(moto_server.endpoint, bucket)
    assert f"scorm/{block.package_sha1}/index.html" in listed
    assert f"scorm/{block.package_sha1}/imsmanifest.xml" in listed
    assert s3.is_s3_storage(block.package_tree().storage)
    response = block.handle("assets_proxy", Request.blank("/"), f"{block.package_sha1}/index.html")
    assert response.status_code == 200 and b"quiz" in b"".join(response.app_iter)


def moto_server_keys(endpoint, bucket):
    import boto3  # pylint: disable=import-outside-toplevel

    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                          region_name=REGION)
    return [entry["Key"] for entry in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
