"""Django app of the block: registers it as an Open edX plugin app, so its management commands are found."""
from django.apps import AppConfig


class ScormConfig(AppConfig):
    name = "openedxscorm"
    verbose_name = "SCORM XBlock"
    default_auto_field = "django.db.models.AutoField"
    plugin_app = {}
