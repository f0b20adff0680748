"""Every import from the Open edX platform, each done lazily in one small function.

Nothing else in the package imports ``xmodule.*`` or ``openedx.*``: outside the platform (tests, the workbench)
these functions are the whole surface a stand-in has to provide. tests/fake_platform holds the contract fake.
"""
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
    assets, _total = contentstore().get_all_content_for_course(course_key)
    return [asset["asset_key"] for asset in assets]


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
