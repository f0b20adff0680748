"""The block's side of learner state: whose state a request reads or writes, and the states a learner kept in
block fields before the tables of models.py existed (docs/learner-state.rst)."""
import re
from datetime import timedelta

from django.utils import timezone
from xblock.fields import Dict, Scope, String

from . import compat, legacy
from . import learner_store as store

# This block's own user_state fields of earlier releases: read once, stored in the tables with the learner's first
# write, never written again.
OWN_FIELDS = ("scorm_state", "sco_states", "sco_current", "sequencing_state", "last_grade")
SHA1 = re.compile(r"[0-9a-f]{40}")


def usage_text(usage_id):
    """The block's usage key as stored: without branch or version where the key has them."""
    try:
        return compat.canonical_usage_key(usage_id)
    except AttributeError:  # a plain string id (some workbench runtimes)
        return str(usage_id)


class LearnerVersionsMixin:
    """Learner state per package version, through learner_store."""

    scorm_state = legacy.LegacyAwareState(
        help="Earlier releases: the learner's run-time state of the first SCO (openedxscorm/runtime/state.py). Read "
             "once into the learner state tables. While never written it reads as openedx-scorm-xblock's learner "
             "fields, converted.", default={}, scope=Scope.user_state)
    sco_states = Dict(help="Earlier releases: the learner's run-time states of the SCOs after the first, by item "
                           "identifier. Read once into the learner state tables.", default={}, scope=Scope.user_state)
    sco_current = String(help="Earlier releases: the SCO the learner last launched.", default="",
                         scope=Scope.user_state)
    sequencing_state = Dict(help="Earlier releases: the browser sequencing engine's state, {package, state}.",
                            default={}, scope=Scope.user_state)
    last_grade = Dict(help="Earlier releases: the grade last published for the learner.", default={},
                      scope=Scope.user_state)
    legacy_learner_sha1 = String(help="sha1 of the package openedx-scorm-xblock 19.x played before the first upload "
                                      "here: its learners' 19.x state belongs to that version.", default="",
                                 scope=Scope.settings)

    def learner_key(self):
        return store.LearnerKey.of(self.scope_ids.user_id, usage_text(self.scope_ids.usage_id))

    def stored_version(self, sha1=None):
        """The learner's state of a package version (the one served by default); no write. A learner with no row
        yet sees what block fields of an earlier release hold for that version."""
        key, sha1 = self.learner_key(), sha1 or self.served_sha1()
        version = store.read_version(key, sha1)
        if version.stored or store.has_state(key):
            return version
        return next((found for found in self.field_seeds() if found.sha1 == sha1), version)

    def writing_version(self, sha1, standard):
        """learner_store.writing for this learner, seeded from block fields on the first write."""
        return store.writing(self.learner_key(), sha1, standard, seeds=self.field_seeds)

    def played_recently(self, sha1, seconds):
        """Whether the learner stored anything for this package version in the last `seconds` (a page of it is
        likely open): its files stay servable to them that long after a new version replaced it."""
        if not SHA1.fullmatch(sha1 or ""):
            return False
        version = store.read_version(self.learner_key(), sha1)
        return bool(version.modified) and version.modified >= timezone.now() - timedelta(seconds=seconds)

    def published_grade(self, version):
        """The grade the gradebook holds for the learner: the last one published from any version."""
        if version.published.get("grade"):
            return version.published["grade"]
        found = (other.published.get("grade") for other in store.versions(self.learner_key()))
        return next((grade for grade in found if grade), None)

    def field_seeds(self):
        """VersionStates from block fields: this block's earlier fields (the version its engine state names, else
        the served one), or openedx-scorm-xblock 19.x's learner fields (the version 19.x played; 19.x played one
        SCO, kept under the identifier of the current package's first SCO)."""
        standard, served = self.runtime_standard(), self.served_sha1()
        if standard is None or not served:
            return []
        items = self.launch_items()
        first = items[0].identifier if items else ""
        if any(self.fields[name].is_set_on(self) for name in OWN_FIELDS):
            engine = self.sequencing_state or {}
            scos = {**(self.sco_states or {})}
            if self.fields["scorm_state"].is_set_on(self):
                scos[first] = self.scorm_state
            return [store.VersionState(
                sha1=engine.get("package") or served, standard=standard, scos=scos,
                engine_state=engine.get("state", ""), current_sco=self.sco_current,
                published={"grade": self.last_grade} if self.last_grade else {})]
        fields = legacy.legacy_learner_fields(self)
        if any(self.fields[name].is_set_on(self) for name in ("scorm_data", "lesson_status", "lesson_score")):
            state = legacy.state_from_legacy(standard, fields)
            sha1 = self.legacy_learner_sha1 or legacy.legacy_sha1(self) or served
            return [store.VersionState(sha1=sha1, standard=standard,
                                       scos={first: state} if state else {}, published=legacy.CONVERTED_PUBLISHED)]
        return []
