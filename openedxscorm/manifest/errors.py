"""Why a manifest is refused (ManifestError) or accepted with a warning (ManifestNotice), as code -> message tables."""
from ..errors import Notice, ScormError, gettext_noop


class ManifestError(ScormError):
    """The manifest cannot be used: the package is refused."""

    MESSAGES = {
        "manifest_empty": gettext_noop("imsmanifest.xml holds no XML element."),
        "manifest_malformed": gettext_noop(
            "imsmanifest.xml is not well-formed XML (line %(line)s, column %(column)s: %(detail)s)."),
        "manifest_bad_encoding": gettext_noop(
            "imsmanifest.xml is not valid %(encoding)s text (byte %(position)s); save it in the encoding it declares."),
        "manifest_unknown_encoding": gettext_noop(
            "imsmanifest.xml declares the encoding \"%(encoding)s\", which is not known."),
        "manifest_entities_forbidden": gettext_noop(
            "imsmanifest.xml declares XML entities, which are refused for safety."),
        "manifest_external_reference_forbidden": gettext_noop(
            "imsmanifest.xml refers to an external document (DTD or entity), which is refused for safety."),
        "manifest_too_deep": gettext_noop(
            "imsmanifest.xml nests elements more than %(limit)s levels deep."),
        "manifest_not_a_manifest": gettext_noop(
            "The root element of imsmanifest.xml is <%(element)s>, not <manifest>."),
        "item_identifier_missing": gettext_noop(
            "An item titled \"%(title)s\" has no identifier; each item needs one to keep its learners' progress."),
        "item_identifier_duplicate": gettext_noop(
            "Two items share the identifier \"%(item)s\"; their learners' progress would be mixed up."),
        "launch_outside_package": gettext_noop(
            "The launch address \"%(url)s\" of item \"%(item)s\" points outside the package."),
        "launch_url_invalid": gettext_noop(
            "The launch address \"%(url)s\" of item \"%(item)s\" holds characters that cannot be a file name."),
        "launch_url_empty": gettext_noop("Item \"%(item)s\" has an empty launch address."),
        "launch_not_a_file": gettext_noop(
            "The launch address \"%(url)s\" of item \"%(item)s\" names a folder, not a file."),
        "resource_href_missing": gettext_noop(
            "Item \"%(item)s\" uses resource \"%(resource)s\", which has no href: nothing can be launched."),
        "item_resource_unknown": gettext_noop(
            "Item \"%(item)s\" uses resource \"%(resource)s\", which the manifest does not define."),
        "no_launchable_items": gettext_noop("The manifest has no item that can be launched."),
        "no_organization": gettext_noop(
            "The manifest has no organization and no SCO resource with an href to launch instead."),
    }


class ManifestNotice(Notice):
    """A defect in the manifest that a browser can live with: the package is accepted and the author told."""

    MESSAGES = {
        "schema_version_missing": gettext_noop(
            "The manifest does not state its SCORM version; it was taken to be %(version)s from its namespaces."),
        "schema_version_unknown": gettext_noop(
            "The manifest states the SCORM version \"%(found)s\", which is not known; it was taken to be "
            "%(version)s from its namespaces."),
        "manifest_identifier_missing": gettext_noop("The manifest has no identifier."),
        "default_organization_missing": gettext_noop(
            "The manifest names no default organization; the first one, \"%(organization)s\", is used."),
        "default_organization_unknown": gettext_noop(
            "The default organization \"%(default)s\" does not exist; the first one, \"%(organization)s\", is used."),
        "organization_identifier_missing": gettext_noop("Organization \"%(title)s\" has no identifier."),
        "organization_title_missing": gettext_noop("Organization \"%(organization)s\" has no title."),
        "organization_empty": gettext_noop("Organization \"%(organization)s\" has no items."),
        "no_organization": gettext_noop(
            "The manifest has no organization; its %(count)s SCO resource(s) are offered as a flat list."),
        "item_title_missing": gettext_noop("Item \"%(item)s\" has no title; its identifier is shown instead."),
        "item_resource_unknown": gettext_noop(
            "Item \"%(item)s\" uses resource \"%(resource)s\", which the manifest does not define; it cannot be "
            "launched and is skipped."),
        "resource_href_missing": gettext_noop(
            "Item \"%(item)s\" uses resource \"%(resource)s\", which has no href; it cannot be launched and is "
            "skipped."),
        "resource_identifier_missing": gettext_noop("A resource has no identifier; no item can use it."),
        "resource_identifier_duplicate": gettext_noop(
            "Two resources share the identifier \"%(resource)s\"; the first one is used."),
        "backslash_in_launch_url": gettext_noop(
            "The launch address \"%(url)s\" of item \"%(item)s\" uses backslashes; they were read as \"/\"."),
        "invalid_number": gettext_noop(
            "The value \"%(value)s\" of <%(element)s> in item \"%(item)s\" is not a number; it is ignored."),
        "invalid_boolean": gettext_noop(
            "The value \"%(value)s\" of %(attribute)s in \"%(owner)s\" is not true or false; it is ignored."),
        "sub_manifest_ignored": gettext_noop(
            "The manifest holds a sub-manifest \"%(identifier)s\"; sub-manifests are not supported and it is "
            "ignored."),
    }
