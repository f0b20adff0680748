"""Replays the conformance JSON (ADL test-suite cases and hand-written probes) against the server side.

Each file holds activities of steps (method, element, value, expectedReturn, expectedErrorCode), replayed
in order as one session: Initialize opens it, every SetValue the standard accepts is committed, Terminate
ends it. What the server answers for is checked; what only the browser API answers (call sequence, error
strings, keywords read through GetValue) is counted as skipped with its reason.
"""
import json
from collections import Counter
from dataclasses import dataclass, field

from openedxscorm.runtime import (
    CommitRejected,
    apply_commit,
    finish_session,
    initial_values,
    resolve,
    start_session,
    validate_set,
)
from openedxscorm.runtime.datamodel import standard_of
from openedxscorm.runtime.divergences import divergences_for
from openedxscorm.runtime.elements import WRITE_ONLY
from tests.conftest import conformance_dir

# Error codes about the API's call sequence (not initialized, terminated...): the browser API's business.
CALL_SEQUENCE_CODES = {
    "1.2": {"301"},
    "2004": {"102", "103", "104", "111", "112", "113", "122", "123", "132", "133", "142", "143"},
}
WRITE_ONLY_READ_CODE = {"1.2": "404", "2004": "405"}
# initialState keys that are launch settings of the block (initial_values keyword arguments).
LAUNCH_SETTINGS = ("max_time_allowed", "scaled_passing_score", "completion_threshold", "launch_data",
                   "time_limit_action", "mastery_score")
LEARNER = {"learner_id": "learner-1", "learner_name": "Learner One"}

SKIP_REASONS = {
    "call_sequence": "call-sequence state (Initialize/Terminate order): answered by the browser API",
    "api_only": ("API-only method: GetLastError, GetErrorString, GetDiagnostic, Initialize with an argument, "
                 "Commit (each accepted SetValue is committed at once)"),
    "browser_get": "GetValue answered by the browser API alone (keywords such as _count, unknown elements)",
}


def conformance_activities():
    """(test id, standard, activity) for every activity of every JSON file found recursively; none when the
    folder is absent."""
    root = conformance_dir()
    found = []
    for path in sorted(root.rglob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        for activity in suite["activities"]:
            found.append((f"{path.relative_to(root)}:{activity['id']}", suite["scormVersion"], activity))
    return found


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
    seq: int = 0
    accepted: set = field(default_factory=set)

    def launch_settings(self):
        seeded = self.activity.get("initialState", {}).get("cmi", {})
        unknown = set(seeded) - set(LAUNCH_SETTINGS)
        assert not unknown, f"initialState keys with no launch setting: {unknown}"
        return seeded

    def values(self):
        return initial_values(self.standard, self.state, **LEARNER, **self.launch_settings())

    def run(self):
        for number, step in enumerate(self.activity["steps"]):
            getattr(self, "step_" + step["method"], self.step_api_only)(number, step)
        return self

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
        elif expected == "0" and (element in self.accepted or element.split(".")[-1] in self.launch_settings()):
            found = self.values().get(element)
            if found != step["expectedReturn"]:
                self.failures.append(f"step {number} GetValue {element}: expected {step['expectedReturn']!r}, "
                                     f"initial values give {found!r}")
            self.checked["get_stored" if element in self.accepted else "get_launch"] += 1
        elif expected == WRITE_ONLY_READ_CODE[self.standard]:
            row = standard_of(self.standard).elements.get(resolve(element).pattern)
            if row is None or row.access != WRITE_ONLY or element in self.values():
                self.failures.append(f"step {number} GetValue {element}: should be write-only and never handed back")
            self.checked["get_write_only"] += 1
        else:
            self.skip(step, "browser_get")
