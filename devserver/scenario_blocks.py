"""The blocks of a workbench scenario, built by the course-aware runtime."""
from .course_keys import CourseWorkbenchRuntime
from .imported_scenarios import register_new

SCORM_BLOCK_TYPE = "scorm"


def all_scenarios():
    """{scenario id: Scenario} of the workbench, imported scenarios included."""
    return register_new()


def blocks_of_scenario(scenario, runtime=None):
    """The scenario's root block and all its descendants, depth first."""
    runtime = runtime or CourseWorkbenchRuntime()
    pending = [runtime.get_block(scenario.usage_id)]
    found = []
    while pending:
        block = pending.pop(0)
        found.append(block)
        pending[:0] = [runtime.get_block(child) for child in getattr(block, "children", ())]
    return found


def scorm_blocks(scenario, runtime=None):
    return [block for block in blocks_of_scenario(scenario, runtime) if block.scope_ids.block_type == SCORM_BLOCK_TYPE]
