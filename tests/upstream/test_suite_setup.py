"""Without PyPI the suite is skipped with one line saying why, unless OPENEDXSCORM_REQUIRE_UPSTREAM (CI) is set."""
import pytest

from tests.upstream import conftest


def failing_install():
    raise RuntimeError("installing ('openedx-scorm-xblock==19.0.5',) failed: no network")


def test_a_failed_installation_skips_with_the_reason(monkeypatch):
    monkeypatch.delenv(conftest.REQUIRE_UPSTREAM, raising=False)
    with pytest.raises(pytest.skip.Exception, match="could not be installed from PyPI.*no network"):
        conftest._installed(failing_install)  # pylint: disable=protected-access


def test_ci_fails_instead(monkeypatch):
    monkeypatch.setenv(conftest.REQUIRE_UPSTREAM, "1")
    with pytest.raises(RuntimeError, match="no network"):
        conftest._installed(failing_install)  # pylint: disable=protected-access
