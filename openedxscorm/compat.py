"""Every import from the Open edX platform, each done lazily in one small function.

Nothing else in the package imports ``xmodule.*`` or ``openedx.*``: outside the platform (tests, the workbench)
these functions are the whole surface a stand-in has to provide. openedxscorm_support/fake_platform holds the
contract fake.
"""
import json

from opaque_keys.edx.locator import LibraryLocatorV2

SCORM_CATEGORY = "scorm"

# Branch names used by this package -> the ModuleStoreEnum.RevisionOption attribute that reads only that branch.
REVISIONS = {
    "draft": "draft_only",
    "published": "published_only",
}


# -- the platform's objects ---------------------------------------------------------------------------------

def contentstore():
    """The course assets store ("Files & Uploads")."""
    from xmodule.contentstore.django import contentstore as get_contentstore  # pylint: disable=import-outside-toplevel

    return get_contentstore()


def static_content_class():
    """xmodule's StaticContent: builds asset keys and the objects the contentstore saves."""
    from xmodule.contentstore.content import StaticContent  # pylint: disable=import-outside-toplevel

    return StaticContent


def not_found_error():
    """The exception the contentstore raises for a missing asset."""
    from xmodule.exceptions import NotFoundError  # pylint: disable=import-outside-toplevel

    return NotFoundError


def modulestore():
    """The course blocks store."""
    from xmodule.modulestore.django import modulestore as get_modulestore  # pylint: disable=import-outside-toplevel

    return get_modulestore()


def revision_option(branch):
    """ModuleStoreEnum.RevisionOption value reading only ``branch`` ("draft" or "published")."""
    from xmodule.modulestore import ModuleStoreEnum  # pylint: disable=import-outside-toplevel

    return getattr(ModuleStoreEnum.RevisionOption, REVISIONS[branch])


def del_cached_content(location):
    """Evict an asset from the platform's content cache; a no-op where that app is not installed."""
    try:
        from openedx.core.djangoapps.contentserver.caching import (  # pylint: disable=import-outside-toplevel
            del_cached_content as evict,
        )
    except ImportError:
        return
    evict(location)


# -- keys ---------------------------------------------------------------------------------------------------

def course_key_of(block):
    """The key of the course (or library) holding a block."""
    return block.scope_ids.usage_id.context_key


def is_library_v2(context_key):
    """True for a v2 content library, which has no contentstore."""
    return isinstance(context_key, LibraryLocatorV2)


def canonical_usage_key(usage_key):
    """A usage key without branch or version, so one block has one string on every branch."""
    return str(usage_key.version_agnostic().for_branch(None))


# -- assets -------------------------------------------------------------------------------------------------

def asset_location(course_key, path):
    """The AssetKey the platform gives ``path`` in this course ("a/b.zip" becomes block "a_b.zip")."""
    return static_content_class().compute_location(course_key, path)


def save_asset(location, name, content_type, data, *, locked, length=None):
    """Save (overwrite) an asset; ``data`` may be an iterable of byte chunks, which the contentstore streams."""
    content = static_content_class()(location, name, content_type, data, locked=locked, length=length)
    contentstore().save(content)


def find_asset(location):
    """The asset as a stream (``stream_data()`` yields chunks; ``close()`` it after), or None when missing."""
    return contentstore().find(location, throw_on_not_found=False, as_stream=True)


def delete_asset(location):
    """Delete an asset (missing is fine) and evict it from the content cache."""
    contentstore().delete(location)
    del_cached_content(location)


def list_course_assets(course_key):
    """The AssetKeys of every asset of a course."""
    return [asset_key for asset_key, _uploaded_at in course_asset_uploads(course_key)]


def course_asset_uploads(course_key):
    """(AssetKey, upload datetime or None) of every asset of a course: its row's ``uploadDate``."""
    assets, _total = contentstore().get_all_content_for_course(course_key)
    return [(asset["asset_key"], asset.get("uploadDate")) for asset in assets]


# -- blocks -------------------------------------------------------------------------------------------------

def scorm_items(course_key, branches=tuple(REVISIONS)):
    """{branch: [SCORM blocks]} for the course, every branch read inside one bulk operation."""
    store = modulestore()
    with store.bulk_operations(course_key):
        return {
            branch: store.get_items(course_key, qualifiers={"category": SCORM_CATEGORY},
                                    revision=revision_option(branch))
            for branch in branches
        }


def course_keys():
    """Keys of every course in the modulestore."""
    return [summary.id for summary in modulestore().get_course_summaries()]


# -- users --------------------------------------------------------------------------------------------------

def has_studio_write_access(user_id, course_key):
    """True when the Django user with this id may edit the course in Studio (course staff, instructors, admins)."""
    from common.djangoapps.student.auth import (  # pylint: disable=import-outside-toplevel
        has_studio_write_access as platform_has_studio_write_access,
    )
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel

    user = get_user_model().objects.filter(pk=user_id).first()
    return user is not None and bool(platform_has_studio_write_access(user, course_key))


# -- learners and their state (staff results) ---------------------------------------------------------------

def student_module_class():
    """The LMS model holding every learner's user_state of every block (courseware_studentmodule)."""
    from lms.djangoapps.courseware.models import StudentModule  # pylint: disable=import-outside-toplevel

    return StudentModule


def enrollment_class():
    """The LMS model of course enrollments."""
    from common.djangoapps.student.models import CourseEnrollment  # pylint: disable=import-outside-toplevel

    return CourseEnrollment


def is_enrolled(user, course_key):
    """True when the Django user is actively enrolled in the course."""
    return bool(enrollment_class().is_enrolled(user, course_key))


def find_enrolled_learner(course_key, username_or_email):
    """{id, username, email} of the enrolled learner with this username (exact) or email (any case), else None."""
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel

    enrollments = enrollment_class()
    lookup = "email__iexact" if "@" in username_or_email else "username"
    user = get_user_model().objects.filter(**{lookup: username_or_email.strip()}).first()
    if user is None or not enrollments.is_enrolled(user, course_key):
        return None
    return {"id": user.pk, "username": user.username, "email": user.email}


def _learner_row(module):
    try:
        state = json.loads(module.state or "{}")
    except ValueError:
        state = {}
    modified = getattr(module, "modified", None)
    return {"id": module.student_id, "username": module.student.username, "email": module.student.email,
            "modified": modified.isoformat() if modified else "", "state": state}


def learner_block_states(course_key, usage_key, chunk_size=500):
    """Every learner's stored state of one block, as {id, username, email, modified, state}, read in chunks so
    that a large course is never in memory at once."""
    modules = student_module_class().objects.filter(course_id=course_key, module_state_key=usage_key)
    rows = modules.select_related("student").order_by("student_id").iterator(chunk_size=chunk_size)
    return (_learner_row(module) for module in rows)


def learner_block_state(course_key, usage_key, user_id):
    """One learner's stored state of the block ({id, username, email, modified, state}), or None."""
    module = student_module_class().objects.filter(course_id=course_key, module_state_key=usage_key,
                                                   student_id=user_id).select_related("student").first()
    return _learner_row(module) if module is not None else None


def replace_learner_block_state(course_key, usage_key, user_id, changes, removed=()):
    """Overwrite some user_state fields of one learner's block state (and drop others); False when none is stored."""
    module = student_module_class().objects.filter(course_id=course_key, module_state_key=usage_key,
                                                   student_id=user_id).first()
    if module is None:
        return False
    state = {name: value for name, value in json.loads(module.state or "{}").items() if name not in removed}
    module.state = json.dumps({**state, **changes})
    module.save()
    return True


def user_of_anonymous_id(anonymous_id):
    """The Django user id behind a course's anonymous user id (what the instructor tools pass to
    clear_student_state), or None."""
    from common.djangoapps.student.models import user_by_anonymous_id  # pylint: disable=import-outside-toplevel

    user = user_by_anonymous_id(anonymous_id)
    return user.pk if user is not None else None


def learner_summary(learner_id):
    """{id, username, email} of the user a learner id names (the LMS's user id); the id itself as username where no
    such user exists (workbench learners)."""
    from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel

    text = str(learner_id)
    user = get_user_model().objects.filter(pk=int(text)).first() if text.isdigit() else None
    if user is None:
        return {"id": text, "username": text, "email": ""}
    return {"id": user.pk, "username": user.username, "email": user.email}


def retirement_signal():
    """The LMS signal sent while a user's account is retired (its `user` argument is the Django user); None outside
    the LMS."""
    try:
        from openedx.core.djangoapps.user_api.accounts.signals import (  # pylint: disable=import-outside-toplevel
            USER_RETIRE_LMS_MISC,
        )
    except ImportError:
        return None
    return USER_RETIRE_LMS_MISC
