"""Django management commands: scorm_packages."""
