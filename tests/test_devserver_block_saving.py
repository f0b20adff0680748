"""The dev server saves a block after a handler as Studio does: whole when an authored field changed, and never
writes back what a handler only read."""
from xblock.fields import ScopeIds
from xblock.runtime import DictKeyValueStore, KvsFieldData

from devserver.block_saving import save_whole
from openedxscorm.block import ScormXBlock
from openedxscorm_support.block_runtime import BlockTestRuntime

USAGE = "block-v1:Workbench+SCORM+dev+type@scorm+block@saving"


def loaded(store, user="learner"):
    """A new instance of the one block, as a request loads it, over the shared key-value store."""
    runtime = BlockTestRuntime(field_data=KvsFieldData(store))
    return runtime.construct_xblock_from_class(ScormXBlock, ScopeIds(user, "scorm", USAGE, USAGE))


def authored(store):
    block = loaded(store, "author")
    return block.package_title, block.package_manifest, block.display_name


def upload(block, title):
    block.package_title = title
    block.package_manifest = {"title": title, "resources": {}}
    block.display_name = title
    save_whole(block)


def test_a_launch_that_read_the_manifest_does_not_write_it_back_over_an_upload():
    store = DictKeyValueStore()
    upload(loaded(store, "author"), "Package one")
    launch = loaded(store)
    assert launch.package_manifest["title"] == "Package one"  # a Dict read: XBlock lists it among dirty fields
    upload(loaded(store, "author"), "Package two")  # saved while the launch runs
    save_whole(launch)
    assert authored(store) == ("Package two", {"title": "Package two", "resources": {}}, "Package two")


def test_a_handler_that_changed_an_authored_field_saves_every_authored_field_it_loaded():
    store = DictKeyValueStore()
    upload(loaded(store, "author"), "Package one")
    first = loaded(store, "author")
    first.package_title = "Package three"
    first.package_manifest = {"title": "Package three", "resources": {}}  # loaded and changed
    assert first.display_name == "Package one"  # loaded
    upload(loaded(store, "author"), "Package two")
    save_whole(first)  # the last save keeps one upload whole: never a title of one and a manifest of the other
    assert authored(store) == ("Package three", {"title": "Package three", "resources": {}}, "Package one")


def test_learner_state_changed_by_a_handler_is_saved_alone():
    store = DictKeyValueStore()
    upload(loaded(store, "author"), "Package one")
    launch = loaded(store)
    assert launch.package_manifest
    launch.lesson_score = 0.5
    upload(loaded(store, "author"), "Package two")
    save_whole(launch)
    assert loaded(store).lesson_score == 0.5
    assert authored(store)[0] == "Package two"
