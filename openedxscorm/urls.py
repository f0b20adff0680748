"""The block's Django URLs, mounted by the platform under ``scorm-content/`` (apps.py, ``plugin_app``)."""
from django.urls import re_path

from .content_view import package_file

app_name = "openedxscorm"

urlpatterns = [
    re_path(r"^(?P<token>[^/]+)/(?P<sha1>[0-9a-f]{40})/(?P<path>.*)$", package_file, name="content"),
]
