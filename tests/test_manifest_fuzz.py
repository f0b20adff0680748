"""Fuzzing: the manifest parser and the launch-path normaliser never raise anything but ManifestError and never
give a path outside the package."""
import posixpath
from html import escape
from urllib.parse import unquote

from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from openedxscorm.manifest import ManifestError, parse_manifest
from openedxscorm.manifest_paths import launch_location, normalise_launch_path

FUZZ = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.data_too_large])

# Pieces that make paths interesting: traversal, separators, encodings, schemes, drive letters, controls.
PATH_PIECES = st.sampled_from([
    "a", "b.html", "index.html", "dir", "..", ".", "...", "/", "//", "\\", "%2e", "%2E%2e", "%2f", "%2F", "%5c",
    "%5C", "%25", "%00", "%0a", "%ff", "%c3%a9", ":", "C:", "c:\\", "javascript:", "http://", "data:", "file:",
    "?", "#", "&", "=", " ", "\t", "\n", "é", "~", "%", "%%", ";", "@", "'", '"', "<", ">",
])
PATHS = st.lists(PATH_PIECES | st.text(max_size=4), max_size=10).map("".join)


def assert_inside_package(path, url=None):
    """The properties every launch path must have: relative, clean, posix, and resolving under the root."""
    assert path and path == path.strip("/")
    assert "\\" not in path
    segments = path.split("/")
    assert all(segment not in ("", ".", "..") for segment in segments), path
    assert ":" not in segments[0], path
    assert not any(ord(character) < 32 or ord(character) == 127 for character in path), path
    assert posixpath.normpath(posixpath.join("/package", path)).startswith("/package/")
    if url is not None:
        url_path = url.split("#", 1)[0].split("?", 1)[0]
        assert unquote(url_path) == path
        assert url.isascii() and not any(character.isspace() for character in url), url


@FUZZ
@given(PATHS)
def test_the_normaliser_returns_a_path_inside_the_package_or_refuses(path):
    try:
        normalised = normalise_launch_path(path)
    except ManifestError as error:
        assert error.code in ManifestError.MESSAGES
    else:
        assert_inside_package(normalised)


@FUZZ
@given(st.lists(PATHS, max_size=3), PATHS, st.none() | PATHS)
def test_launch_locations_stay_inside_the_package_or_are_refused(bases, href, parameters):
    try:
        location = launch_location(bases, href, parameters, item="i")
    except ManifestError as error:
        assert error.code in ManifestError.MESSAGES
    else:
        assert_inside_package(location.path, location.url)


XML_PIECES = st.sampled_from([
    "<manifest", "</manifest>", "<organizations", "</organizations>", "<organization", "</organization>",
    "<item", "</item>", "<resource", "</resource>", "<resources>", "</resources>", "<title>", "</title>", ">",
    "/>", ' identifier="x"', ' identifierref="x"', ' href="', '"', ' xml:base="', ' parameters="', "&amp;",
    "&lol;", "&#0;", "&#x41;", "<!DOCTYPE manifest [", "<!ENTITY lol \"lol\">", "]>",
    '<!DOCTYPE m SYSTEM "http://127.0.0.1:9/x.dtd">', "<?xml version=\"1.0\"?>",
    '<?xml version="1.0" encoding="UTF-16"?>', "<![CDATA[", "]]>", "<!--", "-->", " xmlns=\"urn:x\"",
    " xmlns:a=\"", "<metadata><schemaversion>", "</schemaversion></metadata>", "2004 4th Edition", "1.2",
    "javascript:", "../", "%2e%2e/", "\\", "\x00", "\xe9", "\ufeff",
])
XML_TEXT = st.lists(XML_PIECES | st.text(max_size=3), max_size=40).map("".join)
ENCODINGS = st.sampled_from(["utf-8", "utf-16", "latin-1", "utf-16-le"])


@FUZZ
@given(st.one_of(st.binary(max_size=300), st.tuples(XML_TEXT, ENCODINGS)))
def test_xml_ish_bytes_give_a_manifest_or_a_manifest_error(sample):
    data = sample if isinstance(sample, bytes) else sample[0].encode(sample[1], errors="replace")
    check_parse(data)


def check_parse(data):
    """parse_manifest raises only ManifestError, and every launch path it gives is inside the package."""
    try:
        manifest = parse_manifest(data)
    except ManifestError as error:
        assert error.code in ManifestError.MESSAGES
        assert error.render()
        return None
    for organization in manifest.organizations:
        for item in organization.walk():
            if item.launch_url is not None:
                assert_inside_package(item.launch_path, item.launch_url)
    assert manifest.launchable_items()
    for notice in manifest.notices:
        assert notice.render()
    return manifest


# -- structured random manifests ----------------------------------------------------------------------------------

IDENTIFIERS = st.sampled_from(["i1", "i2", "i3", "r1", "r2", "", "org", "x y"])
ATTRIBUTE_TEXT = PATHS | st.sampled_from(["true", "false", "yes", "sco", "asset", "SCO"])


def optional_attribute(name, values):
    return st.none() | values.map(lambda value: f' {name}="{escape(value)}"')


def render_attributes(parts):
    return "".join(part for part in parts if part)


items = st.deferred(lambda: st.builds(
    lambda attributes, title, mastery, children:
        f"<item{render_attributes(attributes)}>{title}{mastery}{''.join(children)}</item>",
    st.tuples(optional_attribute("identifier", IDENTIFIERS), optional_attribute("identifierref", IDENTIFIERS),
              optional_attribute("isvisible", ATTRIBUTE_TEXT), optional_attribute("parameters", PATHS)),
    st.sampled_from(["", "<title>T</title>", "<title><![CDATA[<b>x</b>]]></title>"]),
    st.sampled_from(["", "<adlcp:masteryscore>80</adlcp:masteryscore>", "<adlcp:masteryscore>x</adlcp:masteryscore>",
                     "<adlcp:completionThreshold>nan</adlcp:completionThreshold>",
                     '<adlcp:completionThreshold completedByMeasure="maybe" minProgressMeasure="1e999"/>']),
    st.lists(items, max_size=3),
))

resources = st.builds(
    lambda attributes: f"<resource{render_attributes(attributes)}><file href=\"a\"/></resource>",
    st.tuples(optional_attribute("identifier", IDENTIFIERS), optional_attribute("href", PATHS),
              optional_attribute("xml:base", PATHS), optional_attribute("adlcp:scormtype", ATTRIBUTE_TEXT),
              st.just(' type="webcontent"')),
)

manifests = st.builds(
    lambda schemaversion, manifest_base, default, organizations, resource_list, resources_base:
        ('<?xml version="1.0" encoding="UTF-8"?><manifest identifier="m" '
         'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"'
         f'{manifest_base or ""}>{schemaversion}<organizations{default or ""}>'
         + "".join(f'<organization identifier="{escape(org_id)}"><title>O</title>{"".join(org_items)}</organization>'
                   for org_id, org_items in organizations)
         + f"</organizations><resources{resources_base or ''}>{''.join(resource_list)}</resources></manifest>"
         ).encode("utf-8"),
    st.sampled_from(["", "<metadata><schemaversion>1.2</schemaversion></metadata>",
                     "<metadata><schemaversion>CAM 1.3</schemaversion></metadata>",
                     "<metadata><schemaversion>2004 9th</schemaversion></metadata>"]),
    optional_attribute("xml:base", PATHS),
    optional_attribute("default", IDENTIFIERS),
    st.lists(st.tuples(IDENTIFIERS, st.lists(items, max_size=4)), max_size=3),
    st.lists(resources, max_size=4),
    optional_attribute("xml:base", PATHS),
)


@FUZZ
@given(manifests)
def test_structured_random_manifests_give_a_manifest_or_a_manifest_error(data):
    check_parse(data)


def parses(data):
    try:
        return bool(parse_manifest(data).launchable_items())
    except ManifestError:
        return False


def test_the_structured_strategy_also_produces_accepted_manifests():
    """Guard against a strategy that only ever produces refusals, which would test nothing past the checks."""
    example = find(manifests, parses, settings=settings(max_examples=2000, deadline=None,
                                                        suppress_health_check=list(HealthCheck)))
    assert parse_manifest(example).launchable_items()
