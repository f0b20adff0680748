"""SCORM packages the tests write themselves, so that every suite runs from the repository alone.

A package is described with a few dataclasses and written as a zip:

    write_package(tmp_path / "one.zip", [Sco()])                                  # SCORM 1.2, one SCO
    write_package(path, [Sco("a"), Sco("b")], version="2004")                     # 2004 3rd edition, two SCOs
    write_package(path, [Sco(href="modules/un/café.html", query="?page=1")])      # nested, non-ASCII, query
    forced_sequential(path)                                                       # flow only, rollup, objectives

Each SCO's launch file is the probe SCO of openedxscorm_support/fixture_sco unless `body` says otherwise: it finds
the 1.2 or 2004 API, initializes, and makes the calls its launch query string names (see probe.js), so browser tests
make it do things through `Sco(parameters="?set=cmi.core.lesson_status=completed&commit=1")`, or drive
`window.probe`. The manifest is built with ElementTree, so every value given reaches the parser exactly as given."""
import atexit
import functools
import random
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

PROBE_DIR = Path(__file__).resolve().parent / "fixture_sco"
PROBE_SCRIPT = "probe.js"

IMSSS = "http://www.imsglobal.org/xsd/imsss"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"


@dataclass(frozen=True)
class Standard:
    """What differs between the versions a manifest can declare."""

    content_packaging: str
    adlcp: str
    schema_version: str
    scorm_type: str  # the attribute's spelling: 1.2 says scormtype, 2004 scormType


STANDARDS = {
    "1.2": Standard("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "http://www.adlnet.org/xsd/adlcp_rootv1p2",
                    "1.2", "scormtype"),
    "2004-2nd": Standard("http://www.imsglobal.org/xsd/imscp_v1p1", "http://www.adlnet.org/xsd/adlcp_v1p3",
                         "CAM 1.3", "scormType"),
    "2004": Standard("http://www.imsglobal.org/xsd/imscp_v1p1", "http://www.adlnet.org/xsd/adlcp_v1p3",
                     "2004 3rd Edition", "scormType"),
    "2004-4th": Standard("http://www.imsglobal.org/xsd/imscp_v1p1", "http://www.adlnet.org/xsd/adlcp_v1p3",
                         "2004 4th Edition", "scormType"),
}


@dataclass(frozen=True)
class Rule:
    """An imsss sequencing rule: kind "pre", "exit" or "post"; conditions such as "satisfied" or "not attempted",
    about `objective` (a referencedObjective of the activity) when given."""

    kind: str
    conditions: tuple
    action: str
    combination: str = "all"
    objective: str | None = None


@dataclass(frozen=True)
class RollupRule:
    """An imsss rollup rule: child set ("all", "any", "none"), conditions, action ("satisfied", "completed"...)."""

    child_set: str
    conditions: tuple
    action: str


@dataclass(frozen=True)
class Objective:
    """An imsss objective; `global_id` maps it to a shared global objective: its satisfied status is read from it,
    and written to it unless `read_only`."""

    identifier: str
    primary: bool = False
    satisfied_by_measure: bool = False
    min_measure: float | None = None
    global_id: str | None = None
    read_only: bool = False


@dataclass(frozen=True)
class Sequencing:
    """An item's or organization's imsss:sequencing; None leaves an attribute to the engine's default."""

    choice: bool | None = None
    flow: bool | None = None
    forward_only: bool | None = None
    choice_exit: bool | None = None
    rules: tuple = ()
    attempt_limit: int | None = None
    rollup_rules: tuple = ()
    rollup_objective_satisfied: bool | None = None
    rollup_progress_completion: bool | None = None
    objectives: tuple = ()
    tracked: bool | None = None
    completion_set_by_content: bool | None = None
    objective_set_by_content: bool | None = None


@dataclass
class Sco:
    """One launchable item and its resource.

    href: the launch file's path in the zip (folders and any characters allowed); query: written after it in the
    resource's href; parameters: the item's own parameters attribute; body: the launch file's bytes or text
    (default: the probe SCO); files: more files of the resource, path -> bytes or text; asset: an asset resource
    rather than a SCO; hide_lms_ui: adlnav:hideLMSUI values (2004).
    """

    identifier: str = "sco-1"
    title: str | None = None
    href: str = "index.html"
    query: str = ""
    parameters: str | None = None
    body: bytes | str | None = None
    files: dict = field(default_factory=dict)
    mastery_score: int | None = None
    sequencing: Sequencing | None = None
    visible: bool = True
    asset: bool = False
    hide_lms_ui: tuple = ()

    @property
    def resource_id(self):
        return f"res-{self.identifier}"


@dataclass
class Cluster:
    """An item holding other items (a folder in 1.2, a cluster of activities in 2004)."""

    identifier: str
    children: list
    title: str | None = None
    sequencing: Sequencing | None = None


def write_package(path, items, version="1.2", title="Fixture course", sequencing=None, files=None, omit=(),
                  objectives_global_to_system=None):
    """Write a zip: the manifest for `items` (Sco and Cluster), every launch file, the probe script beside each
    probe page, and `files` (path -> bytes or text) at the root. Paths in `omit` are left out of the zip, to make
    a broken package. Returns the path."""
    path = Path(path)
    entries = {"imsmanifest.xml": manifest_bytes(items, version, title, sequencing, objectives_global_to_system)}
    for sco in scos_of(items):
        entries.update(sco_files(sco))
    entries.update(files or {})
    write_zip(path, {name: data for name, data in entries.items() if name not in omit})
    return path


def write_zip(path, entries):
    """A zip of name -> bytes or text, names exactly as given (non-ASCII names get zipfile's UTF-8 flag). Dates
    are fixed, so the same entries always give the same bytes, hence the same sha1."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return path


def scos_of(items):
    """Every Sco under `items`, depth first, in document order."""
    for item in items:
        if isinstance(item, Cluster):
            yield from scos_of(item.children)
        else:
            yield item


def sco_files(sco):
    """The files a SCO's resource brings: its launch file (the probe page by default), the probe script beside
    it, and its own files."""
    entries = {}
    if sco.body is None:
        folder = PurePosixPath(sco.href).parent
        entries[sco.href] = (PROBE_DIR / "probe.html").read_bytes()
        entries[str(folder / PROBE_SCRIPT) if str(folder) != "." else PROBE_SCRIPT] = \
            (PROBE_DIR / PROBE_SCRIPT).read_bytes()
    else:
        entries[sco.href] = sco.body
    entries.update(sco.files)
    return entries


def manifest_bytes(items, version="1.2", title="Fixture course", sequencing=None, objectives_global_to_system=None):
    """imsmanifest.xml for `items`, as UTF-8 bytes."""
    standard = STANDARDS[version]
    ElementTree.register_namespace("", standard.content_packaging)
    ElementTree.register_namespace("adlcp", standard.adlcp)
    for prefix, uri in (("imsss", IMSSS), ("adlseq", ADLSEQ), ("adlnav", ADLNAV)):
        ElementTree.register_namespace(prefix, uri)
    writer = _ManifestWriter(standard)
    root = writer.manifest(items, title, sequencing, objectives_global_to_system)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


class _ManifestWriter:
    """Builds the manifest tree; one method per element kind."""

    def __init__(self, standard):
        self.standard = standard

    def cp(self, parent, tag, text=None, **attributes):
        """An element of the content packaging namespace."""
        return self._add(parent, f"{{{self.standard.content_packaging}}}{tag}", text, attributes)

    @staticmethod
    def _add(parent, tag, text, attributes):
        attributes = {name: _attribute_text(value) for name, value in attributes.items() if value is not None}
        element = ElementTree.Element(tag, attributes) if parent is None else \
            ElementTree.SubElement(parent, tag, attributes)
        element.text = text
        return element

    def ss(self, parent, tag, text=None, **attributes):
        return self._add(parent, f"{{{IMSSS}}}{tag}", text, attributes)

    def manifest(self, items, title, sequencing, objectives_global_to_system):
        root = self.cp(None, "manifest", identifier="fixture.manifest", version="1")
        metadata = self.cp(root, "metadata")
        self.cp(metadata, "schema", "ADL SCORM")
        self.cp(metadata, "schemaversion", self.standard.schema_version)
        organizations = self.cp(root, "organizations", default="org")
        organization = self.cp(organizations, "organization", identifier="org")
        if objectives_global_to_system is not None:
            organization.set(f"{{{ADLSEQ}}}objectivesGlobalToSystem", _attribute_text(objectives_global_to_system))
        self.cp(organization, "title", title)
        for item in items:
            self.item(organization, item)
        if sequencing is not None:
            self.sequencing(organization, sequencing)
        resources = self.cp(root, "resources")
        for sco in scos_of(items):
            self.resource(resources, sco)
        return root

    def item(self, parent, item):
        if isinstance(item, Cluster):
            element = self.cp(parent, "item", identifier=item.identifier)
            self.cp(element, "title", item.title or item.identifier)
            for child in item.children:
                self.item(element, child)
            if item.sequencing is not None:
                self.sequencing(element, item.sequencing)
            return
        element = self.cp(parent, "item", identifier=item.identifier, identifierref=item.resource_id,
                          isvisible=None if item.visible else False, parameters=item.parameters)
        self.cp(element, "title", item.title or item.identifier)
        if item.mastery_score is not None:
            self._add(element, f"{{{self.standard.adlcp}}}masteryscore", str(item.mastery_score), {})
        if item.sequencing is not None:
            self.sequencing(element, item.sequencing)
        if item.hide_lms_ui:
            presentation = self._add(element, f"{{{ADLNAV}}}presentation", None, {})
            navigation = self._add(presentation, f"{{{ADLNAV}}}navigationInterface", None, {})
            for control in item.hide_lms_ui:
                self._add(navigation, f"{{{ADLNAV}}}hideLMSUI", control, {})

    def resource(self, parent, sco):
        element = self.cp(parent, "resource", identifier=sco.resource_id, type="webcontent",
                          href=sco.href + sco.query)
        element.set(f"{{{self.standard.adlcp}}}{self.standard.scorm_type}", "asset" if sco.asset else "sco")
        for name in sco_files(sco):
            self.cp(element, "file", href=name)

    def sequencing(self, parent, spec):
        element = self.ss(parent, "sequencing")
        controls = {"choice": spec.choice, "flow": spec.flow, "forwardOnly": spec.forward_only,
                    "choiceExit": spec.choice_exit}
        if any(value is not None for value in controls.values()):
            self.ss(element, "controlMode", **controls)
        if spec.rules:
            rules = self.ss(element, "sequencingRules")
            for rule in sorted(spec.rules, key=lambda rule: RULE_ORDER.index(rule.kind)):
                self.rule(rules, rule)
        if spec.attempt_limit is not None:
            self.ss(element, "limitConditions", attemptLimit=spec.attempt_limit)
        rollup = {"rollupObjectiveSatisfied": spec.rollup_objective_satisfied,
                  "rollupProgressCompletion": spec.rollup_progress_completion}
        if spec.rollup_rules or any(value is not None for value in rollup.values()):
            rollup_rules = self.ss(element, "rollupRules", **rollup)
            for rule in spec.rollup_rules:
                self.rollup_rule(rollup_rules, rule)
        if spec.objectives:
            objectives = self.ss(element, "objectives")
            for objective in sorted(spec.objectives, key=lambda objective: not objective.primary):
                self.objective(objectives, objective)
        delivery = {"tracked": spec.tracked, "completionSetByContent": spec.completion_set_by_content,
                    "objectiveSetByContent": spec.objective_set_by_content}
        if any(value is not None for value in delivery.values()):
            self.ss(element, "deliveryControls", **delivery)

    def rule(self, parent, rule):
        element = self.ss(parent, f"{rule.kind}ConditionRule")
        self.conditions(element, "rule", rule.conditions, rule.combination, rule.objective)
        self.ss(element, "ruleAction", action=rule.action)

    def rollup_rule(self, parent, rule):
        element = self.ss(parent, "rollupRule", childActivitySet=rule.child_set)
        self.conditions(element, "rollup", rule.conditions, "any")
        self.ss(element, "rollupAction", action=rule.action)

    def conditions(self, parent, kind, conditions, combination, objective=None):
        """<kind>Conditions: one <kind>Condition each, "not x" written as operator="not"."""
        element = self.ss(parent, f"{kind}Conditions", conditionCombination=combination)
        for condition in conditions:
            negated = condition.startswith("not ")
            self.ss(element, f"{kind}Condition", referencedObjective=objective,
                    condition=condition.removeprefix("not "), operator="not" if negated else None)

    def objective(self, parent, objective):
        element = self.ss(parent, "primaryObjective" if objective.primary else "objective",
                          objectiveID=objective.identifier,
                          satisfiedByMeasure=objective.satisfied_by_measure or None)
        if objective.min_measure is not None:
            self.ss(element, "minNormalizedMeasure", str(objective.min_measure))
        if objective.global_id is not None:
            self.ss(element, "mapInfo", targetObjectiveID=objective.global_id, readSatisfiedStatus=True,
                    writeSatisfiedStatus=not objective.read_only)


RULE_ORDER = ("pre", "exit", "post")


def _attribute_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# Ready-made packages the suites share.

def single_sco(path, version="1.2", **sco):
    """One SCO (the probe unless `body` is given), `sco` being Sco's fields."""
    return write_package(path, [Sco(**sco)], version=version)


def multi_sco(path, version="1.2", count=3, title="Fixture course"):
    """`count` probe SCOs in their own folders, titled "Lesson 1"..."Lesson N"."""
    scos = [Sco(f"sco-{number}", f"Lesson {number}", href=f"lesson{number}/index.html")
            for number in range(1, count + 1)]
    return write_package(path, scos, version=version, title=title)


def forced_sequential(path, count=3):
    """SCORM 2004, choice and flow, launch hrefs with a query string. Each lesson's primary objective writes a
    global objective; every lesson after the first reads the previous one's and is disabled until it is satisfied.
    The course rolls up satisfied when every lesson is."""
    course = Sequencing(choice=True, flow=True, rollup_objective_satisfied=True,
                        rollup_rules=(RollupRule("all", ("satisfied",), "satisfied"),))
    scos = []
    for number in range(1, count + 1):
        objectives = [Objective(f"lesson-{number}-satisfied", primary=True, global_id=f"global-{number}")]
        rules = ()
        if number > 1:
            objectives.append(Objective("previous-satisfied", global_id=f"global-{number - 1}", read_only=True))
            rules = (Rule("pre", ("not satisfied", "not objectiveStatusKnown"), "disabled", combination="any",
                          objective="previous-satisfied"),)
        scos.append(Sco(f"sco-{number}", f"Lesson {number}", href=f"lesson{number}/index.html",
                        query=f"?lesson={number}", sequencing=Sequencing(rules=rules, objectives=tuple(objectives))))
    return write_package(path, scos, version="2004", title="Forced sequential course", sequencing=course)


# Named packages, written once per process on first use: module-level constants of the suites point at them.
CATALOG = {
    "probe-1.2.zip": lambda path: write_package(
        path, [Sco("lesson", "The lesson", href="lesson/index.html")], title="Probe course 1.2"),
    "probe-2004.zip": lambda path: write_package(
        path, [Sco("lesson", "The lesson", href="lesson/index.html")], version="2004", title="Probe course 2004"),
    "other-1.2.zip": lambda path: write_package(
        path, [Sco("other", "Another lesson", href="other.html")], title="Another probe course"),
    "multi-1.2.zip": lambda path: multi_sco(path, "1.2", title="Three lessons 1.2"),
    "multi-2004.zip": lambda path: multi_sco(path, "2004", title="Three lessons 2004"),
    "sequenced-2004.zip": forced_sequential,
    "remediation-2004.zip": lambda path: write_package(
        path, [Cluster("module", [Sco("content", "Content", href="content/index.html"),
                                  Sco("test", "Test", href="test/index.html")],
                       title="Module", sequencing=Sequencing(rules=(Rule("post", ("not satisfied",), "retry"),))),
               Sco("review", "Review", href="review/index.html", visible=False)],
        version="2004", title="Retry until satisfied",
        sequencing=Sequencing(choice=True, flow=True)),
    # One SCO that waits (the test makes every call) and declares a primary and two secondary objectives.
    "objectives-2004.zip": lambda path: write_package(
        path, [Sco("lesson", "Objectives", href="lesson/index.html", parameters="?manual=1", sequencing=Sequencing(
            objectives=(Objective("primary-obj", primary=True), Objective("secondary-a"), Objective("secondary-b"))))],
        version="2004", title="Objectives probe 2004"),
    "media-1.2.zip": lambda path: write_package(
        path, [Sco("lesson", "A lesson with a video", href="lesson/index.html",
                   files={"lesson/media/clip.mp4": random.Random(1).randbytes(300 * 1024)})],
        title="Probe course with media"),
    "many-files-1.2.zip": lambda path: write_package(
        path, [Sco("lesson", "A lesson of many pages", href="lesson/index.html",
                   files={f"lesson/pages/page{number:03}.html": "<p>page</p>" * (number + 1) for number in range(80)})],
        title="Probe course with many files"),
    "nested-café-1.2.zip": lambda path: write_package(
        path, [Sco("café", "Leçon", href="modules/été/café.html", query="?page=1")], title="Cours accentué"),
}


@functools.cache
def _fixture_folder():
    folder = Path(tempfile.mkdtemp(prefix="scorm-fixtures-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@functools.cache
def fixture_zip(name):
    """The path of CATALOG's package `name`, written on first use in a folder removed when the process exits."""
    return CATALOG[name](_fixture_folder() / name)


def fixture_folder(names=None):
    """A folder holding CATALOG's packages (all, or `names`): the dev server preloads one scenario per zip."""
    for name in names or CATALOG:
        fixture_zip(name)
    return _fixture_folder()
