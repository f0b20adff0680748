"""Small SCORM packages built in the test, shaped like those sites uploaded to openedx-scorm-xblock 19.x."""
import io
import zipfile

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="golf12" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>Golf</title>
    <item identifier="item1" identifierref="res1"><title>Playing golf</title></item>
  </organization></organizations>
  <resources><resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="shared/launch.html">
    <file href="shared/launch.html"/><file href="shared/style.css"/></resource></resources>
</manifest>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="golf2004" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>Quiz</title>
    <item identifier="item1" identifierref="res1"><title>Quiz</title></item>
  </organization></organizations>
  <resources><resource identifier="res1" type="webcontent" adlcp:scormType="sco" href="index.html">
    <file href="index.html"/></resource></resources>
</manifest>
"""

PAGE = b"<!doctype html><html><head><title>SCO</title></head><body><p>SCO</p></body></html>"


def package_zip(version="1.2", top_folder="", extra=None):
    """The zip's bytes: imsmanifest.xml, the launch page and a stylesheet, under ``top_folder`` when given."""
    members = ({"imsmanifest.xml": MANIFEST_12.encode(), "shared/launch.html": PAGE,
                "shared/style.css": b"body { margin: 0 }"} if version == "1.2"
               else {"imsmanifest.xml": MANIFEST_2004.encode(), "index.html": PAGE})
    members.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(f"{top_folder}{name}", data)
    return buffer.getvalue()


def zip_members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
