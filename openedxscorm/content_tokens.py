"""Signed, expiring tokens that let the content view serve one package's files without loading the block.

The launcher, which has loaded the block and checked the learner's access, names in the token who may read
which tree: the learner, the course, the block and the package's sha1 (and, for a tree openedx-scorm-xblock
extracted, its folder). The token travels in the path of every file's URL, ``/scorm-content/<token>/<sha1>/...``,
so relative links inside the package keep it. It is the credential: a cookie-less content origin has no session
to check (docs/security.rst).
"""
from dataclasses import dataclass, fields

from django.core import signing
from django.urls import reverse

# Tokens signed for the content view only: a value signed by Django for anything else never passes here.
SALT = "openedxscorm.content-view"
# Grant field -> its key in the signed payload: short, since the token is in every URL of the package.
PAYLOAD_KEYS = {"learner": "u", "course": "c", "block": "b", "sha1": "s", "prefix": "p"}
URL_NAME = "openedxscorm:content"


class TokenRefused(Exception):
    """A token the content view does not honour; `code` is a key of content_view.REFUSALS."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ContentGrant:
    """What a token allows: reading the tree of `sha1` for this learner of this block."""

    learner: str
    course: str
    block: str
    sha1: str
    prefix: str = ""  # the tree's storage folder when it is not <LOCATION>/<sha1> (a tree 19.x extracted)


def make_token(grant):
    """The URL-safe token of a grant, stamped with the time it was made."""
    values = {item.name: getattr(grant, item.name) for item in fields(grant)}
    payload = {PAYLOAD_KEYS[name]: value for name, value in values.items() if value}
    return signing.dumps(payload, salt=SALT, compress=True)


def read_token(token, max_age):
    """The grant a token carries; TokenRefused("expired") once older than max_age seconds, TokenRefused("invalid")
    when it was not signed by this site for the content view or does not name a whole grant."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise TokenRefused("expired") from None
    except (signing.BadSignature, ValueError):
        raise TokenRefused("invalid") from None
    if not isinstance(payload, dict):
        raise TokenRefused("invalid")
    values = {name: payload.get(key, "") for name, key in PAYLOAD_KEYS.items()}
    if not all(isinstance(value, str) for value in values.values()) or not values["sha1"]:
        raise TokenRefused("invalid")
    return ContentGrant(**values)


def content_url(grant, launch_url):
    """The content view's URL of a package-relative launch URL (already quoted, with its query) under a new
    token for the grant."""
    base = reverse(URL_NAME, kwargs={"token": make_token(grant), "sha1": grant.sha1, "path": ""})
    return base + launch_url
