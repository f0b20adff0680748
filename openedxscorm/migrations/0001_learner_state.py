"""The learner state tables (models.py): one row per learner, block and package version, one per SCO below it."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="LearnerPackageState",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("learner", models.CharField(help_text="The runtime's user id of the learner.", max_length=255)),
                ("usage_key", models.CharField(help_text="The block's usage key, without branch.", max_length=255)),
                ("package_sha1", models.CharField(help_text="sha1 of the zip the learner played.", max_length=40)),
                ("standard", models.CharField(blank=True, default="", help_text="1.2 or 2004.", max_length=8)),
                ("current_sco", models.CharField(blank=True, default="", max_length=255,
                                                 help_text="The SCO whose session started last.")),
                ("engine_state", models.TextField(blank=True, default="",
                                                  help_text="The browser sequencing engine's state.")),
                ("published", models.JSONField(blank=True, default=dict,
                                               help_text="Grade and completion last published from this version.")),
                ("size", models.PositiveIntegerField(
                    default=0, help_text="Bytes stored: every SCO state and the engine state.")),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("modified", models.DateTimeField(auto_now=True)),
            ],
            options={
                "indexes": [models.Index(fields=["usage_key", "learner"], name="openedxscorm_block_learner")],
                "constraints": [models.UniqueConstraint(fields=("learner", "usage_key", "package_sha1"),
                                                        name="openedxscorm_one_state_per_version")],
            },
        ),
        migrations.CreateModel(
            name="LearnerScoState",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sco", models.CharField(max_length=255)),
                ("state", models.JSONField(default=dict)),
                ("size", models.PositiveIntegerField(default=0)),
                ("modified", models.DateTimeField(auto_now=True)),
                ("package_state", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="scos",
                                                    to="openedxscorm.learnerpackagestate")),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("package_state", "sco"),
                                                        name="openedxscorm_one_state_per_sco")],
            },
        ),
    ]
