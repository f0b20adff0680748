"""The refusals and notices of a package check, in the author's words; path checks raise them too.

A module of its own so that openedxscorm.paths can raise PackageError without importing the package checks.
"""
from .errors import Notice, ScormError, gettext_noop
from .settings import MIB

# Units of the sizes shown in messages, largest first.
SIZE_UNITS = (("GiB", 1024 * MIB), ("MiB", MIB), ("KiB", 1024))


class PackageError(ScormError):
    """A zip refused as a SCORM package: nothing of it is stored."""

    MESSAGES = {
        "not_a_zip": gettext_noop("%(filename)s is not a zip file. Upload the SCORM package as a .zip file."),
        "truncated": gettext_noop(
            "The zip file is incomplete: it was cut off, perhaps during a download or a copy. "
            "Export or download the package again."),
        "corrupt": gettext_noop("The zip file is damaged (at %(path)s). Export the package again."),
        "no_manifest": gettext_noop(
            "The package has no imsmanifest.xml. A SCORM package holds this file at its top level."),
        "manifest_wrong_case": gettext_noop(
            "The package holds %(path)s, but SCORM requires the exact name imsmanifest.xml (in lower case)."),
        "ambiguous_manifest": gettext_noop(
            "The package holds several imsmanifest.xml files at the same depth (%(paths)s). "
            "Zip the folder of one package only, with its imsmanifest.xml at the top."),
        "nested_zip": gettext_noop(
            "The zip holds only another zip, %(path)s. Upload that inner zip instead."),
        "unsafe_path": gettext_noop(
            "The package holds a file with an unsafe name: %(path)s. Names may not be absolute, "
            "start with a drive letter, or contain '..', backslashes or control characters."),
        "name_too_long": gettext_noop(
            "The package holds a file whose name or path is too long: %(path)s. Names may have at most "
            "%(limit)s bytes."),
        "symlink": gettext_noop("The package holds a symbolic link, %(path)s. Links are not allowed."),
        "duplicate_member": gettext_noop("The package holds %(path)s more than once."),
        "path_conflict": gettext_noop("The package holds %(path)s both as a file and as a folder."),
        "encrypted": gettext_noop(
            "The package holds a password-protected file, %(path)s. Export the package without a password."),
        "unsupported_compression": gettext_noop(
            "%(path)s is compressed with a method this site cannot read. "
            "Zip the package again with standard (deflate) compression."),
        "unsupported_zip_feature": gettext_noop(
            "%(path)s uses a zip feature this site cannot read. Zip the package again with a common zip tool."),
        "too_large": gettext_noop("The package is larger than the limit of %(limit)s."),
        "uncompressed_too_large": gettext_noop(
            "Unpacked, the package would take %(size)s, more than the limit of %(limit)s."),
        "too_many_members": gettext_noop(
            "The package holds %(count)s files and folders, more than the limit of %(limit)s."),
        "ratio_too_high": gettext_noop(
            "%(path)s is compressed %(ratio)s times, more than the limit of %(limit)s times; "
            "the package looks like a zip bomb."),
        "package_ratio_too_high": gettext_noop(
            "The package is compressed %(ratio)s times overall, more than the limit of %(limit)s times; "
            "it looks like a zip bomb."),
        "manifest_too_large": gettext_noop("imsmanifest.xml takes %(size)s, more than the limit of %(limit)s."),
        "launch_missing": gettext_noop(
            "The launch file %(path)s of item \"%(item)s\" is not in the package."),
    }


class PackageNotice(Notice):
    """Something odd about an accepted package that the author should know."""

    MESSAGES = {
        "outside_root": gettext_noop(
            "%(count)s files outside the package folder %(root)s are ignored."),
        "nested_manifests": gettext_noop(
            "The package holds other imsmanifest.xml files below its top (%(count)s); only %(path)s is used."),
        "files_missing": gettext_noop(
            "Files the manifest lists are not in the package (%(count)s: %(files)s); learners will get errors "
            "where the content uses them."),
    }



def human_size(size):
    """A byte count as the author reads it in messages."""
    for unit, scale in SIZE_UNITS:
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"
