"""The run-time's POSTs: a SCO's session start (Initialize), its commits and the sequencing engine's state, each
accepted only for the SCO and package version the launcher delivered (deliveries.py), and written under the
learner's lock (learner_store.writing). Grade and completion are published from the commit of the package the
block plays now."""
import json
import logging
import time

from webob import Response
from xblock.core import XBlock

from . import deliveries
from . import learner_store as store
from .json_handlers import PARSED_AS_FORM
from .player_navigation import engine
from .runtime import CommitRejected, CommitResult, apply_commit, finish_session, load_state, start_session

log = logging.getLogger(__name__)

PREVIEW_PARAMETER = "preview"
SCO_PARAMETER = "sco"  # which SCO a commit belongs to
DELIVERY_PARAMETER = "delivery"  # the signed note of the SCO and version the launcher delivered (deliveries.py)
# Nonces of the deliveries whose session a SCO state remembers: a late POST from an older page of the same SCO
# (another tab) continues its session instead of starting a new one.
REMEMBERED_DELIVERIES = 8
COMMIT_FORM_FIELD = "commit"  # sendBeacon posts the commit's JSON in this form field, beside csrfmiddlewaretoken
# A commit names nothing but its own changes: a learner, block or SCO named in it is refused, not ignored.
COMMIT_KEYS = frozenset({"seq", "changes", "terminate"})
JSON_CONTENT_TYPES = ("application/json",)
STATE_TOO_LARGE = "state_too_large"


def _(text):
    return text


NOT_DELIVERED = _("This page is out of date or was not opened by this course: reload the page to continue.")


def is_preview(request):
    return request.GET.get(PREVIEW_PARAMETER) == "1"


def _refusal(code, error, status=400):
    return Response(status=status, json_body={"result": "rejected", "code": code, "error": error})


class ScormCommitsMixin:
    """Session start, commits and engine state of ScormXBlock (ScormPlayerMixin provides progress and grading)."""

    def start_delivery(self, writer, delivery, now):
        """The SCO's state once the session of this delivery is open: the first POST of a delivery (Initialize, or
        a commit that overtook it) ends the sessions other SCOs left open and starts this one; later POSTs of the
        same page, or of an older page of the same SCO, continue it."""
        state = load_state(delivery.standard, writer.state.sco(delivery.sco))
        if delivery.nonce in state.get("deliveries", ()):
            return state
        for identifier, other in list(writer.state.scos.items()):
            if identifier != delivery.sco and load_state(delivery.standard, other)["session"]:
                writer.put_sco(identifier, finish_session(delivery.standard, other, now=now))
        state = start_session(delivery.standard, state, now=now, objective_ids=self.delivered_objectives(delivery))
        state["deliveries"] = [*state.get("deliveries", ())[-(REMEMBERED_DELIVERIES - 1):], delivery.nonce]
        writer.put_sco(delivery.sco, state)
        writer.put_fields(current_sco=delivery.sco)
        return state

    def nothing_published(self, delivery):
        """What a version's first commit publishes against: {} (publish everything, replacing what another version
        published) when the learner has a grade or completion from another version; else a baseline of no
        completion, so only what the commit earned is published."""
        others = (version.published for version in store.versions(self.learner_key()) if version.sha1 != delivery.sha1)
        return {} if any(others) else {"completion": 0.0}

    def delivery_of(self, request):
        """The delivery a POST names (verified), or None."""
        return deliveries.verify(request.GET.get(DELIVERY_PARAMETER), self.learner_key())

    @XBlock.handler
    def sco_initialize(self, request, suffix=""):  # pylint: disable=unused-argument
        """The SCO called Initialize: its session starts (posted by the launcher page with its delivery)."""
        if request.method != "POST":
            return Response(status=405)
        delivery = self.delivery_of(request)
        if delivery is None:
            return _refusal("not_delivered", self.gettext(NOT_DELIVERED))
        if is_preview(request):
            return Response(json_body={"result": "ignored"})
        with self.writing_version(delivery.sha1, delivery.standard) as writer:
            state = self.start_delivery(writer, delivery, time.time())
        return Response(json_body={"result": "started", "seq": state.get("seq", 0)})

    @XBlock.handler
    def scorm_commit(self, request, suffix=""):  # pylint: disable=unused-argument
        """Store a commit of the browser API: {seq, changes: [[element, value], ...], terminate}, for the SCO and
        package version its `delivery` names (the version it played, even after a new package was published).

        JSON from fetch, or the form a sendBeacon posts while the page goes away. A refused commit changes
        nothing and answers 400 with the element and the reason; a stale or repeated one is ignored."""
        if request.method != "POST":
            return Response(status=405)
        payload = _commit_payload(request)
        if payload is None:
            return _refusal("bad_commit", self.gettext("The commit is malformed."))
        delivery = self.delivery_of(request)
        named = request.GET.get(SCO_PARAMETER)
        if delivery is None or (named and named != delivery.sco):
            return _refusal("not_delivered", self.gettext(NOT_DELIVERED))
        return self.answer_commit(delivery, payload, preview=is_preview(request))

    def answer_commit(self, delivery, payload, preview=False):
        """The response to a commit of a delivered SCO: stored, ignored (stale seq) or refused with its reason."""
        limits = self.block_settings()
        try:
            if preview:
                result = self.check_commit(self.stored_version(delivery.sha1), delivery, payload, limits)
            else:
                result = self.store_commit(delivery, payload, limits)
        except CommitRejected as refusal:
            log.info("SCORM commit refused for %s: %s %s", self.scope_ids.usage_id, refusal.code, refusal.element)
            return Response(status=400, json_body={
                "result": "rejected", "element": refusal.element, "code": refusal.code,
                "scorm_code": refusal.scorm_code, "error": refusal.render(self.gettext)})
        if not result.applied:
            return Response(json_body={"result": "ignored", "seq": result.state.get("seq", 0)})
        return Response(json_body={"result": "stored", "seq": result.state["seq"]})

    def check_commit(self, version, delivery, payload, limits, now=None):
        """The commit applied to the SCO's state (CommitRejected when refused): every change validated, the
        whole of the learner's state in the block within MAX_STATE_SIZE; a terminate ends the session."""
        limit = limits["MAX_STATE_SIZE"]
        budget = limit - version.size_without(delivery.sco)
        try:
            result = apply_commit(delivery.standard, version.sco(delivery.sco), payload.get("changes"),
                                  seq=payload.get("seq"), limits={**limits, "MAX_STATE_SIZE": budget}, now=now)
        except CommitRejected as refusal:
            if refusal.code == STATE_TOO_LARGE:
                raise CommitRejected(STATE_TOO_LARGE, element=refusal.element, standard=delivery.standard,
                                     limit=limit) from None
            raise
        if result.applied and payload.get("terminate") is True:
            result = CommitResult(finish_session(delivery.standard, result.state, now=now), True)
        return result

    def store_commit(self, delivery, payload, limits):
        """Apply and store a commit under the learner's lock; grade and completion are published when the
        commit is for the package the block plays now."""
        now = time.time()
        current = delivery.sha1 == self.served_sha1() and delivery.standard == self.runtime_standard()
        with self.writing_version(delivery.sha1, delivery.standard) as writer:
            before = self.progress(delivery.standard, writer.state) if current else None
            self.start_delivery(writer, delivery, now)
            result = self.check_commit(writer.state, delivery, payload, limits, now=now)
            if result.applied:
                writer.put_sco(delivery.sco, result.state)
                if current:
                    published = self.publish_outcome(before, self.progress(delivery.standard, writer.state),
                                                     writer.state.published or self.nothing_published(delivery))
                    writer.put_fields(published=published)
        return result

    @XBlock.handler
    def engine_state(self, request, suffix=""):  # pylint: disable=unused-argument
        """Keep the state the browser's sequencing engine serialized before it moved to another SCO:
        {"state": "..."}, opaque, for the package version the page plays; with the SCOs' states, within
        MAX_STATE_SIZE. Nothing is stored in preview."""
        if request.method != "POST":
            return Response(status=405)
        delivery = self.delivery_of(request)
        if delivery is None:
            return _refusal("not_delivered", self.gettext(NOT_DELIVERED))
        try:  # a multipart body holds no JSON, and the platform may have consumed it (json_handlers.py)
            payload = None if request.content_type in PARSED_AS_FORM else json.loads(request.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: JSON nested too deep
            payload = None
        limit = self.block_settings()["MAX_STATE_SIZE"]
        record, refusal = engine.state_record(payload, delivery.sha1, limit)
        if refusal is None and not is_preview(request):
            with self.writing_version(delivery.sha1, delivery.standard) as writer:
                room = limit - writer.state.size + len(writer.state.engine_state.encode("utf-8"))
                refusal = engine.state_record(payload, delivery.sha1, room)[1]
                if refusal is None:
                    writer.put_engine_state(record["state"])
        if refusal:
            status, reason = engine.STATE_REFUSALS[refusal]
            return Response(status=status, json_body={"result": "rejected", "code": refusal, "error": reason})
        if is_preview(request):
            return Response(json_body={"result": "ignored"})
        return Response(json_body={"result": "stored"})


def _commit_payload(request):
    """The commit as a dict, from a JSON body or from the beacon's form field; None when unreadable."""
    try:
        if request.content_type in JSON_CONTENT_TYPES:
            payload = json.loads(request.body.decode("utf-8"))
        else:
            payload = json.loads(request.POST.get(COMMIT_FORM_FIELD, ""))
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: JSON nested too deep
        return None
    return payload if isinstance(payload, dict) and COMMIT_KEYS.issuperset(payload) else None
