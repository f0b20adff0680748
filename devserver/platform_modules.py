"""Puts the dev server's contentstore and modulestore into ``sys.modules`` under the platform's module names.

openedxscorm/compat.py imports ``xmodule.*`` lazily; in the dev server those imports land here. Only the dev
server's app does this (apps.py), never the package, and never over a real platform.
"""
import importlib.util
import sys
import types

from django.conf import settings

from . import contentstore as local_contentstore
from . import modulestore as local_modulestore

_stores = {}


def contentstore(name="default"):  # pylint: disable=unused-argument
    """xmodule.contentstore.django.contentstore(): one store per process, under SCORM_CONTENTSTORE_DIR."""
    if "content" not in _stores:
        _stores["content"] = local_contentstore.LocalContentStore(settings.SCORM_CONTENTSTORE_DIR)
    return _stores["content"]


def modulestore():
    """xmodule.modulestore.django.modulestore()."""
    if "module" not in _stores:
        _stores["module"] = local_modulestore.WorkbenchModuleStore()
    return _stores["module"]


def _module(name, **attributes):
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    return module


def platform_modules():
    """Module name -> module object, for the slice of the platform the block reaches."""
    return {
        "xmodule": _module("xmodule", __path__=[]),
        "xmodule.exceptions": _module("xmodule.exceptions", NotFoundError=local_contentstore.NotFoundError),
        "xmodule.contentstore": _module("xmodule.contentstore", __path__=[]),
        "xmodule.contentstore.content": _module(
            "xmodule.contentstore.content", StaticContent=local_contentstore.StaticContent,
            StaticContentStream=local_contentstore.StaticContentStream,
            STREAM_DATA_CHUNK_SIZE=local_contentstore.STREAM_DATA_CHUNK_SIZE),
        "xmodule.contentstore.django": _module("xmodule.contentstore.django", contentstore=contentstore),
        "xmodule.modulestore": _module("xmodule.modulestore", __path__=[],
                                       ModuleStoreEnum=local_modulestore.ModuleStoreEnum),
        "xmodule.modulestore.django": _module("xmodule.modulestore.django", modulestore=modulestore),
        "xmodule.modulestore.draft_and_published": _module(
            "xmodule.modulestore.draft_and_published",
            UnsupportedRevisionError=local_modulestore.UnsupportedRevisionError),
    }


def install():
    """Install the modules, unless a real platform is importable (then it is left alone)."""
    if "xmodule" in sys.modules or importlib.util.find_spec("xmodule") is not None:
        return False
    sys.modules.update(platform_modules())
    return True
