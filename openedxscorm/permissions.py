"""Who may call which handler of the block, and where: one table of handler -> role, one of (service, role) -> rule.

In the LMS every enrolled learner can reach every handler of a block, so a handler that changes the package or
its settings must check the caller itself. Authoring happens in Studio only; report handlers are for staff.
"""
import functools
import logging

from webob import Response

from . import compat
from .errors import ScormError, gettext_noop

log = logging.getLogger(__name__)

LEARNER = "learner"
AUTHOR = "author"
STAFF = "staff"

LMS = "lms"
STUDIO = "studio"
STANDALONE = "standalone"  # the XBlock SDK workbench and tests: the developer is the author
DEVSERVER = "devserver"  # this project's dev server: the developer is the author, staff only when it says so

# Django's ROOT_URLCONF tells the platform's two services apart; anything else is a standalone runtime.
SERVICES_BY_URLCONF = {
    "lms.urls": LMS,
    "cms.urls": STUDIO,
    "devserver.urls": DEVSERVER,
}

# Handlers whose role is known by name. A handler missing here gets its role from NAME_HINTS, else LEARNER.
HANDLER_ROLES = {
    "studio_submit": AUTHOR,
    "assets_proxy": LEARNER,
    "package_status": LEARNER,
    "launcher": LEARNER,
    "scorm_commit": LEARNER,
    "engine_state": LEARNER,
    "learner_state": LEARNER,
}

# Words in a handler's name that require more than a learner, checked in this order.
NAME_HINTS = (
    ("report", STAFF),
    ("staff", STAFF),
    ("studio", AUTHOR),
    ("settings", AUTHOR),
)

# Opt-in attributes of the user service's current user (the platform's DjangoXBlockUserService names).
USER_ID_ATTRIBUTE = "edx-platform.user_id"
USER_IS_STAFF_ATTRIBUTE = "edx-platform.user_is_staff"

# The attribute the guard leaves on a handler, so tests can check that every non-learner handler is guarded.
GUARD_ATTRIBUTE = "_openedxscorm_role"


class AccessDenied(ScormError):
    """The caller may not use this handler here."""

    MESSAGES = {
        "authoring_outside_studio": gettext_noop(
            "This component's package and settings can only be changed in Studio."),
        "no_studio_write_access": gettext_noop(
            "You need permission to edit this course in Studio to change this component."),
        "staff_only": gettext_noop("Only course staff can see this."),
    }


def role_of(handler_name):
    """The role a handler requires: from HANDLER_ROLES, else from a word of its name, else LEARNER."""
    if handler_name in HANDLER_ROLES:
        return HANDLER_ROLES[handler_name]
    return next((role for word, role in NAME_HINTS if word in handler_name), LEARNER)


def current_service():
    """LMS, STUDIO or STANDALONE, from Django's ROOT_URLCONF."""
    from django.conf import settings  # pylint: disable=import-outside-toplevel

    return SERVICES_BY_URLCONF.get(getattr(settings, "ROOT_URLCONF", None), STANDALONE)


def _current_user_attributes(block):
    service = block.runtime.service(block, "user")
    user = service.get_current_user() if service is not None else None
    return getattr(user, "opt_attrs", None) or {}


def _can_write_in_studio(block):
    user_id = _current_user_attributes(block).get(USER_ID_ATTRIBUTE)
    if user_id is None:
        return False
    return compat.has_studio_write_access(user_id, compat.course_key_of(block))


def _is_staff(block):
    return bool(_current_user_attributes(block).get(USER_IS_STAFF_ATTRIBUTE))


def _allowed(block):  # pylint: disable=unused-argument
    return True


def _refused(block):  # pylint: disable=unused-argument
    return False


# (service, role) -> (rule taking the block, the refusal code when the rule says no).
RULES = {
    (LMS, LEARNER): (_allowed, None),
    (STUDIO, LEARNER): (_allowed, None),
    (STANDALONE, LEARNER): (_allowed, None),
    (LMS, AUTHOR): (_refused, "authoring_outside_studio"),
    (STUDIO, AUTHOR): (_can_write_in_studio, "no_studio_write_access"),
    (STANDALONE, AUTHOR): (_allowed, None),
    (LMS, STAFF): (_is_staff, "staff_only"),
    (STUDIO, STAFF): (_can_write_in_studio, "staff_only"),
    (STANDALONE, STAFF): (_allowed, None),
    (DEVSERVER, LEARNER): (_allowed, None),
    (DEVSERVER, AUTHOR): (_allowed, None),
    (DEVSERVER, STAFF): (_is_staff, "staff_only"),  # ?staff=1 (devserver/staff_switch.py)
}


def check(block, role, service=None):
    """Raise AccessDenied unless the current user may act with ``role`` on the block in this service."""
    rule, code = RULES[(service or current_service(), role)]
    if not rule(block):
        raise AccessDenied(code)


def guarded(handler):
    """Wrap a handler (below @XBlock.handler) so that a caller without its role gets 403 and a message."""
    role = role_of(handler.__name__)

    @functools.wraps(handler)
    def guard(block, request, suffix=""):
        try:
            check(block, role)
        except AccessDenied as refusal:
            log.info("SCORM handler %s refused for %s: %s", handler.__name__, block.scope_ids.usage_id,
                     refusal.code)
            return Response(status=403, json_body={"error": refusal.render(block.gettext), "code": refusal.code})
        return handler(block, request, suffix)

    setattr(guard, GUARD_ATTRIBUTE, role)
    return guard
