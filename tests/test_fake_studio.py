"""The contract fake's Studio paths on a block that does what the platform's own blocks may do: write a file into
export_fs and name a /static/ asset. They must show what the platform does with those: a clipboard file staged
by its base name (without bytes over 10 MB), a /static/ asset read whole, and pasted files saved UNLOCKED."""
import pytest
from opaque_keys.edx.keys import CourseKey
from xblock.core import XBlock
from xblock.fields import Integer, Scope, ScopeIds, String

from openedxscorm_support.block_runtime import BlockTestRuntime
from openedxscorm_support.fake_platform import StaticContent
from openedxscorm_support.fake_platform.studio import CLIPBOARD_FILE_LIMIT, paste, save_library_block, stage_block

pytest_plugins = ["openedxscorm_support.fake_platform.plugin"]

SOURCE = CourseKey.from_string("course-v1:Org+Fake+2026")
OTHER = CourseKey.from_string("course-v1:Other+Fake+2027")


class FileWritingBlock(XBlock):
    """Writes ``payload_size`` bytes under a folder of export_fs and points at ``asset`` with a /static/ URL."""

    payload_size = Integer(default=0, scope=Scope.settings)
    asset = String(default="", scope=Scope.settings)

    def add_xml_to_node(self, node):
        super().add_xml_to_node(node)
        export_fs = getattr(self.runtime, "export_fs", None)
        if export_fs is not None and self.payload_size:
            export_fs.makedirs("bundle", recreate=True)
            export_fs.writebytes("bundle/package.zip", b"z" * self.payload_size)
        if self.asset:
            node.set("href", f"/static/{self.asset}")


def file_writing_block(payload_size=0, asset=""):
    runtime = BlockTestRuntime()
    usage_key = SOURCE.make_usage_key("filewriting", "one")
    block = runtime.construct_xblock_from_class(FileWritingBlock, ScopeIds("a", "filewriting", usage_key, usage_key))
    block.payload_size, block.asset = payload_size, asset
    return block


@pytest.mark.parametrize(("size", "saved"), [(1000, True), (CLIPBOARD_FILE_LIMIT + 1, False)])
def test_a_file_written_to_export_fs_is_pasted_as_an_unlocked_asset_or_an_error(fake_platform, size, saved):
    block = file_writing_block(payload_size=size)
    staged = stage_block(fake_platform, block)
    assert [staged_file.filename for staged_file in staged.files] == ["package.zip"]  # the base name only
    assert staged.holds_bytes() == (size if saved else 0)
    _pasted, notices = paste(fake_platform, staged, OTHER, BlockTestRuntime(), FileWritingBlock, "pasted")
    key = str(OTHER.make_asset_key("asset", "package.zip"))
    if saved:
        assert notices.new_files == ["package.zip"]
        assert fake_platform.contentstore.assets[key].locked is False
    else:
        assert notices.error_files == ["package.zip"] and key not in fake_platform.contentstore.assets


def test_a_static_reference_is_read_whole_into_the_clipboard_and_pasted_unlocked(fake_platform):
    location = StaticContent.compute_location(SOURCE, "handout.pdf")
    fake_platform.contentstore.save(StaticContent(location, "handout.pdf", "application/pdf", b"%PDF", locked=True))
    block = file_writing_block(asset="handout.pdf")
    reads_before = fake_platform.contentstore.bytes_read
    staged = stage_block(fake_platform, block)
    assert staged.holds_bytes() == 4 and fake_platform.contentstore.bytes_read == reads_before + 4
    _pasted, notices = paste(fake_platform, staged, OTHER, BlockTestRuntime(), FileWritingBlock, "pasted")
    assert notices.new_files == ["handout.pdf"]
    assert fake_platform.contentstore.assets[str(OTHER.make_asset_key("asset", "handout.pdf"))].locked is False
    same_course, same_notices = paste(fake_platform, staged, SOURCE, BlockTestRuntime(), FileWritingBlock, "again")
    assert same_notices.new_files == [] and same_course.asset == "handout.pdf"  # already there, same md5


def test_a_library_save_serializes_every_time_and_keeps_the_olx_only(fake_platform):
    block = file_writing_block(payload_size=9)
    serialized = save_library_block(block)
    assert [static_file.name for static_file in serialized.static_files] == ["package.zip"]
    assert serialized.static_files[0].data == b"z" * 9  # read into memory for nothing
