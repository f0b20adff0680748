"""Shared fixtures: the real SCORM packages (skipped, naming the variable, when absent), and a clean storage per
test. Where the folders are is openedxscorm_support.folders' to say."""
import pytest

from openedxscorm_support.folders import EXTRA_FOLDERS, conformance_dir, extra_folder, packages_dir


def skip_reason(variable):
    return f"set {variable} to a folder of {EXTRA_FOLDERS[variable][1]}: {extra_folder(variable)} is absent"


def real_package(kind, name):
    """The path of one real package; the calling test is skipped, naming the variable, when it is absent."""
    path = packages_dir() / kind / name
    if not path.is_file():
        pytest.skip(skip_reason("SCORM_PACKAGES_DIR"))
    return path


needs_real_packages = pytest.mark.skipif(not (packages_dir() / "valid").is_dir(),
                                         reason=skip_reason("SCORM_PACKAGES_DIR"))
needs_conformance = pytest.mark.skipif(not conformance_dir().is_dir(), reason=skip_reason("SCORM_CONFORMANCE_DIR"))


def pytest_report_header(config):  # pylint: disable=unused-argument
    """One line at the top of the run: which extra folder is missing, so the skips it causes are expected."""
    missing = [variable for variable in EXTRA_FOLDERS if not extra_folder(variable).is_dir()]
    if not missing:
        return "extra folders: " + ", ".join(f"{name}={extra_folder(name)}" for name in EXTRA_FOLDERS)
    return ("extra folders absent, their tests are skipped: " + ", ".join(missing)
            + " (see README: what the extra folders add)")


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



# `make test` runs on several workers with `--dist loadgroup --no-loadscope-reorder`: each group below is one unit
# of work, which one worker runs whole (its module's fixtures, dev servers and browsers start there once), and units
# go out in the order of the items. A module is a group of its own, but those of SPLIT_MODULES are cut in parts that
# run side by side; the modules of LONGEST_FIRST go out first, longest first, so that no long one is left for the
# end of a run.
SPLIT_MODULES = {"tests/e2e/test_runtime_conformance.py": 4}
LONGEST_FIRST = (
    "tests/e2e/test_runtime_conformance.py", "tests/e2e/test_multi_sco.py", "tests/test_concurrent_commits.py",
    "tests/e2e/test_runtime_packages.py", "tests/upstream/test_export19.py", "tests/s3/test_extract_s3.py",
    "tests/e2e/test_content_origin.py", "tests/test_fresh_clone.py", "tests/e2e/test_content_view_play.py",
)


def module_of(item):
    return item.nodeid.split("::", 1)[0]


@pytest.hookimpl(tryfirst=True)  # the groups are marked before pytest-xdist reads them
def pytest_collection_modifyitems(items):
    """Learner state lives in the block's own tables: every test may use the test database (each test's writes
    rolled back after it), unless it is marked for a transactional one itself. Browser tests talk to a dev server
    of their own, with its own database. Each test is marked with its group of work."""
    positions = {}
    for item in items:
        if item.get_closest_marker("django_db") is None and "e2e" not in item.path.parts:
            item.add_marker(pytest.mark.django_db)
        group = module = module_of(item)
        if module in SPLIT_MODULES:
            positions[module] = positions.get(module, -1) + 1
            group = f"{module}#{positions[module] % SPLIT_MODULES[module]}"
        item.add_marker(pytest.mark.xdist_group(group))


class LongestFirst:
    """Puts the tests of LONGEST_FIRST's modules first, after pytest has ordered the items for its fixtures."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        rank = {module: place for place, module in enumerate(LONGEST_FIRST)}
        items.sort(key=lambda item: rank.get(module_of(item), len(rank)))  # stable: the rest keeps its order


def pytest_configure(config):
    config.pluginmanager.register(LongestFirst(), "openedxscorm-longest-first")
