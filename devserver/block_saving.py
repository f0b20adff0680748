"""Blocks saved as Studio saves them: whole, once the handler has returned, in one transaction.

Studio's ``component_handler`` loads the block, runs the handler on it, then calls ``modulestore().update_item``,
which stores the block's content and settings fields together: of two authors saving one block at once, the last
one's block is kept whole. The workbench instead saves each dirty field on its own (a read and a write of the
block's row per field), so two uploads at once could leave the title and manifest of one with the tree of the
other. Here a handler that changed any authored field (content or settings scope) stores every authored field of
the block it ran on, with its learner state, in one transaction; on sqlite (``transaction_mode`` IMMEDIATE) a
second save waits for the first instead of interleaving with it.
"""
from django.db import transaction
from xblock.exceptions import NoSuchHandlerError
from xblock.fields import Scope

AUTHORED_SCOPES = (Scope.content, Scope.settings)


def authored_field_names(block):
    return [name for name, field in block.fields.items() if field.scope in AUTHORED_SCOPES]


def save_whole(block):
    """Save the block after a handler: all authored fields when one of them changed, else only what changed.

    A mutable field (Dict, List) that was only read is among the block's dirty fields too, so that XBlock can
    compare it with its baseline; only a field whose value differs from that baseline counts as changed. Else a
    learner's launch, which reads the manifest, would write back every authored field it loaded, over an
    author's upload saved meanwhile."""
    authored = authored_field_names(block)
    changed = set(block._get_fields_to_save())  # pylint: disable=protected-access
    with transaction.atomic():
        if changed & set(authored):
            for name in authored:
                getattr(block, name)  # into the block's field cache, from which force_save_fields reads
            block.force_save_fields(authored)
        block.save()


def handle(block, handler_name, request, suffix):
    """Run a handler as Studio's component_handler does, then save the block whole."""
    handler = getattr(block, handler_name, None)
    if not getattr(handler, "_is_xblock_handler", False):
        raise NoSuchHandlerError(f"Couldn't find handler {handler_name!r} for {block!r}")
    result = handler(request, suffix)
    save_whole(block)
    return result
