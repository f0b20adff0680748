"""Learner state of the block, in tables of its own (docs/learner-state.rst).

One row per learner, block and package version holds what is shared by the version's SCOs (the sequencing
engine's state, the grade last published from it, the size of everything stored); one row per SCO below it holds
that SCO's run-time state (openedxscorm/runtime/state.py). Every write locks the version row first, so two tabs of
one learner never overwrite each other's commits.
"""
from django.db import models

# Identifier lengths: SCO identifiers come from manifests (xs:ID, no fixed limit); longer ones are digested.
LEARNER_LENGTH = 255
USAGE_KEY_LENGTH = 255
SHA1_LENGTH = 40
SCO_LENGTH = 255


class LearnerPackageState(models.Model):
    """One learner's state of one package version of one block."""

    learner = models.CharField(max_length=LEARNER_LENGTH, help_text="The runtime's user id of the learner.")
    usage_key = models.CharField(max_length=USAGE_KEY_LENGTH, help_text="The block's usage key, without branch.")
    package_sha1 = models.CharField(max_length=SHA1_LENGTH, help_text="sha1 of the zip the learner played.")
    standard = models.CharField(max_length=8, blank=True, default="", help_text="1.2 or 2004.")
    current_sco = models.CharField(max_length=SCO_LENGTH, blank=True, default="",
                                   help_text="The SCO whose session started last.")
    engine_state = models.TextField(blank=True, default="", help_text="The browser sequencing engine's state.")
    published = models.JSONField(default=dict, blank=True,
                                 help_text="Grade and completion last published from this version.")
    size = models.PositiveIntegerField(default=0, help_text="Bytes stored: every SCO state and the engine state.")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "openedxscorm"
        constraints = [models.UniqueConstraint(fields=["learner", "usage_key", "package_sha1"],
                                               name="openedxscorm_one_state_per_version")]
        indexes = [models.Index(fields=["usage_key", "learner"], name="openedxscorm_block_learner")]

    def __str__(self):
        return f"{self.learner} in {self.usage_key} @ {self.package_sha1[:8]}"


class LearnerScoState(models.Model):
    """One SCO's run-time state for one learner and package version."""

    package_state = models.ForeignKey(LearnerPackageState, on_delete=models.CASCADE, related_name="scos")
    sco = models.CharField(max_length=SCO_LENGTH)
    state = models.JSONField(default=dict)
    size = models.PositiveIntegerField(default=0)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "openedxscorm"
        constraints = [models.UniqueConstraint(fields=["package_state", "sco"], name="openedxscorm_one_state_per_sco")]

    def __str__(self):
        return f"{self.package_state} / {self.sco}"
