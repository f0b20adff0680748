"""Management commands of the SCORM XBlock."""
