"""JSON handlers that answer every body: a multipart body is a 400, not a 500.

XBlock's ``json_handler`` reads the raw request body. The platform's handler views (and the dev server's) hand the
block a Django request, and Django's CSRF check reads ``request.POST`` of every POST first: for a multipart body
that consumes the stream, and reading the raw body afterwards raises, a 500. A multipart body holds no JSON, so
the handler refuses it before reading anything, with the answer XBlock gives to any body that is not JSON.
"""
import functools

from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError

# Bodies a JSON handler never reads: the platform may already have parsed (and consumed) them as a form.
PARSED_AS_FORM = ("multipart/form-data",)


def json_handler(method):
    """XBlock.json_handler, refusing a multipart body with 400 before it is read."""
    parse_and_answer = XBlock.json_handler(method)

    @XBlock.handler
    @functools.wraps(method)
    def handler(self, request, suffix=""):
        if request.method == "POST" and request.content_type in PARSED_AS_FORM:
            return JsonHandlerError(400, "Invalid JSON").get_response()
        return parse_and_answer(self, request, suffix)

    return handler
