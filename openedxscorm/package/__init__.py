"""A SCORM zip from upload to storage: spooled to disk while hashed (spool), checked whole (checks), then
extracted in chunks (extract).

Nothing is written to storage until every check has passed, and memory never grows with the size of the package
or of its largest file. Callers import the names below from here; the spool folder's own functions (spool_file,
sweep_spool...) are imported from openedxscorm.package.spool.
"""
from ..package_errors import PackageError, PackageNotice
from .checks import (
    MANIFEST_NAME,
    CheckedPackage,
    Limits,
    Member,
    check_launch_files,
    check_package,
    listed_files,
    read_folder,
    read_manifest_file,
    read_package,
)
from .extract import ExtractionProgress, extract_package
from .spool import SpooledZip, spool_path, spooled_upload

__all__ = [
    "MANIFEST_NAME",
    "CheckedPackage",
    "ExtractionProgress",
    "Limits",
    "Member",
    "PackageError",
    "PackageNotice",
    "SpooledZip",
    "check_launch_files",
    "check_package",
    "extract_package",
    "listed_files",
    "read_folder",
    "read_manifest_file",
    "read_package",
    "spool_path",
    "spooled_upload",
]
