"""Warnings for authors about sequencing data the player does not honour (see docs/sequencing.rst)."""
from ..errors import Notice, gettext_noop


class SequencingNotice(Notice):
    MESSAGES = {
        "sequencing_unsupported": gettext_noop(
            "This package uses SCORM 2004 sequencing features the player does not support: %(elements)s. "
            "Learners can still play it, but these rules are ignored."),
    }
