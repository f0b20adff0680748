"""Contract fake of the LMS learner data compat.py reads for staff results: enrollments
(common.djangoapps.student.models.CourseEnrollment.is_enrolled), anonymous ids (user_by_anonymous_id), the
retirement signal (openedx.core.djangoapps.user_api.accounts.signals.USER_RETIRE_LMS_MISC) and the per-learner
block state (lms.djangoapps.courseware.models.StudentModule: student, student_id, course_id, module_state_key, state
as JSON text, modified), with the queryset calls compat makes. Users are real django.contrib.auth users.
"""
import contextlib
import hashlib
import json
import types
from datetime import datetime, timezone

from django.dispatch import Signal

from openedxscorm_support.fake_platform import swapped_modules


class FakeQuerySet(list):
    """The queryset methods compat uses: filter (exact), select_related, order_by, iterator, first."""

    def filter(self, **lookups):
        return FakeQuerySet(row for row in self if all(getattr(row, name) == value for name, value in lookups.items()))

    def select_related(self, *names):  # pylint: disable=unused-argument
        return self

    def order_by(self, name):
        return FakeQuerySet(sorted(self, key=lambda row: getattr(row, name)))

    def iterator(self, chunk_size=2000):
        if chunk_size is None or chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        return iter(list(self))

    def first(self):
        return self[0] if self else None


class FakeStudentModule:
    """One row of courseware_studentmodule."""

    store = None  # set by FakeLearners

    def __init__(self, student, course_id, module_state_key, state):
        self.student = student
        self.student_id = student.pk
        self.course_id = course_id
        self.module_state_key = module_state_key
        self.state = state
        self.modified = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
        self.saved = 0

    def save(self):
        self.saved += 1


class _Manager:
    def __init__(self, rows):
        self.rows = rows

    def filter(self, **lookups):
        return FakeQuerySet(self.rows).filter(**lookups)


class FakeLearners:
    """Enrollments and StudentModule rows, installable under the LMS's module names."""

    def __init__(self):
        self.enrolled = set()
        self.modules = []
        self.anonymous_ids = {}  # anonymous id -> user
        self.retirement_signal = Signal()

    def enroll(self, user, course_key):
        self.enrolled.add((user.pk, str(course_key)))

    def anonymous_id(self, user, course_key):
        """Like common.djangoapps.student.models.anonymous_id_for_user: a per-course digest, remembered."""
        digest = hashlib.md5(f"{user.pk}|{course_key}".encode(), usedforsecurity=False).hexdigest()
        self.anonymous_ids[digest] = user
        return digest

    def store_state(self, user, course_key, usage_key, state):
        row = FakeStudentModule(user, course_key, usage_key, json.dumps(state))
        self.modules.append(row)
        return row

    def state_of(self, user, usage_key):
        row = next(row for row in self.modules if row.student_id == user.pk and row.module_state_key == usage_key)
        return json.loads(row.state)

    def modules_map(self):
        learners = self

        class CourseEnrollment:
            @classmethod
            def is_enrolled(cls, user, course_key):
                return (user.pk, str(course_key)) in learners.enrolled

        class StudentModule(FakeStudentModule):
            objects = _Manager(self.modules)

        def module(name, **attributes):
            built = types.ModuleType(name)
            built.__dict__.update(attributes)
            return built

        def user_by_anonymous_id(uid):
            """common.djangoapps.student.models.user_by_anonymous_id: the User of an anonymous id, None when
            unknown or None (never raises)."""
            return learners.anonymous_ids.get(uid) if uid is not None else None

        return {
            "openedx": module("openedx", __path__=[]),
            "openedx.core": module("openedx.core", __path__=[]),
            "openedx.core.djangoapps": module("openedx.core.djangoapps", __path__=[]),
            "openedx.core.djangoapps.user_api": module("openedx.core.djangoapps.user_api", __path__=[]),
            "openedx.core.djangoapps.user_api.accounts": module("openedx.core.djangoapps.user_api.accounts",
                                                                __path__=[]),
            # openedx/core/djangoapps/user_api/accounts/signals.py: a plain Signal sent with user=<User>
            "openedx.core.djangoapps.user_api.accounts.signals": module(
                "openedx.core.djangoapps.user_api.accounts.signals", USER_RETIRE_LMS_MISC=self.retirement_signal),
            "common": module("common", __path__=[]),
            "common.djangoapps": module("common.djangoapps", __path__=[]),
            "common.djangoapps.student": module("common.djangoapps.student", __path__=[]),
            "common.djangoapps.student.models": module("common.djangoapps.student.models",
                                                       CourseEnrollment=CourseEnrollment,
                                                       user_by_anonymous_id=user_by_anonymous_id),
            "lms": module("lms", __path__=[]),
            "lms.djangoapps": module("lms.djangoapps", __path__=[]),
            "lms.djangoapps.courseware": module("lms.djangoapps.courseware", __path__=[]),
            "lms.djangoapps.courseware.models": module("lms.djangoapps.courseware.models", StudentModule=StudentModule),
        }


@contextlib.contextmanager
def installed_learners(learners):
    """Put the fake under the LMS's module names for the duration, then restore what was there."""
    with swapped_modules(("common", "lms", "openedx"), learners.modules_map()):
        yield learners
