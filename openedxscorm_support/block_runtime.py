"""A small XBlock runtime for block tests: real XBlock field machinery, real opaque keys, recorded events."""
from opaque_keys.edx.locator import CourseLocator
from xblock.field_data import DictFieldData
from xblock.fields import ScopeIds
from xblock.reference.user_service import UserService, XBlockUser
from xblock.runtime import NullI18nService
from xblock.test.tools import TestRuntime

from openedxscorm.block import ScormXBlock


class SettingsService:
    """Like the platform's: the block's bucket of XBLOCK_SETTINGS."""

    def __init__(self, buckets):
        self.buckets = buckets

    def get_settings_bucket(self, block, default=None):
        return self.buckets.get(block.block_settings_key, default if default is not None else {})


class CurrentUserService(UserService):
    """The user service as the LMS offers it: the current user with the platform's opt_attrs."""

    def get_current_user(self):
        return self._user


class BlockTestRuntime(TestRuntime):
    """Handlers get URLs shaped like the LMS's; published events are kept for assertions."""

    def __init__(self, xblock_settings=None, user_is_staff=False, field_data=None):
        user = XBlockUser(is_current_user=True, emails=["learner@example.com"], full_name="Learner One")
        user.opt_attrs["edx-platform.user_is_staff"] = user_is_staff
        user.opt_attrs["edx-platform.user_id"] = 7
        user.opt_attrs["edx-platform.username"] = "learner"
        super().__init__(services={
            "settings": SettingsService({"ScormXBlock": dict(xblock_settings or {})}),
            "i18n": NullI18nService(),
            "user": CurrentUserService(user=user),
            "field-data": field_data or DictFieldData({}),
        })
        self.events = []

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        url = f"/xblock/{block.scope_ids.usage_id}/handler/{handler_name}"
        if suffix:
            url += "/" + suffix
        return url + (f"?{query}" if query else "")

    def publish(self, block, event_type, event_data):
        self.events.append((event_type, event_data))

    def local_resource_url(self, block, uri):
        return f"/static/{uri}"

    def resource_url(self, resource):
        return f"/static/{resource}"


def course_key(org="Org", course="SCORM101", run="2026"):
    return CourseLocator(org, course, run)


def make_block(runtime=None, usage_name="scorm1", key=None, field_data=None, **settings):
    """A ScormXBlock in a course, on the given (or a fresh) runtime; field_data shared means persisted state."""
    runtime = runtime or BlockTestRuntime(xblock_settings=settings, field_data=field_data)
    usage_id = (key or course_key()).make_usage_key("scorm", usage_name)
    scope_ids = ScopeIds("learner", "scorm", usage_id, usage_id)
    return runtime.construct_xblock_from_class(ScormXBlock, scope_ids)
