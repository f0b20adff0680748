"""`python -m openedxscorm inspect PATH [--json]`: check a package before uploading it, without Django.

PATH is a zip, an unzipped package folder, or an imsmanifest.xml (checked against the files of its folder).
Exit status 0 means the package would be accepted, 1 that it would be refused.
"""
import argparse
import json
import os
import sys
from dataclasses import dataclass, field

from .errors import ScormError
from .package import Limits, check_launch_files, read_folder, read_manifest_file, read_package, spool_path

EXIT_UPLOADABLE = 0
EXIT_REFUSED = 1


@dataclass
class InspectReport:
    """What `inspect` says about a package, in the shape of its --json output."""

    version: str = None
    version_label: str = None  # for people; the JSON keeps the machine-readable version only
    title: str = None
    items: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def to_dict(self):
        return {"version": self.version, "title": self.title, "items": self.items,
                "warnings": self.warnings, "errors": self.errors}


def _read(path, limits):
    """The package at path read by the checker that fits its kind (folder, manifest or zip)."""
    if os.path.isdir(path):
        return read_folder(path, limits)
    if path.lower().endswith(".xml"):
        return read_manifest_file(path, limits)
    return read_package(spool_path(path, limits=limits), limits)


def inspect_path(path, limits=None):
    """The InspectReport of a zip, folder or manifest; refusals become errors, never exceptions."""
    limits = limits or Limits()
    report = InspectReport()
    try:
        checked = _read(path, limits)
    except ScormError as error:
        report.errors.append(error.render())
        return report
    manifest = checked.manifest
    report.version = manifest.version
    report.version_label = manifest.version_label
    report.title = manifest.title
    report.items = [
        {"identifier": item.identifier, "title": item.title, "launch_url": item.launch_url, "visible": item.visible}
        for item in manifest.launchable_items()
    ]
    report.warnings = [notice.render() for notice in checked.notices]
    try:
        check_launch_files(checked)
    except ScormError as error:
        report.errors.append(error.render())
    return report


def _print_text(report, out):
    """The report for a person at a terminal."""
    print(f"Version: {report.version_label or report.version or '-'}", file=out)
    print(f"Title:   {report.title or '-'}", file=out)
    if report.items:
        print("Launchable items:", file=out)
        for item in report.items:
            hidden = "" if item["visible"] else "  [hidden]"
            print(f"  {item['launch_url']}  ({item['identifier']}: {item['title']}){hidden}", file=out)
    for heading, lines in (("Warnings", report.warnings), ("Errors", report.errors)):
        if lines:
            print(f"{heading}:", file=out)
            for line in lines:
                print(f"  - {line}", file=out)
    verdict = f"Refused: {report.errors[0]}" if report.errors else "Uploadable."
    print(verdict, file=out)


def _parser():
    parser = argparse.ArgumentParser(prog="python -m openedxscorm", description="Tools for SCORM packages.")
    commands = parser.add_subparsers(dest="command", required=True)
    inspect = commands.add_parser(
        "inspect", help="check a SCORM package (zip, folder or imsmanifest.xml) before uploading it")
    inspect.add_argument("path", help="a .zip, an unzipped package folder, or an imsmanifest.xml")
    inspect.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    return parser


def main(argv=None, out=None):
    """Run the command line; returns the exit status."""
    out = out or sys.stdout
    parser = _parser()
    arguments = parser.parse_args(argv)
    if not os.path.exists(arguments.path):
        parser.error(f"{arguments.path}: no such file or folder")
    report = inspect_path(arguments.path)
    if arguments.json:
        json.dump(report.to_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        _print_text(report, out)
    return EXIT_REFUSED if report.errors else EXIT_UPLOADABLE
