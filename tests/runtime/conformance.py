"""Replays the conformance JSON (ADL test-suite cases, hand-written probes, and our own stored-state cases)
against the server side.

Each file holds activities of steps (method, element, value, expectedReturn, expectedErrorCode), replayed
in order as one session: Initialize opens it, every SetValue the standard accepts is committed, Terminate
ends it. What the server answers for is checked; what only the browser API answers (call sequence, error
strings, keywords read through GetValue) is counted as skipped with its reason.

An activity's `initialState` (scorm-again's loadFromJSON shape, {"cmi": {...}}, per activity or per file) is what
the learner already has at launch. It reaches the API the way a real learner's state does (`seed_of`): launch
settings from the manifest, the learner's id and name from the user service, and everything else from a previous
session of the same learner, committed and ended, then resumed: its data elements set in that session, `entry`
from that session's exit, `total_time` from its session_time (zero when none is given). Both replays (this one
and the browser's) play that previous session through their real paths, then launch again from the stored state;
tests/test_conformance_resume.py checks that this replay's resume gives what a real block's launcher gives.
"""
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from openedxscorm.runtime import (
    CommitRejected,
    apply_commit,
    derive,
    finish_session,
    initial_values,
    parse_scorm12,
    parse_scorm2004,
    resolve,
    start_session,
    validate_set,
)
from openedxscorm.runtime.datamodel import standard_of
from openedxscorm.runtime.divergences import divergences_for
from openedxscorm.runtime.elements import WRITABLE, WRITE_ONLY
from openedxscorm_support.folders import conformance_dir

# Our own cases (always there, also in a fresh clone): state a learner already has, resumed.
OWN_STEPS_DIR = Path(__file__).resolve().parent / "stored_state_steps"
OWN_PREFIX = "own/"

# Error codes about the API's call sequence (not initialized, terminated...): the browser API's business.
CALL_SEQUENCE_CODES = {
    "1.2": {"301"},
    "2004": {"102", "103", "104", "111", "112", "113", "122", "123", "132", "133", "142", "143"},
}
WRITE_ONLY_READ_CODE = {"1.2": "404", "2004": "405"}
# Launch elements (runtime LAUNCH_ELEMENTS keys) the block takes from the manifest: initial_values keywords.
LAUNCH_SETTINGS = ("max_time_allowed", "scaled_passing_score", "completion_threshold", "launch_data",
                   "time_limit_action", "mastery_score")
# Launch elements the user service gives.
LEARNER_SETTINGS = ("learner_id", "learner_name")
# Launch elements that come from the learner's previous session.
RESUMED = ("entry", "total_time")
LEARNER = {"learner_id": "learner-1", "learner_name": "Learner One"}
# The exit of the previous session that gives the entry asked for: (standard, entry) -> exit. An entry absent from
# initialState takes the standard's usual resume: 1.2 keeps its data after any exit, 2004 only after suspend.
EXIT_FOR_ENTRY = {("1.2", "resume"): "suspend", ("1.2", ""): "", ("2004", "resume"): "suspend"}
EXIT_WITHOUT_ENTRY = {"1.2": "", "2004": "suspend"}
# Statuses the browser API evaluates on GetValue from the thresholds (RTE 4.2.4, 4.2.22), as runtime.derive does.
EVALUATED = {"2004": {"cmi.completion_status": "completion", "cmi.success_status": "success"}}
DURATION_PARSERS = {"1.2": parse_scorm12, "2004": parse_scorm2004}
NO_TIME = {"1.2": "0000:00:00", "2004": "PT0S"}

SKIP_REASONS = {
    "call_sequence": "call-sequence state (Initialize/Terminate order): answered by the browser API",
    "api_only": ("API-only method: GetLastError, GetErrorString, GetDiagnostic, Initialize with an argument, "
                 "Commit (each accepted SetValue is committed at once)"),
    "browser_get": "GetValue answered by the browser API alone (keywords such as _count, unknown elements)",
}


def _activities_of(root, prefix):
    found = []
    for path in sorted(root.rglob("*.json")) if root.is_dir() else ():
        suite = json.loads(path.read_text(encoding="utf-8"))
        for activity in suite["activities"]:
            if "initialState" in suite and "initialState" not in activity:
                activity = {**activity, "initialState": suite["initialState"]}
            found.append((f"{prefix}{path.relative_to(root)}:{activity['id']}", suite["scormVersion"], activity))
    return found


def conformance_activities():
    """(test id, standard, activity) for every activity of every JSON file found recursively under
    SCORM_CONFORMANCE_DIR (none when it is absent)."""
    return _activities_of(conformance_dir(), "")


def own_activities():
    """(test id, standard, activity) of our own stored-state cases."""
    return _activities_of(OWN_STEPS_DIR, OWN_PREFIX)


def all_activities():
    return own_activities() + conformance_activities()


def flatten(tree, prefix="cmi"):
    """{"cmi": {"core": {"entry": "resume"}}} as {"cmi.core.entry": "resume"}; lists are collections."""
    if isinstance(tree, dict):
        items = tree.items()
    elif isinstance(tree, list):
        items = ((str(index), value) for index, value in enumerate(tree))
    else:
        return {prefix: tree if isinstance(tree, str) else json.dumps(tree)}
    found = {}
    for name, value in items:
        found.update(flatten(value, f"{prefix}.{name}"))
    return found


@dataclass
class Seed:
    """Where each element of an activity's initialState comes from at launch (see the module's docstring)."""

    settings: dict = field(default_factory=dict)  # launch settings (initial_values keywords)
    learner: dict = field(default_factory=lambda: dict(LEARNER))
    changes: list = field(default_factory=list)  # SetValues of the previous session
    exit: str | None = None  # that session's exit; None: no previous session
    seeded: dict = field(default_factory=dict)  # element -> value, as the activity expects to read it
    problems: list = field(default_factory=list)  # elements no real learner's state can hold


def seed_of(standard, activity):
    """The Seed of an activity: each initialState element put where a real learner's comes from."""
    spec, seed = standard_of(standard), Seed()
    launch = {element: key for key, element in spec.launch_elements.items()}
    resumed = {}
    for element, value in flatten(activity.get("initialState", {}).get("cmi", {})).items():
        key = launch.get(element)
        row = spec.elements.get(resolve(element).pattern) if resolve(element) else None
        seed.seeded[element] = value
        if key in LAUNCH_SETTINGS:
            seed.settings[key] = value
        elif key in LEARNER_SETTINGS:
            seed.learner[key] = value
        elif key in RESUMED:
            resumed[key] = value
        elif row is not None and row.access in WRITABLE:
            seed.changes.append((element, value))
        else:
            seed.problems.append(f"initialState {element}: no learner's state holds it")
    entry = resumed.get("entry")
    if "total_time" in resumed and DURATION_PARSERS[standard](resumed["total_time"]) != 0:
        seed.changes.append((spec.session_time, resumed["total_time"]))  # no time: no session needed for it
    if seed.changes or entry not in (None, "ab-initio"):
        exit_value = EXIT_FOR_ENTRY.get((standard, entry)) if entry is not None else EXIT_WITHOUT_ENTRY[standard]
        if exit_value is None:
            seed.problems.append(f"initialState entry {entry!r}: no previous session of a SCORM {standard} SCO "
                                 "with this data gives it")
        seed.exit = exit_value
        if not any(element == spec.session_time for element, _ in seed.changes):
            seed.changes.append((spec.session_time, NO_TIME[standard]))  # total_time exact, not measured
    return seed


def previous_session(standard, seed):
    """The stored state the previous session leaves (None without one): started, committed, ended."""
    if seed.exit is None:
        return None
    spec = standard_of(standard)
    state = start_session(standard, None, now=0.0)
    state = apply_commit(standard, state, [*seed.changes, (spec.exit, seed.exit)], seq=1, now=0.0).state
    return finish_session(standard, state, now=0.0)


def same_value(standard, element, expected, found):
    """Equal, or the same time span written two ways (total_time as the server formats it)."""
    if found == expected:
        return True
    if element == standard_of(standard).launch_elements["total_time"]:
        parse = DURATION_PARSERS[standard]
        return parse(expected) is not None and parse(expected) == parse(found)
    return False


@dataclass
class Replay:
    """One activity replayed: `checked` counts steps verified per kind, `skipped` per (method, reason),
    `failures` says what disagreed."""

    standard: str
    activity: dict
    checked: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)
    state: dict = None
    seq: int = 1  # the previous session's commit, when there is one
    accepted: set = field(default_factory=set)
    seed: Seed = None

    def values(self):
        return initial_values(self.standard, self.state, **self.seed.learner, **self.seed.settings)

    def run(self):
        self.seed = seed_of(self.standard, self.activity)
        self.failures.extend(self.seed.problems)
        if self.seed.problems:
            return self
        try:
            self.state = previous_session(self.standard, self.seed)
        except CommitRejected as refusal:
            self.failures.append(f"initialState {refusal.element}: the server refuses it ({refusal.code})")
            return self
        for number, step in enumerate(self.activity["steps"]):
            getattr(self, "step_" + step["method"], self.step_api_only)(number, step)
        return self

    def resumed_elements(self):
        """cmi.(core.)entry and total_time: always the server's to give."""
        return {standard_of(self.standard).launch_elements[key] for key in RESUMED}

    def derive_settings(self):
        return {name: value for name, value in self.seed.settings.items()
                if name in ("mastery_score", "scaled_passing_score", "completion_threshold")}

    def fail(self, number, step, found):
        self.failures.append(f"step {number} {step['method']} {step.get('element')!r}={step.get('value')!r}: "
                             f"expected {step['expectedErrorCode']}, server says {found}")

    def skip(self, step, reason):
        self.skipped[(step["method"], reason)] += 1

    def step_api_only(self, number, step):
        self.skip(step, "api_only")

    def step_Initialize(self, number, step):
        if step["expectedErrorCode"] != "0":
            self.skip(step, "api_only" if step.get("value") else "call_sequence")
            return
        self.state = start_session(self.standard, self.state)

    def step_Terminate(self, number, step):
        if step["expectedErrorCode"] != "0":
            self.skip(step, "call_sequence")
            return
        self.state = finish_session(self.standard, self.state)

    def step_SetValue(self, number, step):
        expected = step["expectedErrorCode"]
        if expected in CALL_SEQUENCE_CODES[self.standard]:
            self.skip(step, "call_sequence")
            return
        divergence = step.get("knownDivergence")
        kind = "set"
        if divergence:
            resolved = resolve(step["element"])
            if resolved and divergences_for(self.standard, resolved.pattern):
                expected, kind = divergence["actualErrorCode"], "set_divergence"
        found = self.server_code(step["element"], step["value"])
        if found != expected:
            self.fail(number, step, found)
        self.checked[kind] += 1

    def server_code(self, element, value):
        """The server's answer, from validate_set, confirmed by apply_commit (which stores on success)."""
        try:
            validate_set(self.standard, self.state, element, value)
        except CommitRejected as refusal:
            before = self.state
            try:
                apply_commit(self.standard, self.state, [(element, value)], seq=self.seq + 1)
            except CommitRejected as commit_refusal:
                assert commit_refusal.scorm_code == refusal.scorm_code and self.state is before
                return str(refusal.scorm_code)
            raise AssertionError(f"validate_set refused {element} but apply_commit stored it") from refusal
        self.seq += 1
        self.state = apply_commit(self.standard, self.state, [(element, value)], seq=self.seq).state
        self.accepted.add(element)
        return "0"

    def step_GetValue(self, number, step):
        element, expected = step.get("element", ""), step["expectedErrorCode"]
        if expected in CALL_SEQUENCE_CODES[self.standard]:
            self.skip(step, "call_sequence")
        elif expected == "0" and element in EVALUATED.get(self.standard, {}):
            found = derive(self.standard, self.state, **self.derive_settings())[EVALUATED[self.standard][element]]
            if found != step["expectedReturn"]:
                self.failures.append(f"step {number} GetValue {element}: expected {step['expectedReturn']!r}, "
                                     f"the server derives {found!r}")
            self.checked["get_evaluated"] += 1
        elif expected == "0" and (element in self.accepted or element in self.seed.seeded
                                  or element in self.resumed_elements()):
            found = self.values().get(element)
            if not same_value(self.standard, element, step["expectedReturn"], found):
                self.failures.append(f"step {number} GetValue {element}: expected {step['expectedReturn']!r}, "
                                     f"initial values give {found!r}")
            self.checked["get_stored" if element in self.accepted else "get_seeded"] += 1
        elif expected == WRITE_ONLY_READ_CODE[self.standard]:
            row = standard_of(self.standard).elements.get(resolve(element).pattern)
            if row is None or row.access != WRITE_ONLY or element in self.values():
                self.failures.append(f"step {number} GetValue {element}: should be write-only and never handed back")
            self.checked["get_write_only"] += 1
        else:
            self.skip(step, "browser_get")
