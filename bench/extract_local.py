"""Local uploads: this block against `unzip` and openedx-scorm-xblock 19.0.5, on the same zips, side by side.

Ours goes through its Studio handlers as the Studio form calls them (bench/studio_upload.py: the pieces stored in
the storage, joined, hashed, checked, extracted, the zip kept beside the tree), upstream through its own
`studio_submit`, `unzip` extracts only.

Each run is a fresh process. The variants take turns (ours, unzip, upstream, ours, ...) so that none
profits alone from a warm page cache, and the median of BENCH_REPEAT rounds (3 by default) is reported;
a ratio is the median of the ratios within each round.
Between runs the extracted tree is deleted and the file system synced, outside the timed section.

- Time is measured on MANY_FILES (over 200 MB in 2,000 files, four media members of 52 MiB), with the
  trees written to disk (beside the zips, under bench/.work/), then again into a memory file system
  (BENCH_TMPFS, /dev/shm by default), where the disk's own cost is gone and what is left is each
  program's CPU work.
- Peak memory is measured on ONE_BIG_MEMBER (one 600 MB member): it must not grow with member size;
  and once on MANY_MEMBERS (19,990 small files), where it must not grow with the number of members.
"""
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from . import synthetic, upstream
from .measure import log, median, repeat_count, run_child

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TMPFS = "/dev/shm"


def ours_command(zip_path, media_root):
    return [sys.executable, "-m", "bench.studio_upload", str(zip_path), "local", str(media_root)]


def unzip_command(zip_path, media_root):
    return ["unzip", "-q", str(zip_path), "-d", str(media_root)]


VARIANTS = {
    "ours": ours_command,
    "unzip": unzip_command,
    "upstream": upstream.command,
}
PEAK_MEMORY_VARIANTS = ("ours", "upstream")


def run():
    """Yield (name, value) figures."""
    repeat = repeat_count()
    many_files = synthetic.package_path(synthetic.MANY_FILES)
    one_big_member = synthetic.package_path(synthetic.ONE_BIG_MEMBER)
    upstream.ensure_venv(log=log)
    yield "extract_local_package_mb", round(_uncompressed_size(many_files) / 1e6, 1)
    yield "extract_local_package_files", _member_count(many_files)

    on_disk = _rounds(many_files, VARIANTS, repeat, synthetic.WORK_DIR)
    yield from _time_figures("extract_local", on_disk)
    yield "extract_local_many_files_peak_rss_mib", max(child.peak_rss_mib() for child in on_disk["ours"])

    big = _rounds(one_big_member, {name: VARIANTS[name] for name in PEAK_MEMORY_VARIANTS}, repeat,
                  synthetic.WORK_DIR)
    yield "extract_local_peak_rss_mib", max(child.peak_rss_mib() for child in big["ours"])
    yield "extract_local_upstream_peak_rss_mib", max(child.peak_rss_mib() for child in big["upstream"])
    yield "extract_local_big_member_seconds", median(child.seconds() for child in big["ours"])
    yield "extract_local_upstream_big_member_seconds", median(child.seconds() for child in big["upstream"])

    # Memory does not vary from run to run: one round is enough for the many-members package.
    members = _rounds(synthetic.package_path(synthetic.MANY_MEMBERS),
                      {name: VARIANTS[name] for name in PEAK_MEMORY_VARIANTS}, 1, synthetic.WORK_DIR)
    yield "extract_local_many_members_peak_rss_mib", members["ours"][0].peak_rss_mib()
    yield "extract_local_upstream_many_members_peak_rss_mib", members["upstream"][0].peak_rss_mib()
    yield "extract_local_many_members_seconds", members["ours"][0].seconds()
    yield "extract_local_upstream_many_members_seconds", members["upstream"][0].seconds()

    memory_dir = _memory_dir()
    if memory_dir:
        in_memory = _rounds(many_files, VARIANTS, repeat, memory_dir)
        yield from _time_figures("extract_local_tmpfs", in_memory)


def _time_figures(prefix, runs):
    """Median wall and CPU seconds of each variant, and ours against the others."""
    seconds = {name: median(child.seconds() for child in runs[name]) for name in VARIANTS}
    cpu = {name: median(child.cpu_seconds for child in runs[name]) for name in VARIANTS}
    yield f"{prefix}_seconds", seconds["ours"]
    yield f"{prefix}_last_piece_seconds", median(child.report["last_piece_seconds"] for child in runs["ours"])
    yield f"{prefix}_unzip_seconds", seconds["unzip"]
    yield f"{prefix}_upstream_seconds", seconds["upstream"]
    yield f"{prefix}_ratio_vs_unzip", _paired_ratio(runs["ours"], runs["unzip"])
    yield f"{prefix}_ratio_vs_upstream", _paired_ratio(runs["ours"], runs["upstream"])
    process_seconds = median(child.wall_seconds for child in runs["ours"])
    yield f"{prefix}_process_seconds", process_seconds
    yield f"{prefix}_process_ratio_vs_unzip", process_seconds / seconds["unzip"]
    yield f"{prefix}_cpu_seconds", cpu["ours"]
    yield f"{prefix}_unzip_cpu_seconds", cpu["unzip"]
    yield f"{prefix}_upstream_cpu_seconds", cpu["upstream"]


def _paired_ratio(ours, other):
    """Median over rounds of ours/other within the same round.

    Runs of one round follow each other within seconds, so a slow spell of the shared machine weighs on
    both sides of a ratio instead of on one median only.
    """
    return median(mine.seconds() / theirs.seconds() for mine, theirs in zip(ours, other, strict=True))


def _memory_dir():
    """A memory-backed folder (BENCH_TMPFS, default /dev/shm; empty to skip) for the run without disk."""
    folder = os.environ.get("BENCH_TMPFS", DEFAULT_TMPFS)
    return Path(folder) if folder and os.path.isdir(folder) else None


def _rounds(zip_path, variants, repeat, media_parent):
    """Run every variant `repeat` times, taking turns; each extracted tree is checked, then deleted."""
    runs = {name: [] for name in variants}
    expected_bytes = _uncompressed_size(zip_path)
    for round_number in range(1, repeat + 1):
        for name, command in variants.items():
            media_root = Path(tempfile.mkdtemp(prefix=f"extract-{name}-", dir=media_parent))
            try:
                child = run_child(command(zip_path, media_root), cwd=REPO_ROOT)
                _check_extracted(media_root, expected_bytes, name)
            finally:
                shutil.rmtree(media_root)
                os.sync()
            log(f"{zip_path.name} into {media_parent}: {name} round {round_number}: {child.seconds():.3f} s"
                f" (process {child.wall_seconds:.3f} s, cpu {child.cpu_seconds:.3f} s),"
                f" peak {child.peak_rss_mib() or 0:.1f} MiB")
            runs[name].append(child)
    return runs


def _check_extracted(media_root, expected_bytes, variant):
    """A run counts only if every byte of the package reached the disk."""
    written = sum(entry.stat().st_size for entry in media_root.rglob("*") if entry.is_file())
    if written < expected_bytes:
        raise RuntimeError(f"{variant} wrote {written} bytes, the package holds {expected_bytes}")


def _uncompressed_size(zip_path):
    with zipfile.ZipFile(zip_path) as archive:
        return sum(info.file_size for info in archive.infolist())


def _member_count(zip_path):
    with zipfile.ZipFile(zip_path) as archive:
        return len(archive.infolist())
