"""Course keys for workbench blocks, so the block finds "its course" in the dev server as it does in Open edX.

The workbench names usages ``{scenario}.{block type}.d{n}.u{m}`` and knows no course. Here each scenario
belongs to a course (the preloaded ones to ``course-v1:Workbench+SCORM+dev``, an imported one to the key it was
imported under) and a usage id is the string of a real usage key whose block id is the workbench's name, e.g.
``block-v1:Workbench+SCORM+dev+type@scorm+block@scorm-hello-scorm12zip.scorm.d0.u0``. It stays a ``str``
(the workbench's key-value store splits it on dots), but also answers ``context_key`` like an opaque key.

Two names of the SDK are swapped at start-up (``install``): the id manager every WorkbenchRuntime shares, and the
runtime class its views build, whose ``get_block`` gives each block such an id.
"""
from django.urls import reverse
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey
from workbench import runtime as workbench_runtime
from workbench import scenarios as workbench_scenarios
from workbench import views as workbench_views
from xblock.exceptions import NoSuchUsage

from . import block_saving, staff_switch, tracking_log

DEFAULT_COURSE_KEY = CourseKey.from_string("course-v1:Workbench+SCORM+dev")
# Handlers whose URLs go to a SCO as written: no ?student= (a package's files are the same for every learner).
QUERY_AS_WRITTEN = {"assets_proxy"}


class CourseUsageId(str):
    """A workbench usage id that is a usage key string; ``context_key`` is its course."""

    def __new__(cls, value):
        usage_id = super().__new__(cls, value)
        usage_id.usage_key = UsageKey.from_string(value)
        usage_id.context_key = usage_id.usage_key.context_key
        return usage_id


class CourseIdManager(workbench_runtime.ScenarioIdManager):
    """The workbench's id manager, with usage ids made in the course of the scenario being loaded."""

    def __init__(self):
        super().__init__()
        self.scenario_courses = {}  # scenario slug -> course key; the others are in DEFAULT_COURSE_KEY

    def course_of_scenario(self, slug):
        return self.scenario_courses.get(slug, DEFAULT_COURSE_KEY)

    def create_usage(self, def_id):
        workbench_id = super().create_usage(def_id)
        del self._usages[workbench_id]
        usage_key = self.course_of_scenario(self.scenario).make_usage_key(self.get_block_type(def_id), workbench_id)
        usage_id = CourseUsageId(str(usage_key))
        self._usages[usage_id] = def_id
        return usage_id


class CourseWorkbenchRuntime(workbench_runtime.WorkbenchRuntime):
    """The workbench runtime whose blocks carry a CourseUsageId, however their id reached it (URL, children), whose
    published events go to the dev server's tracking log, and whose handlers save a block whole, as Studio does."""

    def __init__(self, user_id=None):
        super().__init__(user_id)
        staff_switch.mark_user(self)

    def get_block(self, usage_id, for_parent=None):
        try:
            usage_id = CourseUsageId(usage_id)
        except InvalidKeyError as error:
            raise NoSuchUsage(repr(usage_id)) from error
        return super().get_block(usage_id, for_parent=for_parent)

    def handle(self, block, handler_name, request, suffix=""):
        """The handler, then the block saved whole, as Studio saves it (block_saving)."""
        self._patch_xblock(block)
        return block_saving.handle(block, handler_name, request, suffix)

    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
        """As the workbench's, but a package file's URL carries the item's own query string alone, as the
        manifest writes it (the workbench puts ?student= first: a SCO reading location.search sees it)."""
        if handler_name not in QUERY_AS_WRITTEN or thirdparty:
            return super().handler_url(block, handler_name, suffix, staff_switch.with_switch(query), thirdparty)
        url = reverse("handler", args=(block.scope_ids.usage_id, handler_name, suffix))
        return url + (f"?{query}" if query else "")

    def publish(self, block, event_type, event_data):
        """Also written to the dev server's tracking log, as the LMS's tracker would pass it on."""
        super().publish(block, event_type, event_data)
        tracking_log.append(tracking_log.tracking_event(self, block, event_type, event_data))


def id_manager():
    """The id manager all workbench runtimes share."""
    return workbench_runtime.ID_MANAGER


def install():
    """Swap the SDK's id manager and runtime class for the course-aware ones (once, at start-up)."""
    if not isinstance(workbench_runtime.ID_MANAGER, CourseIdManager):
        workbench_runtime.ID_MANAGER = CourseIdManager()
    workbench_views.WorkbenchRuntime = CourseWorkbenchRuntime
    workbench_scenarios.WorkbenchRuntime = CourseWorkbenchRuntime
