"""The wrapper page of a content origin: the SCORM API beside the SCO, on the SCO's own host name.

With CONTENT_ORIGIN the launcher (LMS origin) frames this page instead of the SCO. The page holds a scorm-again
API that answers every call of the SCO at once (GetValue, SetValue and their errors stay synchronous and
conformant), frames the SCO once the launcher has sent the learner's values, and sends each commit to the launcher
by postMessage (static/js/content_api.js). It is built from the token alone, as the content view's files are: no
course, block or field data is loaded, and it carries no learner data of its own.
"""
from urllib.parse import quote

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.static import serve
from xblock.utils.resources import ResourceLoader

from . import vendor
from .content_tokens import URL_NAME as CONTENT_URL_NAME
from .content_view import checked_grant, refused
from .paths import safe_request_path
from .runtime import SCORM12, SCORM2004
from .settings import django_block_settings

loader = ResourceLoader(__name__)
SCRIPT_DIR = vendor.PACKAGE_DIR / "static" / "js"
# The API a wrapper URL names -> the standard whose scorm-again API it holds.
WRAPPER_APIS = {"scorm12": SCORM12, "scorm2004": SCORM2004}
API_KEYS = {standard: key for key, standard in WRAPPER_APIS.items()}
# The only files the content origin serves besides packages: file name -> its folder.
PLAYER_FILES = {
    **{api.script: vendor.VENDOR_DIR for api in vendor.BROWSER_APIS.values()},
    "content_api.js": SCRIPT_DIR,
}
PLAYER_FILE_URL_NAME = "openedxscorm:player_file"
# Error code of a failed commit, reported by the Commit after it: General Commit Failure in 2004, General
# Exception in 1.2 (which has no commit-specific code).
COMMIT_FAILURE_CODES = {SCORM12: "101", SCORM2004: "391"}


def api_key_of(standard):
    return API_KEYS[standard]


def player_file_url(name):
    return reverse(PLAYER_FILE_URL_NAME, kwargs={"name": name})


def wrapper_context(standard, sco_url):
    """What content_wrapper.html needs: the scripts (on this origin) and the JSON content_api.js starts from."""
    api = vendor.BROWSER_APIS[standard]
    return {
        "api_script_url": player_file_url(api.script),
        "wrapper_script_url": player_file_url("content_api.js"),
        "wrapper": {
            "standard": standard, "scoUrl": sco_url, "commitFailure": COMMIT_FAILURE_CODES[standard],
            "api": {"className": api.class_name, "windowName": api.window_name, "set": api.set_method,
                    "commit": api.commit_method,
                    "terminate": api.terminate_method, "initialize": api.initialize_method},
        },
    }


@xframe_options_exempt  # framed by the launcher, on another origin
def api_wrapper(request, api, token, sha1, path):
    """The wrapper page of the SCO at `path` (with the request's query) under a token: the same refusals as the
    content view's files, and 404 for an API or a path the view would not serve."""
    grant, refusal = checked_grant(request, token, sha1, django_block_settings())
    if refusal is not None:
        return refusal
    if api not in WRAPPER_APIS or safe_request_path(path) is None:
        return refused("not_found")
    query = request.META.get("QUERY_STRING", "")
    sco_url = reverse(CONTENT_URL_NAME, kwargs={"token": token, "sha1": grant.sha1, "path": ""}) \
        + quote(path, safe="/") + (f"?{query}" if query else "")
    body = loader.render_django_template("templates/content_wrapper.html",
                                         wrapper_context(WRAPPER_APIS[api], sco_url))
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"  # the SCO's URL holds the token
    return response


def player_file(request, name):
    """One of the wrapper's scripts (scorm-again, content_api.js), with Last-Modified and 304: the content origin
    loads nothing from the LMS's."""
    if request.method not in ("GET", "HEAD"):
        return refused("method")
    if name not in PLAYER_FILES:
        return refused("not_found")
    response = serve(request, name, document_root=PLAYER_FILES[name])
    response["X-Content-Type-Options"] = "nosniff"
    return response
