"""imsmanifest.xml to plain data: version, organizations, items, resources and the launch URL of each item.

Knows nothing of XBlock or Django. `parse_manifest` raises ManifestError for a manifest that cannot be used and
records ManifestNotice warnings for defects a browser can live with; it never raises anything else.
"""
import re
from dataclasses import dataclass, field, fields

from .errors import ManifestError, ManifestNotice
from .paths import launch_location
from .vocab import (
    BOOLEANS,
    COMPLETION_THRESHOLD_ATTRIBUTES,
    FALLBACK_VERSION,
    ITEM_TEXT_ELEMENTS,
    MAX_DEPTH,
    NAMESPACE_VERSIONS,
    OBJECTIVES_GLOBAL_ATTRIBUTE,
    SCHEMA_VERSIONS,
    SCORM_TYPE_ATTRIBUTE,
    VERSION_LABELS,
    XML_BASE,
)
from .xml import parse_xml

__all__ = ["Item", "Manifest", "ManifestError", "ManifestNotice", "Organization", "Resource", "parse_manifest"]

DICT_FORMAT = 1


@dataclass
class Resource:
    identifier: str
    type: str | None
    scorm_type: str | None  # "sco" / "asset", lowercased
    href: str | None  # as written, before xml:base
    xml_base: str | None  # the resource's own xml:base
    files: list[str] = field(default_factory=list)  # <file href> values as written
    dependencies: list[str] = field(default_factory=list)  # identifierrefs of <dependency>


@dataclass
class Item:  # pylint: disable=too-many-instance-attributes
    identifier: str
    title: str
    identifierref: str | None = None
    visible: bool = True
    parameters: str | None = None
    launch_url: str | None = None  # package-relative, quoted, parameters applied; None when not launchable
    launch_path: str | None = None  # the file that must exist in the package
    scorm_type: str | None = None
    mastery_score: float | None = None
    completion_threshold: dict | None = None
    data_from_lms: str | None = None
    max_time_allowed: str | None = None
    time_limit_action: str | None = None
    prerequisites: str | None = None
    presentation: list[str] = field(default_factory=list)  # adlnav hideLMSUI values
    sequencing: dict | None = None
    children: list["Item"] = field(default_factory=list)

    def walk(self):
        """This item, then its descendants, depth first in manifest order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Organization:
    identifier: str
    title: str
    items: list[Item] = field(default_factory=list)
    sequencing: dict | None = None
    objectives_global_to_system: bool | None = None

    def walk(self):
        """Every item, depth first in manifest order."""
        for item in self.items:
            yield from item.walk()


@dataclass
class Manifest:  # pylint: disable=too-many-instance-attributes
    version: str
    version_label: str
    identifier: str
    title: str
    default_organization: str | None
    organizations: list[Organization] = field(default_factory=list)
    resources: dict[str, Resource] = field(default_factory=dict)
    notices: list[ManifestNotice] = field(default_factory=list)
    sequencing_collection: dict | None = None  # imsss:sequencingCollection, kept for later
    # xml:base of <manifest> and <resources>, outermost first: where <file href> values are read from. Used by the
    # checks of an upload; not kept in the block's field (to_dict).
    resource_bases: list[str] = field(default_factory=list, compare=False)

    def organization(self):
        """The default organization, else the first one (the parser has already noted why), else None."""
        chosen = next((org for org in self.organizations if org.identifier == self.default_organization), None)
        return chosen or (self.organizations[0] if self.organizations else None)

    def launchable_items(self):
        """Items of organization() that have a launch URL, depth first in manifest order, hidden ones included."""
        organization = self.organization()
        return [item for item in organization.walk() if item.launch_url] if organization else []

    def to_dict(self):
        """JSON-safe plain data, for a block field."""
        return {
            "format": DICT_FORMAT,
            "version": self.version,
            "version_label": self.version_label,
            "identifier": self.identifier,
            "title": self.title,
            "default_organization": self.default_organization,
            "organizations": [_dataclass_dict(org) for org in self.organizations],
            "resources": {key: _dataclass_dict(resource) for key, resource in self.resources.items()},
            "notices": [notice.to_dict() for notice in self.notices],
            "sequencing_collection": self.sequencing_collection,
        }

    @classmethod
    def from_dict(cls, data):
        """The Manifest that to_dict() gave."""
        return cls(
            version=data["version"],
            version_label=data["version_label"],
            identifier=data["identifier"],
            title=data["title"],
            default_organization=data["default_organization"],
            organizations=[_organization_from_dict(org) for org in data["organizations"]],
            resources={key: Resource(**value) for key, value in data["resources"].items()},
            notices=[ManifestNotice(notice["code"], **notice["params"]) for notice in data["notices"]],
            sequencing_collection=data.get("sequencing_collection"),
        )


def _dataclass_dict(instance):
    """Like dataclasses.asdict, without deep-copying the plain sequencing data twice."""
    result = {}
    for spec in fields(instance):
        value = getattr(instance, spec.name)
        if spec.name in ("items", "children"):
            value = [_dataclass_dict(child) for child in value]
        elif isinstance(value, list):
            value = list(value)
        result[spec.name] = value
    return result


def _item_from_dict(data):
    return Item(**{**data, "children": [_item_from_dict(child) for child in data["children"]]})


def _organization_from_dict(data):
    return Organization(**{**data, "items": [_item_from_dict(item) for item in data["items"]]})


def parse_manifest(data):
    """The Manifest held in imsmanifest.xml bytes; ManifestError, and nothing else, when it cannot be used."""
    try:
        root, namespaces = parse_xml(data)
        return _ManifestReader(root, namespaces).read()
    except RecursionError:
        raise ManifestError("manifest_too_deep", limit=MAX_DEPTH) from None


# ---------------------------------------------------------------------------------------------------------------
# Reading the element tree


def _local(name):
    """A tag or attribute name without its {namespace}, lowercased."""
    return name.rsplit("}", 1)[-1].lower() if isinstance(name, str) else ""


def _name(name):
    """A tag or attribute name without its {namespace}, case kept (the sequencing vocabulary is camelCase)."""
    return name.rsplit("}", 1)[-1]


def _children(element, name):
    return [child for child in element if _local(child.tag) == name]


def _child(element, name):
    return next((child for child in element if _local(child.tag) == name), None)


def _attribute(element, name):
    """An attribute by lowercased local name, in any namespace (or none), stripped; None when absent."""
    value = element.get(name)
    if value is None:
        value = next((value for key, value in element.attrib.items() if _local(key) == name), None)
    return value.strip() if value is not None else None


_SPACES = re.compile(r"\s+")


def _text(element):
    """The element's text, whitespace collapsed; None for a missing element."""
    if element is None:
        return None
    return _SPACES.sub(" ", "".join(element.itertext())).strip()


def _plain(element):
    """An element as plain data (name, attributes, text, children), to keep sequencing rules for later."""
    return {
        "name": _name(element.tag),
        "attributes": {_name(key): value for key, value in element.attrib.items()},
        "text": (element.text or "").strip() or None,
        "children": [_plain(child) for child in element if isinstance(child.tag, str)],
    }


class _ManifestReader:
    """One pass over a parsed manifest, collecting notices on the way."""

    def __init__(self, root, namespaces):
        self.root = root
        self.namespaces = namespaces
        self.notices = []
        self.item_ids = set()

    def notice(self, code, **params):
        self.notices.append(ManifestNotice(code, **params))

    def read(self):
        root = self.root
        if _local(root.tag) != "manifest":
            raise ManifestError("manifest_not_a_manifest", element=_local(root.tag)[:80])
        version = self.read_version()
        identifier = _attribute(root, "identifier") or ""
        if not identifier:
            self.notice("manifest_identifier_missing")
        for sub_manifest in _children(root, "manifest"):
            self.notice("sub_manifest_ignored", identifier=_attribute(sub_manifest, "identifier") or "")
        resources_element = _child(root, "resources")
        resources = self.read_resources(resources_element)
        resources_base = resources_element.get(XML_BASE) if resources_element is not None else None
        bases = [root.get(XML_BASE) or "", resources_base or ""]
        organizations_element = _child(root, "organizations")
        default = _attribute(organizations_element, "default") if organizations_element is not None else None
        organizations = [
            self.read_organization(element, resources, bases)
            for element in (_children(organizations_element, "organization")
                            if organizations_element is not None else [])
        ]
        if not organizations:
            organizations = [self.flat_organization(identifier, resources, bases)]
            default = None
        else:
            self.check_default(default, organizations)
        collection = _child(root, "sequencingcollection")
        manifest = Manifest(
            version=version,
            version_label=VERSION_LABELS[version],
            identifier=identifier,
            title="",
            default_organization=default or None,
            organizations=organizations,
            resources=resources,
            notices=self.notices,
            sequencing_collection=_plain(collection) if collection is not None else None,
            resource_bases=bases,
        )
        self.check_launchable(manifest)
        manifest.title = self.title_of(manifest)
        return manifest

    # -- version ------------------------------------------------------------------------------------------------

    def read_version(self):
        metadata = _child(self.root, "metadata")
        found = _text(_child(metadata, "schemaversion")) if metadata is not None else None
        version = SCHEMA_VERSIONS.get((found or "").lower())
        if version:
            return version
        guessed = next((version for uri, version in NAMESPACE_VERSIONS if uri in self.namespaces), FALLBACK_VERSION)
        if found:
            self.notice("schema_version_unknown", found=found[:80], version=VERSION_LABELS[guessed])
        else:
            self.notice("schema_version_missing", version=VERSION_LABELS[guessed])
        return guessed

    # -- resources ----------------------------------------------------------------------------------------------

    def read_resources(self, element):
        resources = {}
        for resource in _children(element, "resource") if element is not None else []:
            identifier = _attribute(resource, "identifier")
            if not identifier:
                self.notice("resource_identifier_missing")
                continue
            if identifier in resources:
                self.notice("resource_identifier_duplicate", resource=identifier)
                continue
            scorm_type = _attribute(resource, SCORM_TYPE_ATTRIBUTE)
            resources[identifier] = Resource(
                identifier=identifier,
                type=_attribute(resource, "type"),
                scorm_type=scorm_type.lower() if scorm_type else None,
                href=_attribute(resource, "href") or None,
                xml_base=resource.get(XML_BASE),
                files=[_attribute(file, "href") or "" for file in _children(resource, "file")],
                dependencies=[_attribute(dep, "identifierref") or "" for dep in _children(resource, "dependency")],
            )
        return resources

    # -- organizations and items --------------------------------------------------------------------------------

    def read_organization(self, element, resources, bases):
        identifier = _attribute(element, "identifier") or ""
        title = _text(_child(element, "title"))
        if not identifier:
            self.notice("organization_identifier_missing", title=title or "")
        if not title:
            self.notice("organization_title_missing", organization=identifier)
        sequencing = _child(element, "sequencing")
        organization = Organization(
            identifier=identifier,
            title=title or "",
            items=[self.read_item(child, resources, bases) for child in _children(element, "item")],
            sequencing=_plain(sequencing) if sequencing is not None else None,
            objectives_global_to_system=self.boolean(element, OBJECTIVES_GLOBAL_ATTRIBUTE, identifier),
        )
        if not organization.items:
            self.notice("organization_empty", organization=identifier)
        return organization

    def read_item(self, element, resources, bases):
        title = _text(_child(element, "title"))
        identifier = _attribute(element, "identifier")
        if not identifier:
            raise ManifestError("item_identifier_missing", title=(title or "")[:200])
        if identifier in self.item_ids:
            raise ManifestError("item_identifier_duplicate", item=identifier)
        self.item_ids.add(identifier)
        if not title:
            self.notice("item_title_missing", item=identifier)
        item = Item(
            identifier=identifier,
            title=title or identifier,
            identifierref=_attribute(element, "identifierref") or None,
            visible=self.boolean(element, "isvisible", identifier) is not False,
            parameters=element.get("parameters"),
            presentation=self.hidden_lms_ui(element),
            completion_threshold=self.completion_threshold(element, identifier),
        )
        self.read_item_texts(element, item)
        sequencing = _child(element, "sequencing")
        item.sequencing = _plain(sequencing) if sequencing is not None else None
        if item.identifierref:
            self.locate(item, resources, bases)
        item.children = [self.read_item(child, resources, bases) for child in _children(element, "item")]
        return item

    @staticmethod
    def hidden_lms_ui(element):
        """The adlnav:hideLMSUI values of the item's own adlnav:presentation."""
        presentation = _child(element, "presentation")
        if presentation is None:
            return []
        return [_text(hide) for hide in presentation.iter() if _local(hide.tag) == "hidelmsui"]

    def read_item_texts(self, element, item):
        for child in element:
            spec = ITEM_TEXT_ELEMENTS.get(_local(child.tag))
            if spec is None:
                continue
            name, kind = spec
            value = _text(child)
            if kind == "number":
                value = self.number(value, _local(child.tag), item.identifier)
            setattr(item, name, value)

    def locate(self, item, resources, bases):
        """Set the item's launch URL and path from its resource; unusable references leave it unlaunchable."""
        resource = resources.get(item.identifierref)
        if resource is None:
            self.notice("item_resource_unknown", item=item.identifier, resource=item.identifierref)
            return
        item.scorm_type = resource.scorm_type
        if not resource.href:
            self.notice("resource_href_missing", item=item.identifier, resource=resource.identifier)
            return
        location = launch_location(
            [*bases, resource.xml_base or ""], resource.href, item.parameters, item=item.identifier)
        if location.had_backslash:
            self.notice("backslash_in_launch_url", item=item.identifier, url=resource.href)
        item.launch_url = location.url
        item.launch_path = location.path

    def flat_organization(self, identifier, resources, bases):
        """With no organization, every SCO resource with an href, as a flat list of items (with a notice)."""
        scos = [resource for resource in resources.values() if resource.scorm_type == "sco" and resource.href]
        if not scos:
            raise ManifestError("no_organization")
        self.notice("no_organization", count=len(scos))
        items = []
        for resource in scos:
            item = Item(identifier=resource.identifier, title=resource.identifier, identifierref=resource.identifier)
            self.locate(item, resources, bases)
            items.append(item)
        return Organization(identifier="", title=identifier, items=items)

    # -- checks over the whole manifest -------------------------------------------------------------------------

    def check_default(self, default, organizations):
        first = organizations[0].identifier
        if not default:
            self.notice("default_organization_missing", organization=first)
        elif all(org.identifier != default for org in organizations):
            self.notice("default_organization_unknown", default=default, organization=first)

    def check_launchable(self, manifest):
        """Refuse a manifest whose organization launches nothing, with the reason of its first broken item."""
        if manifest.launchable_items():
            return
        organization = manifest.organization()
        referencing = {item.identifier for item in organization.walk() if item.identifierref}
        reason = next((notice for notice in self.notices
                       if notice.code in ManifestError.MESSAGES and notice.params.get("item") in referencing), None)
        if reason is not None:
            raise ManifestError(reason.code, **reason.params)
        raise ManifestError("no_launchable_items")

    @staticmethod
    def title_of(manifest):
        organization = manifest.organization()
        if organization is not None and organization.title:
            return organization.title
        first = next(organization.walk(), None) if organization is not None else None
        return first.title if first is not None else manifest.identifier

    # -- typed values -------------------------------------------------------------------------------------------

    def number(self, value, element, item):
        if value is None or value == "":
            return None
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is None or number != number or number in (float("inf"), float("-inf")):
            self.notice("invalid_number", value=value[:80], element=element, item=item)
            return None
        return number

    def boolean(self, element, attribute, owner):
        value = _attribute(element, attribute)
        if value is None:
            return None
        if value.lower() not in BOOLEANS:
            self.notice("invalid_boolean", value=value[:80], attribute=attribute, owner=owner)
            return None
        return BOOLEANS[value.lower()]

    def completion_threshold(self, element, item):
        """adlcp:completionThreshold as {completedByMeasure, minProgressMeasure, progressWeight}.

        4th edition writes attributes; 3rd edition writes the threshold as text, which is read as
        minProgressMeasure with completion judged by measure.
        """
        threshold = _child(element, "completionthreshold")
        if threshold is None:
            return None
        text = _text(threshold)
        if text:
            value = self.number(text, "completionThreshold", item)
            return None if value is None else {
                "completedByMeasure": True, "minProgressMeasure": value, "progressWeight": 1.0}
        result = {}
        for attribute, (key, kind, default) in COMPLETION_THRESHOLD_ATTRIBUTES.items():
            if kind == "boolean":
                value = self.boolean(threshold, attribute, item)
            else:
                value = self.number(_attribute(threshold, attribute), attribute, item)
            result[key] = default if value is None else value
        return result
