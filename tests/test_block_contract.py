"""ScormXBlock's mixins and their contract (openedxscorm/block_contract.py): the block provides every name of it,
with its parameters, and no mixin uses an attribute of the block that is neither its own, XBlock's nor named there.
"""
import ast
import inspect
import textwrap

import pytest
from xblock.core import XBlock

from openedxscorm.block import ScormXBlock
from openedxscorm.block_contract import ScormBlock

# Attributes XBlock gives each instance in __init__, so they are not on the class.
XBLOCK_INSTANCE_ATTRIBUTES = frozenset(["runtime", "scope_ids"])
MIXINS = [part for part in ScormXBlock.__mro__[1:] if part.__module__.startswith("openedxscorm.")]
CONTRACT_FIELDS = frozenset(ScormBlock.__annotations__)
CONTRACT_METHODS = frozenset(name for name, value in vars(ScormBlock).items()
                             if inspect.isfunction(value) and not name.startswith("_"))


def attributes_used(part):
    """The names a class reads or writes as `self.<name>` anywhere in its body."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(part)))
    return {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"}


def foreign_attributes(part):
    """What a mixin uses of the block beyond its own attributes (its bases' included) and XBlock's."""
    return attributes_used(part) - set(dir(part)) - set(dir(XBlock)) - XBLOCK_INSTANCE_ATTRIBUTES


def parameters(function):
    return list(inspect.signature(function).parameters)


def test_the_mixins_are_found():
    assert {"LegacyFieldsMixin", "ScormPlayerMixin", "ScormCommitsMixin", "LearnerVersionsMixin",
            "ChunkedUploadMixin"} <= {part.__name__ for part in MIXINS}


@pytest.mark.parametrize("name", sorted(CONTRACT_FIELDS))
def test_the_block_has_every_field_of_the_contract(name):
    assert name in ScormXBlock.fields


@pytest.mark.parametrize("name", sorted(CONTRACT_METHODS))
def test_the_block_has_every_method_of_the_contract_with_its_parameters(name):
    assert parameters(getattr(ScormXBlock, name)) == parameters(getattr(ScormBlock, name))


@pytest.mark.parametrize("mixin", MIXINS, ids=lambda part: part.__name__)
def test_a_mixin_uses_only_its_own_attributes_xblocks_and_the_contracts(mixin):
    assert foreign_attributes(mixin) - CONTRACT_FIELDS - CONTRACT_METHODS == set()


def test_every_name_of_the_contract_is_used_by_a_mixin_that_does_not_define_it():
    used = set().union(*(foreign_attributes(mixin) for mixin in MIXINS))
    assert (CONTRACT_FIELDS | CONTRACT_METHODS) - used == set()


def test_a_mixin_using_an_attribute_the_contract_does_not_name_is_caught():
    class Careless:
        def view(self):
            return self.package_filename, self.launch_items()

    assert foreign_attributes(Careless) - CONTRACT_FIELDS - CONTRACT_METHODS == {"package_filename"}
