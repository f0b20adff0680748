"""The workbench's URLs, with the handler view replaced by one that, like the LMS's and Studio's, passes the
request to the block without reading its path again (the SDK's pops the path through webob, which fails on a
non-ASCII path: a 500 before any block runs); and the block's content view mounted as the platform's plugin URL
config mounts it (openedxscorm/apps.py)."""
from django.http import Http404
from django.urls import include, re_path
from workbench import views as workbench_views
from xblock.django.request import django_to_webob_request, webob_to_django_response
from xblock.exceptions import NoSuchHandlerError, NoSuchUsage

from openedxscorm.apps import CONTENT_URL_CONFIG


def handler(request, usage_id, handler_slug, suffix="", authenticated=True):
    """A block's handler; the learner is `?student=` as in the workbench (student_1 by default); an unknown block
    or handler is a 404, as in the LMS and Studio."""
    student_id = workbench_views.get_student_id(request) if authenticated else "none"
    runtime = workbench_views.WorkbenchRuntime(student_id)
    try:
        block = runtime.get_block(usage_id)
    except NoSuchUsage as error:
        raise Http404 from error
    try:
        result = block.runtime.handle(block, handler_slug, django_to_webob_request(request), suffix or "")
    except NoSuchHandlerError as error:  # as the platform's handler views answer it
        raise Http404 from error
    return webob_to_django_response(result)


HANDLER_PATH = r"(?P<usage_id>[^/]+)/(?P<handler_slug>[^/]*)(?:/(?P<suffix>.*))?$"

urlpatterns = [
    re_path(r"^handler/" + HANDLER_PATH, handler, {"authenticated": True}, name="handler"),
    re_path(r"^unauth_handler/" + HANDLER_PATH, handler, {"authenticated": False}, name="unauth_handler"),
    re_path(CONTENT_URL_CONFIG["regex"], include(f"openedxscorm.{CONTENT_URL_CONFIG['relative_path']}",
                                                 namespace=CONTENT_URL_CONFIG["namespace"])),
    re_path(r"", include("workbench.urls")),
]


