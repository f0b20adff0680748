"""The dotted paths openedx-scorm-xblock's README gives operators, and route_events_to_xapi on event-routing-backends'
own settings."""
import copy
import importlib
import os
import subprocess
import sys
import types

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from event_routing_backends.processors.xapi.registry import XApiTransformersRegistry
from event_routing_backends.settings import common as erb_settings
from storages.backends.s3 import S3Storage

from openedxscorm import events, tracking
from openedxscorm.settings import merged_settings
from openedxscorm.trees import get_storage
from openedxscorm_support.block_runtime import make_block
from openedxscorm_support.folders import REPO_ROOT

# dotted path from openedx-scorm-xblock's README -> what it must be here
UPSTREAM_PATHS = {
    "openedxscorm.storage.s3": callable,
    "openedxscorm.tracking.tracked_event_names": callable,
    "openedxscorm.processors.xapi.apps.ScormXApiConfig": lambda found: found.name == "openedxscorm.processors.xapi",
}


@pytest.mark.parametrize("path", UPSTREAM_PATHS)
def test_every_upstream_dotted_path_imports(path):
    module_name, attribute = path.rsplit(".", 1)
    assert UPSTREAM_PATHS[path](getattr(importlib.import_module(module_name), attribute))


def test_the_xapi_app_is_installed_under_its_upstream_label_and_registers_every_event():
    assert apps.get_app_config("openedxscorm_xapi").name == "openedxscorm.processors.xapi"
    for name in tracking.tracked_event_names():
        assert XApiTransformersRegistry.get_transformer({"name": name}).__module__ == (
            "openedxscorm.processors.xapi.event_transformers")


def test_tracked_event_names_are_every_event_a_commit_can_emit():
    assert tracking.tracked_event_names() == events.tracked_event_names()
    assert {name.rsplit(".", 1)[-1] for name in tracking.tracked_event_names()} == set(
        events.DEFAULT_TRACKING_EVENTS)


def test_a_settings_file_imports_tracking_before_anything_is_configured():
    """The module is imported from LMS settings: it must not load Django, XBlock or the platform."""
    script = ("import sys; from openedxscorm.tracking import tracked_event_names, route_events_to_xapi; "
              "print(len(tracked_event_names()), sorted({m.split('.')[0] for m in sys.modules} & "
              "{'django', 'xblock', 'xmodule', 'event_routing_backends'}))")
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    found = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, env=environment, capture_output=True,
                           text=True, check=True)
    assert found.stdout.split() == ["7", "[]"]


def erb_plugin_settings(**before):
    """A settings namespace after event-routing-backends' plugin settings, as the LMS builds it."""
    namespace = types.SimpleNamespace(LMS_ROOT_URL="http://lms.example.com", **before)
    erb_settings.plugin_settings(namespace)
    return vars(namespace)


def whitelists(settings):
    transformer = settings["EVENT_TRACKING_BACKENDS"]["event_transformer"]["OPTIONS"]
    return [processor["OPTIONS"]["whitelist"]
            for processors in (transformer["processors"], transformer["backends"]["xapi"]["OPTIONS"]["processors"])
            for processor in processors if processor["ENGINE"].endswith("NameWhitelistProcessor")]


def test_route_events_to_xapi_opens_every_list_event_routing_backends_filters_on():
    settings = erb_plugin_settings()
    assert not any(set(tracking.tracked_event_names()) & set(whitelist) for whitelist in whitelists(settings))
    tracking.route_events_to_xapi(settings)
    names = set(tracking.tracked_event_names())
    assert len(whitelists(settings)) == 2
    assert all(names <= set(whitelist) for whitelist in whitelists(settings))
    assert names <= set(settings["EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS"])
    assert names <= settings["EVENT_BUS_TRACKING_LOGS"] and isinstance(settings["EVENT_BUS_TRACKING_LOGS"], set)
    assert "problem_check" in settings["EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS"]  # the others stay


def test_route_events_to_xapi_twice_lists_each_event_once():
    settings = erb_plugin_settings()
    tracking.route_events_to_xapi(settings)
    once = copy.deepcopy(settings)
    tracking.route_events_to_xapi(settings)
    assert settings == once
    allowed = settings["EVENT_TRACKING_BACKENDS_ALLOWED_XAPI_EVENTS"]
    assert len(allowed) == len(set(allowed))


@pytest.mark.parametrize("settings", [
    {},
    {"EVENT_TRACKING_BACKENDS": None},
    {"EVENT_TRACKING_BACKENDS": {"tracking_logs": {"ENGINE": "eventtracking.backends.routing.RoutingBackend"}}},
    {"EVENT_TRACKING_BACKENDS": {"event_transformer": {"OPTIONS": {"processors": [{"ENGINE": "x.Other"}]}}}},
])
def test_route_events_to_xapi_leaves_settings_it_does_not_find_alone(settings):
    before = copy.deepcopy(settings)
    tracking.route_events_to_xapi(settings)
    assert settings == before


def test_the_test_settings_route_the_events_as_the_readme_says(settings):
    assert "openedxscorm.processors.xapi" in settings.INSTALLED_APPS
    names = set(tracking.tracked_event_names())
    configured = whitelists({"EVENT_TRACKING_BACKENDS": settings.EVENT_TRACKING_BACKENDS})
    assert configured and all(names <= set(whitelist) for whitelist in configured)


@pytest.fixture
def aws(settings):
    settings.AWS_STORAGE_BUCKET_NAME = "site-media"
    settings.AWS_S3_ENDPOINT_URL = "http://127.0.0.1:9"
    settings.AWS_S3_REGION_NAME = "us-east-1"
    return settings


def test_storage_func_s3_gives_an_s3_storage_with_the_block_settings(aws):  # noqa: ARG001
    block = make_block(STORAGE_FUNC="openedxscorm.storage.s3", S3_BUCKET_NAME="scorm-packages", S3_QUERY_AUTH=False,
                       S3_EXPIRES_IN=60)
    storage = get_storage(block, block.block_settings())
    assert isinstance(storage, S3Storage) and storage.xblock is block
    assert (storage.bucket_name, storage.querystring_auth, storage.querystring_expire) == (
        "scorm-packages", False, 60)
    assert storage.custom_domain is None and storage.endpoint_url == "http://127.0.0.1:9"


def test_storage_func_s3_defaults_to_the_site_bucket_signed_for_a_week(aws):
    aws.AWS_S3_CUSTOM_DOMAIN = "cdn.example.com"
    block = make_block(STORAGE_FUNC="openedxscorm.storage.s3")
    storage = get_storage(block, block.block_settings())
    assert (storage.bucket_name, storage.querystring_auth, storage.querystring_expire) == (
        "site-media", True, 604800)
    assert storage.custom_domain is None  # package files never come from the site's CDN domain


def test_storage_func_s3_without_a_block_reads_the_django_settings(aws):
    """scorm_packages sweep calls STORAGE_FUNC with no block when the chosen courses have none."""
    aws.XBLOCK_SETTINGS = {"ScormXBlock": {"STORAGE_FUNC": "openedxscorm.storage.s3", "S3_BUCKET_NAME": "packages"}}
    storage = get_storage(None, merged_settings(aws.XBLOCK_SETTINGS["ScormXBlock"]))
    assert isinstance(storage, S3Storage) and storage.xblock is None and storage.bucket_name == "packages"


def test_the_app_without_event_routing_backends_says_what_to_install(monkeypatch):
    monkeypatch.delitem(sys.modules, "openedxscorm.processors.xapi.event_transformers")
    monkeypatch.delattr(sys.modules["openedxscorm.processors.xapi"], "event_transformers")
    monkeypatch.setitem(sys.modules, "event_routing_backends.helpers", None)  # as if it were not installed
    with pytest.raises(ImproperlyConfigured, match="pip install edx-event-routing-backends"):
        apps.get_app_config("openedxscorm_xapi").ready()
