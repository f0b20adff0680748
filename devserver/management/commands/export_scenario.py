"""``export_scenario SCENARIO_ID FOLDER``: a workbench scenario's SCORM blocks to an OLX folder, as course export does.

With the mirror off the zip is bundled under ``scorm_packages/``; with it on the OLX points at the course asset,
and the course's assets are written to ``static/`` with ``policies/assets.json``. A preloaded scenario was never
uploaded through Studio: with the mirror on, the block's own export gives the course its copy from the zip beside
the tree, as it does for any block whose course lacks one.
"""
from django.core.management.base import BaseCommand, CommandError
from fs.osfs import OSFS

from devserver import olx_folder
from devserver.scenario_blocks import all_scenarios, scorm_blocks
from openedxscorm import compat
from openedxscorm.settings import django_block_settings


class Command(BaseCommand):
    help = "Export a workbench scenario's SCORM blocks as OLX into FOLDER (created if needed)."

    def add_arguments(self, parser):
        parser.add_argument("scenario_id", help="As in the scenario's URL, e.g. scorm.1 for /scenario/scorm.1/.")
        parser.add_argument("folder")

    def handle(self, *args, **options):
        scenarios = all_scenarios()
        scenario = scenarios.get(options["scenario_id"])
        if scenario is None:
            known = ", ".join(name for name in sorted(scenarios) if name.startswith("scorm."))
            raise CommandError(f"No scenario {options['scenario_id']!r}; the SCORM scenarios are: {known}")
        blocks = [block for block in scorm_blocks(scenario) if block.package_sha1]
        if not blocks:
            raise CommandError(f"Scenario {options['scenario_id']!r} has no SCORM block with a package")
        settings = django_block_settings()
        mirror_enabled = settings["CONTENTSTORE_SYNC_ENABLED"]
        folder_fs = OSFS(options["folder"], create=True)
        course_keys = set()
        for block in blocks:
            path = olx_folder.export_block(block, folder_fs)
            course_keys.add(compat.course_key_of(block))
            self.stdout.write(f"{path}: {block.scope_ids.usage_id} (package {block.package_sha1})")
        for course_key in sorted(course_keys, key=str):
            if mirror_enabled:
                for name in olx_folder.export_course_assets(course_key, folder_fs):
                    self.stdout.write(f"static/{name}: asset of {course_key}")
        self.stdout.write(f"Exported with the contentstore mirror {'on' if mirror_enabled else 'off'} "
                          f"into {folder_fs.getsyspath('/')}")
