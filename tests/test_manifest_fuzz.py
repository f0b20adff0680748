"""Fuzzing: the manifest parser and the launch-path normaliser never raise anything but ManifestError and never
give a path outside the package."""
import posixpath
from html import escape
from urllib.parse import unquote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openedxscorm.manifest import ManifestError, parse_manifest
from openedxscorm.manifest.paths import launch_location, normalise_launch_path

FUZZ = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.data_too_large])

# Pieces that make paths interesting: traversal, separators, encodings, schemes, drive letters, controls.
PATH_PIECES = st.sampled_from([
    "a", "b.html", "index.html", "dir", "..", ".", "...", "/", "//", "\\", "%2e", "%2E%2e", "%2f", "%2F", "%5c",
    "%5C", "%25", "%00", "%0a", "%ff", "%c3%a9", ":", "C:", "c:\\", "javascript:", "http://", "data:", "file:",
    "?", "#", "&", "=", " ", "\t", "\n", "é", "~", "%", "%%", ";", "@", "'", '"', "<", ">",
])
PATHS = st.lists(PATH_PIECES | st.characters(), max_size=6).map("".join)


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


def check_normaliser(path):
    try:
        normalised = normalise_launch_path(path)
    except ManifestError as error:
        assert error.code in ManifestError.MESSAGES
    else:
        assert_inside_package(normalised)


@FUZZ
@given(st.lists(PATHS, max_size=2), PATHS, st.none() | PATHS)
def test_the_normaliser_and_launch_locations_stay_inside_the_package_or_refuse(bases, href, parameters):
    for path in [*bases, href]:
        check_normaliser(path)
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
XML_TEXT = st.lists(XML_PIECES | st.characters(), max_size=30).map("".join)
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
# Mostly well-formed manifests (so that most examples get past the checks and reach launch URLs), with hostile
# hrefs, bases and parameters, and now and then a broken identifier or reference.

# Fixed pieces keep generation cheap; the path fuzz above covers arbitrary strings.
HOSTILE_PATHS = [
    "../x.html", "a/../../x.html", "/etc/passwd", "//host/x", "javascript:alert(1)", "JAVASCRIPT:x", "data:,x",
    "http://evil.example/", "C:/x.html", "c:\\x.html", "..\\x.html", "\\\\host\\x", "%2e%2e/x.html",
    "%2E%2E%2Fx.html", "..%5cx.html", "%2fx.html", "javascript%3ax", "a/%2e%2e/%2e%2e/x", "./:", "a/../c:x",
    "dir/", ".", "..", "...", "%00", "%ff", "?q", "#f", "", " ", "a%20b.html", "é.html", "%c3%a9.html",
]
HREFS = st.sampled_from(["index.html", "a/b.html", "x.html?y=1", "p q.html#f"] * 25 + HOSTILE_PATHS)
BASES = st.sampled_from([None] * 20 + ["d/", "d/e/", "d", "../", "/", "http://x/", "%2e%2e/", "..\\", "a/..//"])
PARAMETERS = st.sampled_from([None, None, "?a=1", "&a=1", "#f", "a=1#f", "?", "%zz", "\\..", "javascript:x",
                              "?a=<script>", "?a=%00"])
IDENTIFIER_MODES = st.sampled_from(["unique"] * 40 + ["missing", "duplicate"])
REFERENCES = st.sampled_from(["r0", "r1", "r2"] * 4 + [None, None, "nowhere"])
EXTRAS = st.sampled_from(["", "", "<adlcp:masteryscore>80</adlcp:masteryscore>",
                          "<adlcp:masteryscore>x</adlcp:masteryscore>",
                          "<adlcp:completionThreshold>nan</adlcp:completionThreshold>",
                          '<adlcp:completionThreshold completedByMeasure="maybe" minProgressMeasure="1e999"/>'])
# An organization's items as a flat list, each with its nesting level (0 = top; at most one deeper than the item
# before it): cheaper to generate than a recursive strategy, and it reaches the same shapes.
ITEM_ROWS = st.lists(
    st.tuples(st.sampled_from([0, 0, 1, 1, 2, 3]), IDENTIFIER_MODES, REFERENCES, PARAMETERS,
              st.sampled_from([None, None, "false", "no"]), EXTRAS),
    min_size=1, max_size=8,
)


def attribute(name, value):
    return "" if value is None else f' {name}="{escape(value)}"'


def render_items(rows, counter):
    """Nested <item> elements from (level, identifier mode, identifierref, parameters, isvisible, extra) rows."""
    parts, depth = [], 0
    for level, mode, reference, parameters, visible, extra in rows:
        level = min(level, depth)
        parts.append("</item>" * (depth - level))
        counter.append(None)
        identifier = {"unique": f"i{len(counter)}", "missing": None, "duplicate": "i1"}[mode]
        parts.append(f'<item{attribute("identifier", identifier)}{attribute("identifierref", reference)}'
                     f'{attribute("parameters", parameters)}{attribute("isvisible", visible)}>'
                     f"<title>T</title>{extra}")
        depth = level + 1
    parts.append("</item>" * depth)
    return "".join(parts)


def render_manifest(schemaversion, manifest_base, resources_base, organizations, resources):
    counter = []
    rendered_organizations = "".join(
        f'<organization identifier="o{index}"><title>O</title>'
        f'{render_items(rows, counter)}</organization>'
        for index, rows in enumerate(organizations))
    rendered_resources = "".join(
        f'<resource identifier="r{index}" type="webcontent" adlcp:scormtype="sco"'
        f'{attribute("href", href)}{attribute("xml:base", base)}/>'
        for index, (href, base) in enumerate(resources))
    return ('<?xml version="1.0" encoding="UTF-8"?><manifest identifier="m" '
            'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"'
            f'{attribute("xml:base", manifest_base)}>{schemaversion}'
            f'<organizations default="o0">{rendered_organizations}</organizations>'
            f'<resources{attribute("xml:base", resources_base)}>{rendered_resources}</resources>'
            "</manifest>").encode("utf-8")


manifests = st.builds(
    render_manifest,
    st.sampled_from(["", "<metadata><schemaversion>1.2</schemaversion></metadata>",
                     "<metadata><schemaversion>CAM 1.3</schemaversion></metadata>",
                     "<metadata><schemaversion>2004 9th</schemaversion></metadata>"]),
    BASES,
    BASES,
    st.lists(ITEM_ROWS, min_size=1, max_size=2),
    st.lists(st.tuples(HREFS, BASES), min_size=1, max_size=3),
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


def test_the_structured_strategy_produces_accepted_and_refused_manifests():
    """Guard against a strategy that only ever produces refusals, which would test nothing past the checks."""
    outcomes = []

    @settings(max_examples=150, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(manifests)
    def collect(data):
        outcomes.append(parses(data))

    collect()
    assert any(outcomes) and not all(outcomes)
