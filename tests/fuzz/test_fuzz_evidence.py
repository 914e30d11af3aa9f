"""Score files (CSV and XLSX uploads) and OneRoster gradebook exports under hostile files:
each import writes every score or none, and reports its problems by file, row and column;
nothing else escapes."""

from __future__ import annotations

import pytest
from hypothesis import example, given

from efficacy.cycles.evidence.gradebook import gradebook_link_set, scores_import_oneroster_gradebook
from efficacy.cycles.evidence.imports import scores_import
from efficacy.cycles.models import Score
from tests.fuzz.budget import fuzz
from tests.fuzz.mutations import mutated_csv, mutated_xlsx, rolled_back

pytestmark = pytest.mark.django_db

SCORES = [
    ["student", "class", "measure", "occasion", "score"],
    ["AVA5", "", "Inference rubric", "Baseline", "2"],
    ["BEN5", "", "inference rubric", "final", "3"],
]
LINE_ITEMS = [
    ["sourcedId", "status", "title", "classSourcedId", "resultValueMin", "resultValueMax"],
    ["li-1", "active", "Inference task 1", "c-english-9-applied", "1", "4"],
    ["li-2", "active", "Homework", "c-english-9-applied", "0", "10"],
]
RESULTS = [
    ["sourcedId", "status", "lineItemSourcedId", "studentSourcedId", "scoreStatus", "score"],
    ["r-1", "active", "li-1", "st-ava", "fully graded", "2"],
    ["r-2", "active", "li-1", "st-ben", "fully graded", "3"],
    ["r-4", "active", "li-1", "st-rory", "exempt", ""],
]


@pytest.fixture
def evidence(world, cycle, rubric, baseline, final):
    return cycle


def assert_all_or_nothing(result, before: int, files: set[str]) -> None:
    """A clean import wrote its rows; one with problems wrote none and located each."""
    if result.ok:
        assert Score.objects.count() == before + result.created
        return
    assert Score.objects.count() == before
    for problem in result.problems:
        assert problem.file in files
        assert problem.message.strip()
        assert problem.line is None or problem.line >= 1


@fuzz(60)
@given(data=mutated_csv(SCORES))
# Found by fuzzing on PostgreSQL: a NUL reached the student lookup (DataError, a 500).
@example(data=b"student,class,measure,occasion,score\nAVA\x005,,Inference rubric,Baseline,2\n")
def test_a_hostile_score_csv_imports_whole_or_not_at_all(world, evidence, data):
    before = Score.objects.count()
    with rolled_back():
        result = scores_import(user=world.teacher_a, cycle=evidence, content=data, filename="s.csv")
        assert_all_or_nothing(result, before, {"s.csv"})


@fuzz(40)
@given(data=mutated_xlsx(SCORES))
def test_a_hostile_score_workbook_imports_whole_or_not_at_all(world, evidence, data):
    before = Score.objects.count()
    with rolled_back():
        result = scores_import(
            user=world.teacher_a, cycle=evidence, content=data, filename="s.xlsx"
        )
        assert_all_or_nothing(result, before, {"s.xlsx"})


@fuzz(40)
@given(line_items=mutated_csv(LINE_ITEMS), results=mutated_csv(RESULTS))
def test_a_hostile_gradebook_export_imports_whole_or_not_at_all(
    world, evidence, rubric, baseline, line_items, results
):
    gradebook_link_set(user=world.lead_english, measure=rubric, occasion=baseline,
                       line_item_sourced_id="li-1")  # fmt: skip
    before = Score.objects.count()
    with rolled_back():
        result = scores_import_oneroster_gradebook(
            user=world.teacher_a, cycle=evidence, line_items=line_items, results=results
        )
        assert_all_or_nothing(result, before, {"lineItems.csv", "results.csv"})
