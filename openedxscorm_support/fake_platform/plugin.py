"""Pytest fixtures that install the contract fake under the platform's module names (load with pytest_plugins)."""
import pytest
from opaque_keys.edx.keys import CourseKey

from openedxscorm_support.fake_platform import FakePlatform, installed


@pytest.fixture
def fake_platform():
    """A fresh fake platform, importable as xmodule.* and openedx.* for the duration of the test."""
    with installed(FakePlatform()) as platform:
        yield platform


@pytest.fixture
def fake_platform_without_caching():
    """The fake without openedx.core.djangoapps.contentserver.caching, as on a CMS-only or trimmed install."""
    with installed(FakePlatform(with_caching=False)) as platform:
        yield platform


@pytest.fixture
def course_key():
    return CourseKey.from_string("course-v1:ORG+COURSE+RUN")
