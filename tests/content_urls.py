"""A URL configuration built as the LMS builds its own: the plugin apps' URLs from edx-django-utils
(lms/urls.py: ``urlpatterns.extend(get_plugin_url_patterns(ProjectType.LMS))``), found through the package's
``lms.djangoapp`` entry point and its ``plugin_app["url_config"]``."""
from edx_django_utils.plugins import get_plugin_url_patterns

urlpatterns = get_plugin_url_patterns("lms.djangoapp")
