"""The packages tests write themselves pass the block's own checks and say what they were built to say."""
import zipfile

import pytest

from openedxscorm.manifest import parse_manifest
from openedxscorm.package import Limits, PackageError, check_package, spool_path
from tests.packages import (
    CATALOG,
    Cluster,
    Objective,
    Rule,
    Sco,
    Sequencing,
    fixture_zip,
    forced_sequential,
    multi_sco,
    single_sco,
    write_package,
    write_zip,
)


def checked(zip_path):
    return check_package(spool_path(zip_path), Limits())


@pytest.mark.parametrize("version, label", [("1.2", "1.2"), ("2004-2nd", "2004-2nd"), ("2004", "2004-3rd"),
                                            ("2004-4th", "2004-4th")])
def test_single_sco_is_accepted_with_its_version(tmp_path, version, label):
    package = checked(single_sco(tmp_path / "one.zip", version=version, title="Only lesson"))
    assert package.manifest.version == label
    assert [(item.title, item.launch_url) for item in package.manifest.launchable_items()] == \
        [("Only lesson", "index.html")]
    assert {member.path for member in package.members} == {"imsmanifest.xml", "index.html", "probe.js"}


def test_multi_sco_gives_one_launchable_item_per_lesson_in_its_folder(tmp_path):
    package = checked(multi_sco(tmp_path / "three.zip", version="2004", count=3))
    assert [(item.title, item.launch_url) for item in package.manifest.launchable_items()] == [
        ("Lesson 1", "lesson1/index.html"), ("Lesson 2", "lesson2/index.html"), ("Lesson 3", "lesson3/index.html")]
    assert "lesson2/probe.js" in {member.path for member in package.members}


def test_nested_non_ascii_launch_file_with_query_and_parameters(tmp_path):
    zip_path = single_sco(tmp_path / "café.zip", href="modules/ünïté/café.html", query="?page=1",
                          parameters="&set=cmi.core.lesson_status=completed")
    package = checked(zip_path)
    [item] = package.manifest.launchable_items()
    assert item.launch_url.startswith("modules/%C3%BCn%C3%AFt%C3%A9/caf%C3%A9.html?page=1")
    assert "set=cmi.core.lesson_status=completed" in item.launch_url
    with zipfile.ZipFile(zip_path) as archive:
        assert "modules/ünïté/café.html" in archive.namelist()
        assert "modules/ünïté/probe.js" in archive.namelist()


def test_forced_sequential_carries_rules_rollup_and_objectives(tmp_path):
    data = zipfile.ZipFile(forced_sequential(tmp_path / "seq.zip")).read("imsmanifest.xml")
    manifest = parse_manifest(data)
    assert manifest.version == "2004-3rd"
    assert len(manifest.launchable_items()) == 3
    text = data.decode("utf-8")
    for expected in ('controlMode choice="true" flow="true"', 'ruleConditions conditionCombination="any"',
                     'ruleCondition referencedObjective="previous-satisfied" condition="satisfied" operator="not"',
                     'ruleAction action="disabled"', 'rollupRule childActivitySet="all"',
                     'rollupAction action="satisfied"', 'primaryObjective objectiveID="lesson-2-satisfied"',
                     'mapInfo targetObjectiveID="global-3" readSatisfiedStatus="true" writeSatisfiedStatus="true"',
                     'mapInfo targetObjectiveID="global-2" readSatisfiedStatus="true" writeSatisfiedStatus="false"'):
        assert expected in text
    assert text.count('ruleAction action="disabled"') == 2  # every lesson but the first


def test_clusters_nest_items_and_hidden_items_stay_hidden(tmp_path):
    items = [Cluster("module", [Sco("a"), Sco("b", visible=False, href="b/index.html")], title="Module",
                     sequencing=Sequencing(choice=True, rules=(Rule("post", ("not completed",), "retry"),)))]
    manifest = checked(write_package(tmp_path / "nested.zip", items, version="2004")).manifest
    [module] = manifest.organization().items
    assert module.title == "Module"
    assert [(child.identifier, child.visible) for child in module.children] == [("a", True), ("b", False)]


def test_objectives_list_the_primary_one_first_with_its_measure(tmp_path):
    sco = Sco(sequencing=Sequencing(objectives=(
        Objective("other"), Objective("main", primary=True, satisfied_by_measure=True, min_measure=0.6))))
    text = zipfile.ZipFile(write_package(tmp_path / "obj.zip", [sco], version="2004")).read("imsmanifest.xml")
    assert text.index(b'primaryObjective objectiveID="main"') < text.index(b'objective objectiveID="other"')
    assert b'satisfiedByMeasure="true"><imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure>' in text


def test_omitting_the_launch_file_makes_a_refused_package(tmp_path):
    with pytest.raises(PackageError) as caught:
        checked(write_package(tmp_path / "broken.zip", [Sco()], omit=("index.html",)))
    assert caught.value.code == "launch_missing"


def test_an_own_body_replaces_the_probe(tmp_path):
    zip_path = single_sco(tmp_path / "plain.zip", body="<!doctype html><title>plain</title>")
    assert zipfile.ZipFile(zip_path).namelist() == ["imsmanifest.xml", "index.html"]


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_catalog_package_is_accepted_and_written_once(name):
    package = checked(fixture_zip(name))
    assert package.manifest.launchable_items()
    assert fixture_zip(name) == fixture_zip(name)
    assert fixture_zip(name).name == name


def test_the_same_package_written_twice_has_the_same_bytes(tmp_path):
    first = multi_sco(tmp_path / "first.zip")
    second = multi_sco(tmp_path / "second.zip")
    assert first.read_bytes() == second.read_bytes()


def notices_of(package):
    return [(notice.code, notice.params) for notice in package.notices]


def test_files_the_manifest_lists_but_the_zip_lacks_are_named_first_few_and_counted(tmp_path):
    media = {f"lesson/media/clip{number}.mp4": b"video" for number in range(8)}
    sco = Sco(href="lesson/index.html", files=media)
    one_missing = checked(write_package(tmp_path / "one.zip", [sco], omit=("lesson/media/clip3.mp4",)))
    assert notices_of(one_missing) == [("files_missing", {"count": 1, "files": "lesson/media/clip3.mp4"})]
    all_missing = checked(write_package(tmp_path / "eight.zip", [sco], omit=tuple(media)))
    [(code, params)] = notices_of(all_missing)
    assert code == "files_missing" and params["count"] == 8
    assert params["files"] == ", ".join(sorted(media)[:5]) + ", ..."
    assert "Files the manifest lists are not in the package (8: lesson/media/clip0.mp4, " in \
        all_missing.notices[0].render()


def test_listed_files_are_read_under_xml_base_and_a_whole_package_has_no_notice(tmp_path):
    manifest = b"""<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2" xml:base="course/">
 <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
 <organizations default="o"><organization identifier="o"><title>T</title>
  <item identifier="i" identifierref="r"><title>I</title></item></organization></organizations>
 <resources xml:base="sco/"><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="index.html"
   xml:base="one/"><file href="index.html"/><file href="img/a%20b.png"/><file href="http://cdn.example/x.js"/>
   <file href="../../../../outside.js"/></resource></resources>
</manifest>"""
    entries = {"imsmanifest.xml": manifest, "course/sco/one/index.html": "<p>hi</p>",
               "course/sco/one/img/a b.png": b"png"}
    assert notices_of(checked(write_zip(tmp_path / "based.zip", entries))) == []
    del entries["course/sco/one/img/a b.png"]
    assert notices_of(checked(write_zip(tmp_path / "lacking.zip", entries))) == [
        ("files_missing", {"count": 1, "files": "course/sco/one/img/a b.png"})]


def test_a_missing_launch_file_is_still_refused_whatever_else_is_missing(tmp_path):
    sco = Sco(href="lesson/index.html", files={"lesson/a.js": "1"})
    with pytest.raises(PackageError) as caught:
        checked(write_package(tmp_path / "x.zip", [sco], omit=("lesson/index.html", "lesson/a.js")))
    assert caught.value.code == "launch_missing"
