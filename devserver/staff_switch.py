"""Learner by default, course staff with ``?staff=1``: the dev server's user says which, as the LMS's does.

The LMS's user service tells the block whether its user is course staff (``edx-platform.user_is_staff``); the
workbench's says nothing, so every workbench student used to see the staff results panel. A middleware reads the
switch from each request; the runtime built for that request gives its user the attribute, and the handler URLs
its blocks make keep the switch, so the staff panel's own requests stay staff.
"""
from contextvars import ContextVar

from openedxscorm.permissions import USER_IS_STAFF_ATTRIBUTE

QUERY_NAME = "staff"
STAFF = ContextVar("devserver_staff", default=False)


class StaffSwitchMiddleware:
    """Sets the switch of this request (``?staff=1``), and clears it afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = STAFF.set(request.GET.get(QUERY_NAME) == "1")
        try:
            return self.get_response(request)
        finally:
            STAFF.reset(token)


def mark_user(runtime):
    """Give the runtime's current user the platform's staff attribute, from this request's switch."""
    user = runtime._services["user"].get_current_user()  # pylint: disable=protected-access  (no block to ask for)
    user.opt_attrs[USER_IS_STAFF_ATTRIBUTE] = STAFF.get()


def with_switch(query):
    """A handler URL's query, carrying the switch when it is on."""
    if not STAFF.get():
        return query
    return f"{query}&{QUERY_NAME}=1" if query else f"{QUERY_NAME}=1"
