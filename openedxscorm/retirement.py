"""User retirement: a retired learner's SCORM state is erased from every block (the tables of models.py)."""
import logging

from . import compat
from . import learner_store as store

log = logging.getLogger(__name__)
DISPATCH_UID = "openedxscorm.retire_learner"


def retire_learner(sender, user=None, **kwargs):  # pylint: disable=unused-argument
    """Receiver of the platform's retirement signal."""
    if user is None:
        return
    erased = store.delete_learner(user.pk)
    log.info("SCORM learner state of retired user %s erased (%s package versions)", user.pk, erased)


def connect():
    """Listen to the platform's retirement signal, where there is one; True when connected."""
    signal = compat.retirement_signal()
    if signal is None:
        return False
    signal.connect(retire_learner, dispatch_uid=DISPATCH_UID)
    return True
