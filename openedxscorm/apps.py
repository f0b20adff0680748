"""Django app of the block: registers it as an Open edX plugin app, so its management commands, its learner state
tables and its retirement receiver are found."""
from django.apps import AppConfig


class ScormConfig(AppConfig):
    name = "openedxscorm"
    verbose_name = "SCORM XBlock"
    default_auto_field = "django.db.models.AutoField"
    plugin_app = {}

    def ready(self):
        """Connect the retirement receiver; remove spooled zips left by processes that died."""
        from . import retirement  # pylint: disable=import-outside-toplevel
        from .spool import spool_folder  # pylint: disable=import-outside-toplevel

        retirement.connect()
        spool_folder()
