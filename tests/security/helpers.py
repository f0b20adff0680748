"""What the security suites share: packages generated in the test, uploads through the block's own handler,
and the proof that a refused upload left the block playing its previous package."""
import os
import zipfile
from xml.sax.saxutils import escape, quoteattr

from webob import Request

from tests.packages import fixture_zip

PLAYING_PACKAGE = "probe-1.2.zip"
PLAYING_LAUNCH_FILE = "lesson/index.html"
# Fields that say which package the block plays: a refused upload must change none of them.
PACKAGE_FIELDS = ("package_sha1", "package_filename", "package_size", "scorm_version", "package_title",
                  "package_manifest", "package_notices", "display_name")

MANIFEST_TEMPLATE = """<?xml version="1.0" encoding="{encoding}"?>
<manifest identifier="generated" version="1"
          xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>{title}</title>
      <item identifier="item1" identifierref="res"><title>{item_title}</title></item>
      <item identifier="item2" identifierref="res"><title>{second_item_title}</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res" type="webcontent" adlcp:scormtype="sco" href={href}>
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""


def manifest_text(href="index.html", title="Generated", item_title="First item", second_item_title="Second item",
                  encoding="UTF-8"):
    """A SCORM 1.2 manifest; every value is XML-escaped, so the parser sees exactly the text given."""
    return MANIFEST_TEMPLATE.format(href=quoteattr(href), title=escape(title), item_title=escape(item_title),
                                    second_item_title=escape(second_item_title), encoding=encoding)


def manifest_bytes(**values):
    return manifest_text(**values).encode("utf-8")


def index_html():
    return b"<!doctype html><html><head><title>generated</title></head><body><h1>generated</h1></body></html>"


def build_zip(path, entries, compression=zipfile.ZIP_DEFLATED):
    """Write a zip of (name, bytes) entries exactly as named (no cleaning of the names)."""
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return path


def playable_zip(path, **manifest_values):
    return build_zip(path, [("imsmanifest.xml", manifest_bytes(**manifest_values)), ("index.html", index_html())])


def upload_request(filename=None, data=None, **form):
    post = {key: str(value) for key, value in form.items()}
    if data is not None:
        post["file"] = (filename, data)
    return Request.blank("/", POST=post)


def submit(block, zip_path, **form):
    """studio_submit with the zip attached, as Studio's upload form posts it."""
    return block.handle("studio_submit", upload_request(zip_path.name, zip_path.read_bytes(), **form))


def upload_playing_package(block):
    response = submit(block, fixture_zip(PLAYING_PACKAGE))
    assert response.status_code == 200, response.text
    return response


def snapshot(block):
    return {name: getattr(block, name) for name in PACKAGE_FIELDS}


def stored_files(storage):
    """Every file under the storage's folder, as names relative to it."""
    found = set()
    for directory, _folders, names in os.walk(storage.location):
        for name in names:
            found.add(os.path.relpath(os.path.join(directory, name), storage.location).replace(os.sep, "/"))
    return found


def serve(block, suffix, method="GET"):
    return block.handle("assets_proxy", Request.blank("/", method=method), suffix)


def body_of(response):
    return b"".join(response.app_iter) if response.status_code == 200 else response.body


def assert_previous_package_plays(block, before):
    """The fields still name the previous package, and its launch file is still served from its tree."""
    assert snapshot(block) == before
    response = serve(block, f"{block.package_sha1}/{PLAYING_LAUNCH_FILE}")
    assert response.status_code == 200
    assert b"<html" in body_of(response).lower()
