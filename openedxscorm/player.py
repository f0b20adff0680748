"""The SCORM run-time inside the block: the launcher page that hosts the browser API, the learner's progress,
and the grade and completion it earns (the POSTs that store state are in commits.py).

Each block's iframe loads its own launcher document (same origin), which holds one scorm-again API as
`window.API` (1.2) or `window.API_1484_11` (2004) and frames the SCO: the SCO's discovery, walking its
parents, finds the API of its own block, so several SCORM blocks on a page keep separate state.
"""
import logging
import time
from urllib.parse import urlencode

from webob import Response
from xblock.completable import CompletableXBlockMixin
from xblock.core import XBlock
from xblock.fields import Boolean, Float, Scope, String

from . import deliveries, rollup, scoring, vendor
from .commits import (
    COMMIT_FORM_FIELD,
    DELIVERY_PARAMETER,
    PREVIEW_PARAMETER,
    SCO_PARAMETER,
    ScormCommitsMixin,
    is_preview,
)
from .content_origin import content_origin
from .launch_settings import launch_settings, standard_of_version, writable_patterns
from .learner_versions import LearnerVersionsMixin
from .manifest import Manifest
from .player_navigation import engine
from .player_navigation.progress import learner_progress
from .player_navigation.requests import parse_request
from .player_navigation.toc import toc_entries
from .runtime import (
    initial_values,
    start_session,
)
from .sequencing import NavigationResult, resolve_request, unsupported_elements
from .sequencing.navigation import NAVIGATION_REFUSALS, choosable, delivery_refusal
from .sequencing.notices import SequencingNotice

log = logging.getLogger(__name__)

# What a learner is called in the SCO (cmi.core.student_id / cmi.learner_id): the first user attribute found.
LEARNER_ID_ATTRIBUTES = ("edx-platform.user_id", "xblock-workbench.user_id")
LEARNER_NAME_ATTRIBUTES = ("edx-platform.username",)
# Launch modes: what the launcher tells the SCO, and whether anything the learner does counts.
MODES = {
    False: {"mode": "normal", "credit": True},
    True: {"mode": "browse", "credit": False},  # Studio preview: try the package, nothing is recorded
}
NAV_PARAMETER = "nav"  # a navigation request, in the adl.nav.request vocabulary
FROM_PARAMETER = "from"  # the SCO the learner navigates from
DELIVER_PARAMETER = "deliver"  # the SCO the browser's sequencing engine delivered
REFUSED_PARAMETER = "refused"  # the browser's sequencing engine refused the learner's request
ENGINE_REFUSED = "engine_refused"  # its value, and the refusal code shown
# hideLMSUI value -> the player control it hides
HIDDEN_CONTROLS = {"continue": "next", "previous": "previous"}
MAX_WEIGHT = 1000.0
CHECKED = ("true", "on", "1")  # what a checkbox or a boolean select sends for "yes"


def _(text):
    return text


# On a content origin: the diagnostic of the Commit after one whose request failed (content_api.js).
COMMIT_NOT_SENT = _("The commit could not be sent; it goes again with the next one.")


def _query(**params):
    """A query string of the non-empty parameters."""
    return urlencode({name: value for name, value in params.items() if value})


class ScormPlayerMixin(ScormCommitsMixin, LearnerVersionsMixin, CompletableXBlockMixin):
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
    score_method = String(
        display_name=_("Score of a package with several SCOs"), default=rollup.SCORE_AVERAGE, scope=Scope.settings,
        values=[{"display_name": _("Average of the SCOs' scores"), "value": rollup.SCORE_AVERAGE},
                {"display_name": _("Highest SCO score"), "value": rollup.SCORE_HIGHEST},
                {"display_name": _("Sum of the SCOs' points"), "value": rollup.SCORE_SUM},
                {"display_name": _("Share of SCOs passed"), "value": rollup.SCORE_PASSED}],
        help=_("How the SCOs' scores make the component's grade, unless the package defines its own rollup."))

    # ---- package and per-SCO state -----------------------------------------------------------------------------

    def max_score(self):
        return self.weight if self.has_score else None

    def runtime_standard(self):
        """The run-time standard of the package's version; legacy.py adds openedx-scorm-xblock's version names."""
        return standard_of_version(self.scorm_version)

    def served_sha1(self):
        """The sha1 of the package the block plays; legacy.py falls back to the one openedx-scorm-xblock recorded."""
        return self.package_sha1

    def manifest(self):
        return Manifest.from_dict(self.package_manifest) if self.package_manifest else None

    def first_sco_id(self, items):
        return items[0].identifier if items else ""

    def item_settings(self, standard, item=None):
        """Launch settings of an item (the first launchable one by default): mastery score, thresholds..."""
        items = self.launch_items()
        item = item or (items[0] if items else None)
        settings = launch_settings(standard, item) if item else {}
        if engine.uses_engine(standard, items):
            settings.pop("objective_ids", None)  # the browser's sequencing engine keeps these packages' objectives
        return settings

    def delivered_objectives(self, delivery):
        """The objective ids the manifest gives the delivered SCO, when the delivery is of the package served."""
        if delivery.sha1 != self.served_sha1() or delivery.standard != self.runtime_standard():
            return ()
        item = next((found for found in self.launch_items() if found.identifier == delivery.sco), None)
        return self.item_settings(delivery.standard, item).get("objective_ids", ()) if item else ()

    def progress(self, standard, version):
        """The learner's Progress through the current package, from a VersionState (learner_store)."""
        return learner_progress(self.manifest(), standard, version.sco, completion_on=self.completion_on,
                                score_method=self.score_method)

    def sequencing_notices(self):
        """What the package asks of sequencing that the player ignores: a notice for the author."""
        manifest = self.manifest()
        if manifest is None or self.runtime_standard() is None:
            return []
        from .sequencing import build_tree  # pylint: disable=import-outside-toplevel

        ignored = engine.ignored_by_player(unsupported_elements(build_tree(manifest)), self.runtime_standard(),
                                           self.launch_items())
        return [SequencingNotice("sequencing_unsupported", elements=", ".join(ignored))] if ignored else []

    # ---- grading ---------------------------------------------------------------------------------------------

    def publish_outcome(self, before, after, published=None):
        """Publish the block's grade when it changed, and its completion when it grew (Progress before/after);
        the first commit in a package version publishes both, replacing what an earlier version published.
        `published` is what this version published so far; returns it updated."""
        old, new = before.outcome, after.outcome
        published = dict(published or {})
        first = not published
        fraction = 0.0 if first and new.grade is None else new.grade
        if self.has_score and fraction is not None:
            grade = {"value": fraction * self.weight, "max_value": self.weight}
            if first or grade != published.get("grade") or old.grade != new.grade:
                self.runtime.publish(self, "grade", grade)
                published["grade"] = grade
        if first or new.completion > old.completion:
            self.emit_completion(new.completion)
            published["completion"] = new.completion
        published.setdefault("completion", new.completion)
        return published

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
        if "score_method" in form:
            if form["score_method"] not in rollup.SCORE_METHOD_CHOICES:
                return {}, self.gettext("Choose how the SCOs' scores make the grade.")
            options["score_method"] = form["score_method"]
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

    def choose_sco(self, request, items, progress, version):
        """(item to launch, refusal code or None) for the launcher request: its navigation request resolved
        against the sequencing rules, else the SCO last launched, else where sequencing starts."""
        by_id = {item.identifier: item for item in items}
        current = request.GET.get(FROM_PARAMETER) or version.current_sco
        current = current if current in by_id else None
        nav = parse_request(request.GET.get(NAV_PARAMETER))
        result = NavigationResult(current)
        delivered = request.GET.get(DELIVER_PARAMETER)
        if request.GET.get(REFUSED_PARAMETER) == ENGINE_REFUSED:
            result = NavigationResult(current, ENGINE_REFUSED)
        elif delivered:
            refusal = delivery_refusal(progress.evaluation, delivered) if delivered in by_id else "unknown_target"
            result = NavigationResult(delivered) if refusal is None else NavigationResult(current, refusal)
        elif nav is not None and not nav.ending:
            result = resolve_request(progress.evaluation, nav.kind, current, nav.target)
        elif current is None:
            result = resolve_request(progress.evaluation, "start")
        target = result.target if result.target in by_id else current
        return by_id.get(target) or items[0], result.refusal

    # ---- handlers ----------------------------------------------------------------------------------------------

    @XBlock.handler
    def launcher(self, request, suffix=""):  # pylint: disable=unused-argument
        """The page the block's iframe loads: the browser API seeded with one SCO's values, framing that SCO,
        with the table of contents and next/previous when the package has several SCOs. It stores nothing: the
        SCO's session starts with its Initialize (sco_initialize), which posts the delivery signed here."""
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
        preview = is_preview(request)
        mode = MODES[preview]
        version = self.stored_version()
        progress = self.progress(standard, version)
        item, refusal = self.choose_sco(request, items, progress, version)
        # What Initialize will store, shown now: a new attempt starts with fresh data, a suspended one resumes.
        state = start_session(standard, version.sco(item.identifier), now=time.time())
        delivery = deliveries.new_delivery(self.learner_key(), self.served_sha1(), item.identifier, standard)
        learner_id, learner_name = self.learner_identity()
        values = initial_values(standard, state, learner_id=learner_id, learner_name=learner_name,
                                credit=mode["credit"], mode=mode["mode"], **self.item_settings(standard, item))
        body = self.render_template("launcher.html", self.launcher_context(
            standard, items, item, progress, values, state, preview=preview, refusal=refusal,
            delivery=deliveries.sign(delivery), engine_state=version.engine_state))
        return Response(body=body.encode("utf-8"), content_type="text/html", charset="utf-8",
                        headerlist=[("Cache-Control", "no-store")])

    def launcher_context(self, standard, items, item, progress, values, state, *, preview, refusal, delivery,
                         engine_state):
        """What launcher.html shows: the SCO, the TOC entries, the controls, the JSON the API starts from."""
        api = vendor.BROWSER_APIS[standard]
        settings = self.block_settings()
        preview_query = {PREVIEW_PARAMETER: "1" if preview else ""}
        delivered_query = {**preview_query, SCO_PARAMETER: item.identifier, DELIVERY_PARAMETER: delivery}
        controls = self.controls(progress, item)
        several = len(items) > 1
        launch = {
            "standard": standard,
            "api": {"className": api.class_name, "windowName": api.window_name, "set": api.set_method,
                    "commit": api.commit_method, "terminate": api.terminate_method,
                    "initialize": api.initialize_method},
            "values": values,
            "writable": writable_patterns(standard),
            "commitUrl": self.runtime.handler_url(self, "scorm_commit", query=_query(**delivered_query)),
            "initializeUrl": self.runtime.handler_url(self, "sco_initialize", query=_query(**delivered_query)),
            "launcherUrl": self.runtime.handler_url(self, "launcher", query=_query(**preview_query)),
            "lastSeq": state.get("seq", 0),
            "commitField": COMMIT_FORM_FIELD,
            "sco": item.identifier,
            "navParameter": NAV_PARAMETER,
            "fromParameter": FROM_PARAMETER,
            "navigationUrl": self.runtime.handler_url(self, "sco_navigation", query=_query(
                **preview_query, **{SCO_PARAMETER: item.identifier})),
        }
        if engine.uses_engine(standard, items):
            launch["sequencing"] = {
                "activityTree": engine.activity_tree(self.manifest()),
                "state": "" if preview else engine_state,
                "preview": preview,  # nothing is stored: the engine's session lives in the browser tab
                "stateUrl": self.runtime.handler_url(self, "engine_state", query=_query(**delivered_query)),
                "deliverParameter": DELIVER_PARAMETER,
                "refusedParameter": REFUSED_PARAMETER,
                "refusedValue": ENGINE_REFUSED,
                "refusal": self.gettext(NAVIGATION_REFUSALS[ENGINE_REFUSED]),
            }
        origin = content_origin(settings)
        if origin:
            launch["contentOrigin"] = origin  # the only origin whose messages the launcher hears (content_bridge.js)
            launch["commitNotSent"] = self.gettext(COMMIT_NOT_SENT)
        toc = self.toc(progress, item.identifier) if several else []
        return {
            "title": self.display_name or self.package_title,
            "sco_title": item.title,
            "api_script_url": self.runtime.local_resource_url(self, f"{vendor.VENDOR_URI}/{api.script}"),
            "launcher_script_url": self.runtime.local_resource_url(self, "static/js/launcher.js"),
            "sequencer_script_url": self.runtime.local_resource_url(self, "static/js/sequencer.js")
            if "sequencing" in launch else "",
            "bridge_script_url": self.runtime.local_resource_url(self, "static/js/content_bridge.js")
            if origin else "",
            "launcher_css_url": self.runtime.local_resource_url(self, "static/css/launcher.css"),
            "sco_url": self.launch_url(item, settings),
            "launch": launch,
            "toc": toc,
            "show_nav": several,
            "can_next": several and controls["next"],
            "can_previous": several and controls["previous"],
            "hidden_controls": sorted({HIDDEN_CONTROLS[value] for value in item.presentation
                                       if value in HIDDEN_CONTROLS}),
            "refusal": self.gettext(NAVIGATION_REFUSALS[refusal]) if refusal else "",
        }

    @staticmethod
    def toc(progress, current):
        evaluation = progress.evaluation
        return toc_entries(progress.tree, {identifier: sco["status"] for identifier, sco in progress.scos.items()},
                           current=current, choosable=lambda activity: choosable(evaluation, activity, current))

    @staticmethod
    def controls(progress, item):
        """Whether next and previous lead anywhere from `item` (and are not hidden by its hideLMSUI)."""
        hidden = {HIDDEN_CONTROLS[value] for value in item.presentation if value in HIDDEN_CONTROLS}
        return {
            "next": resolve_request(progress.evaluation, "continue", item.identifier).target is not None
            and "next" not in hidden,
            "previous": resolve_request(progress.evaluation, "previous", item.identifier).target is not None
            and "previous" not in hidden,
        }

    @XBlock.handler
    def sco_navigation(self, request, suffix=""):  # pylint: disable=unused-argument
        """What the player's controls show now, from the SCO in `sco`: each item's status and whether it can be
        chosen, and whether next and previous lead anywhere. Polled after each stored commit."""
        standard, items = self.runtime_standard(), self.launch_items()
        by_id = {item.identifier: item for item in items}
        item = by_id.get(request.GET.get(SCO_PARAMETER))
        if standard is None or item is None:
            return Response(status=404, json_body={"error": "no such SCO"})
        progress = self.progress(standard, self.stored_version())
        return Response(json_body={
            "items": {entry["identifier"]: {"status": entry["status"], "label": self.gettext(entry["status_label"]),
                                            "enabled": entry["enabled"]}
                      for entry in self.toc(progress, item.identifier) if entry["launchable"]},
            **self.controls(progress, item),
        })

    @XBlock.handler
    def learner_state(self, request, suffix=""):  # pylint: disable=unused-argument
        """The current learner's own state, as the gradebook sees it: the block's status, score and grade, the
        current SCO's values, and each SCO's status."""
        standard, items = self.runtime_standard(), self.launch_items()
        if standard is None or not items:
            return Response(status=404, json_body={"error": "no package"})
        version = self.stored_version()
        progress = self.progress(standard, version)
        current = version.current_sco if version.current_sco in progress.scos else self.first_sco_id(items)
        sco = progress.scos[current]
        state = sco["state"]
        block = progress.outcome
        return Response(json_body={
            **sco["derived"], "completion_fraction": block.completion, "grade": self.published_grade(version),
            "block": {"grade": block.grade, "completion": block.completion,
                      "by_sequencing": progress.graded_by_sequencing},
            "entry": state.get("entry"), "sessions": state.get("sessions", 0), "data": state.get("data", {}),
            "current": current, "package_sha1": version.sha1,
            "scos": {identifier: {"status": entry["status"], "completion": entry["derived"]["completion"],
                                  "success": entry["derived"]["success"], "score": entry["derived"]["score"],
                                  "sessions": entry["state"].get("sessions", 0), "data": entry["data"],
                                  "seq": entry["state"].get("seq", 0)}
                     for identifier, entry in progress.scos.items()},
        })

