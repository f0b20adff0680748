"""Garbage collection of mirrored zips under random Studio histories: upload, publish, delete, collect, and two
authors whose uploads interleave on different blocks of one course."""
import hashlib
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from opaque_keys.edx.keys import CourseKey

from openedxscorm import mirror
from openedxscorm_support.fake_platform import FakePlatform, installed

COURSE = CourseKey.from_string("course-v1:ORG+GC+RUN")
BLOCKS = [COURSE.make_usage_key("scorm", f"block{index}") for index in range(3)]
block_index = st.integers(min_value=0, max_value=len(BLOCKS) - 1)
GRACE_SECONDS = 3600
AUTHORS = ("A", "B")
author = st.sampled_from(AUTHORS)


class StudioHistory(RuleBasedStateMachine):
    """Each upload gives its block a new zip; the modulestore saves the block after the handler, as Studio does."""

    def __init__(self):
        super().__init__()
        self.platform_context = installed(FakePlatform())
        self.platform = self.platform_context.__enter__()  # pylint: disable=unnecessary-dunder-call
        self.folder = tempfile.TemporaryDirectory()
        self.uploads = 0
        self.collected = False
        self.now = datetime(2026, 1, 1, tzinfo=timezone.utc)
        self.platform.contentstore.clock = lambda: self.now
        self.pending = {}  # author -> (block index, sha1, when): zip mirrored, block not saved by Studio yet

    def teardown(self):
        self.platform_context.__exit__(None, None, None)
        self.folder.cleanup()

    def branch(self, name):
        return self.platform.modulestore.courses.get(COURSE, {}).get(name, {})

    def referenced(self, after_pending_saves=True):
        """The zips blocks reference as stored, or once every pending save is done (a pending upload replaces its
        block's draft)."""
        draft = {usage_key: block.package_sha1 for usage_key, block in self.branch("draft").items()}
        if after_pending_saves:
            draft.update({BLOCKS[index]: sha1 for index, sha1, _when in self.pending.values()})
        published = {block.package_sha1 for block in self.branch("published").values()}
        return set(draft.values()) | published

    def mirrored(self):
        return {mirror.sha1_of_asset_name(name) for name in self.platform.contentstore.course_asset_names(COURSE)}

    def collect_checked(self, run):
        calls_before = len(self.platform.modulestore.get_items_calls)
        run()
        assert len(self.platform.modulestore.get_items_calls) - calls_before == 2
        self.collected = True

    def new_zip(self):
        self.uploads += 1
        path = Path(self.folder.name) / f"{self.uploads}.zip"
        path.write_bytes(f"package {self.uploads}".encode())
        return path, hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()

    def sync_upload(self, index, sha1, path):
        """The upload handler's mirror step, run the way the block runs it (with the grace period)."""
        self.collect_checked(lambda: mirror.sync_upload(COURSE, BLOCKS[index], sha1, path, chunk_size=4,
                                                        grace_seconds=GRACE_SECONDS, now=self.now))

    @rule(index=block_index)
    def upload(self, index):
        if self.pending_on(index):
            return
        path, sha1 = self.new_zip()
        self.sync_upload(index, sha1, path)
        self.platform.modulestore.save_draft(BLOCKS[index], package_sha1=sha1)

    @rule(who=author, index=block_index)
    def upload_handler_returns(self, who, index):
        """An author's upload mirrors its zip and collects; Studio saves the block later (upload_saved)."""
        if who in self.pending or self.pending_on(index):
            return
        path, sha1 = self.new_zip()
        self.sync_upload(index, sha1, path)
        self.pending[who] = (index, sha1, self.now)

    @rule(who=author)
    def upload_saved(self, who):
        """Studio's update_item of the author's block, after the handler returned: its zip must still be there."""
        if who not in self.pending:
            return
        index, sha1, _when = self.pending.pop(who)
        assert sha1 in self.mirrored(), f"author {who}'s zip was deleted before Studio saved the block"
        self.platform.modulestore.save_draft(BLOCKS[index], package_sha1=sha1)
        self.collected = False  # the block's earlier zip may lose its last reference now: the next collection takes it

    @rule(seconds=st.integers(min_value=1, max_value=3 * GRACE_SECONDS))
    def time_passes(self, seconds):
        """Time moves on; while an upload waits for Studio's save, by less than the grace period in all (Studio
        saves the block as soon as the handler returns)."""
        if self.pending:
            oldest = min(when for _index, _sha1, when in self.pending.values())
            seconds = min(seconds, int((oldest + timedelta(seconds=GRACE_SECONDS) - self.now).total_seconds()) - 1)
        if seconds <= 0:
            return
        self.now += timedelta(seconds=seconds)
        self.collected = False

    def pending_on(self, index):
        """True while the block's upload request has not been saved: Studio does nothing else to it meanwhile."""
        return any(pending_index == index for pending_index, _sha1, _when in self.pending.values())

    @rule(index=block_index)
    def publish(self, index):
        if self.pending_on(index):
            return
        self.platform.modulestore.publish(BLOCKS[index])
        self.collected = False

    @rule(index=block_index)
    def delete_block(self, index):
        if self.pending_on(index):
            return
        self.platform.modulestore.delete_item(BLOCKS[index])
        self.collected = False

    @rule()
    def collect(self):
        self.collect_checked(lambda: mirror.collect_garbage(COURSE, {}, GRACE_SECONDS, now=self.now))

    def young(self):
        """Mirrored zips still inside the grace period."""
        rows, _total = self.platform.contentstore.get_all_content_for_course(COURSE)
        return {mirror.sha1_of_asset_name(row["asset_key"].block_id) for row in rows
                if self.now - row["uploadDate"] < timedelta(seconds=GRACE_SECONDS)}

    @invariant()
    def zips_referenced_after_the_pending_saves_are_never_deleted(self):
        assert self.referenced() <= self.mirrored()

    @invariant()
    def after_gc_only_referenced_or_young_zips_stay(self):
        if not self.collected:
            return
        kept = self.referenced() | self.referenced(after_pending_saves=False) | self.young()
        assert self.referenced() <= self.mirrored() <= kept
        if not kept - self.referenced():
            live_blocks = set(self.branch("draft")) | set(self.branch("published")) | {
                BLOCKS[index] for index, _sha1, _when in self.pending.values()}
            assert len(self.mirrored()) <= 2 * len(live_blocks)


StudioHistory.TestCase.settings = settings(max_examples=80, stateful_step_count=30, deadline=None,
                                           report_multiple_bugs=False)
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
