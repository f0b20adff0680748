"""The content view on S3, with ``"STORAGE_FUNC": "openedxscorm.storage.s3"`` called without a block: the launcher's
URL serves the package from the bucket with one GET per file, ranges and 304 answered by S3; offload is for local
storage only, so it is not used here even when configured."""
from webob import Request

from openedxscorm_support.block_runtime import make_block
from tests.s3.conftest import ACCESS_KEY, REGION, SECRET_KEY
from tests.test_content_view import body
from tests.test_xapi import upload


def s3_settings(settings, moto_server, bucket, **extra):
    settings.ROOT_URLCONF = "tests.content_urls"
    settings.AWS_STORAGE_BUCKET_NAME = "not-this-one"
    settings.AWS_S3_ENDPOINT_URL = moto_server.endpoint
    settings.AWS_ACCESS_KEY_ID, settings.AWS_SECRET_ACCESS_KEY = ACCESS_KEY, SECRET_KEY
    settings.AWS_S3_REGION_NAME, settings.AWS_S3_ADDRESSING_STYLE = REGION, "path"
    block_settings = {"STORAGE_FUNC": "openedxscorm.storage.s3", "S3_BUCKET_NAME": bucket,
                      "CONTENT_VIEW_ENABLED": True, **extra}
    settings.XBLOCK_SETTINGS = {"ScormXBlock": block_settings}
    return block_settings


def launched_base(block):
    """The content view's URL of the package root, from the launcher's SCO URL."""
    import re  # pylint: disable=import-outside-toplevel

    page = block.handle("launcher", Request.blank("/")).text
    sco_url = re.search(r'<iframe class="scorm-content" src="([^"]+)"', page).group(1)
    return sco_url.split(f"/{block.package_sha1}/", 1)[0] + f"/{block.package_sha1}/"


def test_the_view_serves_a_package_from_the_bucket(client, settings, moto_server, bucket):
    block = make_block(**s3_settings(settings, moto_server, bucket, CONTENT_OFFLOAD_PREFIX="/internal/"))
    upload(block, "1.2")
    base = launched_base(block)
    whole = client.get(base + "index.html")
    page = body(whole)
    assert whole.status_code == 200 and b"quiz" in page and "X-Accel-Redirect" not in whole
    etag = whole["ETag"]
    part = client.get(base + "index.html", HTTP_RANGE="bytes=0-4")
    assert part.status_code == 206 and body(part) == page[:5]
    again = client.get(base + "index.html", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and body(again) == b""
    assert client.get(base + "none.html").status_code == 404
    gets = [request for request in moto_server.settled_requests(bucket)
            if request[0] == "GET" and request[1].startswith(f"/scorm/{block.package_sha1}/index.html")]
    assert len(gets) == 3  # one GET per answer: whole, range, conditional
