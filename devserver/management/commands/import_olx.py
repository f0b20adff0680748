"""``import_olx FOLDER COURSE_KEY``: an OLX folder made by export_scenario, imported as a new course's scenario.

In the platform's order: every block is parsed first (a bundled zip is extracted into its content-addressed
tree), then ``static/`` becomes assets of the new course. The result is recorded as a workbench scenario in the
new course; a running dev server shows it on its next request.
"""
from django.core.management.base import BaseCommand, CommandError
from fs.errors import CreateFailed
from fs.osfs import OSFS
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from devserver import imported_scenarios, olx_folder
from openedxscorm.settings import django_block_settings


class Command(BaseCommand):
    help = "Import an OLX folder written by export_scenario under a new course key, as a new workbench scenario."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("course_key", help="e.g. course-v1:Other+SCORM201+2027")

    def handle(self, *args, **options):
        try:
            course_key = CourseKey.from_string(options["course_key"])
        except InvalidKeyError as error:
            raise CommandError(f"Not a course key: {options['course_key']!r}") from error
        try:
            folder_fs = OSFS(options["folder"])
        except CreateFailed as error:
            raise CommandError(f"No folder {options['folder']!r}") from error
        if imported_scenarios.scenario_id(course_key) in imported_scenarios.all_recorded():
            raise CommandError(f"{course_key} was already imported; pick another course key")

        settings = django_block_settings()
        blocks = olx_folder.parse_blocks(folder_fs, course_key)
        if not blocks:
            raise CommandError(f"No SCORM block (scorm/*.xml) in {options['folder']!r}")
        for block in blocks:
            tree = block.package_tree(settings)
            state = "extracted" if tree.is_complete() else "missing, to be re-extracted from the contentstore"
            self.stdout.write(f"Parsed {block.display_name!r}: package {block.package_sha1}, tree {state}")
        for name in olx_folder.import_course_assets(folder_fs, course_key, settings["CHUNK_SIZE"]):
            self.stdout.write(f"Asset {name} saved in the contentstore of {course_key}")

        titles = ", ".join(block.display_name for block in blocks)
        scenario = imported_scenarios.save(course_key, f"SCORM imported into {course_key}: {titles}",
                                           olx_folder.scenario_xml(blocks))
        self.stdout.write(f"Scenario {scenario}: /scenario/{scenario}/")
