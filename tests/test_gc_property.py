"""Garbage collection of mirrored zips under random Studio histories: upload, publish, delete, collect."""
import hashlib
import tempfile
import time
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from opaque_keys.edx.keys import CourseKey

from openedxscorm import mirror
from tests.fake_platform import FakePlatform, installed

COURSE = CourseKey.from_string("course-v1:ORG+GC+RUN")
BLOCKS = [COURSE.make_usage_key("scorm", f"block{index}") for index in range(3)]
block_index = st.integers(min_value=0, max_value=len(BLOCKS) - 1)


class StudioHistory(RuleBasedStateMachine):
    """Each upload gives its block a new zip; the modulestore saves the block after the handler, as Studio does."""

    def __init__(self):
        super().__init__()
        self.platform_context = installed(FakePlatform())
        self.platform = self.platform_context.__enter__()  # pylint: disable=unnecessary-dunder-call
        self.folder = tempfile.TemporaryDirectory()
        self.uploads = 0
        self.collected = False

    def teardown(self):
        self.platform_context.__exit__(None, None, None)
        self.folder.cleanup()

    def branch(self, name):
        return self.platform.modulestore.courses.get(COURSE, {}).get(name, {})

    def referenced(self):
        return {block.package_sha1 for name in ("draft", "published") for block in self.branch(name).values()}

    def mirrored(self):
        return {mirror.sha1_of_asset_name(name) for name in self.platform.contentstore.course_asset_names(COURSE)}

    def collect_checked(self, run):
        calls_before = len(self.platform.modulestore.get_items_calls)
        run()
        assert len(self.platform.modulestore.get_items_calls) - calls_before == 2
        self.collected = True

    @rule(index=block_index)
    def upload(self, index):
        self.uploads += 1
        path = Path(self.folder.name) / f"{self.uploads}.zip"
        path.write_bytes(f"package {self.uploads}".encode())
        sha1 = hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()
        self.collect_checked(lambda: mirror.sync_upload(COURSE, BLOCKS[index], sha1, path, chunk_size=4))
        self.platform.modulestore.save_draft(BLOCKS[index], package_sha1=sha1)

    @rule(index=block_index)
    def publish(self, index):
        self.platform.modulestore.publish(BLOCKS[index])
        self.collected = False

    @rule(index=block_index)
    def delete_block(self, index):
        self.platform.modulestore.delete_item(BLOCKS[index])
        self.collected = False

    @rule()
    def collect(self):
        self.collect_checked(lambda: mirror.collect_garbage(COURSE, {}))

    @invariant()
    def referenced_zips_are_never_deleted(self):
        assert self.referenced() <= self.mirrored()

    @invariant()
    def after_gc_each_block_keeps_at_most_its_draft_and_published_zip(self):
        if not self.collected:
            return
        assert self.mirrored() == self.referenced()
        live_blocks = set(self.branch("draft")) | set(self.branch("published"))
        assert len(self.mirrored()) <= 2 * len(live_blocks)


StudioHistory.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
TestStudioHistory = StudioHistory.TestCase


def test_gc_over_200_blocks_is_two_reads_and_fast(tmp_path):
    with installed(FakePlatform()) as platform:
        store = platform.modulestore
        for index in range(200):
            usage_key = COURSE.make_usage_key("scorm", f"many{index}")
            store.save_draft(usage_key, package_sha1=f"{index:040x}")
            store.publish(usage_key)
            store.save_draft(usage_key, package_sha1=f"{index + 1000:040x}")
        zip_path = tmp_path / "orphan.zip"
        zip_path.write_bytes(b"orphan")
        mirror.mirror_zip(COURSE, "f" * 40, zip_path)
        started = time.perf_counter()
        deleted = mirror.collect_garbage(COURSE, {})
        elapsed = time.perf_counter() - started
    assert deleted == [f"asset-v1:ORG+GC+RUN+type@asset+block@scorm_packages_{'f' * 40}.zip"]
    assert len(store.get_items_calls) == 2
    assert elapsed < 1.0
