"""XBLOCK_SETTINGS["ScormXBlock"]: every key, its default and its meaning, in one table."""
from dataclasses import dataclass

BLOCK_SETTINGS_KEY = "ScormXBlock"
MIB = 1024 * 1024


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    doc: str


SETTINGS = (
    Setting("LOCATION", "scorm", "Folder of default storage that holds the extracted packages."),
    Setting("STORAGE_FUNC", None,
            "A callable (or its dotted path) taking the block and returning the Django storage to use; "
            "default_storage when unset."),
    Setting("S3_BUCKET_NAME", None,
            "With STORAGE_FUNC \"openedxscorm.storage.s3\": the bucket of the packages; None for "
            "AWS_STORAGE_BUCKET_NAME."),
    Setting("S3_QUERY_AUTH", True,
            "With STORAGE_FUNC \"openedxscorm.storage.s3\": sign the URLs storage.url() gives (querystring auth)."),
    Setting("S3_EXPIRES_IN", 7 * 24 * 60 * 60,
            "With STORAGE_FUNC \"openedxscorm.storage.s3\": seconds a signed URL stays valid."),
    Setting("PROXY_ASSETS_LMS", True,
            "Serve package files through the block's own handler (same origin). False serves them from "
            "storage.url(), for storages that are already same-origin."),
    Setting("CONTENT_VIEW_ENABLED", False,
            "With PROXY_ASSETS_LMS: the launcher gives package files through the block's content view "
            "(/scorm-content/<token>/<sha1>/<path>), which checks a signed token instead of loading the course and "
            "the block for every file; False serves them through the assets_proxy handler."),
    Setting("CONTENT_ORIGIN", None,
            "Base URL of a cookie-less host name (scheme://host[:port]) that serves the content view instead of the "
            "LMS's own: package script then runs with an origin of its own, the SCORM API in a wrapper page beside "
            "it, and only commits reach the launcher (by postMessage). Turns the content view on; None keeps package "
            "files on the LMS's origin."),
    Setting("CONTENT_TOKEN_EXPIRY", 24 * 60 * 60,
            "Seconds a content view token (made each time the launcher opens a SCO) stays valid."),
    Setting("CONTENT_OFFLOAD_PREFIX", None,
            "With the content view and a local storage: the web server's internal location (X-Accel-Redirect) or "
            "folder (X-Sendfile) of the storage root; the view then names the file in CONTENT_OFFLOAD_HEADER and "
            "the web server sends it. None streams the file from Django."),
    Setting("CONTENT_OFFLOAD_HEADER", "X-Accel-Redirect",
            "With CONTENT_OFFLOAD_PREFIX: \"X-Accel-Redirect\" (nginx) or \"X-Sendfile\" (Apache mod_xsendfile)."),
    Setting("CONTENTSTORE_SYNC_ENABLED", False,
            "Mirror each uploaded zip into the course's contentstore as a locked asset "
            "scorm_packages/<sha1>.zip, give a course lacking one its copy from the zip beside the tree, and "
            "garbage-collect unreferenced mirrored zips. Re-extraction reads an existing copy whatever this says."),
    Setting("GC_GRACE_SECONDS", 60 * 60,
            "Mirrored zips uploaded less than this many seconds ago are never garbage-collected: the upload that "
            "saved one may not have had its block saved by Studio yet."),
    Setting("MAX_PACKAGE_SIZE", 2048 * MIB, "Largest accepted zip file, in bytes."),
    Setting("MAX_UNCOMPRESSED_SIZE", 4096 * MIB, "Largest total uncompressed size of a package, in bytes."),
    Setting("MAX_MEMBER_COUNT", 20000, "Most files a package may hold."),
    Setting("MAX_COMPRESSION_RATIO", 200,
            "Highest uncompressed/compressed ratio accepted for a member larger than 1 MiB (zip bomb guard)."),
    Setting("MAX_MANIFEST_SIZE", 8 * MIB, "Largest accepted imsmanifest.xml, in bytes."),
    Setting("CHUNK_SIZE", 1 * MIB, "Bytes read and written at a time when receiving, hashing and extracting."),
    Setting("EXTRACT_WORKERS", 8, "Concurrent writes to storage during extraction."),
    Setting("S3_PART_SIZE", 8 * MIB,
            "On an S3 storage, members at least this large are sent as multipart uploads of parts this size "
            "(5 MiB at least); extraction holds at most one part per worker in memory."),
    Setting("UPLOAD_CHUNK_SIZE", 8 * MIB,
            "Size of the pieces in which Studio uploads a package (one request each, with Content-Range); keep it "
            "well below the reverse proxy's body limit. Larger pieces are refused."),
    Setting("PARTIAL_UPLOAD_TIMEOUT", 24 * 60 * 60,
            "Seconds after its last piece an unfinished upload is deleted from storage."),
    Setting("REHYDRATE_LOCK_TIMEOUT", 600,
            "Seconds the cache lock that lets a single worker re-extract a missing tree is held at most."),
    Setting("SCORM12_SUSPEND_DATA_LIMIT", 64000,
            "Most characters a SCORM 1.2 package may store in cmi.suspend_data (the standard says 4096; "
            "real packages write more)."),
    Setting("MAX_STATE_SIZE", 1 * MIB,
            "Largest stored SCORM run-time state per learner, block and package version (every SCO's state and the "
            "sequencing engine's together), in bytes of JSON; a commit that would exceed it is refused."),
    Setting("PREVIOUS_VERSION_GRACE_PERIOD", 6 * 60 * 60,
            "Seconds a learner's open page of a package version replaced by a new upload keeps getting that "
            "version's files, counted from the learner's last session start or commit in it."),
    Setting("TRACKING_EVENTS_ENABLED", True,
            "Emit the openedx.xblock.scorm.* tracking events at all (same key as openedx-scorm-xblock)."),
    Setting("TRACKING_EVENTS", {},
            "Event short name -> True/False, over the defaults: initialized, scored, completed, passed, failed "
            "and terminated on, interacted off (it carries learners' answers)."),
    Setting("TRACKING_INTERACTION_ELEMENTS", None,
            "fnmatch patterns of the elements whose change emits an interacted event; None for the locations "
            "and the interactions' learner responses."),
)

DEFAULTS = {setting.name: setting.default for setting in SETTINGS}


def merged_settings(configured):
    """Defaults overlaid with what the operator configured; unknown keys are kept for forward compatibility."""
    return {**DEFAULTS, **(configured or {})}


def django_block_settings():
    """XBLOCK_SETTINGS["ScormXBlock"] read from Django settings, for code that runs without the settings service."""
    from django.conf import settings  # pylint: disable=import-outside-toplevel

    return merged_settings(getattr(settings, "XBLOCK_SETTINGS", {}).get(BLOCK_SETTINGS_KEY))
