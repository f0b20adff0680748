"""The manifest parser against real packages: every zip of valid/ and invalid/, and the ADL 2004 4th Edition corpus."""
import json
import zipfile

import pytest

from openedxscorm.manifest import Manifest, ManifestError, parse_manifest
from openedxscorm_support.folders import package_zips, packages_dir
from tests.conftest import needs_real_packages

ADL_CORPUS = "adl-cts-2004-4th-manifests.zip"
pytestmark = needs_real_packages


def manifest_names(archive):
    """Every imsmanifest.xml member of a zip, shallowest first."""
    names = [name for name in archive.namelist() if name.rsplit("/", 1)[-1].lower() == "imsmanifest.xml"]
    return sorted(names, key=lambda name: (name.count("/"), name))


def read_manifest(path):
    """The bytes of the shallowest imsmanifest.xml in the zip at `path`, None when it has none."""
    with zipfile.ZipFile(path) as archive:
        names = manifest_names(archive)
        return archive.read(names[0]) if names else None


def parse_package(name, kind="valid"):
    return parse_manifest(read_manifest(packages_dir() / kind / name))


def zip_ids(paths):
    return [path.name for path in paths]


def notice_codes(manifest):
    return [notice.code for notice in manifest.notices]


# -- every package -----------------------------------------------------------------------------------------------

VALID = package_zips("valid")
INVALID = package_zips("invalid")


def test_the_packages_folder_is_there():
    assert VALID and INVALID, f"no packages under {packages_dir()}"


@pytest.mark.parametrize("path", VALID, ids=zip_ids(VALID))
def test_every_valid_package_parses_into_launchable_items(path):
    manifest = parse_manifest(read_manifest(path))
    assert manifest.version in ("1.2", "2004-2nd", "2004-3rd", "2004-4th")
    assert manifest.title
    items = manifest.launchable_items()
    assert items
    for item in items:
        assert item.launch_url.startswith(item.launch_path)
        assert not item.launch_path.startswith("/") and ".." not in item.launch_path.split("/")


@pytest.mark.parametrize("path", INVALID, ids=zip_ids(INVALID))
def test_an_invalid_package_gives_a_manifest_or_a_manifest_error_and_nothing_else(path):
    data = read_manifest(path)
    if data is None:
        return
    try:
        manifest = parse_manifest(data)
    except ManifestError as error:
        assert error.code in ManifestError.MESSAGES
    else:
        assert manifest.launchable_items()


# -- what the README of the packages says of each ------------------------------------------------------------------

# zip -> (version, title, number of launchable items, notice codes)
VALID_EXPECTATIONS = {
    "ContentPackagingSingleSCO_SCORM12.zip": ("1.2", "Golf Explained - CP Single SCO", 1, []),
    "RuntimeBasicCalls_SCORM12.zip": ("1.2", "Golf Explained - Run-time Basic Calls", 1, []),
    "RuntimeMinimumCalls_SCORM12.zip": ("1.2", "Golf Explained - Minimum Run-time Calls", 18, []),
    "ContentPackagingOneFilePerSCO_SCORM12.zip": ("1.2", "Golf Explained - CP One File Per SCO", 18, []),
    "ContentPackagingSingleSCO_SCORM20042ndEdition.zip": ("2004-2nd", "Golf Explained - CP Single SCO", 1, []),
    "ContentPackagingSingleSCO_SCORM20043rdEdition.zip": ("2004-3rd", "Golf Explained - CP Single SCO", 1, []),
    "RuntimeBasicCalls_SCORM20043rdEdition.zip": ("2004-3rd", "Golf Explained - Run-time Basic Calls", 1, []),
    "RuntimeMinimumCalls_SCORM20043rdEdition.zip": ("2004-3rd", "Golf Explained - Minimum Run-time Calls", 18, []),
    "ContentPackagingOneFilePerSCO_SCORM20043rdEdition.zip":
        ("2004-3rd", "Golf Explained - CP One File Per SCO", 18, []),
    "SequencingForcedSequential_SCORM20043rdEdition.zip":
        ("2004-3rd", "Golf Explained - Sequencing Forced Order", 5, []),
    "SequencingSimpleRemediation_SCORM20043rdEdition.zip": ("2004-3rd", "Golf Explained - Simple Remediation", 8, []),
    "SequencingPostTestRollup_SCORM20043rdEdition.zip":
        ("2004-3rd", "Golf Explained - Sequencing Post Test Rollup", 5, []),
    "singlescobasic.zip": ("1.2", "Golf Explained - Run-time Basic Calls", 1, []),
    "ContentPackagingWithMetadata_SCORM12.zip": ("1.2", "SCORM 1.2 With Metadata", 1, []),
    "MultipleItemsWithIdentifierRef_SCORM12.zip": ("1.2", "Multiple Items With IdentifierRef Test", 3, []),
    "PrerequisitesTest_SCORM12.zip": ("1.2", "Prerequisites Test Course", 4, []),
    "MinimalValid_SCORM20043rdEdition.zip": ("2004-3rd", "Minimal Course", 1, []),
    "ContentPackagingNoSchemaVersion_SCORM20042ndEdition.zip":
        ("2004-2nd", "Minimal 2nd Edition No SchemaVersion", 1, ["schema_version_missing"]),
    "AdlAttributes_SCORM20043rdEdition.zip": ("2004-3rd", "ADL Attributes Example", 1, []),
}
PRESENT_VALID = sorted(name for name in VALID_EXPECTATIONS if (packages_dir() / "valid" / name).exists())


@pytest.mark.parametrize("name", PRESENT_VALID)
def test_valid_package_version_title_items_and_notices(name):
    version, title, count, notices = VALID_EXPECTATIONS[name]
    manifest = parse_package(name)
    assert (manifest.version, manifest.title, len(manifest.launchable_items())) == (version, title, count)
    assert notice_codes(manifest) == notices


def named_valid(name):
    path = packages_dir() / "valid" / name
    if not path.exists():
        pytest.skip(f"{name} is not in this packages folder")
    return parse_manifest(read_manifest(path))


def test_runtime_minimum_calls_12_launches_18_scos_in_manifest_order_without_its_4_folders():
    manifest = named_valid("RuntimeMinimumCalls_SCORM12.zip")
    organization = manifest.organization()
    folders = [item for item in organization.walk() if item.identifierref is None]
    assert [item.identifier for item in folders] == [
        "playing_item", "etiquette_item", "handicapping_item", "havingfun_item"]
    assert all(item.launch_url is None and item.launch_path is None for item in folders)
    items = manifest.launchable_items()
    assert len(items) == 18
    assert [item.identifier for item in items[:7]] == [
        "playing_playing_item", "playing_par_item", "playing_scoring_item", "playing_otherscoring_item",
        "playing_rules_item", "playing_quiz_item", "etiquette_course_item"]
    assert items[-1].identifier == "havingfun_quiz_item"
    quiz = items[5]
    assert quiz.parameters == "?questions=Playing"
    assert quiz.launch_url == "shared/assessmenttemplate.html?questions=Playing"
    assert quiz.launch_path == "shared/assessmenttemplate.html"
    assert quiz.scorm_type == "sco"
    assert manifest.version_label == "SCORM 1.2"


def test_sequencing_forced_sequential_keeps_the_query_strings_of_its_hrefs():
    manifest = named_valid("SequencingForcedSequential_SCORM20043rdEdition.zip")
    urls = [item.launch_url for item in manifest.launchable_items()]
    assert urls[0] == "shared/launchpage.html?content=playing"
    assert all(url.startswith("shared/launchpage.html?content=") for url in urls)
    assert {item.launch_path for item in manifest.launchable_items()} == {"shared/launchpage.html"}
    assert manifest.organization().sequencing is not None


def test_sequencing_simple_remediation_keeps_hidden_items_as_not_visible():
    manifest = named_valid("SequencingSimpleRemediation_SCORM20043rdEdition.zip")
    wrapper = next(item for item in manifest.organization().walk() if item.identifier == "content_wrapper")
    assert wrapper.visible is False and wrapper.launch_url is None
    launchable = [item.identifier for item in manifest.launchable_items()]
    assert [child.identifier for child in wrapper.children if child.launch_url]
    assert all(child.identifier in launchable for child in wrapper.children if child.identifierref)
    assert any(item.sequencing for item in manifest.organization().walk())


def test_cam_1_3_is_the_2004_2nd_edition():
    manifest = named_valid("ContentPackagingSingleSCO_SCORM20042ndEdition.zip")
    assert (manifest.version, manifest.version_label) == ("2004-2nd", "SCORM 2004 2nd Edition")


def test_a_manifest_without_schemaversion_is_read_as_2004_from_its_namespaces_with_a_notice():
    manifest = named_valid("ContentPackagingNoSchemaVersion_SCORM20042ndEdition.zip")
    assert manifest.version.startswith("2004")
    assert notice_codes(manifest) == ["schema_version_missing"]
    assert manifest.launchable_items()[0].scorm_type == "sco"


def test_adl_attributes_are_read_into_the_item():
    item = named_valid("AdlAttributes_SCORM20043rdEdition.zip").launchable_items()[0]
    assert item.data_from_lms == "Launch Data"
    assert item.time_limit_action == "exit,message"
    assert item.completion_threshold == {
        "completedByMeasure": True, "minProgressMeasure": 0.75, "progressWeight": 1.0}
    assert item.presentation == ["exit", "continue"]
    assert item.sequencing["children"][0]["name"] == "controlMode"
    assert item.sequencing["children"][0]["attributes"]["choice"] == "false"


def test_prerequisites_are_kept():
    manifest = named_valid("PrerequisitesTest_SCORM12.zip")
    assert any(item.prerequisites for item in manifest.launchable_items())


# -- invalid/: the decision taken for each ------------------------------------------------------------------------

# zip -> ("refuse", error code) or ("warn", notice codes, launchable item identifiers), or ("no manifest",)
INVALID_DECISIONS = {
    "MalformedXml_SCORM12.zip": ("refuse", "manifest_malformed"),
    "MissingLaunchUrl_SCORM12.zip": ("refuse", "resource_href_missing"),
    "badscorm.zip": ("refuse", "manifest_empty"),
    "invalid.zip": ("no manifest",),
    "InvalidFileReferences_SCORM12.zip": ("warn", [], ["item_1"]),
    "ItemWithNonExistentResourceId_SCORM12.zip": ("warn", ["item_resource_unknown"], ["item_2"]),
    "InvalidMissingOrgIdentifier_SCORM20043rdEdition.zip":
        ("warn", ["organization_identifier_missing", "default_organization_unknown"], ["item1"]),
    "MissingRequiredFields_SCORM12.zip": ("warn", ["organization_title_missing"], ["item_1"]),
    "singlescobasic_missingorg.zip": ("warn", ["no_organization"], ["resource_1"]),
}
PRESENT_INVALID = sorted(name for name in INVALID_DECISIONS if (packages_dir() / "invalid" / name).exists())


@pytest.mark.parametrize("name", PRESENT_INVALID)
def test_invalid_package_gets_the_decided_outcome(name):
    decision = INVALID_DECISIONS[name]
    data = read_manifest(packages_dir() / "invalid" / name)
    if decision[0] == "no manifest":
        assert data is None
        return
    if decision[0] == "refuse":
        with pytest.raises(ManifestError) as caught:
            parse_manifest(data)
        assert caught.value.code == decision[1]
        assert caught.value.render()
        return
    manifest = parse_manifest(data)
    assert notice_codes(manifest) == decision[1]
    assert [item.identifier for item in manifest.launchable_items()] == decision[2]


def test_missing_file_references_are_left_to_the_zip_checker():
    path = packages_dir() / "invalid" / "InvalidFileReferences_SCORM12.zip"
    if not path.exists():
        pytest.skip("InvalidFileReferences_SCORM12.zip is not in this packages folder")
    item = parse_manifest(read_manifest(path)).launchable_items()[0]
    assert item.launch_path == "content/nonexistent.html"
    with zipfile.ZipFile(path) as archive:
        assert item.launch_path not in archive.namelist()


def test_badscorm_only_holds_a_nested_manifest():
    path = packages_dir() / "invalid" / "badscorm.zip"
    if not path.exists():
        pytest.skip("badscorm.zip is not in this packages folder")
    with zipfile.ZipFile(path) as archive:
        assert manifest_names(archive) == ["badscorm/imsmanifest.xml"]


def test_a_package_without_organization_is_titled_by_its_identifier_and_launches_its_sco():
    path = packages_dir() / "invalid" / "singlescobasic_missingorg.zip"
    if not path.exists():
        pytest.skip("singlescobasic_missingorg.zip is not in this packages folder")
    manifest = parse_manifest(read_manifest(path))
    assert manifest.title == manifest.identifier == "com.scorm.golfsamples.runtime.basicruntime.12"
    assert manifest.launchable_items()[0].launch_url == "sso/launchpage.html"


# -- the ADL SCORM 2004 4th Edition conformance manifests ---------------------------------------------------------


@pytest.fixture(scope="module")
def adl_manifests():
    path = packages_dir() / ADL_CORPUS
    if not path.exists():
        pytest.skip(f"{ADL_CORPUS} is not in this packages folder")
    with zipfile.ZipFile(path) as archive:
        return {
            name.split("/")[-2]: parse_manifest(archive.read(name))
            for name in archive.namelist() if name.endswith("/imsmanifest.xml")
        }


def test_all_189_adl_manifests_parse_into_launch_urls(adl_manifests):
    assert len(adl_manifests) == 189
    for name, manifest in adl_manifests.items():
        assert manifest.version == "2004-4th", name
        assert manifest.launchable_items(), name
        assert all(item.launch_url for item in manifest.launchable_items()), name


ADL_SPOT_CHECKS = {
    # resources with xml:base="resources/", parameters "?tc=...&act=n"
    "LMSTestPackage_API": [
        "resources/AssetLaunchTest.htm?tc=API&act=1",
        "resources/APIRTETest1.htm?tc=API&act=2",
        "resources/APIRTETest2.htm?tc=API&act=3",
    ],
    "LMSTestPackage_SX-04b": [
        "resources/SequencingTest.htm?tc=SX-04b&act=1",
        "resources/SequencingTest.htm?tc=SX-04b&act=2",
        "resources/SequencingTest.htm?tc=SX-04b&act=3",
    ],
}


@pytest.mark.parametrize("name", sorted(ADL_SPOT_CHECKS))
def test_adl_launch_urls_apply_xml_base_and_parameters(adl_manifests, name):
    assert [item.launch_url for item in adl_manifests[name].launchable_items()] == ADL_SPOT_CHECKS[name]


def test_adl_manifest_without_xml_base_and_with_a_folder_item(adl_manifests):
    manifest = adl_manifests["LMSTestPackage_SX-03"]
    items = manifest.launchable_items()
    assert items[0].launch_url == "resources/SequencingTest.htm?tc=SX-03&act=1"
    assert "activity_2" not in [item.identifier for item in items]
    assert any(item.identifier == "activity_2" for item in manifest.organization().walk())


def test_adl_completion_threshold_and_objectives_global_to_system(adl_manifests):
    thresholds = [item.completion_threshold for item in adl_manifests["LMSTestPackage_CO-10"].launchable_items()]
    assert {"completedByMeasure": True, "minProgressMeasure": 0.6, "progressWeight": 1.0} in thresholds
    assert adl_manifests["LMSTestPackage_RU-13d"].organization().objectives_global_to_system is False


def test_adl_manifests_round_trip_through_plain_data(adl_manifests):
    for manifest in adl_manifests.values():
        data = json.loads(json.dumps(manifest.to_dict()))
        assert Manifest.from_dict(data) == manifest
