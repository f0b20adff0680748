"""Course export of blocks uploaded with the real openedx-scorm-xblock 19.0.5, once this block plays them,
on local storage and on S3."""
import pytest
from django.core.files.base import ContentFile
from fs.osfs import OSFS
from opaque_keys.edx.keys import CourseKey

from openedxscorm import legacy
from tests.upstream.helpers import export_node, get, import_node, make_site, sha1_of, upload_19x
from tests.upstream.lms import SwitchedBlock
from tests.upstream.packages19 import zip_members

TARGET = CourseKey.from_string("course-v1:Other+SCORM19+2027")


@pytest.fixture
def site(tmp_path, backend):
    """A block on local storage, then on S3 (moto)."""
    return make_site(tmp_path, backend.storage, backend.spec)


@pytest.fixture
def upstream19(backend):
    return backend.upstream


def without_top_folder(data, top="golf/"):
    return {name[len(top):]: content for name, content in zip_members(data).items()}


def test_block_never_uploaded_again_exports_a_zip_rebuilt_from_its_19x_tree(upstream19, site, tmp_path):
    _answer, uploaded = upload_19x(upstream19, site)
    block = SwitchedBlock(site).block
    assert legacy.is_legacy(block) and isinstance(block.package_tree(), legacy.LegacyTree)

    node, export_fs = export_node(block, tmp_path / "export")
    bundled = export_fs.readbytes(node.get("package_file"))
    assert zip_members(bundled) == without_top_folder(uploaded)  # 19.x kept the manifest's folder as the root
    again, _fs = export_node(SwitchedBlock(site).block, tmp_path / "export-again")
    assert _fs.readbytes(again.get("package_file")) == bundled  # the same tree always gives the same zip

    imported = import_node(node, export_fs, TARGET)
    assert imported.package_sha1 == sha1_of(bundled)
    assert imported.package_filename.endswith(".zip") and imported.scorm_version == "SCORM_12"  # 19.x's names
    assert imported.package_meta["sha1"] == f"../{imported.package_sha1}"  # what 19.x plays after a rollback
    assert get(imported, "assets_proxy", f"{imported.package_sha1}/shared/style.css").body == b"body { margin: 0 }"


def test_the_original_zip_is_bundled_when_it_is_kept(upstream19, site, tmp_path):
    answer, uploaded = upload_19x(upstream19, site)
    site.storage.save(f"scorm/{answer['package_meta']['sha1']}.zip", ContentFile(uploaded))
    node, export_fs = export_node(SwitchedBlock(site).block, tmp_path / "export")
    assert export_fs.readbytes(node.get("package_file")) == uploaded


def test_an_export_written_by_19x_imports_and_plays(upstream19, site, tmp_path):
    upload_19x(upstream19, site)
    exported = upstream19.one(site, {"action": "export", "folder": str(tmp_path / "export19")})
    from lxml import etree  # pylint: disable=import-outside-toplevel

    node = etree.fromstring(exported["xml"])
    assert node.get("scorm_package_path") == "scorm/golf/package.zip"
    imported = import_node(node, OSFS(str(tmp_path / "export19")), TARGET)
    assert imported.package_sha1 and imported.launch_items()
    assert get(imported, "assets_proxy", f"{imported.package_sha1}/shared/launch.html").status_code == 200
