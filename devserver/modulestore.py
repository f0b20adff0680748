"""A modulestore for the dev server: answers ``get_items`` for the blocks of the workbench's scenarios.

The workbench has one version of each block, so the draft and the published branch hold the same blocks. As on
the platform, ``get_items`` reads only ``draft_only`` or ``published_only`` and refuses other revisions, and
``bulk_operations`` is a context manager (here it does nothing). This is what the block's garbage collection
of mirrored zips and the ``scorm_packages`` command read.
"""
import contextlib

from openedxscorm_support.fake_platform import CourseSummary, ModuleStoreEnum, UnsupportedRevisionError  # noqa: F401

from .scenario_blocks import all_scenarios, blocks_of_scenario

READABLE_REVISIONS = (ModuleStoreEnum.RevisionOption.draft_only, ModuleStoreEnum.RevisionOption.published_only)


class WorkbenchModuleStore:
    """get_items / bulk_operations / get_course_summaries over the workbench's scenarios."""

    def get_items(self, course_key, qualifiers=None, revision=None, **kwargs):  # pylint: disable=unused-argument
        if revision not in READABLE_REVISIONS:
            raise UnsupportedRevisionError(f"revision must be one of {READABLE_REVISIONS}, not {revision!r}")
        category = (qualifiers or {}).get("category")
        return [block for block in self._blocks() if block.location.course_key == course_key
                and (category is None or block.category == category)]

    @contextlib.contextmanager
    def bulk_operations(self, course_id, emit_signals=True, ignore_case=False):  # pylint: disable=unused-argument
        yield

    def get_course_summaries(self, **kwargs):  # pylint: disable=unused-argument
        keys = {block.location.course_key for block in self._blocks()}
        return [CourseSummary(key) for key in sorted(keys, key=str)]

    @staticmethod
    def _blocks():
        """Every block of every scenario, with the ``location`` and ``category`` the platform's blocks have."""
        blocks = [block for scenario in all_scenarios().values() for block in blocks_of_scenario(scenario)]
        for block in blocks:
            block.location = block.scope_ids.usage_id.usage_key
            block.category = block.scope_ids.block_type
        return blocks
