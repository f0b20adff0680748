"""Shared fixtures: where the real SCORM packages live, and a clean storage per test."""
import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def packages_dir():
    """SCORM_PACKAGES_DIR, else the shared packages beside the checkout (a folder holding valid/ and invalid/)."""
    configured = os.environ.get("SCORM_PACKAGES_DIR")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "scorm-packages"


def package_zips(kind):
    """Every zip in valid/ or invalid/ of the packages folder, sorted by name."""
    return sorted((packages_dir() / kind).glob("*.zip"))


@pytest.fixture
def storage(tmp_path, settings):
    """A FileSystemStorage of its own for each test."""
    from django.core.files.storage import FileSystemStorage  # pylint: disable=import-outside-toplevel

    settings.MEDIA_ROOT = str(tmp_path / "media")
    return FileSystemStorage(location=settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def clear_django_cache():
    """Each test starts with an empty cache: a "tree is complete" fact must not leak from another test's storage."""
    from django.core.cache import cache  # pylint: disable=import-outside-toplevel

    cache.clear()
    yield
    cache.clear()
