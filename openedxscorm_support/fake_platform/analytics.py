"""Contract fake of the three platform functions event-routing-backends' helpers call to build a statement's actor
and course: it binds them from the platform at import (``event_routing_backends.helpers``) and finds None outside
the LMS, so ``install`` puts these where it looks them up. Users are real django.contrib.auth users.
"""
import uuid

from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey

ERB_HELPERS = "event_routing_backends.helpers"


class ExternalIdType:
    """openedx.core.djangoapps.external_user_ids.models.ExternalIdType: its type names are class constants."""

    XAPI = "xapi"
    CALIPER = "caliper"
    LTI = "lti"


class ExternalId:
    """openedx.core.djangoapps.external_user_ids.models.ExternalId: one random external_user_id (a UUID) per user
    and type, created on first request."""

    rows = {}

    def __init__(self, user, type_name):
        self.user = user
        self.external_id_type = type_name
        self.external_user_id = uuid.uuid4()

    @classmethod
    def add_new_user_id(cls, user, type_name):
        """ExternalId.add_new_user_id(user, type_name) -> (ExternalId, created)."""
        key = (user.pk, type_name)
        created = key not in cls.rows
        if created:
            cls.rows[key] = cls(user, type_name)
        return cls.rows[key], created


def get_potentially_retired_user_by_username(username):
    """common.djangoapps.student.models.get_potentially_retired_user_by_username: the user, or User.DoesNotExist
    (this fake keeps no retired users)."""
    return get_user_model().objects.get(username=username)


class CourseOverviews:
    """openedx.core.djangoapps.content.course_overviews.api.get_course_overviews(course_ids): the serialized
    overviews (dicts with id and display_name among others) of the courses that exist, for CourseKeys."""

    def __init__(self):
        self.names = {}

    def add(self, course_key, display_name):
        self.names[str(course_key)] = display_name

    def get_course_overviews(self, course_ids):
        return [{"id": str(course_id), "display_name": self.names[str(course_id)]}
                for course_id in course_ids if isinstance(course_id, CourseKey) and str(course_id) in self.names]


def install(monkeypatch, overviews):
    """Bind the fakes where event-routing-backends' helpers look for the platform's functions, and empty the caches
    it keeps of their answers (lru_cache on the course and on the learner's external id)."""
    import event_routing_backends.helpers as helpers  # pylint: disable=import-outside-toplevel

    helpers.get_course_from_id.cache_clear()
    helpers.get_anonymous_user_id.cache_clear()
    monkeypatch.setattr(f"{ERB_HELPERS}.ExternalId", ExternalId)
    monkeypatch.setattr(f"{ERB_HELPERS}.ExternalIdType", ExternalIdType)
    monkeypatch.setattr(f"{ERB_HELPERS}.get_potentially_retired_user_by_username",
                        get_potentially_retired_user_by_username)
    monkeypatch.setattr(f"{ERB_HELPERS}.get_course_overviews", overviews.get_course_overviews)
