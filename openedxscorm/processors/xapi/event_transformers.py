"""event-routing-backends transformers of every openedx.xblock.scorm.* event: importing this module registers them.

A statement's object is the block as a lesson activity; an interacted event about one of the package's interactions
has that interaction as a cmi.interaction activity instead (its type, correct response patterns and description),
with the block as its parent. The result (score, success, completion, duration, response) follows
vocabulary.RESULTS; the context carries the SCORM version and the package's sha1.
"""
from urllib.parse import quote

from event_routing_backends.helpers import get_uuid5
from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry
from event_routing_backends.processors.xapi.transformer import XApiTransformer
from tincan import Activity, ActivityDefinition, ActivityList, ContextActivities, LanguageMap, Result, Verb

from openedxscorm import tracking

from . import vocabulary
from .responses import xapi_response
from .statements import result_fields


class ScormTransformer(XApiTransformer):
    """One event of a learner's SCORM session as a statement about the block."""

    additional_fields = ("result",)

    @property
    def short_name(self):
        return self.get_data("name", True).rsplit(".", 1)[-1]

    @property
    def _verb(self):
        """Read by XApiTransformer.get_verb, which lets the operator's openedx-filters change it."""
        return Verb(id=vocabulary.VERBS[self.short_name], display=LanguageMap({vocabulary.LANGUAGE: self.short_name}))

    def lesson(self):
        return Activity(id=self.get_object_iri("xblock", self.get_data("data.block_id", True)),
                        definition=ActivityDefinition(type=vocabulary.LESSON))

    def get_object(self):
        return self.lesson()

    def get_result(self):
        fields = result_fields(self.short_name, self.get_data("data") or {})
        return Result(**fields) if fields else None

    def get_context_extensions(self):
        extensions = super().get_context_extensions()
        for iri, key in ((vocabulary.SCORM_VERSION_EXTENSION, "data.scorm_version"),
                         (vocabulary.PACKAGE_SHA1_EXTENSION, "data.package_sha1")):
            value = self.get_data(key)
            if value:
                extensions[iri] = value
        return extensions


class InteractedTransformer(ScormTransformer):
    """An interacted event: the changed element in the context, its value as the response."""

    def interaction(self):
        """The event's interaction, when the package gave it an id; else None (a location change, say)."""
        interaction = self.get_data("data.interaction") or {}
        return interaction if interaction.get("id") else None

    def get_object(self):
        interaction = self.interaction()
        if interaction is None:
            return self.lesson()
        version = self.get_data("data.scorm_version")
        kind = interaction.get("type")
        patterns = [xapi_response(version, kind, pattern) for pattern in interaction.get("correct_responses", [])]
        definition = ActivityDefinition(
            type=vocabulary.CMI_INTERACTION,
            interaction_type=kind if kind in vocabulary.INTERACTION_TYPES else "other",
            # an empty list would say that no response is correct; a package that gave none says nothing
            correct_responses_pattern=patterns or None,
        )
        if interaction.get("description"):
            definition.description = LanguageMap({vocabulary.LANGUAGE: interaction["description"]})
        return Activity(id=f"{self.lesson().id}/interactions/{quote(interaction['id'], safe='')}",
                        definition=definition)

    def get_context_activities(self):
        """An interaction's parent is the block; the course, the block's parent, groups them."""
        course = super().get_context_activities()
        if self.interaction() is None:
            return course
        grouping = course.parent if course is not None else None
        return ContextActivities(parent=ActivityList([self.lesson()]), grouping=grouping)

    def get_context_extensions(self):
        extensions = super().get_context_extensions()
        extensions[vocabulary.CMI_ELEMENT_EXTENSION] = self.get_data("data.cmi_element", True)
        return extensions

    def get_event_id(self):
        """Also named by the changed element: one commit changing two elements at the same instant gives two
        statements, and an LRS refuses a second statement with the id of the first."""
        name = f"{self.get_actor().to_json()}-{self.get_timestamp()}-{self.get_data('data.cmi_element', True)}"
        return get_uuid5(self.get_verb().to_json(), name)


# short event name -> its transformer; every event this block emits has one
TRANSFORMERS = {short_name: ScormTransformer for short_name in vocabulary.VERBS}
TRANSFORMERS[tracking.INTERACTED] = InteractedTransformer

for _short_name, _transformer in TRANSFORMERS.items():
    XApiTransformersRegistry.register(tracking.event_name(_short_name))(_transformer)
