"""The README documents every XBLOCK_SETTINGS key, starts with the two commands that work on a fresh machine, and
names the handlers and environment variables the code has."""
import re

from openedxscorm.settings import SETTINGS
from openedxscorm_support.folders import EXTRA_FOLDERS, REPO_ROOT

README = (REPO_ROOT / "README.rst").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    missing = [setting.name for setting in SETTINGS if f"``{setting.name}``" not in README]
    assert missing == []


def test_two_commands_come_first():
    first_block = README.split(".. code-block:: bash", 2)[1]
    assert "make serve" in first_block and "make test" in first_block


def handler_names():
    """The handlers of the block, as XBlock marks them."""
    from openedxscorm.block import ScormXBlock  # pylint: disable=import-outside-toplevel

    return {name for name in dir(ScormXBlock) if getattr(getattr(ScormXBlock, name), "_is_xblock_handler", False)}


CODE_FILES = [*(REPO_ROOT / "openedxscorm").rglob("*.py"), *(REPO_ROOT / "devserver").rglob("*.py"),
              *(REPO_ROOT / "openedxscorm_support").rglob("*.py"), REPO_ROOT / "tests" / "conftest.py",
              REPO_ROOT / "Makefile"]


def test_every_handler_the_readme_names_exists():
    from openedxscorm.block import ScormXBlock  # pylint: disable=import-outside-toplevel

    handlers = set(re.findall(r"``(\w+)``\s+handler", README))
    assert {"scorm_commit", "launcher"} <= handlers
    assert handlers - handler_names() == set()
    studio_names = set(re.findall(r"``(studio_\w+)``", README))  # handlers, views and platform hooks
    assert {name for name in studio_names if not hasattr(ScormXBlock, name)} == set()


def test_every_handler_the_studio_form_calls_is_in_the_readme():
    studio_js = (REPO_ROOT / "openedxscorm" / "static" / "js" / "studio.js").read_text(encoding="utf-8")
    called = set(re.findall(r'handlerUrl\(element, "(\w+)"', studio_js))
    assert {"studio_upload_start", "studio_upload_chunk", "studio_submit"} <= called
    assert {name for name in called if f"``{name}``" not in README} == set()


def test_every_variable_the_readme_names_is_read_and_every_one_read_is_named():
    code = "\n".join(path.read_text(encoding="utf-8") for path in CODE_FILES)
    named = set(re.findall(r"\b(SCORM_[A-Z][A-Z_]*)\b", README))
    assert {"SCORM_PACKAGES_DIR", "SCORM_CONFORMANCE_DIR"} <= named
    assert {name for name in named if f'"{name}"' not in code and f"$({name})" not in code} == set()
    read = set(re.findall(r'environ(?:\.get)?[(\[]"(SCORM_[A-Z_]+)"', code)) | set(EXTRA_FOLDERS)
    settable = set(re.findall(r"^([A-Z_]+) \?=", (REPO_ROOT / "Makefile").read_text(encoding="utf-8"), re.M))
    assert "PORT" in settable
    assert {name for name in read | settable if not re.search(rf"\b{name}=|``{name}``", README)} == set()
