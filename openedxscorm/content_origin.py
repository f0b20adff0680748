"""The cookie-less content origin (CONTENT_ORIGIN): the content view answered on a host name of its own.

On the LMS's origin a package's script can read the LMS's cookies (the CSRF token among them) and its pages. On a
host name of its own it can reach neither: the browser keeps the two origins apart. The SCORM API then lives in a
wrapper page on that host, beside the SCO (content_wrapper.py), and only commits cross to the launcher on the LMS's
origin, by postMessage (static/js/content_api.js, static/js/content_bridge.js; docs/security.rst).
"""
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from .content_tokens import make_token

# Scheme -> its default port, which a browser leaves out of an origin (event.origin is compared as a string).
DEFAULT_PORTS = {"http": 80, "https": 443}
WRAPPER_URL_NAME = "openedxscorm:wrapper"


def content_origin(settings):
    """CONTENT_ORIGIN as a browser writes an origin (lower case, no default port, no slash), or None when unset.

    ImproperlyConfigured for anything but scheme://host[:port]: a path, query or credentials would make event.origin
    never match, and every commit of every learner would be dropped."""
    configured = settings.get("CONTENT_ORIGIN")
    if not configured:
        return None
    parts = urlsplit(str(configured))
    try:
        port = parts.port
    except ValueError:
        port = -1
    if (parts.scheme not in DEFAULT_PORTS or not parts.hostname or port == -1 or parts.path not in ("", "/")
            or parts.query or parts.fragment or parts.username or parts.password):
        raise ImproperlyConfigured(
            f"CONTENT_ORIGIN must be scheme://host[:port] (http or https, nothing after it), not {configured!r}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is not None and port != DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def host_of(origin):
    """The Host header a request to the origin carries (what request.get_host() answers there)."""
    return urlsplit(origin).netloc


def is_content_host(request, origin):
    """Whether a request reached the content view through the content origin's host name. With the origin set, the
    view answers there only: a package page opened on the LMS's host would run with the LMS's origin."""
    return request.get_host().lower() == host_of(origin)


def wrapper_url(origin, grant, api_key, launch_url):
    """The wrapper page's URL on the content origin, for a package-relative launch URL (already quoted, with its
    query): its path is the SCO's, after a prefix that names the API and carries a new token for the grant."""
    path = reverse(WRAPPER_URL_NAME, kwargs={"api": api_key, "token": make_token(grant), "sha1": grant.sha1,
                                             "path": ""})
    return origin + path + launch_url
