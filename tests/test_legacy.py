"""Drop-in replacement of openedx-scorm-xblock 19.x: its OLX, its storage layout and its learner state.

The fixtures below reproduce what openedx-scorm-xblock 19.0.5 writes (read from its scormxblock.py):
- OLX: XBlock's default add_xml_to_node (every set field as an attribute, dicts as JSON), plus
  ``scorm_package_path="scorm/<url_name>/package.zip"``, a zip it rebuilds from the extracted tree (so its
  sha1 differs from package_meta's);
- storage: the zip extracted, manifest folder as root, under ``<LOCATION>/<sha1 of the usage id>/<zip sha1>``
  (older releases: ``<LOCATION>/<block id>``); no zip kept;
- learner state: user_state fields scorm_data (element -> value as set), lesson_status (completion),
  success_status, lesson_score (0..1), session_started_at.
"""
import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from fs.memoryfs import MemoryFS
from fs.tempfs import TempFS
from lxml import etree
from opaque_keys.edx.keys import CourseKey
from webob import Request
from xblock.fields import ScopeIds

from openedxscorm import legacy
from openedxscorm.block import ScormXBlock
from openedxscorm.runtime import SCORM12, SCORM2004, derive
from openedxscorm_support.block_runtime import BlockTestRuntime, make_block
from openedxscorm_support.fake_platform.studio import stage_block
from tests.packages import fixture_zip
from tests.test_player import launch_config

pytest_plugins = ["openedxscorm_support.fake_platform.plugin"]

PACKAGE = fixture_zip("probe-1.2.zip")
TARGET = CourseKey.from_string("course-v1:Other+SCORM201+2027")
LAUNCH = "lesson/index.html"


def members(path=PACKAGE):
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}


def rezipped(path=PACKAGE):
    """The zip 19.x writes at export: its extracted tree zipped again."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(members(path).items()):
            archive.writestr(name, data)
    return buffer.getvalue()


def package_meta(path=PACKAGE):
    data = path.read_bytes()
    return {"sha1": hashlib.sha1(data).hexdigest(), "name": path.name, "size": len(data),
            "last_updated": "2024-05-02T10:11:12.000000"}


def legacy_node(url_name, bundled_path=None, **extra):
    """A <scorm> node as openedx-scorm-xblock 19.0.5 exports it."""
    node = etree.Element("scorm")
    attributes = {
        "xblock-family": "xblock.v1", "url_name": url_name, "display_name": "Golf (19.x)", "weight": "3.0",
        "has_score": "true", "width": "800", "height": "600", "popup_on_launch": "false",
        "enable_navigation_menu": "false", "enable_fullscreen_button": "true", "icon_class": "video",
        "index_page_path": LAUNCH, "scorm_version": "SCORM_12",
        "package_meta": json.dumps(package_meta(), indent=2, sort_keys=True),
        "package_warnings": "[]", **extra,
    }
    for name, value in attributes.items():
        node.set(name, value)
    if bundled_path:
        node.set("scorm_package_path", bundled_path)
    return etree.tostring(node)


def import_block(xml, resources_fs, usage_name="imported"):
    runtime = BlockTestRuntime()
    runtime.resources_fs = resources_fs
    usage_key = TARGET.make_usage_key("scorm", usage_name)
    return ScormXBlock.parse_xml(etree.fromstring(xml), runtime, ScopeIds("learner", "scorm", usage_key, usage_key))


def legacy_block(storage, layout="hashed", state=None, **fields):
    """A block as 19.x left it in the modulestore, its tree in storage where 19.x extracted it."""
    meta = package_meta()
    block = make_block(usage_name="legacy1")
    block.package_meta = meta
    block.scorm_version = "SCORM_12"
    block.index_page_path = LAUNCH
    for name, value in {**(state or {}), **fields}.items():
        setattr(block, name, value)
    prefixes = {
        "hashed": f"scorm/{hashlib.sha1(str(block.scope_ids.usage_id).encode()).hexdigest()}/{meta['sha1']}",
        "block_id": "scorm/legacy1",
    }
    if layout in prefixes:
        for name, data in members().items():
            storage.save(f"{prefixes[layout]}/{name}", ContentFile(data))
    return block


def serve(block, path):
    return block.handle("assets_proxy", Request.blank("/"), f"{block.served_sha1()}/{path}")


def test_olx_of_19x_imports_with_its_options_and_plays(storage):  # noqa: ARG001
    resources = MemoryFS()
    resources.makedirs("scorm/abc123")
    resources.writebytes("scorm/abc123/package.zip", rezipped())
    block = import_block(legacy_node("abc123", "scorm/abc123/package.zip"), resources)
    assert block.package_sha1 == hashlib.sha1(rezipped()).hexdigest()
    # 19.x's version name and package fields, naming our tree: what 19.x plays after a rollback
    assert (block.scorm_version, block.weight, block.width, block.height) == ("SCORM_12", 3.0, 800, 600)
    assert block.package_meta["sha1"] == f"../{block.package_sha1}" and block.index_page_path == LAUNCH
    assert block.package_filename == PACKAGE.name
    assert block.package_uploaded_at.startswith("2024-05-02T10:11:12")
    assert block.index_page_path == LAUNCH and block.popup_on_launch is False
    assert 'data-state="ready"' in block.student_view().content
    assert launch_config(block)["standard"] == SCORM12
    response = serve(block, LAUNCH)
    assert response.status_code == 200 and response.body == members()[LAUNCH]


@pytest.mark.parametrize("layout", ["hashed", "block_id"])
def test_block_left_by_19x_is_served_from_its_own_tree(storage, layout):
    block = legacy_block(storage, layout)
    assert legacy.is_legacy(block)
    assert [item.launch_url.split("?")[0] for item in block.launch_items()] == [LAUNCH]
    assert block.runtime_standard() == SCORM12
    assert 'data-state="ready"' in block.student_view().content
    response = serve(block, LAUNCH)
    assert response.status_code == 200 and response.body == members()[LAUNCH]
    assert serve(block, "../" + LAUNCH).status_code == 404
    assert launch_config(block)["values"]["cmi.core.student_id"] == "7"


def test_block_left_by_19x_without_its_tree_tells_staff(storage):
    block = legacy_block(storage, layout="none")
    assert block.launch_items() == []
    assert 'data-state="empty"' in block.student_view().content


def test_tree_of_a_renamed_block_is_found_in_another_bucket(storage):
    meta = package_meta()
    for name, data in members().items():
        storage.save(f"scorm/{'0' * 40}/{meta['sha1']}/{name}", ContentFile(data))
    block = legacy_block(storage, layout="none")
    assert serve(block, LAUNCH).status_code == 200


SCORM12_STATE = {
    "scorm_data": {"cmi.core.lesson_status": "incomplete", "cmi.core.lesson_location": "page-3",
                   "cmi.suspend_data": "A1B2", "cmi.core.exit": "suspend", "cmi.core.score.raw": "40",
                   "cmi.core.session_time": "00:10:00", "cmi.interactions.0.id": "q1",
                   "cmi.interactions.0.student_response": "a", "cmi.core.lesson_status.bogus": "x"},
    "lesson_status": "incomplete", "success_status": "unknown", "lesson_score": 0.4,
}


def test_learner_state_of_19x_resumes(storage):
    block = legacy_block(storage, state=SCORM12_STATE)
    values = launch_config(block)["values"]
    assert values["cmi.core.lesson_location"] == "page-3"
    assert values["cmi.suspend_data"] == "A1B2"
    assert values["cmi.core.entry"] == "resume"
    assert values["cmi.core.lesson_status"] == "incomplete"
    assert block.scorm_state["total_time"] == 60000  # the last session's ten minutes
    assert derive(SCORM12, block.scorm_state)["score"] == pytest.approx(0.4)


def test_converted_state_is_written_once_and_then_wins(storage):
    block = legacy_block(storage, state=SCORM12_STATE)
    state = block.scorm_state
    assert state["data"]["cmi.core.lesson_location"] == "page-3"
    block.save()
    block.scorm_data = {"cmi.core.lesson_location": "elsewhere"}
    assert block.scorm_state["data"]["cmi.core.lesson_location"] == "page-3"


def test_2004_state_keeps_its_statuses_and_score():
    state = legacy.state_from_legacy(SCORM2004, {
        "scorm_data": {"cmi.location": "slide-9", "cmi.exit": "suspend"},
        "lesson_status": "completed", "success_status": "passed", "lesson_score": 0.8,
    })
    derived = derive(SCORM2004, state)
    assert (derived["completion"], derived["success"], derived["score"]) == ("completed", "passed", 0.8)
    assert state["data"]["cmi.location"] == "slide-9" and state["entry"] == "resume"


def test_values_the_run_time_refuses_are_dropped_not_fatal():
    state = legacy.state_from_legacy(SCORM12, {"scorm_data": {"cmi.core.lesson_status": "bogus",
                                                              "cmi.core.lesson_location": "p2"}})
    assert state["data"] == {"cmi.core.lesson_location": "p2"}
    assert legacy.state_from_legacy(SCORM12, {"scorm_data": {}}) == {}


def test_legacy_version_names_are_understood(storage):  # noqa: ARG001
    block = make_block()
    for version, standard in (("SCORM_12", SCORM12), ("SCORM_2004", SCORM2004), ("1.2", SCORM12), ("", None)):
        block.scorm_version = version
        assert block.runtime_standard() == standard


# -- export, sweep and rollback on hand-built 19.x shapes (tests/upstream checks them against the real wheel) --

def test_export_rebuilds_the_same_zip_from_a_tree_and_prefers_a_kept_zip(storage):
    # A course export writes into a folder on disk; an in-memory filesystem is the clipboard's (never bundled into).
    block = legacy_block(storage)
    node, export_fs = etree.Element("scorm"), TempFS()
    block.runtime.export_fs = export_fs
    block.add_xml_to_node(node)
    bundled = export_fs.readbytes(node.get("package_file"))
    assert members(io.BytesIO(bundled)) == members()
    again = TempFS()
    block.runtime.export_fs = again
    block.add_xml_to_node(etree.Element("scorm"))
    assert again.readbytes(node.get("package_file")) == bundled

    storage.save(f"scorm/{package_meta()['sha1']}.zip", ContentFile(PACKAGE.read_bytes()))
    kept = TempFS()
    block.runtime.export_fs = kept
    block.add_xml_to_node(etree.Element("scorm"))
    assert kept.readbytes(node.get("package_file")) == PACKAGE.read_bytes()


def test_export_without_export_fs_or_tree_writes_nothing(storage):
    block = legacy_block(storage)
    node = etree.Element("scorm")
    block.runtime.export_fs = None
    block.add_xml_to_node(node)
    assert node.get("package_file") is None


def test_folders_of_the_19x_layout_are_told_from_ours(storage):
    block = legacy_block(storage)
    bucket = hashlib.sha1(str(block.scope_ids.usage_id).encode()).hexdigest()
    assert legacy.is_legacy_bucket(storage, f"scorm/{bucket}")
    assert not legacy.is_legacy_bucket(storage, f"scorm/{bucket}/{package_meta()['sha1']}")
    assert not legacy.is_legacy_bucket(storage, "scorm/nowhere")
    other = "1" * 40  # a renamed block's folder holding the same package
    for name, data in members().items():
        storage.save(f"scorm/{other}/{package_meta()['sha1']}/{name}", ContentFile(data))
    storage.save(f"scorm/{'2' * 40}/unrelated.txt", ContentFile(b"x"))
    assert legacy.buckets_in_use(storage, "scorm", [block]) == {bucket, other}
    assert legacy.buckets_in_use(storage, "scorm", [make_block(usage_name="plain")]) == set()


def test_rollback_fields_only_for_blocks_19x_uploaded():
    fields = {"package_sha1": "a" * 40, "package_filename": "v2.zip", "package_size": 12, "scorm_version": "2004-4th",
              "package_uploaded_at": "2026-01-02T03:04:05.678000+00:00",
              "package_manifest": ScormXBlock.fields["package_manifest"].default}
    assert legacy.rollback_package_fields(make_block(), fields) == {}
    block = make_block()
    block.package_meta = package_meta()
    assert legacy.rollback_package_fields(block, fields) == {}  # no manifest: nothing to point 19.x at


def test_19x_learner_fields_follow_our_state():
    passed = legacy.legacy_learner_values(SCORM2004, {"data": {"cmi.location": "q4"}},
                                          {"completion": "incomplete", "success": "passed", "score": 0.9})
    assert passed == {"scorm_data": {"cmi.location": "q4"}, "lesson_status": "incomplete",
                      "success_status": "passed", "lesson_score": 0.9}
    failed = legacy.legacy_learner_values(SCORM12, {}, {"completion": "unknown", "success": "failed", "score": None})
    assert failed == {"scorm_data": {}, "success_status": "failed", "lesson_score": 0}  # 19.x kept lesson_status


def post_json(block, handler, body):
    return block.handle(handler, Request.blank("/", method="POST", body=body, content_type="application/json"))


def test_19x_handlers_refuse_what_is_not_json_and_ignore_unknown_elements(storage):
    block = legacy_block(storage)
    assert post_json(block, "scorm_set_values", b"{not json").status_code == 400
    assert post_json(block, "scorm_set_values", b'{"name": "x"}').json == []
    assert post_json(block, "scorm_get_value", b'{"name": "cmi.nothing"}').json == {"value": ""}
    assert post_json(block, "scorm_get_value", b'{"name": "cmi.mode", "url": "/preview/x"}').json == {
        "value": "review"}
    answers = post_json(block, "scorm_set_values", b'[{"name": "cmi.core.lesson_location", "value": true}, 7]').json
    assert [answer["code"] for answer in answers] == ["bad_value", "bad_value"]


def test_a_legacy_block_copied_to_the_clipboard_bundles_nothing(storage, fake_platform):
    block = legacy_block(storage)
    staged = stage_block(fake_platform, block)
    assert staged.files == [] and etree.fromstring(staged.olx).get("package_file") is None


def test_19x_learner_state_belongs_to_the_package_19x_recorded(storage, tmp_path):
    """After a re-upload here, the 19.x state stays with 19.x's package version: the new one starts fresh, and the
    learner's first write stores the 19.x state in the learner state tables under 19.x's sha1."""
    from openedxscorm import learner_store  # pylint: disable=import-outside-toplevel
    from tests.packages import Sco, write_package  # pylint: disable=import-outside-toplevel
    from tests.test_block import upload_request  # pylint: disable=import-outside-toplevel
    from tests.test_player import delivered_query, post_commit  # pylint: disable=import-outside-toplevel

    block = legacy_block(storage, state=SCORM12_STATE)
    sha1_19x = block.served_sha1()
    assert block.stored_version(sha1_19x).sco(block.launch_items()[0].identifier)["data"][
        "cmi.core.lesson_location"] == "page-3"
    new_zip = write_package(tmp_path / "new.zip", [Sco("new-sco")])
    assert block.handle("studio_submit", upload_request(new_zip)).status_code == 200
    assert block.served_sha1() != sha1_19x
    values = launch_config(block)["values"]
    assert values["cmi.core.entry"] == "ab-initio" and "cmi.suspend_data" not in values
    post_commit(block, delivered_query(block), [("cmi.core.lesson_location", "new-1")], 1)
    stored = {version.sha1: version for version in learner_store.versions(block.learner_key())}
    assert set(stored) == {sha1_19x, block.package_sha1}
    assert next(iter(stored[sha1_19x].scos.values()))["data"]["cmi.suspend_data"] == "A1B2"
