"""The run-time handlers of openedx-scorm-xblock 19.x, answered for pages opened before the switch.

A learner whose page was loaded by 19.x keeps playing in it after the site switches packages: its script calls
``scorm_initialize``, ``scorm_get_value``, ``scorm_set_values`` (and the single ``scorm_set_value``) and
``scorm_terminate`` on the same block, with 19.x's JSON shapes. Each batch of values is stored as a commit of the
first SCO through ``scorm_commit``: validated by the run-time, graded and tracked like any other. A value the
run-time refuses is answered with its reason and dropped; the batch's other values are kept, since 19.x's script
does not resend them. Kept for one release after the switch, then removed (docs/upgrading.rst).
"""
import json
from dataclasses import replace
from urllib.parse import urlencode

from webob import Request
from xblock.exceptions import JsonHandlerError

from . import deliveries
from .commits import DELIVERY_PARAMETER, SCO_PARAMETER
from .json_handlers import json_handler
from .runtime import initial_values

# 19.x's names of the launch mode; what it answered for a page opened in Studio's preview.
MODE_ELEMENTS = frozenset({"cmi.core.lesson_mode", "cmi.mode"})
REVIEW_MODE = "review"
PREVIEW_URL_MARK = "preview"
SUCCESS = {"result": "success"}
# The delivery nonce of every page 19.x opened: its batches continue one session, as one page's commits do.
LEGACY_NONCE = "openedx-scorm-xblock"


def _(text):
    return text


NO_PACKAGE = _("No SCORM package has been uploaded to this component yet.")
NOT_FROM_19X = _("This page is out of date: reload it to continue.")
BAD_VALUE = _("Each value must name a SCORM data model element and give it a text or a number.")


def changes_of(data_list):
    """19.x's [{"name", "value"}, ...] as commit changes; None for an entry that is not one (numbers become text,
    as the browser API would have sent them)."""
    changes = []
    for entry in data_list if isinstance(data_list, list) else []:
        name = entry.get("name") if isinstance(entry, dict) else None
        value = entry.get("value") if isinstance(entry, dict) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = format(value, "g") if isinstance(value, float) else str(value)
        changes.append([name, value] if isinstance(name, str) and isinstance(value, str) else None)
    return changes


class LegacyHandlersMixin:
    """openedx-scorm-xblock's run-time handlers on ScormXBlock (ScormPlayerMixin provides the rest)."""

    def _legacy_delivery(self):
        """The query a POST of the player would carry: the first SCO of the served package, delivered to this
        learner under one fixed nonce, so that the page's batches continue one session."""
        items = self.launch_items()
        delivery = replace(deliveries.new_delivery(self.learner_key(), self.served_sha1(), self.first_sco_id(items),
                                                   self.runtime_standard()), nonce=LEGACY_NONCE)
        return {DELIVERY_PARAMETER: deliveries.sign(delivery), SCO_PARAMETER: delivery.sco}

    def _legacy_state(self):
        return self.stored_version().sco(self.first_sco_id(self.launch_items()))

    def _legacy_post(self, handler, data):
        """Call one of the player's POST handlers as its launcher page would."""
        return handler(_json_request(data, self._legacy_delivery()))

    def _legacy_commit(self, changes, terminate=False):
        """Store changes of the first SCO as the player's own commit would; the commit handler's response."""
        seq = self._legacy_state().get("seq", 0) + 1
        return self._legacy_post(self.scorm_commit, {"seq": seq, "changes": changes, "terminate": terminate})

    def _legacy_playable(self):
        """Only a block 19.x uploaded can have a page of 19.x open; only a package can be played."""
        if not self.package_meta:
            raise JsonHandlerError(404, self.gettext(NOT_FROM_19X))
        if self.runtime_standard() is None or not self.launch_items():
            raise JsonHandlerError(404, self.gettext(NO_PACKAGE))

    @json_handler
    def scorm_initialize(self, data, suffix=""):  # pylint: disable=unused-argument
        """The SCO's session starts, as the player's own Initialize starts it."""
        self._legacy_playable()
        self._legacy_post(self.sco_initialize, {})
        return SUCCESS

    @json_handler
    def scorm_terminate(self, data, suffix=""):  # pylint: disable=unused-argument
        """End the learner's session: its time counts, and the next launch resumes or starts anew."""
        self._legacy_playable()
        self._legacy_commit([], terminate=True)
        return SUCCESS

    @json_handler
    def scorm_get_value(self, data, suffix=""):  # pylint: disable=unused-argument
        """{"value": ...} of one element, as the launcher would seed the browser API with it now."""
        self._legacy_playable()
        name = data.get("name") if isinstance(data, dict) else None
        if name in MODE_ELEMENTS:
            return {"value": REVIEW_MODE if PREVIEW_URL_MARK in str(data.get("url", "")) else "normal"}
        standard = self.runtime_standard()
        learner_id, learner_name = self.learner_identity()
        values = initial_values(standard, self._legacy_state(), learner_id=learner_id, learner_name=learner_name,
                                **self.item_settings(standard))
        return {"value": values.get(name, "") if isinstance(name, str) else ""}

    @json_handler
    def scorm_set_values(self, data, suffix=""):  # pylint: disable=unused-argument
        """Store a batch; one answer per value: success, or the reason the run-time refused it."""
        self._legacy_playable()
        changes = changes_of(data)
        answers = [dict(SUCCESS) if change else self._bad_value() for change in changes]
        pending = [index for index, change in enumerate(changes) if change]
        while pending:
            response = self._legacy_commit([changes[index] for index in pending])
            if response.status_code == 200:
                break
            refusal = response.json_body
            refused = next((index for index in pending if changes[index][0] == refusal.get("element")), pending[0])
            answers[refused] = {"result": "error", "element": refusal.get("element"), "code": refusal.get("code"),
                                "error": refusal.get("error")}
            pending.remove(refused)
        grade = self.published_grade(self.stored_version())
        if grade and answers:
            answers[-1] = {**answers[-1], "grade": grade.get("value")}
        return answers

    @json_handler
    def scorm_set_value(self, data, suffix=""):  # pylint: disable=unused-argument
        """One value: 19.x's single-value form, answered like one entry of a batch."""
        response = self.scorm_set_values(_json_request([data]))
        if response.status_code != 200:  # refused whole (not a block 19.x uploaded, no package): the same answer
            raise JsonHandlerError(response.status_code, response.json_body.get("error", ""))
        return response.json_body[0]

    def _bad_value(self):
        return {"result": "error", "code": "bad_value", "error": self.gettext(BAD_VALUE)}


def _json_request(data, query=None):
    return Request.blank(f"/?{urlencode(query or {})}", method="POST", body=json.dumps(data).encode("utf-8"),
                         content_type="application/json")
