"""The block's Django URLs, mounted by the platform under ``scorm-content/`` (apps.py, ``plugin_app``).

A token is signed (``payload:time:signature``): it never reads as ``api`` or ``player``, so the content view's
pattern, last, takes none of the wrapper's URLs."""
from django.urls import re_path

from .content_view import package_file
from .content_wrapper import api_wrapper, player_file

app_name = "openedxscorm"

urlpatterns = [
    re_path(r"^player/(?P<name>[A-Za-z0-9_.-]+)$", player_file, name="player_file"),
    re_path(r"^api/(?P<api>[a-z0-9]+)/(?P<token>[^/]+)/(?P<sha1>[0-9a-f]{40})/(?P<path>.*)$", api_wrapper,
            name="wrapper"),
    re_path(r"^(?P<token>[^/]+)/(?P<sha1>[0-9a-f]{40})/(?P<path>.*)$", package_file, name="content"),
]
