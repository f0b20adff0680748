"""A contract fake of the slice of the Open edX platform that compat.py reaches, on the real edx-opaque-keys.

It follows the platform's observable behaviour (key strings, errors, return shapes, revision rules, the order of a
course import), not its storage: assets and blocks live in dicts. ``install_modules`` puts it into ``sys.modules``
under the real module names, so the code under test imports it exactly as it imports the platform.
"""
import contextlib
import copy
import hashlib
import io
import json
import sys
import types
from dataclasses import dataclass, field
from datetime import datetime, timezone

from opaque_keys.edx.locator import AssetLocator

STREAM_DATA_CHUNK_SIZE = 1024  # what the platform's StaticContentStream yields per chunk


class NotFoundError(Exception):
    """xmodule.exceptions.NotFoundError."""


class ContentstoreUnavailable(Exception):
    """What a broken contentstore raises in the tests (stands for a pymongo/gridfs failure)."""


class StaticContent:
    """xmodule.contentstore.content.StaticContent: same constructor, same compute_location."""

    def __init__(self, loc, name, content_type, data, last_modified_at=None, thumbnail_location=None,
                 import_path=None, length=None, locked=False, content_digest=None):
        self.location = loc
        self.name = name
        self.content_type = content_type
        self._data = data
        self.length = length
        self.last_modified_at = last_modified_at
        self.thumbnail_location = thumbnail_location
        self.import_path = import_path
        self.locked = locked
        self.content_digest = content_digest

    @property
    def data(self):
        return self._data

    @staticmethod
    def compute_location(course_key, path, revision=None, is_thumbnail=False):  # pylint: disable=unused-argument
        path = path.replace("/", "_")
        return course_key.make_asset_key(
            "asset" if not is_thumbnail else "thumbnail",
            AssetLocator.clean_keeping_underscores(path),
        ).for_branch(None)

    def stream_data(self):
        yield self._data


class StaticContentStream(StaticContent):
    """What ``find(..., as_stream=True)`` returns: data is None, stream_data() yields small chunks."""

    def __init__(self, loc, name, content_type, stream, **kwargs):
        super().__init__(loc, name, content_type, None, **kwargs)
        self._stream = stream
        self.closed = False

    def stream_data(self):
        while True:
            chunk = self._stream.read(STREAM_DATA_CHUNK_SIZE)
            if not chunk:
                break
            yield chunk

    def close(self):
        self.closed = True
        self._stream.close()


@dataclass
class StoredAsset:
    """One asset as the fake keeps it, with what the tests want to check about how it was saved."""

    asset_key: object
    name: str
    content_type: str
    data: bytes
    locked: bool
    import_path: str | None
    saved_from_iterator: bool
    upload_date: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


def utc_now():
    return datetime.now(timezone.utc)


def asset_rows_page(rows, start, maxresults, filter_params):
    """(rows, total) as MongoContentStore._get_all_content_for_course answers them: the rows whose attributes equal
    every filter_params value (its $match), their count, then only the page [start, start + maxresults) when
    maxresults is positive (its $slice)."""
    for name, value in (filter_params or {}).items():
        rows = [row for row in rows if row.get(name) == value]
    total = len(rows)
    if maxresults > 0:
        rows = rows[start:start + maxresults]
    return rows, total


def _db_id(location):
    """The platform keys split assets by the branchless string of their AssetKey."""
    return str(location.for_branch(None))


class FakeContentStore:
    """xmodule.contentstore.mongo.MongoContentStore's contract: find/save/delete/get_all_content_for_course."""

    def __init__(self):
        self.assets = {}
        self.calls = []
        self.failing = set()  # method names that raise ContentstoreUnavailable
        self.clock = utc_now  # what GridFS stamps as uploadDate on save; tests may move it
        self.bytes_read = 0  # bytes handed out by find() without as_stream: the platform reads those whole

    def _enter(self, name):
        self.calls.append(name)
        if name in self.failing:
            raise ContentstoreUnavailable(f"contentstore {name} failed")

    def save(self, content):
        self._enter("save")
        data = content.data
        from_iterator = hasattr(data, "__iter__") and not isinstance(data, (bytes, str))
        if from_iterator:
            data = b"".join(data)
        elif isinstance(data, str):
            data = data.encode("utf-8")
        self.assets[_db_id(content.location)] = StoredAsset(
            asset_key=content.location.for_branch(None), name=content.name, content_type=content.content_type,
            data=data, locked=getattr(content, "locked", False), import_path=content.import_path,
            saved_from_iterator=from_iterator, upload_date=self.clock(),
        )
        return content

    def copy_all_course_assets(self, source_course_key, dest_course_key):
        """MongoContentStore.copy_all_course_assets (run by clone_course for a rerun): every asset's bytes and
        attributes, ``locked`` included, under the same name in the destination course; read whole."""
        self._enter("copy_all_course_assets")
        rows, _total = self.get_all_content_for_course(source_course_key)
        for row in rows:
            stored = self.assets[_db_id(row["asset_key"])]
            self.bytes_read += len(stored.data)
            location = dest_course_key.make_asset_key("asset", stored.asset_key.block_id).for_branch(None)
            self.assets[_db_id(location)] = StoredAsset(
                asset_key=location, name=stored.name, content_type=stored.content_type, data=stored.data,
                locked=stored.locked, import_path=stored.import_path, saved_from_iterator=False,
                upload_date=self.clock(),
            )

    def delete(self, location_or_id):
        self._enter("delete")
        key = location_or_id if isinstance(location_or_id, str) else _db_id(location_or_id)
        self.assets.pop(key, None)  # deleting a missing asset succeeds, as on the platform

    def find(self, location, throw_on_not_found=True, as_stream=False):
        self._enter("find")
        stored = self.assets.get(_db_id(location))
        if stored is None:
            if throw_on_not_found:
                raise NotFoundError(_db_id(location))
            return None
        details = {
            "last_modified_at": stored.upload_date, "import_path": stored.import_path,
            "length": len(stored.data), "locked": stored.locked,
            "content_digest": hashlib.md5(stored.data).hexdigest(),  # noqa: S324 - the platform's digest
        }
        if as_stream:
            return StaticContentStream(location, stored.name, stored.content_type, io.BytesIO(stored.data), **details)
        self.bytes_read += len(stored.data)
        return StaticContent(location, stored.name, stored.content_type, stored.data, **details)

    def get_all_content_for_course(self, course_key, start=0, maxresults=-1, sort=None, filter_params=None):
        self._enter("get_all_content_for_course")
        prefix = _db_id(course_key.make_asset_key("asset", "x"))[: -len("x")]
        rows = [
            {
                "asset_key": course_key.make_asset_key("asset", stored.asset_key.block_id),
                "displayname": stored.name, "contentType": stored.content_type, "locked": stored.locked,
                "length": len(stored.data), "uploadDate": stored.upload_date, "import_path": stored.import_path,
            }
            for db_id, stored in sorted(self.assets.items()) if db_id.startswith(prefix)
        ]
        return asset_rows_page(rows, start, maxresults, filter_params)

    def course_asset_names(self, course_key):
        """Names (block ids) of a course's assets, for assertions."""
        rows, _total = self.get_all_content_for_course(course_key)
        return sorted(row["asset_key"].block_id for row in rows)


class ModuleStoreEnum:
    """The constants of xmodule.modulestore.ModuleStoreEnum that matter here (same values as the platform)."""

    class RevisionOption:
        draft_preferred = "rev-opt-draft-preferred"
        draft_only = "rev-opt-draft-only"
        published_only = "rev-opt-published-only"
        all = "rev-opt-all"

    class Branch:
        draft_preferred = "draft-preferred"
        published_only = "published-only"

    class BranchName:
        draft = "draft-branch"
        published = "published-branch"


class UnsupportedRevisionError(ValueError):
    """xmodule.modulestore.draft_and_published.UnsupportedRevisionError."""


# get_items maps its revision to a branch like split's _map_revision_to_branch; anything else raises.
REVISION_BRANCHES = {
    ModuleStoreEnum.RevisionOption.draft_only: "draft",
    ModuleStoreEnum.RevisionOption.published_only: "published",
}
BRANCH_SETTING_DEFAULTS = {
    ModuleStoreEnum.Branch.draft_preferred: "draft",
    ModuleStoreEnum.Branch.published_only: "published",
}


@dataclass
class ScopeIds:
    user_id: object
    block_type: str
    def_id: object
    usage_id: object


class FakeBlock:
    """What get_items returns: an object with location, scope_ids and the block's content fields as attributes."""

    def __init__(self, usage_key, **fields):
        self.location = usage_key
        self.scope_ids = ScopeIds(None, usage_key.block_type, usage_key, usage_key)
        self.category = usage_key.block_type
        for name, value in fields.items():
            setattr(self, name, value)

    def __repr__(self):
        return f"FakeBlock({self.location})"


@dataclass
class CourseSummary:
    """What get_course_summaries yields: at least an ``id`` (the course key)."""

    id: object
    display_name: str = ""


class FakeModuleStore:
    """The modulestore's contract for this slice: two branches per course, get_items by revision, bulk_operations."""

    def __init__(self):
        self.courses = {}
        self.branch_setting = ModuleStoreEnum.Branch.draft_preferred
        self.get_items_calls = []
        self.bulk_operations_calls = []
        self.bulk_depth = 0

    def _branches(self, course_key):
        return self.courses.setdefault(course_key, {"draft": {}, "published": {}})

    # -- what the platform offers and compat uses
    def get_items(self, course_key, qualifiers=None, revision=None, **kwargs):  # pylint: disable=unused-argument
        if revision is None:
            branch = BRANCH_SETTING_DEFAULTS[self.branch_setting]
        elif revision in REVISION_BRANCHES:
            branch = REVISION_BRANCHES[revision]
        else:
            raise UnsupportedRevisionError(f"revision not one of {sorted(REVISION_BRANCHES)}")
        self.get_items_calls.append((course_key, revision, self.bulk_depth > 0))
        category = (qualifiers or {}).get("category")
        blocks = self._branches(course_key)[branch].values()
        return [copy.copy(block) for block in blocks if category is None or block.category == category]

    @contextlib.contextmanager
    def bulk_operations(self, course_id, emit_signals=True, ignore_case=False):  # pylint: disable=unused-argument
        self.bulk_operations_calls.append(course_id)
        self.bulk_depth += 1
        try:
            yield
        finally:
            self.bulk_depth -= 1

    def get_course_summaries(self, **kwargs):  # pylint: disable=unused-argument
        return [CourseSummary(course_key) for course_key in sorted(self.courses, key=str)]

    # -- what Studio does to blocks, for arranging tests
    def create_course(self, course_key):
        self._branches(course_key)

    def save_draft(self, usage_key, **fields):
        """Create or update a block on the draft branch (what Studio does after a handler returns)."""
        draft = self._branches(usage_key.course_key)["draft"]
        block = copy.copy(draft[usage_key]) if usage_key in draft else FakeBlock(usage_key)
        for name, value in fields.items():
            setattr(block, name, value)
        draft[usage_key] = block
        return block

    def update_item(self, xblock, user_id=None, allow_not_found=False, **kwargs):  # pylint: disable=unused-argument
        """Split's update_item: the block's authored fields (content and settings scopes) persisted on the draft
        branch. Studio calls it after a handler returns and when a pasted block is created."""
        from xblock.fields import Scope  # pylint: disable=import-outside-toplevel

        usage_key = xblock.scope_ids.usage_id
        draft = self._branches(usage_key.course_key)["draft"]
        if usage_key not in draft and not allow_not_found:
            raise KeyError(f"ItemNotFoundError: {usage_key}")
        authored = {name: field.read_from(xblock) for name, field in xblock.fields.items()
                    if field.scope in (Scope.content, Scope.settings) and field.is_set_on(xblock)}
        self.save_draft(usage_key, **authored)
        return xblock

    def publish(self, usage_key):
        """Copy the draft to the published branch; a block deleted from draft leaves published too."""
        branches = self._branches(usage_key.course_key)
        if usage_key in branches["draft"]:
            branches["published"][usage_key] = copy.copy(branches["draft"][usage_key])
        else:
            branches["published"].pop(usage_key, None)

    def delete_item(self, usage_key, revision=None):
        """Delete from draft (revision None), from published, or from both, as split's delete_item does."""
        targets = {None: ("draft",), ModuleStoreEnum.RevisionOption.published_only: ("published",),
                   ModuleStoreEnum.RevisionOption.all: ("draft", "published")}
        if revision not in targets:
            raise UnsupportedRevisionError(f"revision not one of {sorted(map(str, targets))}")
        for branch in targets[revision]:
            self._branches(usage_key.course_key)[branch].pop(usage_key, None)


class FakeContentCache:
    """openedx.core.djangoapps.contentserver.caching: records what was evicted."""

    def __init__(self):
        self.deleted = []

    def del_cached_content(self, location):
        self.deleted.append(str(location))


class FakeStudioAuth:
    """common.djangoapps.student.auth: has_studio_write_access(user, course_key) for a Django user.

    Like the platform, global staff (``user.is_staff``) may edit every course; others need a grant on the course
    (the platform's course staff or instructor role), given here with ``grant``.
    """

    def __init__(self):
        self.writers = set()
        self.calls = []

    def grant(self, user, course_key):
        self.writers.add((user.pk, str(course_key)))

    def has_studio_write_access(self, user, course_key):
        if not hasattr(user, "is_staff") or not hasattr(user, "pk"):
            raise TypeError(f"has_studio_write_access takes a Django user, not {type(user).__name__}")
        self.calls.append((user.pk, str(course_key)))
        return bool(user.is_staff or (user.pk, str(course_key)) in self.writers)


class FakePlatform:
    """One contentstore, one modulestore and the content cache, installable as the platform's modules."""

    def __init__(self, with_caching=True):
        self.contentstore = FakeContentStore()
        self.modulestore = FakeModuleStore()
        self.content_cache = FakeContentCache()
        self.studio_auth = FakeStudioAuth()
        self.with_caching = with_caching

    def modules(self):
        """The platform module names mapped to module objects that expose this fake."""
        def module(name, **attributes):
            built = types.ModuleType(name)
            built.__dict__.update(attributes)
            return built

        modules = {
            "xmodule": module("xmodule", __path__=[]),
            "xmodule.exceptions": module("xmodule.exceptions", NotFoundError=NotFoundError),
            "xmodule.contentstore": module("xmodule.contentstore", __path__=[]),
            "xmodule.contentstore.content": module(
                "xmodule.contentstore.content", StaticContent=StaticContent, StaticContentStream=StaticContentStream,
                STREAM_DATA_CHUNK_SIZE=STREAM_DATA_CHUNK_SIZE),
            "xmodule.contentstore.django": module(
                "xmodule.contentstore.django", contentstore=lambda name="default": self.contentstore),
            "xmodule.modulestore": module("xmodule.modulestore", __path__=[], ModuleStoreEnum=ModuleStoreEnum),
            "xmodule.modulestore.django": module("xmodule.modulestore.django", modulestore=lambda: self.modulestore),
            "xmodule.modulestore.draft_and_published": module(
                "xmodule.modulestore.draft_and_published", UnsupportedRevisionError=UnsupportedRevisionError),
        }
        modules.update({
            "common": module("common", __path__=[]),
            "common.djangoapps": module("common.djangoapps", __path__=[]),
            "common.djangoapps.student": module("common.djangoapps.student", __path__=[]),
            "common.djangoapps.student.auth": module(
                "common.djangoapps.student.auth", has_studio_write_access=self.studio_auth.has_studio_write_access),
        })
        if self.with_caching:
            modules.update({
                "openedx": module("openedx", __path__=[]),
                "openedx.core": module("openedx.core", __path__=[]),
                "openedx.core.djangoapps": module("openedx.core.djangoapps", __path__=[]),
                "openedx.core.djangoapps.contentserver": module("openedx.core.djangoapps.contentserver", __path__=[]),
                "openedx.core.djangoapps.contentserver.caching": module(
                    "openedx.core.djangoapps.contentserver.caching",
                    del_cached_content=self.content_cache.del_cached_content),
            })
        return modules


PLATFORM_PREFIXES = ("xmodule", "openedx", "common")


@contextlib.contextmanager
def swapped_modules(prefixes, modules):
    """sys.modules under the given top-level names replaced by `modules` for the duration, then restored."""
    saved = {name: module for name, module in sys.modules.items() if name.split(".")[0] in prefixes}
    for name in saved:
        del sys.modules[name]
    sys.modules.update(modules)
    try:
        yield
    finally:
        for name in [name for name in sys.modules if name.split(".")[0] in prefixes]:
            del sys.modules[name]
        sys.modules.update(saved)


@contextlib.contextmanager
def installed(platform):
    """Put the fake into sys.modules under the platform's names for the duration, then restore what was there."""
    with swapped_modules(PLATFORM_PREFIXES, platform.modules()):
        yield platform


# -- course export and import, in the platform's order ------------------------------------------------------

def export_course_assets(platform, course_key, course_fs):
    """Write a course's assets the way export does (xmodule/modulestore/xml_exporter.py CourseExportManager
    process_extra -> contentstore export_all_for_course, after every block's add_xml_to_node): each asset read
    whole, written under static/, its attributes in policies/assets.json."""
    rows, _total = platform.contentstore.get_all_content_for_course(course_key)
    policy = {}
    course_fs.makedirs("static", recreate=True)
    course_fs.makedirs("policies", recreate=True)
    for row in rows:
        content = platform.contentstore.find(row["asset_key"])
        course_fs.writebytes(f"static/{content.name.replace('/', '_')}", content.data)
        policy[row["asset_key"].block_id] = {
            "contentType": row["contentType"], "displayname": row["displayname"], "locked": row["locked"],
        }
    course_fs.writetext("policies/assets.json", json.dumps(policy, sort_keys=True, indent=4))


def import_course(platform, course_fs, target_course_key, parse_blocks):
    """Import like the platform (xmodule/modulestore/xml_importer.py ImportManager: the course's blocks are
    parsed, then import_static saves static/): every block is parsed first (``parse_blocks(target_course_key)``
    returns ``{usage_key: fields}`` and runs while the new course has no assets yet), then each static file is
    read whole and becomes an asset.

    Imported blocks land on both branches, as an import publishes them.
    """
    platform.modulestore.create_course(target_course_key)
    for usage_key, fields in parse_blocks(target_course_key).items():
        platform.modulestore.save_draft(usage_key, **fields)
        platform.modulestore.publish(usage_key)
    policy = json.loads(course_fs.readtext("policies/assets.json")) if course_fs.exists("policies/assets.json") else {}
    if course_fs.exists("static"):
        for path in course_fs.walk.files("static"):
            relative = path.lstrip("/")[len("static/"):]
            location = StaticContent.compute_location(target_course_key, relative)
            attributes = policy.get(location.block_id, {})
            platform.contentstore.save(StaticContent(
                location, relative.rsplit("/", 1)[-1], attributes.get("contentType", "application/octet-stream"),
                course_fs.readbytes(path), import_path=relative, locked=attributes.get("locked", False),
            ))
