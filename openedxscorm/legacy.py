"""Compatibility with openedx-scorm-xblock 19.x: its fields, its storage layout and its learner state.

A site that switches from that package keeps its courses and its learners' progress:

* its field attributes (``package_meta``, ``index_page_path``, display options...) stay declared, so they
  import, export and read as before;
* its extracted trees (``<LOCATION>/<sha1 of the usage id>/<sha1>``, older ``<LOCATION>/<block id>``) are
  served as they are, found on first read and remembered in the cache, until the package is uploaded again;
* its OLX bundles the package under ``scorm_package_path``: import extracts it into the content-addressed tree;
* its learner state (``scorm_data``, ``lesson_status``, ``success_status``, ``lesson_score``) is replayed,
  value by value through the run-time's own validation, into ``scorm_state`` the first time it is read.

In the LMS authored fields are read-only, so nothing here writes a settings field outside an import.
"""
import hashlib
import logging
import re
from datetime import datetime, timezone

from xblock.fields import Boolean, Dict, Float, Integer, List, Scope, String

from .launch_settings import standard_of_version
from .manifest import Manifest, ManifestError, parse_manifest
from .package import MANIFEST_NAME
from .runtime import SCORM12, SCORM2004, CommitRejected, apply_commit, finish_session
from .trees import IN_TREE_MARKER_NAME, MARKER_SUFFIX, PackageTree

log = logging.getLogger(__name__)

# openedx-scorm-xblock's scorm_version values -> the run-time standard.
LEGACY_STANDARDS = {"SCORM_12": SCORM12, "SCORM_2004": SCORM2004}
LEGACY_VERSION_NAMES = {standard: name for name, standard in LEGACY_STANDARDS.items()}
# How it wrote package_meta's last_updated (xblock.fields.DateTime.DATETIME_FORMAT), in UTC.
LEGACY_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"
# Its OLX attribute naming the bundled zip -> ours (olx.BUNDLED_ZIP_ATTRIBUTE).
LEGACY_TRAVEL_ATTRIBUTES = {"scorm_package_path": "package_file"}
# Fields whose default (the value of a block that never set them) is not openedx-scorm-xblock 19.0.5's:
# name -> (19.x's, ours). docs/upgrading.rst lists them.
DEFAULTS_CHANGED = {
    "display_name": ("Scorm module", "SCORM package"),
    "index_page_path": (None, ""),
    "scorm_version": ("SCORM_12", ""),
}
# How long where a legacy tree lives (or that it is nowhere) and its parsed manifest are remembered.
FOUND_CACHE_SECONDS = 24 * 60 * 60
MISSING_CACHE_SECONDS = 60
CACHE_PREFIX = "openedxscorm.legacy"
# Its learner fields and where each goes in our data model, per standard; filled in only when the SCO's own
# scorm_data lacks the element.
STATUS_ELEMENTS = {
    SCORM12: {"lesson_status": "cmi.core.lesson_status"},
    SCORM2004: {"lesson_status": "cmi.completion_status", "success_status": "cmi.success_status"},
}
# lesson_score is 0..1; 1.2 keeps it as score.raw out of 100, 2004 as score.scaled.
SCORE_ELEMENTS = {SCORM12: ("cmi.core.score.raw", 100), SCORM2004: ("cmi.score.scaled", 1)}
UNSET_STATUSES = ("", "not attempted", "unknown")
# The completions 19.x wrote in lesson_status.
LEGACY_LESSON_STATUSES = ("completed", "incomplete", "not attempted")
# What the learner state of a converted learner says was published: only this mark, until the learner's first commit
# publishes everything (LegacyFieldsMixin.publish_outcome).
CONVERTED_MARK = "converted_from_openedx_scorm_xblock"
CONVERTED_PUBLISHED = {CONVERTED_MARK: True}
NATURAL_PART = re.compile(r"([0-9]+)")
SHA1 = re.compile(r"[0-9a-f]{40}")
# Numbers openedx-scorm-xblock may have stored as JSON numbers: beyond these they are no SCORM value.
LEGACY_NUMBER_LIMIT = 10 ** 15
LEGACY_SCORE = re.compile(r"-?[0-9]{1,15}(\.[0-9]+)?(e-?[0-9]{1,3})?")


def _(text):
    return text


class LegacyAwareState(Dict):
    """The type of ``scorm_state`` (learner_versions.py): an earlier release's state of the first SCO, kept in a
    block field; while it was never written, openedx-scorm-xblock's learner fields, converted.

    Learner state lives in the tables of models.py: learner_versions.field_seeds converts 19.x's fields itself and
    reads this field only when it was written, so the conversion here serves what reads the field directly. It
    fills the (mutable) cached value, which the runtime then stores with the block's next save.
    """

    def __get__(self, xblock, xblock_class):
        value = super().__get__(xblock, xblock_class)
        if xblock is None or value or self.is_set_on(xblock) or not _has_legacy_state(xblock):
            return value
        standard = xblock.runtime_standard()
        if standard is not None:
            value.update(state_from_legacy(standard, legacy_learner_fields(xblock)))
        return value


class LegacyFieldsMixin:
    """The fields of openedx-scorm-xblock that this block does not have under its own names.

    Declared so that a 19.x course imports without losing them and its learners' state can be read; none is
    shown in Studio. ``width``, ``height``, ``weight``, ``has_score``, ``display_name`` and ``scorm_version``
    have the same names here. Its methods extend the player's (block_contract): where this block's own fields
    are empty, 19.x's version names, sha1 and manifest are used, and a commit keeps 19.x's learner fields in step.
    """

    index_page_path = String(help="openedx-scorm-xblock: launch file of the package.", default="",
                             scope=Scope.settings)
    package_meta = Dict(help="openedx-scorm-xblock: sha1, name, size and last_updated of the uploaded zip.",
                        default={}, scope=Scope.content)
    package_warnings = List(help="openedx-scorm-xblock: warnings found in the package.", default=None,
                            scope=Scope.content)
    popup_on_launch = Boolean(help="openedx-scorm-xblock: launch in a pop-up window.", default=False,
                              scope=Scope.settings)
    enable_navigation_menu = Boolean(help="openedx-scorm-xblock: show its navigation menu.", default=False,
                                     scope=Scope.settings)
    enable_fullscreen_button = Boolean(help="openedx-scorm-xblock: show its fullscreen button.", default=True,
                                       scope=Scope.settings)
    navigation_menu = String(help="openedx-scorm-xblock: the navigation menu's HTML.", default="",
                             scope=Scope.settings)
    navigation_menu_width = Integer(help="openedx-scorm-xblock: navigation menu width.", default=None,
                                    scope=Scope.settings)
    icon_class = String(help="openedx-scorm-xblock: course outline icon.", default="video", scope=Scope.settings)

    scorm_data = Dict(help="openedx-scorm-xblock: the elements the SCO set.", default={}, scope=Scope.user_state)
    lesson_status = String(help="openedx-scorm-xblock: completion status.", default="not attempted",
                           scope=Scope.user_state)
    success_status = String(help="openedx-scorm-xblock: success status.", default="unknown",
                            scope=Scope.user_state)
    lesson_score = Float(help="openedx-scorm-xblock: score, 0 to 1.", default=0, scope=Scope.user_state)
    session_started_at = Float(help="openedx-scorm-xblock: start of the open session.", default=0,
                               scope=Scope.user_state)

    def manifest(self):
        """Our parsed manifest; for a block uploaded with openedx-scorm-xblock, the one of its tree."""
        if self.package_manifest or not is_legacy(self):
            return super().manifest()
        tree = self.package_tree()
        data = manifest_dict(tree) if tree.is_complete() else {}
        return Manifest.from_dict(data) if data else None

    def publish_outcome(self, before, after, published=None):
        """After each stored commit of the package the block plays.

        A converted learner's first commit publishes the grade and the completion whatever the converted state
        held: 19.x told the platform less than its fields say (a 2004 learner passed but incomplete was never sent
        a completion), so nothing counts as published yet. On a block 19.x uploaded, 19.x's learner fields are
        written too (for one release), so that a rollback to 19.x resumes the learner where they are."""
        if (published or {}).get(CONVERTED_MARK):
            published = {}
        published = super().publish_outcome(before, after, published)
        first = after.scos.get(self.first_sco_id(self.launch_items()))
        standard = self.runtime_standard()
        if self.package_meta and first and standard is not None:
            for name, value in legacy_learner_values(standard, first["state"], first["derived"]).items():
                setattr(self, name, value)
        return published

    def runtime_standard(self):
        """Our version names first, then openedx-scorm-xblock's (SCORM_12, SCORM_2004)."""
        return super().runtime_standard() or LEGACY_STANDARDS.get(self.scorm_version)

    def served_sha1(self):
        """The sha1 naming the package being played: ours, else the one openedx-scorm-xblock recorded."""
        return super().served_sha1() or legacy_sha1(self)


# -- fields --------------------------------------------------------------------------------------------------

def take_travel_attributes(node):
    """Remove openedx-scorm-xblock's OLX travel attributes, returned under our names (olx.TRAVEL_ATTRIBUTES)."""
    return {ours: node.attrib.pop(theirs) for theirs, ours in LEGACY_TRAVEL_ATTRIBUTES.items() if theirs in node.attrib}


def legacy_sha1(block):
    """sha1 of the zip openedx-scorm-xblock extracted, or ""."""
    meta = getattr(block, "package_meta", None) or {}
    sha1 = meta.get("sha1", "") if isinstance(meta, dict) else ""
    return sha1 if isinstance(sha1, str) and SHA1.fullmatch(sha1) else ""


def is_legacy(block):
    """A block uploaded with openedx-scorm-xblock and never since with this package."""
    return not block.package_sha1 and bool(legacy_sha1(block))


def kept_package_fields(block):
    """Our descriptive fields from package_meta, for an import that re-extracts the bundled zip."""
    meta = block.package_meta or {}
    fields = {}
    if meta.get("name"):
        fields["package_filename"] = str(meta["name"]).rsplit("/", 1)[-1]
    uploaded = _iso_time(meta.get("last_updated"))
    if uploaded:
        fields["package_uploaded_at"] = uploaded
    return fields


def rollback_package_fields(block, fields):
    """openedx-scorm-xblock's package fields for a package this block just received, for a block that 19.x
    uploaded: after a rollback to 19.x it plays this package too, from our content-addressed tree.

    19.x reads its files under ``<LOCATION>/<its folder of the block>/<package_meta sha1>``; "../<sha1>" there
    names our ``<LOCATION>/<sha1>``, which every Django storage normalises (FileSystemStorage and S3Storage both
    resolve the ".." of a name, and a browser that of a storage URL). Its version names are written too: 19.x
    offers the SCORM 2004 API to anything not named "SCORM_12". Nothing for a block 19.x never uploaded."""
    if not getattr(block, "package_meta", None) or not fields.get("package_sha1") or \
            not fields.get("package_manifest"):
        return {}
    items = Manifest.from_dict(fields["package_manifest"]).launchable_items()
    standard = standard_of_version(fields.get("scorm_version"))
    if not items or standard is None:
        return {}
    uploaded = datetime.fromisoformat(fields["package_uploaded_at"]) if fields.get("package_uploaded_at") else None
    return {
        # 19.x learners' state belongs to the package 19.x played (learner_versions.field_seeds): remembered
        # before package_meta names the new one.
        "legacy_learner_sha1": getattr(block, "legacy_learner_sha1", "") or legacy_sha1(block),
        "package_meta": {
            "sha1": f"../{fields['package_sha1']}", "name": fields.get("package_filename", ""),
            "size": fields.get("package_size", 0),
            "last_updated": uploaded.astimezone(timezone.utc).strftime(LEGACY_TIME_FORMAT) if uploaded else "",
        },
        "index_page_path": items[0].launch_url,
        "scorm_version": LEGACY_VERSION_NAMES[standard],
    }


def _iso_time(text):
    """openedx-scorm-xblock writes DateTime.DATETIME_FORMAT ("%Y-%m-%dT%H:%M:%S.%f"), in UTC."""
    if not isinstance(text, str) or not text:
        return ""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return ""
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat()


# -- storage -------------------------------------------------------------------------------------------------

class LegacyTree(PackageTree):
    """A tree openedx-scorm-xblock extracted, served where it is. Complete when its manifest is there."""

    def __init__(self, storage, prefix, sha1):
        super().__init__(storage, "", sha1)
        self.prefix = prefix.strip("/")
        self.marker_name = self.name_of(MANIFEST_NAME)
        self.zip_name = ""  # it kept no zip
        self.cache_key = f"{CACHE_PREFIX}.complete.{_digest(self.prefix)}"

    def mark_complete(self, sizes):
        raise RuntimeError("a legacy tree is never written")

    def read_marker(self):
        return None  # its manifest marks it: there is no record of its files

    def _adopt_in_tree_marker(self):
        return False

    def unmark(self):
        raise RuntimeError("a legacy tree is never written")

    def delete(self):
        raise RuntimeError("legacy trees are left to the operator")


def _digest(text):
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def candidate_prefixes(location, usage_id, block_id, sha1):
    """Where openedx-scorm-xblock may have put a tree, in the order it looked: the old per-block folder
    (with or without the sha1 level), then the folder named by the sha1 of the usage id."""
    location = location.strip("/")
    return (
        f"{location}/{block_id}/{sha1}",
        f"{location}/{block_id}",
        f"{location}/{_digest(str(usage_id))}/{sha1}",
    )


def find_legacy_prefix(storage, location, usage_id, block_id, sha1):
    """The first candidate folder that holds imsmanifest.xml; else any ``<LOCATION>/<bucket>/<sha1>`` (a rerun
    or an import renamed the block); else None."""
    for prefix in candidate_prefixes(location, usage_id, block_id, sha1):
        if storage.exists(f"{prefix}/{MANIFEST_NAME}"):
            return prefix
    try:
        buckets, _files = storage.listdir(location.strip("/"))
    except (FileNotFoundError, NotImplementedError):
        return None
    for bucket in sorted(buckets):
        prefix = f"{location.strip('/')}/{bucket}/{sha1}"
        if storage.exists(f"{prefix}/{MANIFEST_NAME}"):
            return prefix
    return None


def is_legacy_bucket(storage, folder):
    """A folder laid out by openedx-scorm-xblock: none of our completion marker, and a ``<sha1>`` sub-folder
    holding imsmanifest.xml (``<LOCATION>/<sha1 of the usage id>/<sha1 of the zip>/``)."""
    if storage.exists(f"{folder}{MARKER_SUFFIX}") or storage.exists(f"{folder}/{IN_TREE_MARKER_NAME}"):
        return False
    try:
        subfolders, _files = storage.listdir(folder)
    except FileNotFoundError:
        return False
    return any(SHA1.fullmatch(name) and storage.exists(f"{folder}/{name}/{MANIFEST_NAME}") for name in subfolders)


def buckets_in_use(storage, location, blocks):
    """The folders under LOCATION that hold a tree one of the blocks can serve the way openedx-scorm-xblock laid it
    out: the block's own folder (sha1 of its usage id, or its block id), and any folder holding a ``<sha1>``
    sub-folder named by a block's package_meta (a rerun or an import renamed the block: legacy_tree finds it there).

    Blocks uploaded again with this package count too: their 19.x tree is what a rollback plays."""
    location = location.strip("/")
    sha1s, own_folders = set(), set()
    for block in blocks:
        sha1 = legacy_sha1(block)
        if not sha1:
            continue
        sha1s.add(sha1)
        usage_id = block.scope_ids.usage_id
        own_folders.update((_digest(str(usage_id)), getattr(usage_id, "block_id", "")))
    if not sha1s:
        return set()
    try:
        folders, _files = storage.listdir(location)
    except FileNotFoundError:
        return set()
    in_use = set()
    for folder in folders:
        try:
            subfolders, _files = storage.listdir(f"{location}/{folder}")
        except FileNotFoundError:
            continue
        if folder in own_folders or sha1s.intersection(subfolders):
            in_use.add(folder)
    return in_use


def _prefix_cache_key(location, usage_id, sha1):
    return f"{CACHE_PREFIX}.prefix.{_digest(f'{location}|{usage_id}|{sha1}')}"


def legacy_tree(block, storage, location):
    """The block's openedx-scorm-xblock tree, or None when none is found (remembered for a while)."""
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel

    sha1 = legacy_sha1(block)
    usage_id = block.scope_ids.usage_id
    key = _prefix_cache_key(location, usage_id, sha1)
    prefix = cache.get(key)
    if prefix is None:
        prefix = find_legacy_prefix(storage, location, usage_id, getattr(usage_id, "block_id", ""), sha1) or ""
        cache.set(key, prefix, FOUND_CACHE_SECONDS if prefix else MISSING_CACHE_SECONDS)
    return LegacyTree(storage, prefix, sha1) if prefix else None


def package_tree(block, storage, location):
    """The tree to serve for a legacy block: ours when complete (a mirrored zip was re-extracted), else its own
    tree where openedx-scorm-xblock left it, else ours (which the contentstore mirror may still restore)."""
    ours = PackageTree(storage, location, legacy_sha1(block))
    if ours.is_complete():
        return ours
    return legacy_tree(block, storage, location) or ours


def manifest_dict(tree):
    """The parsed manifest of a served tree as Manifest.to_dict() data (cached per tree), or {}."""
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel

    key = f"{CACHE_PREFIX}.manifest.{_digest(tree.prefix)}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        with tree.storage.open(tree.name_of(MANIFEST_NAME), "rb") as handle:
            manifest = parse_manifest(handle.read()).to_dict()
    except (FileNotFoundError, ManifestError) as error:
        log.warning("Manifest of legacy SCORM tree %s unreadable: %s", tree.prefix, error)
        return {}
    cache.set(key, manifest, FOUND_CACHE_SECONDS)
    return manifest


# -- learner state -------------------------------------------------------------------------------------------

def legacy_learner_fields(block):
    return {
        "scorm_data": block.scorm_data, "lesson_status": block.lesson_status,
        "success_status": block.success_status, "lesson_score": block.lesson_score,
    }


def _has_legacy_state(block):
    return any(block.fields[name].is_set_on(block) for name in ("scorm_data", "lesson_status", "lesson_score"))


def legacy_learner_values(standard, state, derived):
    """openedx-scorm-xblock's learner fields for our state of the first SCO, as 19.x would have stored them had the
    learner played there: the SCO's elements, its completion in lesson_status, its success, its score 0..1.
    lesson_status is left out while the completion is unknown (19.x kept the last one it had)."""
    values = {
        "scorm_data": dict((state or {}).get("data", {})),
        "success_status": derived.get("success") if derived.get("success") in ("passed", "failed") else "unknown",
        "lesson_score": derived.get("score") or 0,
    }
    if derived.get("completion") in LEGACY_LESSON_STATUSES:
        values["lesson_status"] = derived["completion"]
    return values


def _natural(name):
    """cmi.interactions.10 after cmi.interactions.9: collection entries must be added in index order."""
    return [(0, len(part), part) if NATURAL_PART.fullmatch(part) else (1, 0, part) for part in NATURAL_PART.split(name)]


def _legacy_text(value):
    """A stored scorm_data value as text, or None for what no SCORM element holds (nested data, huge numbers)."""
    if isinstance(value, str):
        return value
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and -LEGACY_NUMBER_LIMIT < value < LEGACY_NUMBER_LIMIT:  # NaN compares False
        return str(value)
    return None


def _legacy_score(value):
    """lesson_score (0..1) as a float, 0 for anything that is not a number within bounds."""
    text = _legacy_text(value)
    return float(text) if text is not None and LEGACY_SCORE.fullmatch(text) else 0


def legacy_changes(standard, fields):
    """openedx-scorm-xblock's learner fields as commit changes: its scorm_data, completed with the statuses and
    the score it kept in fields of their own when scorm_data lacks them."""
    scorm_data = fields.get("scorm_data")
    data = {name: _legacy_text(value) for name, value in (scorm_data if isinstance(scorm_data, dict) else {}).items()
            if isinstance(name, str) and _legacy_text(value) is not None}
    for field_name, element in STATUS_ELEMENTS[standard].items():
        value = fields.get(field_name)
        if element not in data and value not in UNSET_STATUSES and value is not None:
            data[element] = value
    if standard == SCORM12 and fields.get("success_status") in ("passed", "failed"):
        data.setdefault("cmi.core.lesson_status", fields["success_status"])
    score_element, scale = SCORE_ELEMENTS[standard]
    score = _legacy_score(fields.get("lesson_score"))
    if score and score_element not in data and not any(name.startswith(score_element.rsplit(".", 1)[0] + ".raw")
                                                       for name in data):
        data[score_element] = format(round(float(score) * scale, 7), "g")
    return sorted(data.items(), key=lambda change: _natural(change[0]))


def state_from_legacy(standard, fields, limits=None):
    """Our state (runtime/state.py) from openedx-scorm-xblock's learner fields: every value replayed through the
    commit validation (a value it refuses is dropped and logged), then the session it left open ended."""
    state = {}
    for name, value in legacy_changes(standard, fields):
        try:
            state = apply_commit(standard, state, [[name, value]], seq=state.get("seq", 0) + 1, limits=limits).state
        except CommitRejected as refusal:
            log.info("openedx-scorm-xblock value of %s dropped: %s", name, refusal.code)
    if not state:
        return {}
    return finish_session(standard, state)

