"""Django app of the block: registers it as an Open edX plugin app, so its management commands, its learner state
tables, its retirement receiver and its content view (urls.py, under /scorm-content/ in the LMS and Studio) are
found."""
from django.apps import AppConfig

# edx-django-utils' plugin URL config (plugins.constants.PluginURLs): the platform includes `<app>.urls` under this
# regex and namespace, in the LMS and in Studio (Studio's previews play packages too).
CONTENT_URL_CONFIG = {"namespace": "openedxscorm", "regex": r"^scorm-content/", "relative_path": "urls"}


class ScormConfig(AppConfig):
    name = "openedxscorm"
    verbose_name = "SCORM XBlock"
    default_auto_field = "django.db.models.AutoField"
    plugin_app = {
        "url_config": {
            "lms.djangoapp": CONTENT_URL_CONFIG,
            "cms.djangoapp": CONTENT_URL_CONFIG,
        },
    }

    def ready(self):
        """Connect the retirement receiver; remove spooled zips left by processes that died."""
        from . import retirement  # pylint: disable=import-outside-toplevel
        from .package.spool import spool_folder  # pylint: disable=import-outside-toplevel

        retirement.connect()
        spool_folder()
