"""The SCORM run-time inside the block: the launcher page that hosts the browser API, the commit handler,
the learner's state, and the grade and completion it earns.

Each block's iframe loads its own launcher document (same origin), which holds one scorm-again API as
`window.API` (1.2) or `window.API_1484_11` (2004) and frames the SCO: the SCO's discovery, walking its
parents, finds the API of its own block, so several SCORM blocks on a page keep separate state.
"""
import json
import logging
import time

from webob import Response
from xblock.completable import CompletableXBlockMixin
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Float, Scope, String

from . import scoring, vendor
from .launch_settings import launch_settings, standard_of_version, writable_patterns
from .runtime import CommitRejected, apply_commit, derive, finish_session, initial_values, start_session

log = logging.getLogger(__name__)

# What a learner is called in the SCO (cmi.core.student_id / cmi.learner_id): the first user attribute found.
LEARNER_ID_ATTRIBUTES = ("edx-platform.user_id", "xblock-workbench.user_id")
LEARNER_NAME_ATTRIBUTES = ("edx-platform.username",)
# Launch modes: what the launcher tells the SCO, and whether anything the learner does counts.
MODES = {
    False: {"mode": "normal", "credit": True},
    True: {"mode": "browse", "credit": False},  # Studio preview: try the package, nothing is recorded
}
PREVIEW_PARAMETER = "preview"
COMMIT_FORM_FIELD = "commit"  # sendBeacon posts the commit's JSON in this form field, beside csrfmiddlewaretoken
# A commit names nothing but its own changes: a learner, block or SCO named in it is refused, not ignored.
COMMIT_KEYS = frozenset({"seq", "changes", "terminate"})
JSON_CONTENT_TYPES = ("application/json",)
MAX_WEIGHT = 1000.0
CHECKED = ("true", "on", "1")  # what a checkbox or a boolean select sends for "yes"


def _(text):
    return text


def _is_preview(request):
    return request.GET.get(PREVIEW_PARAMETER) == "1"


class ScormPlayerMixin(CompletableXBlockMixin):
    """Run-time handlers, learner state and grading fields of ScormXBlock."""

    # The built browser files live under static/ (static/vendor/scorm-again): serve that folder through
    # runtime.local_resource_url, like XBlock's default public/ folder.
    public_dir = "static"

    weight = Float(display_name=_("Problem weight"), default=1.0, scope=Scope.settings, values={"min": 0},
                   help=_("Points the package is worth in the gradebook."))
    has_score = Boolean(display_name=_("Scored"), default=True, scope=Scope.settings,
                        help=_("Whether the package's score counts in the gradebook."))
    completion_on = String(
        display_name=_("Complete when"), default=scoring.COMPLETION_ON_STATUS, scope=Scope.settings,
        values=[{"display_name": _("The package reports completion or an evaluation"),
                 "value": scoring.COMPLETION_ON_STATUS},
                {"display_name": _("The learner ends a session (packages that never report a status)"),
                 "value": scoring.COMPLETION_ON_TERMINATE}],
        help=_("When the learner's work on this component counts as complete."))
    scorm_state = Dict(help="The learner's SCORM run-time state (openedxscorm/runtime/state.py).", default={},
                       scope=Scope.user_state)
    last_grade = Dict(help="The grade last published for the learner: value and max_value.", default={},
                      scope=Scope.user_state)

    # ---- grading ---------------------------------------------------------------------------------------------

    def max_score(self):
        return self.weight if self.has_score else None

    def runtime_standard(self):
        return standard_of_version(self.scorm_version)

    def item_settings(self, standard):
        """Launch settings of the first launchable item (mastery score, thresholds, launch data)."""
        items = self.launch_items()
        return launch_settings(standard, items[0]) if items else {}

    def derived(self, standard, state, credit=True):
        item = self.item_settings(standard)
        return derive(standard, state, mastery_score=item.get("mastery_score"),
                      scaled_passing_score=item.get("scaled_passing_score"),
                      completion_threshold=item.get("completion_threshold"), credit=credit)

    def outcome_of(self, standard, state):
        derived = self.derived(standard, state)
        return derived, scoring.outcome(derived, completion_on=self.completion_on,
                                        sessions=(state or {}).get("sessions", 0))

    def publish_outcome(self, standard, before, after):
        """Publish the grade when score or success changed, and the completion when it grew."""
        derived_before, old = self.outcome_of(standard, before)
        derived_after, new = self.outcome_of(standard, after)
        changed = (derived_before["score"], derived_before["success"]) != (derived_after["score"],
                                                                          derived_after["success"])
        if self.has_score and new.grade is not None and changed:
            grade = {"value": new.grade * self.weight, "max_value": self.weight}
            self.runtime.publish(self, "grade", grade)
            self.last_grade = grade
        if new.completion > old.completion:
            self.emit_completion(new.completion)

    def grading_options(self, form):
        """Validated grading fields from the Studio form (absent ones untouched); a translated error for a bad value."""
        options = {}
        if "weight" in form:
            try:
                weight = float(form["weight"].strip() or self.fields["weight"].default)
            except ValueError:
                weight = -1.0
            if not 0 <= weight <= MAX_WEIGHT:
                return {}, self.gettext("The weight must be a number from 0 to 1000.")
            options["weight"] = weight
        if "has_score" in form:
            options["has_score"] = form["has_score"] in CHECKED
        if "completion_on" in form:
            if form["completion_on"] not in scoring.COMPLETION_ON_CHOICES:
                return {}, self.gettext("Choose when the component counts as complete.")
            options["completion_on"] = form["completion_on"]
        return options, None

    # ---- learner -----------------------------------------------------------------------------------------------

    def learner_identity(self):
        """(learner id, learner name) from the user service; the anonymous scope id without one."""
        service = self.runtime.service(self, "user")
        user = service.get_current_user() if service is not None else None
        attributes = getattr(user, "opt_attrs", {}) or {}
        learner_id = next((attributes[name] for name in LEARNER_ID_ATTRIBUTES if attributes.get(name) is not None),
                          self.scope_ids.user_id)
        names = [getattr(user, "full_name", None)] + [attributes.get(name) for name in LEARNER_NAME_ATTRIBUTES]
        learner_name = next((name for name in names if name), str(learner_id))
        return str(learner_id), str(learner_name)

    def launcher_url(self, preview=False):
        return self.runtime.handler_url(self, "launcher", query=f"{PREVIEW_PARAMETER}=1" if preview else "")

    # ---- handlers ----------------------------------------------------------------------------------------------

    @XBlock.handler
    def launcher(self, request, suffix=""):  # pylint: disable=unused-argument
        """The page the block's iframe loads: the browser API seeded with the learner's values, framing the SCO."""
        if request.method not in ("GET", "HEAD"):
            return Response(status=405)
        missing = vendor.missing_files()
        if missing:
            log.error("SCORM player files missing (%s): %s", ", ".join(missing), vendor.BUILD_HINT)
            return Response(status=500, content_type="text/plain", charset="utf-8",
                            body=f"The SCORM player is not built: {vendor.BUILD_HINT}.".encode())
        standard, items = self.runtime_standard(), self.launch_items()
        if standard is None or not items:
            return Response(status=404, content_type="text/plain", charset="utf-8",
                            body=self.gettext("No SCORM package has been uploaded to this component yet.").encode())
        preview = _is_preview(request)
        mode = MODES[preview]
        state = start_session(standard, self.scorm_state, now=time.time())
        if not preview:
            self.scorm_state = state
        learner_id, learner_name = self.learner_identity()
        values = initial_values(standard, state, learner_id=learner_id, learner_name=learner_name,
                                credit=mode["credit"], mode=mode["mode"], **self.item_settings(standard))
        api = vendor.BROWSER_APIS[standard]
        settings = self.block_settings()
        launch = {
            "standard": standard,
            "api": {"className": api.class_name, "windowName": api.window_name, "set": api.set_method,
                    "commit": api.commit_method, "terminate": api.terminate_method},
            "values": values,
            "writable": writable_patterns(standard),
            "commitUrl": self.runtime.handler_url(self, "scorm_commit",
                                                  query=f"{PREVIEW_PARAMETER}=1" if preview else ""),
            "lastSeq": state.get("seq", 0),
            "commitField": COMMIT_FORM_FIELD,
        }
        body = self.render_template("launcher.html", {
            "title": self.display_name or self.package_title,
            "api_script_url": self.runtime.local_resource_url(self, f"{vendor.VENDOR_URI}/{api.script}"),
            "launcher_script_url": self.runtime.local_resource_url(self, "static/js/launcher.js"),
            "sco_url": self.launch_url(items[0], settings),
            "launch": launch,
        })
        return Response(body=body.encode("utf-8"), content_type="text/html", charset="utf-8",
                        headerlist=[("Cache-Control", "no-store")])

    @XBlock.handler
    def scorm_commit(self, request, suffix=""):  # pylint: disable=unused-argument
        """Store a commit of the browser API: {seq, changes: [[element, value], ...], terminate}.

        JSON from fetch, or the form a sendBeacon posts while the page goes away. A refused commit changes
        nothing and answers 400 with the element and the reason; a stale or repeated one is ignored."""
        if request.method != "POST":
            return Response(status=405)
        standard = self.runtime_standard()
        payload = _commit_payload(request)
        if standard is None or payload is None:
            return Response(status=400, json_body={"result": "rejected", "code": "bad_commit",
                                                   "error": "The commit is malformed."})
        preview = _is_preview(request)
        before, now = self.scorm_state, time.time()
        try:
            result = apply_commit(standard, before, payload.get("changes"), seq=payload.get("seq"),
                                  limits=self.block_settings(), now=now)
        except CommitRejected as refusal:
            log.info("SCORM commit refused for %s: %s %s", self.scope_ids.usage_id, refusal.code, refusal.element)
            return Response(status=400, json_body={
                "result": "rejected", "element": refusal.element, "code": refusal.code,
                "scorm_code": refusal.scorm_code, "error": refusal.render(self.gettext)})
        if not result.applied:
            return Response(json_body={"result": "ignored", "seq": before.get("seq", 0)})
        state = result.state
        if payload.get("terminate") is True:
            state = finish_session(standard, state, now=now)
        if not preview:
            self.scorm_state = state
            self.publish_outcome(standard, before, state)
        return Response(json_body={"result": "stored", "seq": state["seq"]})

    @XBlock.handler
    def learner_state(self, request, suffix=""):  # pylint: disable=unused-argument
        """The current learner's own state, as the gradebook sees it: status, score, the grade last published."""
        standard = self.runtime_standard()
        if standard is None:
            return Response(status=404, json_body={"error": "no package"})
        state = self.scorm_state
        derived, outcome = self.outcome_of(standard, state)
        return Response(json_body={
            **derived, "completion_fraction": outcome.completion, "grade": self.last_grade or None,
            "entry": state.get("entry"), "sessions": state.get("sessions", 0), "data": state.get("data", {}),
        })


def _commit_payload(request):
    """The commit as a dict, from a JSON body or from the beacon's form field; None when unreadable."""
    try:
        if request.content_type in JSON_CONTENT_TYPES:
            payload = json.loads(request.body.decode("utf-8"))
        else:
            payload = json.loads(request.POST.get(COMMIT_FORM_FIELD, ""))
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) and COMMIT_KEYS.issuperset(payload) else None
