"""The content view: package files served from a signed URL, without loading the course, the block or its fields.

Every file a package asks for costs, through the block's ``assets_proxy`` handler, the platform's whole handler
path (course, access checks, field-data cache, the block itself). Here a request costs the token check and the
"tree is complete" flag (cached); the response is the one ``assets_proxy`` gives (delivery.py), or, for a local
storage whose folder the web server can read, an ``X-Accel-Redirect`` / ``X-Sendfile`` header that hands the file
to the web server.
"""
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from xblock.django.request import django_to_webob_request, webob_to_django_response

from . import delivery
from .content_origin import content_origin, is_content_host
from .content_tokens import TokenRefused, read_token
from .legacy import LegacyTree
from .paths import safe_request_path
from .settings import django_block_settings
from .trees import PackageTree, get_storage


def _(text):
    return text


# Refusal code -> HTTP status and the message shown (translated for the request's language).
REFUSALS = {
    "invalid": (403, _("This link to the package's files is not valid. Reload the page to continue.")),
    "expired": (403, _("This link to the package's files has expired. Reload the page to continue.")),
    "other_package": (403, _("This link gives access to another package. Reload the page to continue.")),
    "not_found": (404, _("Not found")),
    # With CONTENT_ORIGIN, a request through the LMS's own host name: a package page there would run as the LMS.
    "wrong_host": (404, _("Not found")),
    "method": (405, _("Only GET and HEAD are answered here.")),
    "preparing": (503, _("This content is being prepared. Please reload in a moment.")),
}
RETRY_AFTER_SECONDS = "5"
# Header that hands a local file to the web server -> how the name is written after the configured prefix: nginx
# reads a URI (percent-encoded), Apache's mod_xsendfile a file path.
OFFLOAD_HEADERS = {
    "X-Accel-Redirect": lambda name: quote(name, safe="/"),
    "X-Sendfile": lambda name: name,
}


def refused(code):
    status, message = REFUSALS[code]
    response = HttpResponse(gettext(message), status=status, content_type="text/plain; charset=utf-8")
    if status == 503:
        response["Retry-After"] = RETRY_AFTER_SECONDS
    if status == 405:
        response["Allow"] = "GET, HEAD"
    return response


def granted_tree(grant, settings):
    """The tree a grant names: its own folder for a tree openedx-scorm-xblock extracted, else <LOCATION>/<sha1>.

    STORAGE_FUNC is called without a block (None), as the management command does when it has none at hand."""
    storage = get_storage(None, settings)
    if grant.prefix:
        return LegacyTree(storage, grant.prefix, grant.sha1)
    return PackageTree(storage, settings["LOCATION"], grant.sha1)


def offloaded(tree, relative_path, settings):
    """With CONTENT_OFFLOAD_PREFIX set and a local storage: an empty answer whose header tells the web server which
    file to send (it answers Range and conditional requests itself); None otherwise."""
    prefix = settings["CONTENT_OFFLOAD_PREFIX"]
    if not prefix:
        return None
    from .s3 import is_s3_storage  # pylint: disable=import-outside-toplevel

    if is_s3_storage(tree.storage):
        return None
    header = settings["CONTENT_OFFLOAD_HEADER"]
    if header not in OFFLOAD_HEADERS:
        raise ImproperlyConfigured(f"CONTENT_OFFLOAD_HEADER must be one of {', '.join(OFFLOAD_HEADERS)}")
    response = HttpResponse(content_type=delivery.content_type_of(relative_path))
    response[header] = prefix + OFFLOAD_HEADERS[header](tree.name_of(relative_path))
    response["Cache-Control"] = delivery.CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response


def checked_grant(request, token, sha1, settings):
    """(the grant a request's token carries, None), or (None, the refusal): only GET and HEAD, only on the content
    origin's host name when one is set, a valid token that has not expired and names this sha1."""
    if request.method not in ("GET", "HEAD"):
        return None, refused("method")
    origin = content_origin(settings)
    if origin and not is_content_host(request, origin):
        return None, refused("wrong_host")
    try:
        grant = read_token(token, settings["CONTENT_TOKEN_EXPIRY"])
    except TokenRefused as refusal:
        return None, refused(refusal.code)
    if grant.sha1 != sha1:
        return None, refused("other_package")
    return grant, None


@xframe_options_exempt  # framed by the launcher (or, on a content origin, by the wrapper page), as handlers are
def package_file(request, token, sha1, path):
    """A file of the package a token grants: 200, 206, 304 or 416 as assets_proxy answers; 403 for a token that is
    not valid, has expired or names another package; 404 for a path outside the tree or a missing file."""
    settings = django_block_settings()
    grant, refusal = checked_grant(request, token, sha1, settings)
    if refusal is not None:
        return refusal
    relative_path = safe_request_path(path)
    if relative_path is None:
        return refused("not_found")
    tree = granted_tree(grant, settings)
    if not tree.is_complete():  # the launcher re-extracts a missing tree; a reload asks it again
        return refused("preparing")
    response = offloaded(tree, relative_path, settings)
    if response is not None:
        return response
    served = delivery.serve_file(django_to_webob_request(request), tree, relative_path, settings["CHUNK_SIZE"])
    return webob_to_django_response(served, streaming=True)
