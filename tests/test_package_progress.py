"""Extraction progress: files and bytes written of the totals, published while the workers write, kept in the cache
for any worker to read, ending at the totals."""
import threading

import pytest

from openedxscorm.package import ExtractionProgress, Limits, Member, check_package, extract, extract_package, spool_path
from openedxscorm.trees import PackageTree
from tests.packages import fixture_zip


def largest_package():
    """A package of more than 50 files of different sizes."""
    return fixture_zip("many-files-1.2.zip")


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_progress_is_published_at_start_at_most_every_interval_and_at_the_end():
    members = [Member(f"f{index}", f"f{index}", size=10 * (index + 1)) for index in range(5)]
    published = []
    clock = FakeClock()
    progress = ExtractionProgress(members, published.append, interval=1.0, clock=clock)
    progress.start()
    progress.bytes_read(10)
    progress.member_done()  # within the interval: kept
    clock.now = 1.5
    progress.bytes_read(15)  # part of a member: past the interval, published
    progress.bytes_read(500)  # a member read again cannot pass the total
    progress.member_done()
    clock.now = 2.0
    progress.member_done()  # within the interval again: kept
    progress.finish()
    assert published == [
        {"files_done": 0, "files_total": 5, "bytes_done": 0, "bytes_total": 150},
        {"files_done": 1, "files_total": 5, "bytes_done": 25, "bytes_total": 150},
        {"files_done": 5, "files_total": 5, "bytes_done": 150, "bytes_total": 150},
    ]


@pytest.mark.parametrize("workers", [1, 4])
def test_extraction_reports_progress_that_moves_and_ends_at_the_totals(storage, monkeypatch, workers):
    monkeypatch.setattr(extract, "PROGRESS_INTERVAL", 0)  # every member, so that each step can be checked
    zip_path = largest_package()
    limits = Limits(workers=workers)
    spooled = spool_path(zip_path)
    checked = check_package(spooled, limits)
    tree = PackageTree(storage, "scorm", spooled.sha1)
    heard = []
    extract_package(spooled, checked, tree, limits, on_progress=heard.append)

    total_bytes = sum(member.size for member in checked.members)
    assert len(checked.members) > 50
    assert heard[0] == {"files_done": 0, "files_total": len(checked.members), "bytes_done": 0,
                        "bytes_total": total_bytes}
    assert heard[-1] == {**heard[0], "files_done": len(checked.members), "bytes_done": total_bytes}
    files = [snapshot["files_done"] for snapshot in heard]
    sizes = [snapshot["bytes_done"] for snapshot in heard]
    assert files == sorted(files) and sizes == sorted(sizes), "progress never goes backwards"
    assert len(set(files)) == len(checked.members) + 1, "every member moved it"
    assert len(set(sizes)) > len(checked.members) // 2, "bytes move as members are read"
    assert all(snapshot["bytes_done"] <= total_bytes for snapshot in heard)
    assert tree.read_progress() == heard[-1], "any worker reads it from the cache"


def checked_largest_package(storage, workers):
    """(limits, spooled zip, checked package, its tree) of the largest package, ready to extract."""
    limits = Limits(workers=workers)
    spooled = spool_path(largest_package())
    return limits, spooled, check_package(spooled, limits), PackageTree(storage, "scorm", spooled.sha1)


def test_companions_run_before_the_marker_and_also_for_a_complete_tree(storage):
    limits, spooled, checked, tree = checked_largest_package(storage, workers=3)
    seen = []
    threads = []

    def companion():
        threads.append(threading.current_thread().name)
        seen.append(tree.is_complete())

    extract_package(spooled, checked, tree, limits, companions=[companion])
    assert seen == [False], "ran once, before the marker"
    assert threads[0].startswith("scorm-extract"), "by a worker, while the others write members"
    assert tree.is_complete()
    extract_package(spooled, checked, tree, limits, companions=[lambda: seen.append(tree.is_complete())])
    assert seen == [False, True]


def test_a_failing_companion_leaves_the_tree_incomplete(storage):
    limits, spooled, checked, tree = checked_largest_package(storage, workers=2)

    def broken_store():
        raise OSError("store down")

    with pytest.raises(OSError):
        extract_package(spooled, checked, tree, limits, companions=[broken_store])
    assert not tree.is_complete()
