"""The SCORM XBlock: fields, views and handlers. The work happens in modules that know nothing of XBlock."""
import logging
from urllib.parse import unquote

from django.core.cache import cache
from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XBlock
from xblock.fields import Dict, Integer, List, Scope, String
from xblock.utils.resources import ResourceLoader
from xblock.utils.settings import XBlockWithSettingsMixin

from . import compat, delivery, frame, legacy, legacy_export, mirror, olx, permissions, rehydrate, upload
from .chunked_upload import ChunkedUploadMixin
from .content_origin import content_origin, wrapper_url
from .content_tokens import ContentGrant, content_url
from .content_wrapper import api_key_of
from .errors import ScormError, gettext_noop, render_stored
from .events import TrackingMixin
from .legacy import LegacyFieldsMixin
from .legacy_handlers import LegacyHandlersMixin
from .paths import safe_request_path
from .player import ScormPlayerMixin
from .settings import BLOCK_SETTINGS_KEY, django_block_settings, merged_settings
from .staff import ScormStaffMixin
from .trees import PackageTree, get_storage

log = logging.getLogger(__name__)
loader = ResourceLoader(__name__)
# How long a request waits for another worker's re-extraction before answering "preparing".
REHYDRATE_WAIT_SECONDS = 3


def _(text):
    """Mark field labels for extraction; XBlock translates them through the i18n service."""
    return text


# The Studio form's line about the package, in the view and in the answers of the upload handlers.
NO_PACKAGE = gettext_noop("No package uploaded yet.")
PACKAGE_SUMMARY = gettext_noop(
    "Current package: %(name)s, \"%(title)s\" (%(version)s, %(scos)s learning objects, %(size)s KiB). "
    "Choose a file only to replace it.")


@XBlock.wants("settings", "user", "i18n")
class ScormXBlock(LegacyFieldsMixin, LegacyHandlersMixin, ScormStaffMixin, TrackingMixin, ScormPlayerMixin,
                  ChunkedUploadMixin, XBlockWithSettingsMixin, XBlock):
    """Plays an uploaded SCORM 1.2 or 2004 package in an iframe, serving its files from storage."""

    block_settings_key = BLOCK_SETTINGS_KEY

    display_name = String(display_name=_("Display name"), default=_("SCORM package"), scope=Scope.settings)
    width = Integer(display_name=_("Width (pixels)"), help=_("Empty for the full width of the page."),
                    default=None, scope=Scope.settings)
    height = Integer(display_name=_("Height (pixels)"), default=450, scope=Scope.settings)
    frame_size = String(display_name=_("Frame size"), default=frame.AUTOMATIC, scope=Scope.settings,
                        help=_("16:9 or 4:3 of the frame's width, or the fixed height; empty: fixed when the "
                               "height is not the default, else 16:9."))

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
        """XBLOCK_SETTINGS["ScormXBlock"] from the settings service (XBlockWithSettingsMixin reads its bucket),
        else from Django settings."""
        if self.runtime.service(self, "settings") is None:
            return django_block_settings()
        return merged_settings(self.get_xblock_settings(default={}))

    def gettext(self, text):
        """Translate through the runtime's i18n service where there is one."""
        service = self.runtime.service(self, "i18n")
        return service.gettext(text) if service is not None else text

    def package_tree(self, settings=None):
        """The content-addressed tree of the current package (no storage call); openedx-scorm-xblock's own tree
        for a block uploaded with it (found once, then cached)."""
        settings = settings or self.block_settings()
        sha1 = self.package_sha1  # read once: a field read goes through the runtime, and this runs for every file
        if not sha1 and legacy.legacy_sha1(self):  # legacy.is_legacy
            return legacy.package_tree(self, get_storage(self, settings), settings["LOCATION"])
        return PackageTree(get_storage(self, settings), settings["LOCATION"], sha1)

    def launch_items(self):
        """Launchable items of the package in manifest order."""
        manifest = self.manifest()
        return manifest.launchable_items() if manifest else []

    def launch_url(self, item, settings):
        """URL of an item's launch file: the wrapper page on the content origin (CONTENT_ORIGIN), the content view
        (signed URL, no block loaded per file; the launch URL is appended as the manifest quoted it), the same-origin
        asset handler, or storage.url() when proxying is off.
        The handler's suffix is the file's name itself: the platform quotes it into the URL (a quoted name would be
        quoted twice, and a file named café.html asked for as caf%C3%A9.html)."""
        path, _sep, query = item.launch_url.partition("?")
        origin = content_origin(settings)
        if origin:  # the SCO beside its API, in the wrapper page on the content origin
            return wrapper_url(origin, self.content_grant(settings), api_key_of(self.runtime_standard()),
                               item.launch_url)
        if settings["PROXY_ASSETS_LMS"] and settings["CONTENT_VIEW_ENABLED"]:
            return content_url(self.content_grant(settings), item.launch_url)
        if settings["PROXY_ASSETS_LMS"]:
            return self.runtime.handler_url(self, "assets_proxy", f"{self.served_sha1()}/{unquote(path)}",
                                            query=query)
        tree = self.package_tree(settings)
        url = tree.storage.url(tree.name_of(path))
        return f"{url}{'&' if '?' in url else '?'}{query}" if query else url

    def content_grant(self, settings):
        """What the content view may serve this learner: the tree of the package the block plays now."""
        tree = self.package_tree(settings)
        return ContentGrant(learner=str(self.scope_ids.user_id), course=str(compat.course_key_of(self)),
                            block=str(self.scope_ids.usage_id), sha1=self.served_sha1(),
                            prefix=tree.prefix if isinstance(tree, legacy.LegacyTree) else "")

    def user_is_staff(self):
        """Course staff see why a package cannot play; learners see a plain message."""
        service = self.runtime.service(self, "user")
        user = service.get_current_user() if service is not None else None
        return bool(user and user.opt_attrs.get("edx-platform.user_is_staff"))

    def tree_status(self, settings, tree=None):
        """Can the tree be served now? A missing tree is re-extracted from the course's copy of the zip in Files &
        Uploads, whatever the mirror setting (an imported course may hold it); the setting only decides whether
        uploads write that copy. `tree` is package_tree(settings), when the caller has it already."""
        tree = tree or self.package_tree(settings)
        if tree.is_complete():
            return rehydrate.READY
        return rehydrate.ensure_tree(
            tree, compat.course_key_of(self), rehydrate.package_extractor(tree, settings), cache=cache,
            lock_timeout=settings["REHYDRATE_LOCK_TIMEOUT"], wait_seconds=REHYDRATE_WAIT_SECONDS,
            chunk_size=settings["CHUNK_SIZE"],
        )

    def render_template(self, name, context):
        return loader.render_django_template(f"templates/{name}", context,
                                             i18n_service=self.runtime.service(self, "i18n"))

    def package_summary_text(self):
        """What the Studio form says of the current package: name, title, version, learning objects, size."""
        if not self.package_sha1:
            return self.gettext(NO_PACKAGE)
        manifest = self.manifest()
        return self.gettext(PACKAGE_SUMMARY) % {
            "name": self.package_filename, "title": self.package_title or "",
            "version": manifest.version_label if manifest else self.scorm_version,
            "scos": len(self.launch_items()), "size": (self.package_size + 1023) // 1024,
        }

    def frame_layout(self):
        return frame.frame_layout(self.frame_size, self.height, self.fields["height"].default)

    def notices_text(self):
        return ([render_stored(notice, self.gettext) for notice in self.package_notices]
                + [notice.render(self.gettext) for notice in self.sequencing_notices()])

    # ---- views -----------------------------------------------------------------------------------------------

    def student_view(self, context=None):
        """The package in an iframe; a clear message when there is none yet, or while it is being prepared."""
        items = self.launch_items()
        settings = self.block_settings()
        status = self.tree_status(settings) if items else None
        context = {
            "block": self,
            "state": status.state if status else "empty",
            "staff_reason": status.reason.render(self.gettext) if status and status.reason and self.user_is_staff()
            else "",
            "launch_url": self.launcher_url(preview=(context or {}).get("scorm_preview", False)) if items else "",
            "iframe_title": self.display_name or self.package_title,
            "width": self.width,
            "height": self.height,
            "frame": self.frame_layout(),
            "popup": self.popup_on_launch,
        }
        fragment = Fragment(self.render_template("student_view.html", context))
        fragment.add_css(loader.load_unicode("static/css/scorm.css"))
        fragment.add_javascript(loader.load_unicode("static/js/student.js"))
        fragment.initialize_js("ScormStudentView")
        self.add_staff_panel(fragment)
        return fragment

    def author_view(self, context=None):
        """Studio's unit page: what the package is and what was found in it, above the player itself."""
        self.heal_mirror()
        summary = self.render_template("author_view.html", {
            "block": self,
            "notices": self.notices_text(),
            "size_kib": (self.package_size + 1023) // 1024,
        })
        fragment = self.student_view({**(context or {}), "scorm_preview": True})
        fragment.content = summary + fragment.content
        return fragment

    def studio_view(self, context=None):
        """The upload form, with the display options."""
        self.heal_mirror()
        fragment = Fragment(self.render_template("studio_view.html", {
            "block": self,
            "notices": self.notices_text(),
            "package_summary": self.package_summary_text(),
            "frame_sizes": [(value, self.gettext(label)) for value, (label, _ratio) in frame.FRAME_SIZES.items()],
            "frame_size": self.frame_layout()["size"],
        }))
        fragment.add_css(loader.load_unicode("static/css/scorm.css"))
        fragment.add_javascript(loader.load_unicode("static/js/studio.js"))
        fragment.initialize_js("ScormStudioView")
        return fragment

    # ---- handlers --------------------------------------------------------------------------------------------

    @XBlock.handler
    @permissions.guarded
    def studio_submit(self, request, suffix=""):  # pylint: disable=unused-argument
        """Save display options and, when a zip is attached, replace the package once its tree is complete."""
        if request.method != "POST":
            return Response(status=405)
        options, error = self._display_options(request.POST)
        grading, grading_error = self.grading_options(request.POST)
        options.update(grading)
        error = error or grading_error
        if error:
            return Response(status=400, json_body={"error": error})
        upload_field = request.POST.get("file")
        notices = []
        if getattr(upload_field, "file", None) is not None:
            settings = self.block_settings()
            try:
                received = upload.receive_package(upload_field.file, upload_field.filename or "package.zip",
                                                  get_storage(self, settings), settings,
                                                  after_extract=self.mirror_hook(settings))
            except ScormError as refusal:
                log.info("SCORM package refused for %s: %s", self.scope_ids.usage_id, refusal.code)
                return Response(status=400, json_body={"error": refusal.render(self.gettext), "code": refusal.code})
            except Exception:  # pylint: disable=broad-except  # storage or network: the one guarded call site
                log.exception("SCORM package upload failed for %s", self.scope_ids.usage_id)
                return Response(status=503, json_body={"code": "storage_unavailable", "error": self.gettext(
                    "The package could not be stored right now. The previous package still plays; "
                    "please try again in a moment.")})
            options.update(received.fields)
            options.update(legacy.rollback_package_fields(self, received.fields))
            notices = [notice.render(self.gettext) for notice in received.notices]
        for name, value in options.items():
            setattr(self, name, value)
        if getattr(upload_field, "file", None) is None:
            self.heal_mirror()  # a save of the options: an upload has just mirrored its own zip
        return Response(json_body={"result": "success", "notices": notices, "package": self.package_summary()})

    @XBlock.handler
    def assets_proxy(self, request, suffix=""):
        """Serve a file of the current package, same origin, from storage: ``<sha1>/<path>``; for a block that
        openedx-scorm-xblock uploaded, ``<path>`` too, as its pages ask (kept for one release after the switch).
        A page opened before a new package was published keeps getting its own version's files while the learner
        played it within PREVIOUS_VERSION_GRACE_PERIOD (docs/learner-state.rst)."""
        if request.method not in ("GET", "HEAD"):
            return Response(status=405)
        served, (sha1, _sep, path) = self.served_sha1(), suffix.partition("/")
        if sha1 != served and legacy.legacy_sha1(self):  # a page opened by 19.x asks for assets_proxy/<path>
            sha1, path = served, suffix
        settings = self.block_settings()
        if sha1 and sha1 != served and self.played_recently(sha1, settings["PREVIOUS_VERSION_GRACE_PERIOD"]):
            return self._serve_previous(request, sha1, path, settings)  # a page opened before a new version
        relative_path = safe_request_path(path) if served and sha1 == served else None
        if relative_path is None:
            return delivery.not_found()
        tree = self.package_tree(settings)
        status = self.tree_status(settings, tree)
        if not status.ready:
            return Response(status=503, content_type="text/plain", headerlist=[("Retry-After", "5")],
                            body=self.gettext("This content is being prepared. Please reload in a moment.").encode())
        return delivery.serve_file(request, tree, relative_path, settings["CHUNK_SIZE"])

    def _serve_previous(self, request, sha1, path, settings):
        """A file of a package version the learner played until it was replaced, while its tree is still there."""
        tree = PackageTree(get_storage(self, settings), settings["LOCATION"], sha1)
        relative_path = safe_request_path(path)
        if relative_path is None or not tree.is_complete():
            return delivery.not_found()
        return delivery.serve_file(request, tree, relative_path, settings["CHUNK_SIZE"])

    @XBlock.handler
    def package_status(self, request, suffix=""):  # pylint: disable=unused-argument
        """Ready, preparing or failed: polled by the student view while a package is being prepared.

        While it is being prepared, `progress` tells how far its extraction is (files and bytes done, of the
        totals), as recorded in the cache by whichever worker extracts it; null when not known.
        """
        settings = self.block_settings()
        status = self.tree_status(settings) if self.package_sha1 else rehydrate.failed("tree_missing", sha1="")
        preparing = status.state == rehydrate.PREPARING.state
        return Response(json_body={
            "state": status.state,
            "message": status.reason.render(self.gettext) if status.reason and self.user_is_staff() else "",
            "progress": self.package_tree(settings).read_progress() if preparing else None,
        })

    # ---- OLX ---------------------------------------------------------------------------------------------------

    def add_xml_to_node(self, node):
        """Export the fields, and say where the zip travels (see olx.py: course export, clipboard, elsewhere)."""
        super().add_xml_to_node(node)
        settings = self.block_settings()
        tree, export_fs = self.package_tree(settings), getattr(self.runtime, "export_fs", None)
        if isinstance(tree, legacy.LegacyTree):  # no zip kept, and never mirrored: always bundled
            if not olx.is_serializer_fs(export_fs):  # never into the clipboard (see olx.py)
                legacy_export.export_legacy_package(node, tree, export_fs, settings["LOCATION"],
                                                    settings["CHUNK_SIZE"])
            return
        olx.export_package(node, tree, export_fs, compat.course_key_of(self), settings)

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        """Import the fields, and extract a bundled zip into its content-addressed tree."""
        travel = {**legacy.take_travel_attributes(node), **olx.take_travel_attributes(node)}
        block = super().parse_xml(node, runtime, keys)
        resources_fs = getattr(runtime, "resources_fs", None)
        relative_path = olx.bundled_zip(resources_fs, travel)
        if relative_path:
            block.import_bundled_zip(resources_fs, relative_path)
        target_course = olx.import_target_course(runtime)
        if target_course is not None and olx.ASSET_ATTRIBUTE not in travel:  # else the asset comes with the course's
            block.heal_mirror(target_course, django_block_settings())        # static files, after every block
        return block

    def studio_post_paste(self, store, source_node):  # pylint: disable=unused-argument
        """Studio's paste calls this once the pasted block is saved: the clipboard carried the sha1 only, so the
        destination course gets its locked copy of the zip (mirror on) from the zip beside the tree.

        Returns False: the block has no children for Studio to paste.
        """
        self.heal_mirror()
        return False

    def heal_mirror(self, course_key=None, settings=None):
        """With the mirror on, give the block's course its locked copy of the zip when it has none (see mirror.heal).

        Runs where the platform moves blocks without their assets (paste, library sync, import of a mirror-off
        export, library v1 children), at Studio's views and saves of the block, and before each export.
        """
        settings = settings or self.block_settings()
        if not settings["CONTENTSTORE_SYNC_ENABLED"] or not self.package_sha1:
            return None
        return mirror.heal(course_key or compat.course_key_of(self), self.package_tree(settings),
                           settings["CHUNK_SIZE"])

    def import_bundled_zip(self, resources_fs, relative_path):
        """Extract a zip from an imported OLX folder; the package keeps its original name and upload time."""
        settings = django_block_settings()  # only the field-data service exists while a course is imported
        try:
            with resources_fs.openbin(relative_path) as handle:
                received = upload.receive_package(handle, relative_path.rsplit("/", 1)[-1],
                                                  get_storage(self, settings), settings)
        except ScormError as refusal:
            log.warning("SCORM package %s of %s not imported: %s", relative_path, self.scope_ids.usage_id, refusal)
            return
        kept = {"package_filename": self.package_filename, "package_uploaded_at": self.package_uploaded_at}
        kept = {name: value or legacy.kept_package_fields(self).get(name) for name, value in kept.items()}
        fields = {name: kept.get(name) or value for name, value in received.fields.items()}
        fields.update(legacy.rollback_package_fields(self, fields))
        for name, value in fields.items():
            setattr(self, name, value)

    # ---- internals -------------------------------------------------------------------------------------------

    def _display_options(self, form):
        """Validated display fields from the Studio form; a translated error for a bad value."""
        options = {"popup_on_launch": form.get("popup_on_launch") == "true"} if "display_name" in form else {}
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
        if "frame_size" in form:
            if form["frame_size"] not in frame.FRAME_SIZES:
                return {}, self.gettext(frame.BAD_FRAME_SIZE)
            options["frame_size"] = form["frame_size"]
        return options, None

    def mirror_hook(self, settings):
        """With the mirror on: after extraction, save the zip as a course asset and collect unused ones."""
        if not settings["CONTENTSTORE_SYNC_ENABLED"]:
            return None
        usage_key = self.scope_ids.usage_id
        course_key = compat.course_key_of(self)
        return lambda spooled: mirror.sync_upload(course_key, usage_key, spooled.sha1, spooled.path,
                                                  settings["CHUNK_SIZE"], settings["GC_GRACE_SECONDS"])

    def package_summary(self):
        """The package as the Studio form shows it, in the answers of the upload handlers."""
        return {
            "sha1": self.package_sha1,
            "filename": self.package_filename,
            "version": self.scorm_version,
            "title": self.package_title,
            "summary": self.package_summary_text(),
        }

    @staticmethod
    def workbench_scenarios():
        """One scenario per zip of the sample folder, each with its package already uploaded."""
        from .workbench import package_scenarios  # pylint: disable=import-outside-toplevel

        return package_scenarios()
