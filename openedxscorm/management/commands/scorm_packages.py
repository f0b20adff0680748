"""Operators' checks and repairs of SCORM package trees: ``verify``, ``resync``, ``sweep`` and ``sweep-uploads``.

Blocks are found through the modulestore (every course, or those given with --course), on the draft and the
published branch. A package's durable copies are the zip kept beside its tree (``<LOCATION>/<sha1>.zip``), the
course's contentstore asset (with CONTENTSTORE_SYNC_ENABLED) and the OLX export; the extracted tree can be rebuilt
from any of them, but a zip cannot be rebuilt from a tree (zipping again gives other bytes, hence another sha1).
So ``resync`` re-extracts missing trees from the zip beside the tree, else from the contentstore, and with the
mirror on gives each course the asset it lacks from the zip beside the tree. Zips kept elsewhere can be handed
to it with --zips FOLDER (any file names: they are matched by sha1).

``sweep`` deletes trees (folders named by a 40-hex sha1 under LOCATION) that no block references. It reads one
storage: the one STORAGE_FUNC gives the first block found. Folders of the openedx-scorm-xblock layout
(``<LOCATION>/<sha1 of the usage id>/<sha1 of the zip>/``, whose names look like ours) are never deleted: those a
block can serve are reported in use, the others are left to the operator. Dry run unless --apply; trees younger
than --min-age-hours are kept, since a Studio upload extracts its tree before the block that references it is
saved.

``sweep-uploads`` deletes the pieces of Studio uploads left unfinished for longer than PARTIAL_UPLOAD_TIMEOUT
(or --older-than-hours), under LOCATION/partial-uploads/, and this machine's local spool files (zips being
checked or extracted) of processes that are gone. A new upload also does it on its way in; the command
covers sites where no one uploads for a while. Dry run unless --apply.
"""
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from opaque_keys.edx.keys import CourseKey

from openedxscorm import compat, learner_store, legacy, mirror
from openedxscorm.chunked_upload import stale_uploads
from openedxscorm.mirror import block_sha1
from openedxscorm.package import Limits, spool_path
from openedxscorm.package.spool import sweep_spool
from openedxscorm.rehydrate import ensure_tree, forget_failure, package_extractor
from openedxscorm.settings import django_block_settings
from openedxscorm.trees import PackageTree, get_storage

SHA1_FOLDER = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class PackageUse:
    """One SCORM block on one branch, and the package it plays."""

    course_key: object
    usage_key: str
    branch: str
    sha1: str
    block: object


def package_uses(course_keys):
    """Every SCORM block of the given courses, on both branches."""
    uses = []
    for course_key in course_keys:
        for branch, blocks in compat.scorm_items(course_key).items():
            uses.extend(PackageUse(course_key, compat.canonical_usage_key(block.location), branch,
                                   block_sha1(block), block) for block in blocks)
    return uses


class Command(BaseCommand):
    help = "Verify, repair (resync) and clean up (sweep) the extracted SCORM package trees."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        for name, description in (
            ("verify", "Check that every SCORM block's tree is complete; exits non-zero when one is not."),
            ("resync", "Re-extract missing trees and, with the mirror on, mirror each course's missing zips, from the "
                       "zip beside each tree (or --zips)."),
            ("sweep", "Delete trees no SCORM block references (dry run unless --apply)."),
            ("sweep-uploads", "Delete unfinished Studio uploads older than PARTIAL_UPLOAD_TIMEOUT "
                              "(dry run unless --apply)."),
        ):
            action = actions.add_parser(name, help=description)
            action.add_argument("--course", action="append", default=[], help="A course key (repeatable).")
            if name == "resync":
                action.add_argument("--zips", help="A folder of zips kept elsewhere, matched to blocks by sha1.")
            if name in ("sweep", "sweep-uploads"):
                action.add_argument("--apply", action="store_true", help="Really delete (default: dry run).")
            if name == "sweep":
                action.add_argument("--min-age-hours", type=float, default=24.0,
                                    help="Keep trees written more recently than this (default 24).")
            if name == "sweep-uploads":
                action.add_argument("--older-than-hours", type=float, default=None,
                                    help="Age of the last piece past which an upload is stale "
                                         "(default: PARTIAL_UPLOAD_TIMEOUT).")

    def handle(self, *args, **options):
        settings = django_block_settings()
        handler = {"verify": self.verify, "resync": self.resync, "sweep": self.sweep,
                   "sweep-uploads": self.sweep_uploads}[options["action"]]
        handler(self.find_uses(settings, options, handler), settings, options)

    def find_uses(self, settings, options, handler):
        """The SCORM blocks of the chosen courses; sweep-uploads needs one only to call STORAGE_FUNC."""
        if handler == self.sweep_uploads and settings.get("STORAGE_FUNC") is None:
            return []
        course_keys = [CourseKey.from_string(key) for key in options["course"]] or compat.course_keys()
        return package_uses(course_keys)

    def tree_of(self, use, settings):
        return PackageTree(get_storage(use.block, settings), settings["LOCATION"], use.sha1)

    def say(self, *words):
        self.stdout.write(" ".join(str(word) for word in words))

    # -- verify

    def verify(self, uses, settings, options):  # pylint: disable=unused-argument
        problems = 0
        checked = {}
        for use in uses:
            if not use.sha1:
                self.say("EMPTY", use.branch, use.usage_key)
                continue
            tree = self.tree_of(use, settings)
            if tree.prefix not in checked:
                checked[tree.prefix] = tree_state(tree)
            state, details = checked[tree.prefix]
            problems += state != "OK"
            self.say(state, use.branch, use.usage_key, use.sha1, *details)
            if settings["CONTENTSTORE_SYNC_ENABLED"] and not mirror.asset_exists(use.course_key, use.sha1):
                beside = mirror.stored_zip_exists(tree)
                self.say("UNMIRRORED" if beside else "NO COPY", use.branch, use.usage_key, use.sha1,
                         f"(resync mirrors it from {tree.zip_name})" if beside else
                         "(no course asset and no zip beside its tree: export carries nothing; upload it again)")
        if problems:
            raise CommandError(f"{problems} SCORM block(s) have an incomplete package tree")

    # -- resync

    def resync(self, uses, settings, options):
        zips = self.zips_by_sha1(options.get("zips"), settings)
        done = set()
        for use in uses:
            if not use.sha1 or (use.course_key, use.sha1) in done:
                continue
            done.add((use.course_key, use.sha1))
            tree = self.tree_of(use, settings)
            state, _details = tree_state(tree)
            if state == "DAMAGED":
                tree.unmark()  # extracted again below, over the files that are there
            if state != "OK":
                self.rebuild(use, tree, zips.get(use.sha1), settings)
            if settings["CONTENTSTORE_SYNC_ENABLED"] and not compat.is_library_v2(use.course_key):
                self.mirror(use, tree, zips.get(use.sha1), settings)

    def mirror(self, use, tree, local_zip, settings):
        """Give the course its missing asset: from --zips when given one for this sha1, else from beside the tree."""
        if local_zip is not None:
            if mirror.mirror_zip(use.course_key, use.sha1, local_zip, settings["CHUNK_SIZE"]):
                self.say("MIRRORED", use.course_key, use.sha1, "from", local_zip)
            return
        outcome = mirror.heal(use.course_key, tree, settings["CHUNK_SIZE"])
        said = {mirror.HEALED: ("MIRRORED", use.course_key, use.sha1, "from", tree.zip_name),
                mirror.NO_COPY: ("NO COPY", use.usage_key, use.sha1, "no zip beside its tree; try --zips"),
                mirror.UNAVAILABLE: ("FAILED", use.usage_key, use.sha1, "the contentstore or storage failed")}
        if outcome in said:
            self.say(*said[outcome])

    def rebuild(self, use, tree, local_zip, settings):
        if local_zip is not None:
            package_extractor(tree, settings)(local_zip)
            self.say("EXTRACTED", use.usage_key, use.sha1, "from", local_zip)
            return
        forget_failure(tree, cache)
        source = tree.zip_name if mirror.stored_zip_exists(tree) else "the contentstore"
        status = ensure_tree(tree, use.course_key, package_extractor(tree, settings), cache=cache,
                             lock_timeout=settings["REHYDRATE_LOCK_TIMEOUT"], wait_seconds=0,
                             chunk_size=settings["CHUNK_SIZE"])
        if status.ready:
            self.say("EXTRACTED", use.usage_key, use.sha1, "from", source)
        else:
            self.say("FAILED" if status.reason else "BUSY", use.usage_key, use.sha1,
                     status.reason.render() if status.reason else "another worker is extracting it")

    @staticmethod
    def zips_by_sha1(folder, settings):
        if not folder:
            return {}
        limits = Limits.from_settings(settings)
        paths = (os.path.join(folder, name) for name in sorted(os.listdir(folder)) if name.endswith(".zip"))
        return {spool_path(path, limits=limits).sha1: path for path in paths}

    # -- sweep

    def sweep(self, uses, settings, options):
        storage = get_storage(uses[0].block if uses else None, settings)
        referenced = {use.sha1 for use in uses} | {legacy.legacy_sha1(use.block) for use in uses}
        location = settings["LOCATION"].strip("/")
        legacy_in_use = legacy.buckets_in_use(storage, location, [use.block for use in uses])
        newest_allowed = datetime.now(timezone.utc) - timedelta(hours=options["min_age_hours"])
        # A version a new upload replaced still serves the pages open on it (PREVIOUS_VERSION_GRACE_PERIOD).
        played = learner_store.sha1s_played_since(
            datetime.now(timezone.utc) - timedelta(seconds=settings["PREVIOUS_VERSION_GRACE_PERIOD"]))
        try:
            folders, _files = storage.listdir(location)
        except FileNotFoundError:
            folders = []
        for sha1 in sorted(folders):
            if not SHA1_FOLDER.fullmatch(sha1) or sha1 in referenced:
                continue
            if sha1 in legacy_in_use:
                self.say("IN USE (openedx-scorm-xblock layout)", f"{location}/{sha1}")
                continue
            if sha1 in played:
                self.say("PLAYED RECENTLY", f"{location}/{sha1}")
                continue
            if legacy.is_legacy_bucket(storage, f"{location}/{sha1}"):
                self.say("KEPT (openedx-scorm-xblock layout, unused)", f"{location}/{sha1}")
                continue
            tree = PackageTree(storage, location, sha1)
            if tree_written_at(tree) > newest_allowed:
                self.say("RECENT", tree.prefix)
                continue
            if options["apply"]:
                tree.delete()
            self.say("DELETED" if options["apply"] else "WOULD DELETE", tree.prefix)


    # -- sweep-uploads

    def sweep_uploads(self, uses, settings, options):
        storage = get_storage(uses[0].block if uses else None, settings)
        hours = options["older_than_hours"]
        timeout = settings["PARTIAL_UPLOAD_TIMEOUT"] if hours is None else hours * 3600
        for partial in stale_uploads(storage, settings["LOCATION"], timeout):
            if options["apply"]:
                partial.delete()
            self.say("DELETED" if options["apply"] else "WOULD DELETE", partial.folder)
        for path in sweep_spool(apply=options["apply"]):
            self.say("DELETED" if options["apply"] else "WOULD DELETE", path)


EPOCH = datetime.fromtimestamp(0, timezone.utc)


def tree_state(tree):
    """("OK", ()), ("MISSING", ()) for a tree without its marker, or ("DAMAGED", details) for a marked tree with
    files missing or of another size than the marker records. Trees marked without sizes (openedx-scorm-xblock's)
    are OK once complete."""
    if not tree.is_complete():
        return "MISSING", ()
    check = tree.check_files()
    if not check.marked or check.whole:
        return "OK", ()
    details = [f"{len(check.missing)} of {check.files} files missing", f"{len(check.wrong_size)} of another size"]
    details += [f"e.g. {(check.missing + check.wrong_size)[0]}"]
    return "DAMAGED", tuple(details)


def tree_written_at(tree):
    """When the tree was completed (its marker), else its first file; the epoch when the storage cannot tell."""
    try:
        _folders, files = tree.storage.listdir(tree.prefix)
        name = tree.marker_name if tree.storage.exists(tree.marker_name) else (
            tree.name_of(files[0]) if files else None)
        return tree.storage.get_modified_time(name) if name else EPOCH
    except (NotImplementedError, FileNotFoundError):
        return EPOCH
