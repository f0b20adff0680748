"""The Django app operators add to INSTALLED_APPS; its only job is to register the transformers once apps load.

Its name and label are those of openedx-scorm-xblock's app, so settings written for that package keep working.
"""
from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured

MISSING_ROUTING_BACKENDS = (
    "openedxscorm.processors.xapi is in INSTALLED_APPS but event-routing-backends is not installed "
    "(pip install edx-event-routing-backends), or remove the app: {error}"
)


class ScormXApiConfig(AppConfig):
    name = "openedxscorm.processors.xapi"
    label = "openedxscorm_xapi"
    verbose_name = "SCORM xAPI transformers"

    def ready(self):
        # Importing the module registers its transformers with event-routing-backends, in every process that
        # loads the apps (web workers and the Celery workers that route events alike).
        try:
            from . import event_transformers  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
        except ModuleNotFoundError as error:
            if not (error.name or "").startswith(("event_routing_backends", "tincan")):
                raise
            raise ImproperlyConfigured(MISSING_ROUTING_BACKENDS.format(error=error)) from error
