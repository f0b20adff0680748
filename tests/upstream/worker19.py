"""Run by the Python of openedx-scorm-xblock 19.0.5's virtualenv: that package's real block and handlers.

``python worker19.py REQUEST.json`` reads {"storage": ..., "store": path, "usage_id": ..., "steps": [...]},
runs each step on a block built over the shared field store (field_store.py) and the given storage, saves the
fields after each step, and prints one JSON answer per step. The block gets what edx-platform's LMS gives it:
a ``location`` and ``url_name``, the settings, user and field-data services, and a runtime that records what
it publishes (grades, completion, tracking events).
"""
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "bench"), str(Path(__file__).resolve().parent)]

import field_store  # noqa: E402  (tests/upstream, beside this file)
import upstream  # noqa: E402  (bench/upstream.py)

SETTINGS = {"LOCATION": "scorm"}


def configure(storage):
    """default_storage: a FileSystemStorage on media_root, or S3 on the test's moto server with the bench's
    options (19.x needs exists() to be true for a folder there); templates for 19.x's views."""
    # pylint: disable=import-outside-toplevel
    import django
    import s3_settings
    import upstream_s3
    from django.conf import settings

    default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if storage["kind"] == "s3":
        globals()["FolderAwareS3Storage"] = upstream_s3._folder_aware_storage_class()  # pylint: disable=protected-access
        default = {"BACKEND": "__main__.FolderAwareS3Storage", "OPTIONS": {
            "bucket_name": storage["bucket"], "endpoint_url": storage["endpoint"],
            "access_key": s3_settings.ACCESS_KEY, "secret_key": s3_settings.SECRET_KEY,
            "region_name": s3_settings.REGION, "addressing_style": "path"}}
    settings.configure(
        MEDIA_ROOT=storage.get("media_root", ""), MEDIA_URL="/media/",
        STORAGES={"default": default,
                  "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}},
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
        USE_TZ=True, INSTALLED_APPS=[],
    )
    django.setup()


class UsageId(str):
    """The usage key as 19.x reads it: its string (hashed into the folder name) and its block_id."""

    @property
    def block_id(self):
        return self.rsplit("@", 1)[-1]


def build_block(store, usage_id, user, events):
    # pylint: disable=import-outside-toplevel
    from openedxscorm.scormxblock import ScormXBlock
    from xblock.fields import ScopeIds
    from xblock.reference.user_service import UserService, XBlockUser
    from xblock.test.tools import TestRuntime

    class LmsScormXBlock(ScormXBlock):
        """19.x plus what edx-platform's runtime mixes into every block."""

        @property
        def location(self):
            return self.scope_ids.usage_id

        @property
        def url_name(self):
            return self.scope_ids.usage_id.block_id

    class CurrentUserService(UserService):
        def get_current_user(self):
            return self._user

    class SettingsService:
        def get_settings_bucket(self, block, default=None):  # pylint: disable=unused-argument
            return dict(SETTINGS)

    class LmsRuntime(TestRuntime):
        def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):
            url = f"/xblock/{block.scope_ids.usage_id}/handler/{handler_name}" + (f"/{suffix}" if suffix else "")
            return url + (f"?{query}" if query else "")

        def publish(self, block, event_type, event_data):
            events.append([event_type, event_data])

    current = XBlockUser(is_current_user=True, full_name=(user or {}).get("full_name", ""))
    current.opt_attrs.update({"edx-platform.user_id": (user or {}).get("id"),
                              "edx-platform.username": (user or {}).get("username"),
                              "edx-platform.user_is_staff": False})
    field_data = field_store.StoreFieldData(store, (user or {}).get("id"))
    runtime = LmsRuntime(services={"settings": SettingsService(), "user": CurrentUserService(user=current),
                                   "field-data": field_data})
    usage = UsageId(usage_id)
    return runtime.construct_xblock_from_class(LmsScormXBlock, ScopeIds((user or {}).get("id"), "scorm", usage,
                                                                         usage))


def json_request(data):
    from webob import Request  # pylint: disable=import-outside-toplevel

    return Request.blank("/", method="POST", body=json.dumps(data).encode(), content_type="application/json")


def upload(block, step):
    with open(step["zip"], "rb") as package_file:
        request = upstream._upload_request(package_file)  # pylint: disable=protected-access
        for name, value in step.get("form", {}).items():
            request.params[name] = value
        response = block.studio_submit(request, "")
    return {"response": json.loads(response.body), "package_meta": block.package_meta,
            "extract_folder": block.extract_folder_path}


def handler(block, step):
    response = block.handle(step["name"], json_request(step["data"]))
    return {"status": response.status_code, "body": json.loads(response.body)}


def asset(block, step):
    from webob import Request  # pylint: disable=import-outside-toplevel

    try:
        response = block.handle("assets_proxy", Request.blank("/"), step["path"])
    except FileNotFoundError:
        return {"status": 404}
    return {"status": response.status_code, "sha1": hashlib.sha1(response.body).hexdigest()}


def export(block, step):
    from fs.osfs import OSFS  # pylint: disable=import-outside-toplevel
    from lxml import etree  # pylint: disable=import-outside-toplevel

    node = etree.Element("scorm")
    block.runtime.export_fs = OSFS(step["folder"], create=True)
    block.add_xml_to_node(node)
    return {"xml": etree.tostring(node).decode()}


def view(block, step):  # pylint: disable=unused-argument
    """What the learner's page gets: the launch URL and the state scorm.js is seeded with."""
    fragment = block.student_view({})
    return {"index_page_url": block.index_page_url, "index_page_path": block.index_page_path,
            "extract_folder": block.extract_folder_path if block.package_meta else "",
            "json_init_args": fragment.json_init_args}


def fields(block, step):  # pylint: disable=unused-argument
    """Each field's scope and default, as declared by 19.x."""
    return {name: {"scope": str(field.scope), "default": field.default} for name, field in block.fields.items()}


ACTIONS = {"upload": upload, "handler": handler, "asset": asset, "export": export, "view": view, "fields": fields}


def main(request_path):
    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    configure(request["storage"])
    answers = []
    for step in request["steps"]:
        store = field_store.load(request["store"])
        events = []
        block = build_block(store, request["usage_id"], step.get("user"), events)
        answer = ACTIONS[step["action"]](block, step)
        block.save()
        field_store.dump(store, request["store"])
        answers.append({**answer, "events": events})
    print(json.dumps(answers, default=str))


if __name__ == "__main__":
    main(sys.argv[1])
