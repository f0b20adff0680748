"""The README documents every XBLOCK_SETTINGS key and starts with the two commands that work on a fresh machine."""
from openedxscorm.settings import SETTINGS
from tests.conftest import REPO_ROOT

README = (REPO_ROOT / "README.rst").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    missing = [setting.name for setting in SETTINGS if f"``{setting.name}``" not in README]
    assert missing == []


def test_two_commands_come_first():
    first_block = README.split(".. code-block:: bash", 2)[1]
    assert "make serve" in first_block and "make test" in first_block
