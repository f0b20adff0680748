"""Who may call which handler: a learner can reach every handler in the LMS, so authoring handlers check Studio
write access themselves and refuse the LMS outright, and staff report handlers refuse non-staff.

The service is told by ROOT_URLCONF (lms.urls, cms.urls); Studio write access comes from the contract fake of
common.djangoapps.student.auth, given a real Django user.
"""
import pytest
from webob import Request
from xblock.core import XBlock
from xblock.fields import ScopeIds

from openedxscorm import permissions
from openedxscorm.block import ScormXBlock
from openedxscorm_support.block_runtime import BlockTestRuntime, course_key, make_block
from tests.packages import fixture_zip

from .helpers import snapshot, stored_files, submit, upload_playing_package, upload_request

pytest_plugins = ["openedxscorm_support.fake_platform.plugin"]

SERVICES = {"lms": "lms.urls", "cms": "cms.urls"}
OTHER_PACKAGE = "other-1.2.zip"


def handler_names(block_class=ScormXBlock):
    return sorted(name for name in dir(block_class)
                  if getattr(getattr(block_class, name, None), "_is_xblock_handler", False))


def as_user(block, user, is_staff=False):
    """Make the block's current user the given Django user (None: a user the platform cannot name)."""
    attributes = block.runtime.service(block, "user").get_current_user().opt_attrs
    attributes["edx-platform.user_is_staff"] = is_staff
    if user is None:
        attributes.pop("edx-platform.user_id", None)
    else:
        attributes["edx-platform.user_id"] = user.pk
    return block


def in_service(settings, service):
    settings.ROOT_URLCONF = SERVICES[service]


@pytest.fixture
def block(storage, fake_platform):  # noqa: ARG001  (a storage of this test; the platform's modules installed)
    block = make_block()
    upload_playing_package(block)  # standalone (no ROOT_URLCONF): the developer is the author
    return block


@pytest.fixture
def learner(django_user_model):
    return django_user_model.objects.create_user(username="learner")


@pytest.fixture
def author(django_user_model, fake_platform):
    user = django_user_model.objects.create_user(username="author")
    fake_platform.studio_auth.grant(user, course_key())
    return user


def call(block, name):
    """Call a handler the way a browser might: GET for most, a POST without a file for the rest."""
    method = "POST" if name in ("studio_submit", "scorm_commit") else "GET"
    request = Request.blank("/", method=method, POST={"display_name": "Hijacked"} if method == "POST" else None)
    return block.handle(name, request, f"{block.package_sha1}/lesson/index.html")


def test_every_handler_that_needs_more_than_a_learner_is_guarded():
    names = handler_names()
    assert "studio_submit" in names and "assets_proxy" in names
    for name in names:
        role = permissions.role_of(name)
        if role != permissions.LEARNER:
            assert getattr(getattr(ScormXBlock, name), permissions.GUARD_ATTRIBUTE, None) == role, name


@pytest.mark.parametrize("role_name,role", [
    ("studio_submit", permissions.AUTHOR), ("save_settings", permissions.AUTHOR),
    ("staff_report", permissions.STAFF), ("export_report", permissions.STAFF),
    ("scorm_commit", permissions.LEARNER), ("anything_else", permissions.LEARNER),
])
def test_role_table_classifies_handler_names(role_name, role):
    assert permissions.role_of(role_name) == role


@pytest.mark.django_db
@pytest.mark.parametrize("service", sorted(SERVICES))
@pytest.mark.parametrize("handler", handler_names())
def test_learner_calls_each_handler(settings, block, learner, service, handler):
    in_service(settings, service)
    as_user(block, learner)
    before = snapshot(block)
    response = call(block, handler)
    if permissions.role_of(handler) == permissions.LEARNER:
        assert response.status_code != 403, response.body
    else:
        assert response.status_code == 403
        expected = {permissions.AUTHOR: "authoring_outside_studio" if service == "lms" else "no_studio_write_access",
                    permissions.STAFF: "staff_only"}[permissions.role_of(handler)]
        assert response.json["code"] == expected
        assert response.json["error"]
        assert snapshot(block) == before


@pytest.mark.django_db
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_learner_uploads_a_package_to_replace_the_course_one(settings, storage, block, learner, service):
    in_service(settings, service)
    as_user(block, learner)
    before, files_before = snapshot(block), stored_files(storage)
    response = submit(block, fixture_zip(OTHER_PACKAGE), display_name="Hijacked")
    assert response.status_code == 403
    assert snapshot(block) == before
    assert stored_files(storage) == files_before


@pytest.mark.django_db
def test_author_with_write_access_uploads_in_studio(settings, block, author, fake_platform):
    in_service(settings, "cms")
    as_user(block, author)
    response = submit(block, fixture_zip(OTHER_PACKAGE), display_name="New")
    assert response.status_code == 200, response.text
    assert block.package_filename == OTHER_PACKAGE and block.display_name == "New"
    assert fake_platform.studio_auth.calls == [(author.pk, str(course_key()))]


@pytest.mark.django_db
def test_global_staff_without_a_course_role_uploads_in_studio(settings, block, django_user_model):
    in_service(settings, "cms")
    admin = django_user_model.objects.create_user(username="admin", is_staff=True)
    as_user(block, admin)
    assert block.handle("studio_submit", upload_request(display_name="Edited")).status_code == 200
    assert block.display_name == "Edited"


@pytest.mark.django_db
def test_author_with_write_access_is_refused_in_the_lms(settings, block, author):
    in_service(settings, "lms")
    as_user(block, author, is_staff=True)
    response = block.handle("studio_submit", upload_request(display_name="From the LMS"))
    assert response.status_code == 403
    assert response.json["code"] == "authoring_outside_studio"
    assert block.display_name != "From the LMS"


@pytest.mark.django_db
def test_author_of_another_course_is_refused_in_studio(settings, block, django_user_model, fake_platform):
    in_service(settings, "cms")
    other_author = django_user_model.objects.create_user(username="other")
    fake_platform.studio_auth.grant(other_author, course_key(course="OTHER"))
    as_user(block, other_author)
    response = block.handle("studio_submit", upload_request(display_name="Hijacked"))
    assert response.status_code == 403
    assert response.json["code"] == "no_studio_write_access"


@pytest.mark.django_db
@pytest.mark.parametrize("forged_id", [None, 987654])
def test_user_without_a_known_account_is_refused_in_studio(settings, block, forged_id):
    in_service(settings, "cms")
    attributes = block.runtime.service(block, "user").get_current_user().opt_attrs
    attributes.pop("edx-platform.user_id", None)
    if forged_id is not None:
        attributes["edx-platform.user_id"] = forged_id
    assert block.handle("studio_submit", upload_request(display_name="Hijacked")).status_code == 403


def test_standalone_runtime_lets_the_developer_author(settings, storage):  # noqa: ARG001
    settings.ROOT_URLCONF = "workbench.urls"
    assert permissions.current_service() == permissions.STANDALONE
    block = make_block()
    assert block.handle("studio_submit", upload_request(display_name="Dev")).status_code == 200


@pytest.mark.parametrize("urlconf,service", [
    ("lms.urls", permissions.LMS), ("cms.urls", permissions.STUDIO), ("workbench.urls", permissions.STANDALONE),
])
def test_service_is_told_by_root_urlconf(settings, urlconf, service):
    settings.ROOT_URLCONF = urlconf
    assert permissions.current_service() == service


class ReportingBlock(ScormXBlock):
    """A block with a staff report handler, as a reporting feature would add one."""

    @XBlock.handler
    @permissions.guarded
    def export_report(self, request, suffix=""):  # pylint: disable=unused-argument
        from webob import Response  # pylint: disable=import-outside-toplevel

        return Response(json_body={"rows": []})


def reporting_block(is_staff):
    runtime = BlockTestRuntime(user_is_staff=is_staff)
    usage_id = course_key().make_usage_key("scorm", "report")
    return runtime.construct_xblock_from_class(ReportingBlock, ScopeIds("learner", "scorm", usage_id, usage_id))


@pytest.mark.django_db
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_learner_calls_a_staff_report_handler(settings, fake_platform, learner, service):  # noqa: ARG001
    in_service(settings, service)
    block = as_user(reporting_block(is_staff=False), learner)
    response = block.handle("export_report", Request.blank("/"))
    assert response.status_code == 403
    assert response.json["code"] == "staff_only"


@pytest.mark.django_db
def test_course_staff_calls_a_staff_report_handler_in_the_lms(settings, fake_platform, learner):  # noqa: ARG001
    in_service(settings, "lms")
    block = as_user(reporting_block(is_staff=True), learner, is_staff=True)
    assert block.handle("export_report", Request.blank("/")).json == {"rows": []}


class ShoutingI18n:
    """An i18n service whose 'translation' is visible: upper case."""

    def gettext(self, text):
        return text.upper()

    def ngettext(self, singular, plural, number):
        return (singular if number == 1 else plural).upper()


@pytest.mark.django_db
def test_refusal_message_is_translated(settings, block, learner):
    in_service(settings, "lms")
    as_user(block, learner)
    block.runtime._services["i18n"] = ShoutingI18n()  # pylint: disable=protected-access
    response = block.handle("studio_submit", upload_request(display_name="Hijacked"))
    assert response.json["error"] == permissions.AccessDenied.MESSAGES["authoring_outside_studio"].upper()

