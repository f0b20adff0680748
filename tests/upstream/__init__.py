"""openedx-scorm-xblock 19.0.5, the block this one replaces, run for real in a virtualenv of its own."""
