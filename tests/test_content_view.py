"""The content view: package files from /scorm-content/<token>/<sha1>/<path>, the token checked with Django's
signing, nothing of the course or the block loaded; mounted through the platform's plugin URL config."""
import hashlib
import re
from unittest import mock

import pytest
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.urls import resolve
from edx_django_utils.plugins import get_plugin_url_patterns
from xblock.core import XBlock

from openedxscorm import content_tokens, content_view
from openedxscorm.content_tokens import ContentGrant, TokenRefused, make_token, read_token
from openedxscorm.trees import PackageTree
from openedxscorm_support.block_runtime import make_block
from tests.test_block import upload


@pytest.fixture(autouse=True)
def lms_urls(settings):
    """The LMS's URL configuration, as far as plugin apps make it."""
    settings.ROOT_URLCONF = "tests.content_urls"


SHA1 = "1" * 40
OTHER_SHA1 = "2" * 40
SCRIPT = b"var x = 1;\n" * 500  # 5.5 KB, as a package's small scripts
FILES = {"index.html": b"<html><script src='js/app.js'></script></html>", "js/app.js": SCRIPT,
         "média/café.js": b"// non-ASCII path\n"}
GRANT = ContentGrant(learner="7", course="course-v1:Org+SCORM101+2026",
                     block="block-v1:Org+SCORM101+2026+type@scorm+block@one", sha1=SHA1)


def write_tree(storage, sha1, files, location="scorm"):
    tree = PackageTree(storage, location, sha1)
    for name, data in files.items():
        storage.save(tree.name_of(name), ContentFile(data))
    tree.mark_complete({name: len(data) for name, data in files.items()})
    return tree


@pytest.fixture
def trees(storage):
    write_tree(storage, OTHER_SHA1, {"secret.js": b"other block's package"})
    storage.save("scorm/outside.txt", ContentFile(b"outside every tree"))
    return write_tree(storage, SHA1, FILES)


def url(path, grant=GRANT, sha1=None, token=None):
    return f"/scorm-content/{token or make_token(grant)}/{sha1 or grant.sha1}/{path}"


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_plugin_url_config_mounts_the_view_in_the_lms_and_studio():
    for project in ("lms.djangoapp", "cms.djangoapp"):
        patterns = get_plugin_url_patterns(project)
        match = resolve(url("js/app.js"), urlconf=type("Conf", (), {"urlpatterns": patterns}))
        assert match.func is content_view.package_file and match.kwargs["path"] == "js/app.js"


def test_serves_a_file_with_its_type_and_validators(client, trees):  # noqa: ARG001
    response = client.get(url("js/app.js"))
    assert response.status_code == 200 and body(response) == SCRIPT
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Content-Length"] == str(len(SCRIPT))
    assert response["ETag"].startswith('"') and response["Last-Modified"].endswith("GMT")
    assert response["X-Content-Type-Options"] == "nosniff" and response["Accept-Ranges"] == "bytes"


def test_non_ascii_path(client, trees):  # noqa: ARG001
    response = client.get(url("m%C3%A9dia/caf%C3%A9.js"))
    assert response.status_code == 200 and body(response) == FILES["média/café.js"]


def test_etag_and_date_give_304(client, trees):  # noqa: ARG001
    first = client.get(url("js/app.js"))
    again = client.get(url("js/app.js"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and body(again) == b""
    since = client.get(url("js/app.js"), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    changed = client.get(url("js/app.js"), HTTP_IF_NONE_MATCH='"something-else"')
    assert changed.status_code == 200 and body(changed) == SCRIPT


def test_single_range_and_unsatisfiable_range(client, trees):  # noqa: ARG001
    response = client.get(url("js/app.js"), HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206 and body(response) == SCRIPT[10:20]
    assert response["Content-Range"] == f"bytes 10-19/{len(SCRIPT)}"
    beyond = client.get(url("js/app.js"), HTTP_RANGE=f"bytes={len(SCRIPT)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(SCRIPT)}"


def test_head_sends_the_headers_only(client, trees):  # noqa: ARG001
    response = client.head(url("js/app.js"))
    assert response.status_code == 200 and body(response) == b""
    assert response["Content-Length"] == str(len(SCRIPT))


def test_a_token_for_one_package_never_serves_another(client, trees):  # noqa: ARG001
    """Same learner, same block: the other tree exists and is complete, the token names another sha1."""
    response = client.get(url("secret.js", sha1=OTHER_SHA1))
    assert response.status_code == 403 and b"another package" in body(response)


def test_a_token_of_another_block_does_not_open_this_blocks_package(client, trees):  # noqa: ARG001
    other_block = ContentGrant(learner="7", course=GRANT.course, block=GRANT.block.replace("one", "two"),
                               sha1=OTHER_SHA1)
    assert client.get(url("secret.js", other_block)).status_code == 200  # its own package
    assert client.get(url("js/app.js", other_block, sha1=SHA1)).status_code == 403


def test_a_changed_payload_breaks_the_signature(client, trees):  # noqa: ARG001
    """The payload of another grant under this grant's signature: refused, whatever it names."""
    token = make_token(GRANT)
    forged_payload = make_token(ContentGrant(learner="8", course=GRANT.course, block=GRANT.block, sha1=SHA1))
    forged = forged_payload.split(":", 1)[0] + ":" + token.split(":", 1)[1]
    response = client.get(url("js/app.js", token=forged))
    assert response.status_code == 403 and b"not valid" in body(response)


@pytest.mark.parametrize("token", [
    "nothing",
    "a:b:c",
    signing.dumps({"s": SHA1}),  # signed by the site, but not for the content view (no salt)
    signing.dumps({"s": SHA1}, salt="another.purpose"),
    signing.dumps(["s", SHA1], salt=content_tokens.SALT),  # not a grant
    signing.dumps({"s": 1}, salt=content_tokens.SALT),
    signing.dumps({"u": "7"}, salt=content_tokens.SALT),  # no package
], ids=["not-signed", "three-parts", "no-salt", "other-salt", "not-a-grant", "sha1-not-text", "no-package"])
def test_tokens_not_made_for_the_view_are_refused(client, trees, token):  # noqa: ARG001
    response = client.get(url("js/app.js", token=token))
    assert response.status_code == 403 and b"not valid" in body(response)


def test_a_token_of_another_site_is_refused(client, trees, settings):  # noqa: ARG001
    with mock.patch.object(settings, "SECRET_KEY", "another site's secret key, long enough to sign"):
        token = make_token(GRANT)
    assert client.get(url("js/app.js", token=token)).status_code == 403


def test_an_expired_token_is_refused_with_its_reason(client, trees, settings):  # noqa: ARG001
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"CONTENT_TOKEN_EXPIRY": 60}}
    token = make_token(GRANT)
    assert client.get(url("js/app.js", token=token)).status_code == 200
    later = signing.time.time() + 61
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.get(url("js/app.js", token=token))
    assert response.status_code == 403 and b"expired" in body(response)


def test_the_token_binds_learner_course_block_and_package():
    grant = read_token(make_token(GRANT), max_age=60)
    assert grant == GRANT
    with pytest.raises(TokenRefused) as refused:
        read_token(make_token(GRANT) + "x", max_age=60)
    assert refused.value.code == "invalid"


def test_the_token_is_the_credential_not_the_session(client, trees, django_user_model):  # noqa: ARG001
    """A cookie-less content origin has no session: the view serves whoever holds the token (docs/security.rst),
    signed in as another user or not at all."""
    assert client.get(url("js/app.js")).status_code == 200
    client.force_login(django_user_model.objects.create(username="someone-else"))
    assert client.get(url("js/app.js")).status_code == 200


@pytest.mark.parametrize("path", [
    "../outside.txt",
    "..%2Foutside.txt",
    "%2e%2e/outside.txt",
    "%252e%252e/%252e%252e/scorm/outside.txt",
    "js/../../outside.txt",
    "js/%2e%2e/%2e%2e/outside.txt",
    f"../{OTHER_SHA1}/secret.js",
    "..%5Coutside.txt",
    "js/",
    "",
    "C:/windows.txt",
    "%00index.html",
])
def test_paths_that_leave_the_tree_are_refused(client, trees, path):  # noqa: ARG001
    response = client.get(url(path))
    assert response.status_code == 404
    assert b"outside every tree" not in body(response) and b"other block" not in body(response)


def test_missing_file_is_404(client, trees):  # noqa: ARG001
    assert client.get(url("js/none.js")).status_code == 404


def test_a_tree_not_complete_answers_preparing(client, storage):
    storage.save(PackageTree(storage, "scorm", SHA1).name_of("index.html"), ContentFile(b"half"))
    response = client.get(url("index.html"))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert b"being prepared" in body(response)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_and_head(client, trees, method):  # noqa: ARG001
    response = getattr(client, method)(url("js/app.js"))
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("lang,expected", [
    ("fr", "Ce lien vers les fichiers du paquet n'est pas valide"),
    ("es-419", "Este enlace a los archivos del paquete no es válido"),
])
def test_refusals_are_translated(client, trees, lang, expected):  # noqa: ARG001
    from django.utils import translation  # pylint: disable=import-outside-toplevel

    with translation.override(lang):
        response = client.get(url("js/app.js", token="nothing"))
    assert response.status_code == 403 and body(response).decode().startswith(expected)


def test_no_course_block_or_field_data_is_loaded(client, trees, django_assert_num_queries):  # noqa: ARG001
    """Nothing but the token and the cached "tree is complete" flag: constructing any XBlock fails, and not one
    database query is made (learner state, field data and the modulestore's SQL tables all need one)."""
    client.get(url("js/app.js"))  # the completion flag is cached from here on
    with mock.patch.object(XBlock, "__init__", side_effect=AssertionError("a block was loaded")), \
            django_assert_num_queries(0):
        for _ in range(3):
            assert client.get(url("js/app.js")).status_code == 200
            assert client.get(url("index.html"), HTTP_RANGE="bytes=0-4").status_code == 206


@pytest.mark.parametrize("header,expected", [
    ("X-Accel-Redirect", f"/internal-scorm/scorm/{SHA1}/m%C3%A9dia/caf%C3%A9.js"),
    ("X-Sendfile", f"/internal-scorm/scorm/{SHA1}/média/café.js"),
])
def test_offload_names_the_file_for_the_web_server(client, trees, settings, header, expected):  # noqa: ARG001
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"CONTENT_OFFLOAD_PREFIX": "/internal-scorm/",
                                                "CONTENT_OFFLOAD_HEADER": header}}
    response = client.get(url("m%C3%A9dia/caf%C3%A9.js"))
    assert response.status_code == 200 and response[header] == expected and body(response) == b""
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert client.get(url("../outside.txt")).status_code == 404  # the path is checked before it is handed on
    assert client.get(url("secret.js", sha1=OTHER_SHA1)).status_code == 403


def test_offload_with_an_unknown_header_is_a_configuration_error(client, trees, settings):  # noqa: ARG001
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"CONTENT_OFFLOAD_PREFIX": "/internal/",
                                                "CONTENT_OFFLOAD_HEADER": "X-Send-It"}}
    client.raise_request_exception = True
    with pytest.raises(ImproperlyConfigured):
        client.get(url("js/app.js"))


def test_without_offload_prefix_the_file_is_streamed(client, trees, settings):  # noqa: ARG001
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"CONTENT_OFFLOAD_HEADER": "X-Sendfile"}}
    response = client.get(url("js/app.js"))
    assert "X-Sendfile" not in response and body(response) == SCRIPT


# ---- the launcher gives these URLs ----------------------------------------------------------------------------

def launched_sco_url(block):
    from webob import Request  # pylint: disable=import-outside-toplevel

    response = block.handle("launcher", Request.blank("/"))
    assert response.status_code == 200, response.text
    return re.search(r'<iframe class="scorm-content" src="([^"]+)"', response.text).group(1).replace("&amp;", "&")


def test_the_launcher_gives_the_sco_through_the_view_when_enabled(client, storage, settings):  # noqa: ARG001
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"CONTENT_VIEW_ENABLED": True}}
    block = make_block(CONTENT_VIEW_ENABLED=True)
    upload(block, "probe-1.2.zip")
    sco_url = launched_sco_url(block)
    assert sco_url.startswith("/scorm-content/") and f"/{block.package_sha1}/" in sco_url
    grant = read_token(sco_url.split("/")[2], max_age=60)
    assert grant == ContentGrant(learner="learner", course=str(block.scope_ids.usage_id.context_key),
                                 block=str(block.scope_ids.usage_id), sha1=block.package_sha1)
    response = client.get(sco_url)
    assert response.status_code == 200 and b"probe" in body(response).lower()


def test_the_launcher_keeps_the_handler_by_default(storage):  # noqa: ARG001
    block = make_block()
    upload(block, "probe-1.2.zip")
    assert "/handler/assets_proxy/" in launched_sco_url(block)


def test_a_page_opened_before_a_new_upload_keeps_its_files(client, storage, settings):  # noqa: ARG001
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"CONTENT_VIEW_ENABLED": True}}
    block = make_block(CONTENT_VIEW_ENABLED=True)
    upload(block, "probe-1.2.zip")
    first_url = launched_sco_url(block)
    upload(block, "probe-2004.zip")
    assert f"/{block.package_sha1}/" in launched_sco_url(block) and f"/{block.package_sha1}/" not in first_url
    assert client.get(first_url).status_code == 200


def test_a_tree_left_by_19x_is_served_from_its_own_folder(client, storage, settings):
    from tests.test_legacy import LAUNCH, legacy_block, members  # pylint: disable=import-outside-toplevel

    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"CONTENT_VIEW_ENABLED": True}}
    block = legacy_block(storage)
    block.runtime._services["settings"].buckets["ScormXBlock"]["CONTENT_VIEW_ENABLED"] = True  # noqa: SLF001
    sco_url = launched_sco_url(block)
    grant = read_token(sco_url.split("/")[2], max_age=60)
    digest = hashlib.sha1(str(block.scope_ids.usage_id).encode()).hexdigest()
    assert grant.prefix == f"scorm/{digest}/{block.served_sha1()}"
    response = client.get(sco_url)
    assert response.status_code == 200 and body(response) == members()[LAUNCH]


def test_a_non_ascii_launch_file_with_a_query_through_the_view(client, storage, settings):  # noqa: ARG001
    """The launch URL is appended as the manifest quoted it: quoted once, its query kept."""
    settings.XBLOCK_SETTINGS = {"ScormXBlock": {"CONTENT_VIEW_ENABLED": True}}
    block = make_block(CONTENT_VIEW_ENABLED=True)
    upload(block, "nested-café-1.2.zip")
    sco_url = launched_sco_url(block)
    assert sco_url.endswith(f"/{block.package_sha1}/modules/%C3%A9t%C3%A9/caf%C3%A9.html?page=1")
    response = client.get(sco_url)
    assert response.status_code == 200 and b"<html" in body(response).lower()
