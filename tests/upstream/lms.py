"""This block on a site that ran openedx-scorm-xblock 19.0.5: the same field store, the same storage.

The runtime is shaped like the LMS's: real course and usage keys, each learner's own user_state, the settings
service with the site's XBLOCK_SETTINGS bucket, the user service with the platform's attributes.
"""
from xblock.fields import ScopeIds
from xblock.reference.user_service import XBlockUser

from openedxscorm.block import ScormXBlock
from openedxscorm_support.block_runtime import BlockTestRuntime, CurrentUserService
from tests.upstream import field_store


def lms_user(learner):
    user = XBlockUser(is_current_user=True, emails=[f"{learner['username']}@example.com"],
                      full_name=learner["full_name"])
    user.opt_attrs.update({"edx-platform.user_id": learner["id"], "edx-platform.username": learner["username"],
                           "edx-platform.user_is_staff": False})
    return user


class SwitchedBlock:
    """Our block over a site's field store for one learner (None: Studio); ``save()`` writes the store back."""

    def __init__(self, site, learner=None, **xblock_settings):
        self.site = site
        self.store = site.store()
        user_id = learner["id"] if learner else None
        storage = site.storage
        runtime = BlockTestRuntime(
            xblock_settings={"LOCATION": "scorm", "STORAGE_FUNC": lambda block: storage, **xblock_settings},
            field_data=field_store.StoreFieldData(self.store, user_id))
        if learner:
            runtime._services["user"] = CurrentUserService(user=lms_user(learner))  # pylint: disable=protected-access
        self.runtime = runtime
        self.block = runtime.construct_xblock_from_class(
            ScormXBlock, ScopeIds(user_id, "scorm", site.usage_key, site.usage_key))

    def save(self):
        self.block.save()
        field_store.dump(self.store, self.site.store_path)
        return self.block
