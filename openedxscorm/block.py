"""The SCORM XBlock: fields, views and handlers. The work happens in modules that know nothing of XBlock."""
import logging

from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XBlock
from xblock.fields import Dict, Integer, List, Scope, String
from xblock.utils.resources import ResourceLoader

from . import delivery, upload
from .errors import ScormError, render_stored
from .paths import safe_request_path
from .settings import BLOCK_SETTINGS_KEY, django_block_settings, merged_settings
from .trees import PackageTree, get_storage

log = logging.getLogger(__name__)
loader = ResourceLoader(__name__)


def _(text):
    """Mark field labels for extraction; XBlock translates them through the i18n service."""
    return text


@XBlock.wants("settings", "user", "i18n")
class ScormXBlock(XBlock):
    """Plays an uploaded SCORM 1.2 or 2004 package in an iframe, serving its files from storage."""

    block_settings_key = BLOCK_SETTINGS_KEY

    display_name = String(display_name=_("Display name"), default=_("SCORM package"), scope=Scope.settings)
    width = Integer(display_name=_("Width (pixels)"), help=_("Empty for the full width of the page."),
                    default=None, scope=Scope.settings)
    height = Integer(display_name=_("Height (pixels)"), default=450, scope=Scope.settings)

    package_sha1 = String(help="sha1 of the uploaded zip: it names the extracted tree.", default="",
                          scope=Scope.settings)
    package_filename = String(help="Name of the uploaded zip.", default="", scope=Scope.settings)
    package_size = Integer(help="Size of the uploaded zip in bytes.", default=0, scope=Scope.settings)
    package_uploaded_at = String(help="ISO 8601 time of the upload.", default="", scope=Scope.settings)
    scorm_version = String(help="1.2, 2004-2nd, 2004-3rd or 2004-4th.", default="", scope=Scope.settings)
    package_title = String(help="Title read from the manifest.", default="", scope=Scope.settings)
    package_manifest = Dict(help="The parsed manifest: organizations, items, resources, launch URLs.",
                            default={}, scope=Scope.settings)
    package_notices = List(help="Warnings found in the package, as codes and parameters.", default=[],
                           scope=Scope.settings)

    editable_fields = ("display_name", "width", "height")

    # ---- helpers -------------------------------------------------------------------------------------------

    def block_settings(self):
        """XBLOCK_SETTINGS["ScormXBlock"] from the settings service, else from Django settings."""
        service = self.runtime.service(self, "settings")
        if service is not None:
            return merged_settings(service.get_settings_bucket(self))
        return django_block_settings()

    def gettext(self, text):
        """Translate through the runtime's i18n service where there is one."""
        service = self.runtime.service(self, "i18n")
        return service.gettext(text) if service is not None else text

    def package_tree(self, settings=None):
        """The content-addressed tree of the current package (no storage call)."""
        settings = settings or self.block_settings()
        return PackageTree(get_storage(self, settings), settings["LOCATION"], self.package_sha1)

    def launch_items(self):
        """Launchable items of the package in manifest order."""
        from .manifest import Manifest  # pylint: disable=import-outside-toplevel

        if not self.package_manifest:
            return []
        return Manifest.from_dict(self.package_manifest).launchable_items()

    def launch_url(self, item, settings):
        """URL of an item's launch file: the same-origin asset handler, or storage.url() when proxying is off."""
        path, _sep, query = item.launch_url.partition("?")
        if settings["PROXY_ASSETS_LMS"]:
            return self.runtime.handler_url(self, "assets_proxy", f"{self.package_sha1}/{path}", query=query)
        tree = self.package_tree(settings)
        url = tree.storage.url(tree.name_of(path))
        return f"{url}{'&' if '?' in url else '?'}{query}" if query else url

    def render_template(self, name, context):
        return loader.render_django_template(f"templates/{name}", context,
                                             i18n_service=self.runtime.service(self, "i18n"))

    def notices_text(self):
        return [render_stored(notice, self.gettext) for notice in self.package_notices]

    # ---- views -----------------------------------------------------------------------------------------------

    def student_view(self, context=None):
        """The package in an iframe, or a clear message when there is none yet."""
        items = self.launch_items()
        settings = self.block_settings()
        context = {
            "block": self,
            "has_package": bool(self.package_sha1 and items),
            "launch_url": self.launch_url(items[0], settings) if items else "",
            "iframe_title": self.display_name or self.package_title,
            "width": self.width,
            "height": self.height,
        }
        fragment = Fragment(self.render_template("student_view.html", context))
        fragment.add_css(loader.load_unicode("static/css/scorm.css"))
        return fragment

    def author_view(self, context=None):
        """Studio's unit page: what the package is and what was found in it, above the player itself."""
        summary = self.render_template("author_view.html", {
            "block": self,
            "notices": self.notices_text(),
            "size_kib": (self.package_size + 1023) // 1024,
        })
        fragment = self.student_view(context)
        fragment.content = summary + fragment.content
        return fragment

    def studio_view(self, context=None):
        """The upload form, with the display options."""
        fragment = Fragment(self.render_template("studio_view.html", {
            "block": self,
            "notices": self.notices_text(),
        }))
        fragment.add_css(loader.load_unicode("static/css/scorm.css"))
        fragment.add_javascript(loader.load_unicode("static/js/studio.js"))
        fragment.initialize_js("ScormStudioView")
        return fragment

    # ---- handlers --------------------------------------------------------------------------------------------

    @XBlock.handler
    def studio_submit(self, request, suffix=""):  # pylint: disable=unused-argument
        """Save display options and, when a zip is attached, replace the package once its tree is complete."""
        if request.method != "POST":
            return Response(status=405)
        options, error = self._display_options(request.POST)
        if error:
            return Response(status=400, json_body={"error": error})
        upload_field = request.POST.get("file")
        notices = []
        if getattr(upload_field, "file", None) is not None:
            settings = self.block_settings()
            try:
                received = upload.receive_package(upload_field.file, upload_field.filename or "package.zip",
                                                  get_storage(self, settings), settings)
            except ScormError as refusal:
                log.info("SCORM package refused for %s: %s", self.scope_ids.usage_id, refusal.code)
                return Response(status=400, json_body={"error": refusal.render(self.gettext), "code": refusal.code})
            options.update(received.fields)
            notices = [notice.render(self.gettext) for notice in received.notices]
        for name, value in options.items():
            setattr(self, name, value)
        return Response(json_body={"result": "success", "notices": notices, "package": self._package_summary()})

    @XBlock.handler
    def assets_proxy(self, request, suffix=""):
        """Serve a file of the current package, same origin, from storage."""
        if request.method not in ("GET", "HEAD"):
            return Response(status=405)
        sha1, _sep, path = suffix.partition("/")
        relative_path = safe_request_path(path) if sha1 == self.package_sha1 and sha1 else None
        if relative_path is None:
            return Response(status=404, content_type="text/plain", body=b"Not found")
        settings = self.block_settings()
        return delivery.serve_file(request, self.package_tree(settings), relative_path, settings["CHUNK_SIZE"])

    # ---- internals -------------------------------------------------------------------------------------------

    def _display_options(self, form):
        """Validated display fields from the Studio form; a translated error for a bad value."""
        options = {}
        if "display_name" in form:
            options["display_name"] = form["display_name"].strip() or self.fields["display_name"].default
        for name in ("width", "height"):
            if name not in form:
                continue
            raw = form[name].strip()
            if not raw:
                options[name] = None
                continue
            if not raw.isdigit() or not 0 < int(raw) <= 10000:
                return {}, self.gettext("Width and height must be whole numbers of pixels, from 1 to 10000.")
            options[name] = int(raw)
        return options, None

    def _package_summary(self):
        return {
            "sha1": self.package_sha1,
            "filename": self.package_filename,
            "version": self.scorm_version,
            "title": self.package_title,
        }

    @staticmethod
    def workbench_scenarios():
        """One scenario per zip of the sample folder, each with its package already uploaded."""
        from .workbench import package_scenarios  # pylint: disable=import-outside-toplevel

        return package_scenarios()
