"""The manifest parser on manifests written here: versions, organizations, launch URLs, hostile input."""
import inspect
import json
import sys
from html import escape

import pytest

from openedxscorm.manifest import Item, Manifest, ManifestError, ManifestNotice, parse_manifest
from openedxscorm.manifest.paths import apply_parameters, launch_location, normalise_launch_path

CP_12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
CP_2004 = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"


def manifest_xml(items='<item identifier="i1" identifierref="r1"><title>One</title></item>',
                 resources='<resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html"/>',
                 schemaversion="1.2", namespace=CP_12, adlcp=ADLCP_12, organizations=None, root_attributes="",
                 resources_attributes="", extra=""):
    """A manifest of one organization "org" (unless `organizations` is given) around `items` and `resources`."""
    metadata = f"<metadata><schema>ADL SCORM</schema><schemaversion>{schemaversion}</schemaversion></metadata>" \
        if schemaversion is not None else ""
    if organizations is None:
        organizations = f'<organizations default="org"><organization identifier="org"><title>Course</title>' \
                        f'{items}</organization></organizations>'
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<manifest identifier="m" version="1" xmlns="{namespace}" xmlns:adlcp="{adlcp}" {root_attributes}>'
            f'{metadata}{organizations}<resources {resources_attributes}>{resources}</resources>{extra}'
            f'</manifest>').encode("utf-8")


def codes(manifest):
    return [notice.code for notice in manifest.notices]


def refusal(data):
    with pytest.raises(ManifestError) as caught:
        parse_manifest(data)
    assert caught.value.render()  # every code has a message that formats with its parameters
    return caught.value.code


# -- version detection --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("schemaversion, version, label", [
    ("1.2", "1.2", "SCORM 1.2"),
    ("CAM 1.3", "2004-2nd", "SCORM 2004 2nd Edition"),
    ("2004 2nd Edition", "2004-2nd", "SCORM 2004 2nd Edition"),
    ("2004 3rd Edition", "2004-3rd", "SCORM 2004 3rd Edition"),
    (" 2004  4th edition ", "2004-4th", "SCORM 2004 4th Edition"),
])
def test_version_comes_from_schemaversion(schemaversion, version, label):
    manifest = parse_manifest(manifest_xml(schemaversion=schemaversion, namespace=CP_2004, adlcp=ADLCP_2004))
    assert (manifest.version, manifest.version_label, codes(manifest)) == (version, label, [])


@pytest.mark.parametrize("namespace, adlcp, version", [
    (CP_12, ADLCP_12, "1.2"),
    (CP_2004, ADLCP_2004, "2004-3rd"),
    (CP_2004, "http://www.adlnet.org/xsd/adlcp_v1p2", "2004-2nd"),
    ("urn:unknown", "urn:unknown-adlcp", "1.2"),
])
def test_without_schemaversion_the_namespaces_decide_with_a_notice(namespace, adlcp, version):
    manifest = parse_manifest(manifest_xml(schemaversion=None, namespace=namespace, adlcp=adlcp))
    assert manifest.version == version
    assert codes(manifest) == ["schema_version_missing"]


def test_an_unknown_schemaversion_falls_back_to_the_namespaces_with_a_notice():
    manifest = parse_manifest(manifest_xml(schemaversion="2004 5th Edition", namespace=CP_2004, adlcp=ADLCP_2004))
    assert manifest.version == "2004-3rd"
    assert manifest.notices == [ManifestNotice("schema_version_unknown", found="2004 5th Edition",
                                               version="SCORM 2004 3rd Edition")]


# -- organizations and items --------------------------------------------------------------------------------------

TWO_ORGANIZATIONS = (
    '<organizations {default}>'
    '<organization identifier="first"><title>First</title>'
    '<item identifier="a" identifierref="r1"><title>A</title></item></organization>'
    '<organization identifier="second"><title>Second</title>'
    '<item identifier="b" identifierref="r1"><title>B</title></item></organization>'
    '</organizations>')


def test_the_default_organization_is_used():
    manifest = parse_manifest(manifest_xml(organizations=TWO_ORGANIZATIONS.format(default='default="second"')))
    assert manifest.organization().identifier == "second"
    assert (manifest.title, [item.identifier for item in manifest.launchable_items()]) == ("Second", ["b"])
    assert codes(manifest) == []


@pytest.mark.parametrize("default, code", [("", "default_organization_missing"),
                                           ('default="nope"', "default_organization_unknown")])
def test_a_missing_or_unknown_default_organization_falls_back_to_the_first(default, code):
    manifest = parse_manifest(manifest_xml(organizations=TWO_ORGANIZATIONS.format(default=default)))
    assert manifest.organization().identifier == "first"
    assert manifest.title == "First"
    assert codes(manifest) == [code]


def test_items_nest_and_launch_depth_first_with_hidden_items_and_without_folders():
    items = ('<item identifier="folder"><title>Folder</title>'
             '<item identifier="a" identifierref="r1" isvisible="false"><title>A</title></item>'
             '<item identifier="sub"><title>Sub</title>'
             '<item identifier="b" identifierref="r1" parameters="x=1"><title>B</title></item></item>'
             '</item>'
             '<item identifier="c" identifierref="r1"><title>C</title></item>')
    manifest = parse_manifest(manifest_xml(items=items))
    launchable = manifest.launchable_items()
    assert [item.identifier for item in launchable] == ["a", "b", "c"]
    assert [item.visible for item in launchable] == [False, True, True]
    assert launchable[1].launch_url == "index.html?x=1"
    folder = manifest.organization().items[0]
    assert (folder.launch_url, folder.launch_path, folder.scorm_type) == (None, None, None)


def test_the_title_falls_back_to_the_first_item_then_the_identifier():
    untitled = ('<organizations default="org"><organization identifier="org">'
                '<item identifier="i1" identifierref="r1"><title>Item title</title></item>'
                '</organization></organizations>')
    manifest = parse_manifest(manifest_xml(organizations=untitled))
    assert manifest.title == "Item title"
    assert codes(manifest) == ["organization_title_missing"]


def test_an_item_without_title_shows_its_identifier():
    manifest = parse_manifest(manifest_xml(items='<item identifier="i1" identifierref="r1"/>'))
    assert manifest.launchable_items()[0].title == "i1"
    assert codes(manifest) == ["item_title_missing"]


def test_scorm_12_item_data():
    items = ('<item identifier="i1" identifierref="r1"><title>One</title>'
             '<adlcp:masteryscore>80</adlcp:masteryscore><adlcp:datafromlms>hello</adlcp:datafromlms>'
             '<adlcp:maxtimeallowed>00:30:00</adlcp:maxtimeallowed>'
             '<adlcp:timelimitaction>exit,no message</adlcp:timelimitaction>'
             '<adlcp:prerequisites type="aicc_script">i0</adlcp:prerequisites></item>')
    item = parse_manifest(manifest_xml(items=items)).launchable_items()[0]
    assert (item.mastery_score, item.data_from_lms, item.max_time_allowed, item.time_limit_action,
            item.prerequisites, item.scorm_type) == (80.0, "hello", "00:30:00", "exit,no message", "i0", "sco")


def test_a_mastery_score_that_is_not_a_number_is_ignored_with_a_notice():
    items = ('<item identifier="i1" identifierref="r1"><title>One</title>'
             '<adlcp:masteryscore>eighty</adlcp:masteryscore></item>')
    manifest = parse_manifest(manifest_xml(items=items))
    assert manifest.launchable_items()[0].mastery_score is None
    assert codes(manifest) == ["invalid_number"]


@pytest.mark.parametrize("threshold, expected", [
    ('<adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.5"/>',
     {"completedByMeasure": True, "minProgressMeasure": 0.5, "progressWeight": 1.0}),
    ('<adlcp:completionThreshold progressWeight="0.25"/>',
     {"completedByMeasure": False, "minProgressMeasure": 1.0, "progressWeight": 0.25}),
    ("<adlcp:completionThreshold>0.8</adlcp:completionThreshold>",
     {"completedByMeasure": True, "minProgressMeasure": 0.8, "progressWeight": 1.0}),
])
def test_completion_threshold_in_4th_and_3rd_edition_forms(threshold, expected):
    items = f'<item identifier="i1" identifierref="r1"><title>One</title>{threshold}</item>'
    resources = '<resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="index.html"/>'
    manifest = parse_manifest(manifest_xml(items=items, resources=resources, schemaversion="2004 4th Edition",
                                           namespace=CP_2004, adlcp=ADLCP_2004))
    assert manifest.launchable_items()[0].completion_threshold == expected


def test_sequencing_is_kept_as_plain_data():
    imsss = "http://www.imsglobal.org/xsd/imsss"
    organizations = (
        f'<organizations default="org"><organization identifier="org" xmlns:imsss="{imsss}" '
        f'xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3" adlseq:objectivesGlobalToSystem="false">'
        f'<title>T</title><item identifier="i1" identifierref="r1"><title>One</title>'
        f'<imsss:sequencing><imsss:limitConditions attemptLimit="2"/></imsss:sequencing></item>'
        f'<imsss:sequencing><imsss:controlMode flow="true"/></imsss:sequencing>'
        f'</organization></organizations>')
    manifest = parse_manifest(manifest_xml(organizations=organizations, schemaversion="2004 4th Edition",
                                           namespace=CP_2004, adlcp=ADLCP_2004))
    organization = manifest.organization()
    assert organization.objectives_global_to_system is False
    assert organization.sequencing == {"name": "sequencing", "attributes": {}, "text": None, "children": [
        {"name": "controlMode", "attributes": {"flow": "true"}, "text": None, "children": []}]}
    assert manifest.launchable_items()[0].sequencing["children"][0]["attributes"] == {"attemptLimit": "2"}


def test_resources_keep_their_files_dependencies_and_base():
    resources = ('<resource identifier="r1" type="webcontent" adlcp:scormtype="SCO" href="a.html" xml:base="d/">'
                 '<file href="a.html"/><dependency identifierref="r2"/></resource>'
                 '<resource identifier="r2" type="webcontent" adlcp:scormtype="asset"><file href="x.js"/></resource>')
    manifest = parse_manifest(manifest_xml(resources=resources))
    first, second = manifest.resources["r1"], manifest.resources["r2"]
    assert (first.scorm_type, first.href, first.xml_base, first.files, first.dependencies) == (
        "sco", "a.html", "d/", ["a.html"], ["r2"])
    assert (second.href, second.files) == (None, ["x.js"])


@pytest.mark.parametrize("items, code", [
    ('<item identifierref="r1"><title>No id</title></item>', "item_identifier_missing"),
    ('<item identifier="a" identifierref="r1"><title>1</title></item>'
     '<item identifier="a" identifierref="r1"><title>2</title></item>', "item_identifier_duplicate"),
    ('<item identifier="a" identifierref="nothing"><title>1</title></item>', "item_resource_unknown"),
    ('<item identifier="a"><title>folder only</title></item>', "no_launchable_items"),
])
def test_manifests_that_cannot_keep_progress_or_launch_nothing_are_refused(items, code):
    assert refusal(manifest_xml(items=items)) == code


def test_no_organization_and_no_sco_is_refused():
    resources = '<resource identifier="r1" type="webcontent" adlcp:scormtype="asset" href="a.html"/>'
    assert refusal(manifest_xml(organizations="<organizations/>", resources=resources)) == "no_organization"


def test_a_root_that_is_not_a_manifest_is_refused():
    assert refusal(b"<html><body/></html>") == "manifest_not_a_manifest"


def test_duplicate_and_anonymous_resources_are_noticed():
    resources = ('<resource identifier="r1" type="webcontent" href="index.html"/>'
                 '<resource identifier="r1" type="webcontent" href="other.html"/>'
                 '<resource type="webcontent" href="x.html"/>')
    manifest = parse_manifest(manifest_xml(resources=resources))
    assert manifest.launchable_items()[0].launch_url == "index.html"
    assert codes(manifest) == ["resource_identifier_duplicate", "resource_identifier_missing"]


# -- launch URLs --------------------------------------------------------------------------------------------------

def launch_of(href, parameters=None, manifest_base="", resources_base="", resource_base=""):
    parameter_attribute = f' parameters="{escape(parameters)}"' if parameters is not None else ""
    items = f'<item identifier="i1" identifierref="r1"{parameter_attribute}><title>One</title></item>'
    resource_attribute = f' xml:base="{resource_base}"' if resource_base else ""
    resources = f'<resource identifier="r1" type="webcontent" href="{escape(href)}"{resource_attribute}/>'
    manifest = parse_manifest(manifest_xml(
        items=items, resources=resources,
        root_attributes=f'xml:base="{manifest_base}"' if manifest_base else "",
        resources_attributes=f'xml:base="{resources_base}"' if resources_base else ""))
    item = manifest.launchable_items()[0]
    return item.launch_url, item.launch_path


def test_xml_base_applies_at_every_level():
    assert launch_of("a.html", manifest_base="course/", resources_base="res/", resource_base="sco1/") == (
        "course/res/sco1/a.html", "course/res/sco1/a.html")
    assert launch_of("a.html", resource_base="sco1/") == ("sco1/a.html", "sco1/a.html")
    # a base without a final slash names a file: its last segment is replaced (RFC 3986)
    assert launch_of("a.html", resource_base="sco1/page.html") == ("sco1/a.html", "sco1/a.html")
    assert launch_of("../shared/a.html", resource_base="sco1/") == ("shared/a.html", "shared/a.html")


@pytest.mark.parametrize("href, parameters, url", [
    ("a.html", "?x=1", "a.html?x=1"),
    ("a.html", "&x=1", "a.html?x=1"),
    ("a.html", "x=1", "a.html?x=1"),
    ("a.html?y=2", "?x=1", "a.html?y=2&x=1"),
    ("a.html", "#part", "a.html#part"),
    ("a.html#first", "#part", "a.html#first"),
    ("a.html#first", "x=1", "a.html?x=1#first"),
    ("a.html", "", "a.html"),
    ("my%20page.html", None, "my%20page.html"),
    ("my page.html", None, "my%20page.html"),
])
def test_parameters_follow_the_cam_rules(href, parameters, url):
    assert launch_of(href, parameters)[0] == url


def test_the_launch_path_is_decoded_and_normalised():
    assert launch_of("./a/./b/../my%20page.html?q=1#f") == ("a/my%20page.html?q=1#f", "a/my page.html")


def test_backslashes_are_read_as_slashes_with_a_notice():
    items = '<item identifier="i1" identifierref="r1"><title>One</title></item>'
    resources = r'<resource identifier="r1" type="webcontent" href="content\index.html"/>'
    manifest = parse_manifest(manifest_xml(items=items, resources=resources))
    assert manifest.launchable_items()[0].launch_path == "content/index.html"
    assert codes(manifest) == ["backslash_in_launch_url"]


@pytest.mark.parametrize("href, resource_base, code", [
    ("../../etc/passwd", "", "launch_outside_package"),
    ("a/../../b.html", "", "launch_outside_package"),
    ("/etc/passwd", "", "launch_outside_package"),
    ("//evil.example/x.html", "", "launch_outside_package"),
    ("javascript:alert(1)", "", "launch_outside_package"),
    ("JavaScript:alert(1)", "", "launch_outside_package"),
    ("http://evil.example/x.html", "", "launch_outside_package"),
    ("data:text/html,hi", "", "launch_outside_package"),
    ("C:/Windows/x.html", "", "launch_outside_package"),
    (r"C:\Windows\x.html", "", "launch_outside_package"),
    (r"..\..\x.html", "", "launch_outside_package"),
    (r"\\server\share\x.html", "", "launch_outside_package"),
    ("%2e%2e/%2e%2e/x.html", "", "launch_outside_package"),
    ("%2E%2E%2Fx.html", "", "launch_outside_package"),
    ("..%5cx.html", "", "launch_outside_package"),
    ("%2fetc%2fpasswd", "", "launch_outside_package"),
    ("javascript%3aalert(1)", "", "launch_outside_package"),
    ("java%0ascript:alert(1)", "", "launch_url_invalid"),
    ("a%00.html", "", "launch_url_invalid"),
    ("%ff.html", "", "launch_url_invalid"),
    (".../x.html", "", "launch_url_invalid"),
    ("x.html", "../", "launch_outside_package"),
    ("x.html", "http://evil.example/", "launch_outside_package"),
    ("x.html", "/abs/", "launch_outside_package"),
    ("dir/", "", "launch_not_a_file"),
    ("dir/..", "", "launch_not_a_file"),
    ("?x=1", "", "launch_url_empty"),
])
def test_launch_urls_that_leave_the_package_are_refused(href, resource_base, code):
    with pytest.raises(ManifestError) as caught:
        launch_of(href, resource_base=resource_base)
    assert caught.value.code == code
    assert caught.value.params["item"] == "i1"


def test_a_hidden_item_with_a_hostile_url_still_refuses_the_package():
    items = ('<item identifier="ok" identifierref="r1"><title>Fine</title></item>'
             '<item identifier="bad" identifierref="r2" isvisible="false"><title>Bad</title></item>')
    resources = ('<resource identifier="r1" type="webcontent" href="index.html"/>'
                 '<resource identifier="r2" type="webcontent" href="javascript:alert(1)"/>')
    assert refusal(manifest_xml(items=items, resources=resources)) == "launch_outside_package"


def test_the_path_helpers_alone():
    assert normalise_launch_path("a//b/./c.html") == "a/b/c.html"
    assert apply_parameters(None, None, "?&a=1#f") == ("a=1", "f")
    location = launch_location(["base/"], "x.html", "?q=1")
    assert (location.url, location.path, location.had_backslash) == ("base/x.html?q=1", "base/x.html", False)


# -- hostile XML --------------------------------------------------------------------------------------------------

XXE = (b'<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
       b'<manifest identifier="m"><organizations><organization identifier="o"><title>&secret;</title>'
       b'</organization></organizations></manifest>')
EXTERNAL_DTD = (b'<?xml version="1.0"?><!DOCTYPE manifest SYSTEM "http://127.0.0.1:9/evil.dtd">'
                b'<manifest identifier="m"/>')
PARAMETER_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY % remote SYSTEM '
                    b'"http://127.0.0.1:9/evil.dtd"> %remote;]><manifest identifier="m"/>')
BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
                             for n in range(1, 10))
                  + b']><manifest identifier="&lol9;"/>')


@pytest.mark.parametrize("data, code", [
    (XXE, "manifest_entities_forbidden"),
    (BILLION_LAUGHS, "manifest_entities_forbidden"),
    (PARAMETER_ENTITY, "manifest_entities_forbidden"),
    (EXTERNAL_DTD, "manifest_external_reference_forbidden"),
    (b"<manifest><organizations></manifest>", "manifest_malformed"),
    (b"", "manifest_empty"),
    (b'<?xml version="1.0" encoding="UTF-8"?>\n', "manifest_empty"),
    (b"\x00\x01\x02garbage", "manifest_malformed"),
    ('<?xml version="1.0" encoding="UTF-8"?><manifest identifier="caf\xe9"/>'.encode("latin-1"),
     "manifest_bad_encoding"),
    (b"\xff\xfe<\x00m\x00\x00\xd8", "manifest_bad_encoding"),
    (b"\xff\xfe<\x00m\x00a", "manifest_bad_encoding"),
    (b'<?xml version="1.0" encoding="no-such-codec"?><manifest/>', "manifest_unknown_encoding"),
    (b"<manifest>" + b"<item>" * 5000 + b"</item>" * 5000 + b"</manifest>", "manifest_too_deep"),
    (b"<manifest>" + b"<a>" * 200000, "manifest_too_deep"),
])
def test_hostile_xml_is_refused_with_its_own_code(data, code):
    assert refusal(data) == code


def nested_items(depth):
    """A manifest whose launchable item sits under depth - 1 folder items."""
    return manifest_xml(items='<item identifier="f%d"><title>F</title>' * (depth - 1)
                        % tuple(range(depth - 1))
                        + '<item identifier="i1" identifierref="r1"><title>One</title></item>'
                        + "</item>" * (depth - 1))


def test_items_nested_up_to_the_depth_limit_are_read():
    manifest = parse_manifest(nested_items(96))  # manifest, organizations, organization, 96 items, title
    assert manifest.launchable_items()[0].identifier == "i1"
    assert refusal(nested_items(97)) == "manifest_too_deep"


def test_running_out_of_stack_is_a_manifest_error_too():
    data = nested_items(90)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 60)
    try:
        with pytest.raises(ManifestError) as caught:
            parse_manifest(data)
    finally:
        sys.setrecursionlimit(limit)
    assert caught.value.code == "manifest_too_deep"


def test_the_malformed_error_says_where():
    with pytest.raises(ManifestError) as caught:
        parse_manifest(b"<manifest>\n<organizations>\n</manifest>")
    assert (caught.value.params["line"], caught.value.code) == (3, "manifest_malformed")
    assert "line 3" in str(caught.value)


def test_declared_encodings_other_than_utf8_are_honoured():
    latin1 = manifest_xml().decode().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    latin1 = latin1.replace("<title>Course</title>", "<title>Caf\xe9</title>").encode("latin-1")
    assert parse_manifest(latin1).title == "Caf\xe9"
    utf16 = manifest_xml().decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert parse_manifest(utf16).title == "Course"
    assert parse_manifest(b"\xef\xbb\xbf" + manifest_xml()).title == "Course"


def test_an_internal_doctype_without_entities_is_accepted():
    data = manifest_xml().replace(b"\n<manifest", b"\n<!DOCTYPE manifest>\n<manifest", 1)
    assert parse_manifest(data).title == "Course"


# -- plain data ---------------------------------------------------------------------------------------------------

def test_to_dict_and_from_dict_round_trip_through_json():
    items = ('<item identifier="folder"><title>Folder</title>'
             '<item identifier="a" identifierref="r1" parameters="?x=1"><title>A</title>'
             '<adlcp:masteryscore>70</adlcp:masteryscore></item></item>')
    manifest = parse_manifest(manifest_xml(items=items, schemaversion=None))
    data = json.loads(json.dumps(manifest.to_dict()))
    restored = Manifest.from_dict(data)
    assert restored == manifest
    assert isinstance(restored.organization().items[0].children[0], Item)
    assert restored.launchable_items()[0].launch_url == "index.html?x=1"
    assert restored.notices == [ManifestNotice("schema_version_missing", version="SCORM 1.2")]
