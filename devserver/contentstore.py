"""A file-backed contentstore for the dev server, with the contract of the platform's (xmodule.contentstore).

Each asset is a file ``<root>/<course key>/asset/<name>`` with a JSON sidecar
``<root>/<course key>/asset-attributes/<name>.json`` (content type, display name, locked, import path). The
behaviour the block relies on is the platform's: keys built by ``StaticContent.compute_location`` on the real
opaque keys ("a/b.zip" becomes block "a_b.zip"), ``NotFoundError`` from ``find`` (or None), ``save`` that
overwrites and accepts an iterable of byte chunks, a ``delete`` of a missing asset that does nothing, and
``get_all_content_for_course`` returning ``(rows, total)``.
"""
import hashlib
import json
import os
import tempfile
from datetime import datetime, timezone

from opaque_keys.edx.keys import AssetKey

# The value classes of the platform slice are the contract fake's own: the same contract, stored on disk here.
from openedxscorm_support.fake_platform import (  # noqa: F401  (re-exported under the platform's module names)
    STREAM_DATA_CHUNK_SIZE,
    NotFoundError,
    StaticContent,
    StaticContentStream,
    asset_rows_page,
)

ASSET_FOLDER = "asset"
ATTRIBUTES_FOLDER = "asset-attributes"
UNSAFE_NAMES = {"", ".", ".."}


def _chunks(data):
    """The bytes to write, whatever form StaticContent.data has (bytes, str, or an iterable of chunks)."""
    if isinstance(data, str):
        return [data.encode("utf-8")]
    if isinstance(data, (bytes, bytearray)):
        return [data]
    return data


class LocalContentStore:
    """find / save / delete / get_all_content_for_course over files under ``root``."""

    def __init__(self, root):
        self.root = root

    def _paths(self, location):
        """The asset's file and its sidecar; refuses names that would leave the course folder."""
        name = location.block_id
        if name in UNSAFE_NAMES or "/" in name or os.sep in name:
            raise ValueError(f"unsafe asset name {name!r}")
        course_folder = os.path.join(self.root, str(location.course_key.for_branch(None)))
        return (os.path.join(course_folder, ASSET_FOLDER, name),
                os.path.join(course_folder, ATTRIBUTES_FOLDER, f"{name}.json"))

    def save(self, content):
        """Write (overwrite) the asset, streaming its chunks to a temporary file renamed into place."""
        data_path, attributes_path = self._paths(content.location)
        os.makedirs(os.path.dirname(data_path), exist_ok=True)
        os.makedirs(os.path.dirname(attributes_path), exist_ok=True)
        digest = hashlib.md5(usedforsecurity=False)  # the platform's content_digest
        with tempfile.NamedTemporaryFile(dir=os.path.dirname(data_path), delete=False) as handle:
            for chunk in _chunks(content.data):
                digest.update(chunk)
                handle.write(chunk)
        os.replace(handle.name, data_path)
        attributes = {
            "name": content.name, "content_type": content.content_type, "locked": bool(content.locked),
            "import_path": content.import_path, "content_digest": digest.hexdigest(),
        }
        with open(attributes_path, "w", encoding="utf-8") as handle:
            json.dump(attributes, handle, indent=2, sort_keys=True)
        return content

    def _details(self, location):
        """The stored attributes of the asset, its length and time, or None when it is missing."""
        data_path, attributes_path = self._paths(location)
        if not os.path.exists(attributes_path) or not os.path.exists(data_path):
            return None
        with open(attributes_path, encoding="utf-8") as handle:
            attributes = json.load(handle)
        return {
            **attributes, "path": data_path, "length": os.path.getsize(data_path),
            "last_modified_at": datetime.fromtimestamp(os.path.getmtime(data_path), timezone.utc),
        }

    def find(self, location, throw_on_not_found=True, as_stream=False):
        """The asset (all its bytes in memory, or as a stream); NotFoundError, or None, when it is missing."""
        details = self._details(location)
        if details is None:
            if throw_on_not_found:
                raise NotFoundError(str(location))
            return None
        name, content_type = details["name"], details["content_type"]
        kept = {key: details[key] for key in ("last_modified_at", "import_path", "length", "locked", "content_digest")}
        if as_stream:
            return StaticContentStream(location, name, content_type, open(details["path"], "rb"), **kept)  # noqa: SIM115
        with open(details["path"], "rb") as handle:
            return StaticContent(location, name, content_type, handle.read(), **kept)

    def delete(self, location_or_id):
        """Remove the asset; a missing one is fine, as on the platform."""
        location = AssetKey.from_string(location_or_id) if isinstance(location_or_id, str) else location_or_id
        for path in self._paths(location):
            if os.path.exists(path):
                os.remove(path)

    def get_all_content_for_course(self, course_key, start=0, maxresults=-1, sort=None,  # pylint: disable=unused-argument
                                   filter_params=None):
        """``(rows, total)``: one dict per asset of the course (``asset_key`` among its entries), by name."""
        folder = os.path.join(self.root, str(course_key.for_branch(None)), ATTRIBUTES_FOLDER)
        names = sorted(name[:-len(".json")] for name in os.listdir(folder)) if os.path.isdir(folder) else []
        rows = [self._row(course_key.make_asset_key("asset", name)) for name in names]
        return asset_rows_page([row for row in rows if row is not None], start, maxresults, filter_params)

    def _row(self, location):
        details = self._details(location)
        if details is None:
            return None
        return {
            "asset_key": location, "displayname": details["name"], "contentType": details["content_type"],
            "locked": details["locked"], "length": details["length"], "uploadDate": details["last_modified_at"],
            "import_path": details["import_path"], "content_digest": details["content_digest"],
        }
