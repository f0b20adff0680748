"""The learner of a browser, remembered in a cookie, as the LMS knows its user from the session.

The workbench names its user by ``?student=`` on every request. Package file URLs carry no such parameter (a SCO
sees its launch URL as the manifest writes it), so without this every file request would be the workbench's
default student, and what depends on the learner (the previous package version's files stay servable to the
learners who played it) would answer for the wrong one. A page or handler opened with ``?student=`` sets the
cookie; a request without the parameter is that learner's.
"""
COOKIE_NAME = "devserver_student"
QUERY_NAME = "student"


class StudentCookieMiddleware:
    """Fills in ``?student=`` from the cookie where a request lacks it, and remembers the one a request names."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        named = request.GET.get(QUERY_NAME)
        remembered = request.COOKIES.get(COOKIE_NAME)
        if not named and remembered:
            query = request.GET.copy()
            query[QUERY_NAME] = remembered
            request.GET = query
        response = self.get_response(request)
        if named and named != remembered:
            response.set_cookie(COOKIE_NAME, named, samesite="Lax", httponly=True)
        return response
