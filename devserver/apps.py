"""The dev server as a Django app: its management commands, and what it sets up when Django starts."""
from django.apps import AppConfig


class DevServerConfig(AppConfig):
    """Installs the local platform stand-ins and the course-aware workbench runtime (the dev server only)."""

    name = "devserver"
    verbose_name = "openedxscorm dev server"

    def ready(self):
        from . import course_keys, platform_modules  # pylint: disable=import-outside-toplevel

        platform_modules.install()
        course_keys.install()
