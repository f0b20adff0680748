"""A SCORM player for Open edX, packaged as an XBlock."""

__version__ = "0.1.0"


def __getattr__(name):
    """Import the XBlock class on first use, so the pure modules (manifest, package, CLI) load without XBlock."""
    if name == "ScormXBlock":
        from .block import ScormXBlock  # pylint: disable=import-outside-toplevel

        return ScormXBlock
    raise AttributeError(name)
