"""Course staff's view of a block's learners: one learner's results, an attempt reset, and CSV exports.

Every handler here has "staff" or "report" in its name, so permissions.guarded lets only course staff through
in the LMS. Platform data (users, enrollments, StudentModule) comes through compat only.
"""
import functools
import logging

from webob import Response
from xblock.core import XBlock
from xblock.utils.resources import ResourceLoader

from . import compat, permissions, reports
from . import learner_store as store
from .events import DERIVE_SETTINGS, emit_named_event
from .launch_settings import launch_settings
from .learner_versions import usage_text

log = logging.getLogger(__name__)
loader = ResourceLoader(__name__)

LEARNER_PARAMETER = "learner"
CONFIRM_PARAMETER = "confirm"
CONFIRM_VALUE = "reset"
RESET_EVENT = "attempt_reset"
# user_state fields a reset clears: earlier releases' (learner_versions.OWN_FIELDS), and openedx-scorm-xblock's
# (legacy.LegacyFieldsMixin); the learner state tables are cleared as well.
RESET_FIELDS = {"scorm_state": {}, "sco_states": {}, "sco_current": ""}
RESET_REMOVED = ("last_grade", "sequencing_state", "scorm_data", "lesson_status", "success_status", "lesson_score",
                 "session_started_at")
CSV_EXPORTS = {
    "results": (reports.RESULT_COLUMNS, "result_rows"),
    "interactions": (reports.INTERACTION_COLUMNS, "interaction_rows"),
}
MAX_QUERY_LENGTH = 254


def _(text):
    return text


MESSAGES = {
    "no_query": _("Enter a username or an email address."),
    "not_found": _("No enrolled learner has this username or email address."),
    "no_package": _("No SCORM package has been uploaded to this component yet."),
    "confirm": _("Confirm the reset: it erases this learner's SCORM progress in this component."),
    "reset_done": _("The learner's attempt was reset."),
    "no_state": _("This learner has not started this component."),
    "unavailable": _("Learner results are only available in the LMS."),
}


def needs_platform(handler):
    """Outside the LMS (the workbench) there is no learner data: say so instead of failing."""
    @functools.wraps(handler)
    def wrapper(block, request, suffix=""):
        try:
            return handler(block, request, suffix)
        except ImportError:
            return block.staff_error(501, "unavailable")
    return wrapper


class ScormStaffMixin:
    """Staff handlers of ScormXBlock."""

    def add_staff_panel(self, fragment):
        """Below the player, for course staff in the LMS (and the workbench): the results panel."""
        if permissions.current_service() == permissions.STUDIO or not self.launch_items():
            return
        try:
            permissions.check(self, permissions.STAFF)
        except permissions.AccessDenied:
            return
        handler = self.runtime.handler_url
        fragment.add_content(self.render_template("staff_panel.html", {
            "uid": getattr(self.scope_ids.usage_id, "block_id", "scorm"),
            "results_url": handler(self, "staff_learner_results"),
            "reset_url": handler(self, "staff_reset_attempt"),
            "results_csv_url": handler(self, "report_results_csv"),
            "interactions_csv_url": handler(self, "report_interactions_csv"),
        }))
        fragment.add_javascript(loader.load_unicode("static/js/staff.js"))

    def staff_error(self, status, code):
        return Response(status=status, json_body={"code": code, "error": self.gettext(MESSAGES[code])})

    def report_context(self):
        """(standard, launchable items, derive settings by SCO) of the current package."""
        standard, items = self.runtime_standard(), self.launch_items()
        settings = {item.identifier: {name: value for name, value in launch_settings(standard, item).items()
                                      if name in DERIVE_SETTINGS} for item in items} if standard else {}
        return standard, items, settings

    def _learner_query(self, request):
        query = (request.params.get(LEARNER_PARAMETER) or "").strip()
        return query[:MAX_QUERY_LENGTH]

    @XBlock.handler
    @permissions.guarded
    @needs_platform
    def staff_learner_results(self, request, suffix=""):  # pylint: disable=unused-argument
        """One learner's results per SCO: status, score, time, attempts, last access, interactions, objectives."""
        query = self._learner_query(request)
        if not query:
            return self.staff_error(400, "no_query")
        standard, items, derive_settings = self.report_context()
        if standard is None or not items:
            return self.staff_error(404, "no_package")
        course_key = compat.course_key_of(self)
        learner = compat.find_enrolled_learner(course_key, query)
        if learner is None:
            return self.staff_error(404, "not_found")
        key = store.LearnerKey.of(learner["id"], usage_text(self.scope_ids.usage_id))
        found, served = store.versions(key), self.served_sha1()
        current = next((version for version in found if version.sha1 == served), None)
        if current is not None or found:
            stored = {"modified": current.modified.isoformat() if current else "", "state": {
                "scos": current.scos if current else {}}}
        else:
            stored = compat.learner_block_state(course_key, self.scope_ids.usage_id, learner["id"])
        return Response(json_body={
            "learner": learner, "last_access": stored["modified"] if stored else "", "started": stored is not None,
            "package_sha1": served,
            "scos": reports.sco_results(standard, items, stored["state"] if stored else {}, derive_settings),
            "other_versions": [{"package_sha1": version.sha1, "last_access": version.modified.isoformat(),
                                "scos": reports.sco_results(version.standard or standard, stored_items(version),
                                                            {"scos": version.scos})}
                               for version in found if version.sha1 != served],
        })

    @XBlock.handler
    @permissions.guarded
    @needs_platform
    def staff_reset_attempt(self, request, suffix=""):  # pylint: disable=unused-argument
        """Erase one learner's SCORM progress in this block (POST, confirmed), and say so in the tracking log."""
        if request.method != "POST":
            return Response(status=405)
        if request.POST.get(CONFIRM_PARAMETER) != CONFIRM_VALUE:
            return self.staff_error(400, "confirm")
        query = self._learner_query(request)
        course_key = compat.course_key_of(self)
        learner = compat.find_enrolled_learner(course_key, query) if query else None
        if learner is None:
            return self.staff_error(404, "not_found")
        erased = store.delete(store.LearnerKey.of(learner["id"], usage_text(self.scope_ids.usage_id)))
        cleared = compat.replace_learner_block_state(course_key, self.scope_ids.usage_id, learner["id"], RESET_FIELDS,
                                                     removed=RESET_REMOVED)
        if not (erased or cleared):
            return self.staff_error(404, "no_state")
        log.info("SCORM attempt of learner %s reset in %s", learner["id"], self.scope_ids.usage_id)
        emit_named_event(self, RESET_EVENT, {"learner_id": learner["id"], "username": learner["username"]})
        return Response(json_body={"result": "reset", "message": self.gettext(MESSAGES["reset_done"])})

    def _csv_response(self, export):
        columns, rows_name = CSV_EXPORTS[export]
        standard, items, derive_settings = self.report_context()
        if standard is None or not items:
            return self.staff_error(404, "no_package")
        compat.student_module_class()  # the LMS's learner table: where there is none, 501 now, not a failed stream
        learners = self.learner_rows(standard)
        make_rows = getattr(reports, rows_name)
        rows = (make_rows(standard, items, learners, derive_settings) if export == "results"
                else make_rows(standard, items, learners))
        block_id = getattr(self.scope_ids.usage_id, "block_id", "scorm")
        response = Response(content_type="text/csv", charset="utf-8",
                            content_disposition=f'attachment; filename="scorm-{export}-{block_id}.csv"')
        response.app_iter = reports.stream_csv(columns, rows)
        return response

    def learner_rows(self, standard):
        """Every learner's state of the block as reports' learner dicts: one per learner and package version in
        the learner state tables (versions other than the served one with their own SCOs), then the learners whose
        state is only in block fields (earlier releases, openedx-scorm-xblock)."""
        served, seen, summary = self.served_sha1(), set(), {}
        for learner_id, version in store.block_states(usage_text(self.scope_ids.usage_id)):
            seen.add(learner_id)
            if summary.get("key") != learner_id:
                summary = {"key": learner_id, **compat.learner_summary(learner_id)}
            row = {"username": summary["username"], "email": summary["email"], "package_sha1": version.sha1,
                   "modified": version.modified.isoformat() if version.modified else "",
                   "state": {"scos": version.scos}}
            if version.sha1 != served or (version.standard and version.standard != standard):
                row["items"] = stored_items(version)
            yield row
        for learner in compat.learner_block_states(compat.course_key_of(self), self.scope_ids.usage_id):
            if str(learner["id"]) not in seen:
                yield {**learner, "package_sha1": served}

    def clear_student_state(self, user_id, course_id, item_id, requesting_user_id):  # pylint: disable=unused-argument
        """The instructor tools' "delete learner's state" (and a course reset): erase the learner's SCORM state of
        this block in every package version. `user_id` is the learner's anonymous id in the course."""
        learner_id = compat.user_of_anonymous_id(user_id)
        if learner_id is None:
            log.warning("SCORM state not cleared in %s: no user for anonymous id %s", item_id, user_id)
            return
        store.delete(store.LearnerKey.of(learner_id, usage_text(self.scope_ids.usage_id)))
        log.info("SCORM state of learner %s deleted in %s", learner_id, item_id)

    @XBlock.handler
    @permissions.guarded
    @needs_platform
    def report_results_csv(self, request, suffix=""):  # pylint: disable=unused-argument
        """Every learner's results, one row per learner and SCO, streamed."""
        return self._csv_response("results")

    @XBlock.handler
    @permissions.guarded
    @needs_platform
    def report_interactions_csv(self, request, suffix=""):  # pylint: disable=unused-argument
        """Every learner's interactions, one row each, streamed."""
        return self._csv_response("interactions")


def stored_items(version):
    """The SCOs of a package version the block no longer plays, as report items: their identifiers, untitled."""
    return [reports.StoredSco(identifier) for identifier in sorted(version.scos)]
