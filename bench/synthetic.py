"""Deterministic synthetic SCORM 1.2 packages for the benchmarks.

A package is described by a `PackageSpec`; the same spec always gives the same bytes, and the zip is
cached under bench/.work/ in a file named after the spec, so repeated runs reuse it. Media members are
incompressible random bytes stored as-is (as real video and audio are); the many small text files are
deflated, as authoring tools do.
"""
import dataclasses
import os
import random
import zipfile
from pathlib import Path

WORK_DIR = Path(__file__).resolve().parent / ".work"
MIB = 1024 * 1024
WRITE_CHUNK = 1 * MIB
FIXED_DATE = (2024, 6, 1, 0, 0, 0)
TEXT_WORDS = (
    "scorm", "course", "learner", "lesson", "module", "score", "status", "passed", "failed", "completed",
    "incomplete", "browsed", "interaction", "objective", "suspend", "resume", "launch", "frame", "player",
    "assessment", "question", "answer", "choice", "feedback", "slide", "narration", "caption", "video",
)
TEXT_SUFFIXES = (".html", ".js", ".css", ".json", ".txt", ".xml")

MANIFEST_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{name}" version="1"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="org">
    <organization identifier="org">
      <title>Synthetic benchmark package {name}</title>
      <item identifier="item" identifierref="sco">
        <title>Benchmark lesson</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""

INDEX_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Synthetic benchmark lesson</title></head>
<body>
<h1>Synthetic benchmark lesson</h1>
<script>
  var api = window.parent && window.parent.API;
  if (api) { api.LMSInitialize(""); api.LMSSetValue("cmi.core.lesson_status", "completed"); api.LMSFinish(""); }
</script>
</body>
</html>
"""


@dataclasses.dataclass(frozen=True)
class PackageSpec:
    """What a synthetic package holds: `file_count` members in all, `media_count` of them `media_size` bytes."""

    name: str
    file_count: int
    media_count: int
    media_size: int
    text_size_range: tuple = (1024, 16 * 1024)
    seed: int = 20240601

    @property
    def cache_name(self):
        low, high = self.text_size_range
        return (f"{self.name}-f{self.file_count}-m{self.media_count}x{self.media_size}"
                f"-t{low}-{high}-s{self.seed}.zip")


# The package of the "Must show" figure: over 200 MB in 2,000 files, four media members of 52 MiB.
MANY_FILES = PackageSpec(name="many-files", file_count=2000, media_count=4, media_size=52 * MIB)
# One 600 MB member: memory must stay flat however large a member is.
ONE_BIG_MEMBER = PackageSpec(name="one-big-member", file_count=20, media_count=1, media_size=600 * 1000 * 1000)
# Near the default MAX_MEMBER_COUNT (20,000): memory must not grow with the number of members either.
MANY_MEMBERS = PackageSpec(name="many-members", file_count=19990, media_count=0, media_size=0,
                           text_size_range=(200, 2000))


def package_path(spec, work_dir=WORK_DIR):
    """The cached zip for `spec`, written first when missing (to a temporary name of this process's, then renamed:
    processes writing it at once each write the same bytes)."""
    target = Path(work_dir) / spec.cache_name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.partial")
        write_package(spec, partial)
        os.replace(partial, target)
    return target


def write_package(spec, path):
    """Write the zip for `spec` to `path`, streaming media so memory stays small."""
    rng = random.Random(spec.seed)
    text_count = spec.file_count - spec.media_count - 2
    if text_count < 0:
        raise ValueError("file_count must leave room for imsmanifest.xml, index.html and the media")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.writestr(_info("imsmanifest.xml"), MANIFEST_TEMPLATE.format(name=spec.name))
        archive.writestr(_info("index.html"), INDEX_HTML)
        for index in range(text_count):
            suffix = TEXT_SUFFIXES[index % len(TEXT_SUFFIXES)]
            member = f"content/part{index // 100:03d}/file{index:05d}{suffix}"
            archive.writestr(_info(member), _text(rng, rng.randint(*spec.text_size_range)))
        for index in range(spec.media_count):
            _write_media(archive, f"media/clip{index:02d}.mp4", spec.media_size, rng)


def _info(member, compress_type=zipfile.ZIP_DEFLATED):
    """A member header with a fixed date, so the same spec always gives the same bytes (and sha1)."""
    info = zipfile.ZipInfo(member, date_time=FIXED_DATE)
    info.compress_type = compress_type
    info.external_attr = 0o644 << 16
    return info


def _text(rng, size):
    """Word soup of about `size` bytes: compresses like real markup and scripts do."""
    words = []
    length = 0
    while length < size:
        word = rng.choice(TEXT_WORDS)
        words.append(word)
        length += len(word) + 1
    return " ".join(words)[:size]


def _write_media(archive, member, size, rng):
    """A stored (not deflated) member of `size` random bytes, written a chunk at a time."""
    info = _info(member, zipfile.ZIP_STORED)
    info.file_size = size
    with archive.open(info, "w", force_zip64=size >= zipfile.ZIP64_LIMIT) as handle:
        remaining = size
        while remaining:
            count = min(WRITE_CHUNK, remaining)
            handle.write(rng.randbytes(count))
            remaining -= count


if __name__ == "__main__":
    for package_spec in (MANY_FILES, ONE_BIG_MEMBER, MANY_MEMBERS):
        print(package_path(package_spec))
