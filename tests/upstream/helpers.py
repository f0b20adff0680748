"""Steps of openedx-scorm-xblock 19.0.5 and checks shared by the suite's modules."""
import hashlib
from pathlib import Path

from fs.osfs import OSFS
from lxml import etree
from opaque_keys.edx.keys import CourseKey
from webob import Request
from xblock.fields import ScopeIds

from openedxscorm.block import ScormXBlock
from openedxscorm_support.block_runtime import BlockTestRuntime
from tests.upstream.conftest import Site
from tests.upstream.packages19 import package_zip

COURSE = CourseKey.from_string("course-v1:Org+SCORM19+2026")
# The Studio form as 19.x's studio.js posts it, for a scored block.
SCORED_FORM = {"display_name": "Golf (19.x)", "has_score": "1", "weight": "10"}


def sha1_of(data):
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def make_site(tmp_path, storage, storage_spec, block_name="golf", course=COURSE):
    workdir = Path(tmp_path) / f"site-{block_name}"
    workdir.mkdir(parents=True, exist_ok=True)
    return Site(course.make_usage_key("scorm", block_name), workdir / "fields.json", storage_spec, storage, workdir)


def upload_step(site, version="1.2", top_folder="golf/", form=None, extra=None):
    """Upload a package built in the test with 19.x's studio_submit; the zip's bytes are kept on the site."""
    data = package_zip(version, top_folder=top_folder, extra=extra)
    path = site.workdir / f"package-{sha1_of(data)[:8]}.zip"
    path.write_bytes(data)
    return {"action": "upload", "zip": str(path), "form": {**SCORED_FORM, **(form or {})}}, data


def upload_19x(upstream19, site, **options):
    step, data = upload_step(site, **options)
    answer = upstream19.one(site, step)
    assert answer["response"]["errors"] == [], answer
    return answer, data


def set_values(learner, *pairs):
    return {"action": "handler", "name": "scorm_set_values", "user": learner,
            "data": [{"name": name, "value": value} for name, value in pairs]}


def handler_19x(name, learner, data=None):
    return {"action": "handler", "name": name, "user": learner, "data": data or {}}


def export_node(block, folder):
    """The block's OLX node, exported with an OSFS export_fs as a course export gives it."""
    export_fs = OSFS(str(folder), create=True)
    block.runtime.export_fs = export_fs
    node = etree.Element("scorm", {"url_name": block.scope_ids.usage_id.block_id})
    block.add_xml_to_node(node)
    return node, export_fs


def import_node(node, resources_fs, target_course, name="imported"):
    """Our parse_xml of an exported node, into another course; the block then plays with the site's settings."""
    from django.conf import settings  # pylint: disable=import-outside-toplevel

    runtime = BlockTestRuntime(xblock_settings=settings.XBLOCK_SETTINGS["ScormXBlock"])
    runtime.resources_fs = resources_fs
    usage_key = target_course.make_usage_key("scorm", name)
    return ScormXBlock.parse_xml(etree.fromstring(etree.tostring(node)), runtime,
                                 ScopeIds(None, "scorm", usage_key, usage_key))


def get(block, handler, suffix=""):
    return block.handle(handler, Request.blank("/"), suffix)


def upload_here(site, data, name="again.zip"):
    """Studio uploads a package with this block, on the site's field store."""
    from tests.upstream.lms import SwitchedBlock  # pylint: disable=import-outside-toplevel

    switched = SwitchedBlock(site)
    request = Request.blank("/", POST={"file": (name, data), "display_name": "Golf v2"})
    assert switched.block.handle("studio_submit", request).status_code == 200
    return switched.save()
