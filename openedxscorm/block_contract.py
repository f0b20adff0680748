"""What the mixins of ScormXBlock may count on from the rest of the block: the fields and methods named here.

block.py assembles ScormXBlock from mixins, one job each (player, commits, learner versions, staff, tracking,
chunked upload, openedx-scorm-xblock's fields and handlers). A mixin uses its own attributes, XBlock's, and the ones
below, which another part of the block provides; nothing else. tests/test_block_contract.py checks both sides:
ScormXBlock has every name with these parameters, and no mixin uses another attribute of the block.

Where a method is extended along the chain, each part calls super() (publish_outcome: player.py computes and
publishes, events.py tracks, legacy.py keeps 19.x's fields in step; runtime_standard and served_sha1: player.py
reads this block's fields, legacy.py falls back to openedx-scorm-xblock's).
"""
from typing import Protocol


class ScormBlock(Protocol):
    """The block as its mixins see it."""

    # ---- fields of block.py (ScormXBlock)
    display_name: str
    package_sha1: str  # sha1 of the uploaded zip: names its tree
    package_title: str
    scorm_version: str  # 1.2, 2004-2nd, 2004-3rd or 2004-4th (openedx-scorm-xblock's SCORM_12... on its blocks)
    package_manifest: dict  # Manifest.to_dict() of the package

    # ---- fields of legacy.py
    package_meta: dict  # openedx-scorm-xblock's record of its upload ({} on blocks it never uploaded)

    # ---- block.py
    def block_settings(self):
        """XBLOCK_SETTINGS["ScormXBlock"] merged with the defaults (openedxscorm.settings)."""

    def gettext(self, text):
        """text translated through the runtime's i18n service."""

    def render_template(self, name, context):
        """A template of templates/ rendered with the runtime's translations."""

    def launch_items(self):
        """The package's launchable items in manifest order."""

    def launch_url(self, item, settings):
        """The URL the player frames for an item."""

    def package_tree(self, settings=None):
        """The PackageTree of the package served (no storage call)."""

    def mirror_hook(self, settings):
        """What runs after an extraction when the contentstore mirror is on (None when off)."""

    def package_summary(self):
        """The package as the Studio form shows it, for the answers of the upload handlers."""

    # ---- player.py (legacy.py extends runtime_standard, served_sha1 and publish_outcome)
    def runtime_standard(self):
        """The run-time standard of the package (runtime.SCORM12 or SCORM2004), None when there is none."""

    def served_sha1(self):
        """The sha1 of the package the block plays."""

    def first_sco_id(self, items):
        """The identifier of the first launchable item ("" when none)."""

    def item_settings(self, standard, item=None):
        """An item's launch settings (the first item's by default)."""

    def delivered_objectives(self, delivery):
        """The objective ids of the delivered SCO, when the delivery is of the package served."""

    def progress(self, standard, version):
        """The learner's Progress through the package, from a learner_store.VersionState."""

    def learner_identity(self):
        """(learner id, learner name) as the SCO is told them."""

    def publish_outcome(self, before, after, published=None):
        """Publish grade and completion after a stored commit; what is published so far, updated."""

    # ---- commits.py
    def sco_initialize(self, request, suffix=""):
        """The handler a SCO's Initialize posts to."""

    def scorm_commit(self, request, suffix=""):
        """The handler the browser API's commits post to."""

    # ---- learner_versions.py
    def learner_key(self):
        """The learner_store.LearnerKey of the current learner in this block."""

    def stored_version(self, sha1=None):
        """The learner's VersionState of a package version (the served one by default); no write."""

    def writing_version(self, sha1, standard):
        """learner_store.writing for the current learner, seeded from earlier block fields."""

    def published_grade(self, version):
        """The grade the gradebook holds for the learner."""
