"""reports.py alone: rows from stored states (ours and openedx-scorm-xblock's), collections, streamed CSV."""
import csv
import io
import tracemalloc
import types

from openedxscorm import reports
from openedxscorm.runtime import SCORM12, SCORM2004

ITEMS = [types.SimpleNamespace(identifier="sco-1", title="One"), types.SimpleNamespace(identifier="sco-2",
                                                                                       title="Two")]


def learner(number, state):
    return {"username": f"learner{number}", "email": f"l{number}@example.com", "modified": "2026-01-01", "state": state}


def test_each_sco_gets_its_own_row_from_scorm_state_and_sco_states():
    state = {"scorm_state": {"data": {"cmi.core.lesson_status": "completed"}, "sessions": 2, "all_time": 4500},
             "sco_states": {"sco-2": {"data": {"cmi.core.lesson_status": "failed", "cmi.core.score.raw": "20"},
                                      "attempt": 1}}}
    rows = list(reports.result_rows(SCORM12, ITEMS, [learner(1, state)]))
    by_sco = {row[2]: dict(zip(reports.RESULT_COLUMNS, row, strict=True)) for row in rows}
    assert by_sco["sco-1"]["completion"] == "completed" and by_sco["sco-1"]["total_time_seconds"] == 45
    assert by_sco["sco-2"]["success"] == "failed" and by_sco["sco-2"]["score"] == 0.2


def test_legacy_state_is_reported_like_ours():
    legacy = {"scorm_data": {"cmi.location": "p4"}, "lesson_status": "completed", "success_status": "passed",
              "lesson_score": 0.9}
    result = reports.sco_results(SCORM2004, ITEMS[:1], legacy)[0]
    assert (result["completion"], result["success"], result["score"]) == ("completed", "passed", 0.9)


def test_collections_are_grouped_by_index_in_order():
    data = {f"cmi.interactions.{index}.id": f"q{index}" for index in (10, 2, 0)}
    data["cmi.interactions.2.result"] = "correct"
    found = reports.entries(data, "interactions")
    assert list(found) == [0, 2, 10] and found[2] == {"id": "q2", "result": "correct"}
    assert reports.entries(data, "objectives") == {}


def test_csv_streams_a_line_per_row_and_defuses_formulas():
    chunks = list(reports.stream_csv(("a", "b"), iter([["=HYPERLINK()", "x,y"], ["plain", 1]])))
    assert len(chunks) == 3
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode())))
    assert rows == [["a", "b"], ["'=HYPERLINK()", "x,y"], ["plain", "1"]]


def test_export_memory_does_not_grow_with_the_number_of_learners():
    def learners(count):
        for number in range(count):
            yield learner(number, {"scorm_state": {"data": {"cmi.suspend_data": "s" * 4000,
                                                            "cmi.core.lesson_status": "passed"}}})

    def peak(count):
        tracemalloc.start()
        total = sum(len(chunk) for chunk in reports.stream_csv(reports.RESULT_COLUMNS,
                                                               reports.result_rows(SCORM12, ITEMS, learners(count))))
        _current, highest = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return highest, total

    small, _size = peak(200)
    large, size = peak(2000)
    assert size > 2000 * 2 * 40
    assert large < small * 2 + 200_000  # flat, not ten times more
