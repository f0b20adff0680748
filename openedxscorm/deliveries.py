"""Which SCO the server delivered to whom: a signed note the launcher page carries to every POST it makes.

The launcher (a GET) writes nothing. It chooses the SCO under the sequencing rules and signs what it delivered:
the learner, the block, the package version, the SCO, its standard and a nonce naming this delivery. The SCO's
Initialize and its commits post the note back; the server accepts them only for the SCO and version it names, and
the first POST with a new nonce starts the SCO's session. A note the learner did not get from the server (another
SCO, another learner, a forged or expired one) is refused.
"""
import secrets
from dataclasses import asdict, dataclass

from django.core import signing

SALT = "openedxscorm.delivery"
# How long a page may stay open and still store what its SCO sends.
MAX_AGE_SECONDS = 7 * 24 * 60 * 60
NONCE_BYTES = 8


@dataclass(frozen=True)
class Delivery:
    learner: str
    usage_key: str
    sha1: str
    sco: str
    standard: str
    nonce: str


def new_delivery(key, sha1, sco, standard):
    """A delivery of `sco` of package `sha1` to the learner of `key` (learner_store.LearnerKey)."""
    return Delivery(key.learner, key.usage_key, sha1, sco, standard, secrets.token_hex(NONCE_BYTES))


def sign(delivery):
    return signing.dumps(asdict(delivery), salt=SALT, compress=True)


def verify(token, key, max_age=MAX_AGE_SECONDS):
    """The Delivery a token names, when the server signed it for this learner and block and it has not expired;
    else None."""
    if not isinstance(token, str) or not token:
        return None
    try:
        fields = signing.loads(token, salt=SALT, max_age=max_age)
        delivery = Delivery(**fields)
    except (signing.BadSignature, TypeError):
        return None
    if (delivery.learner, delivery.usage_key) != (key.learner, key.usage_key):
        return None
    return delivery
