from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from efficacy.cycles.evidence.gradebook import gradebook_link_set, scores_import_oneroster_gradebook
from efficacy.cycles.evidence.imports import scores_import, scores_template
from efficacy.cycles.models import Score
from tests.tabular.hostile import workbook

pytestmark = pytest.mark.django_db

HEADER = "student,class,measure,occasion,score\n"


def _csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


def _import_csv(world, cycle, *lines: str):
    """teacher_a uploads a CSV of these lines under the usual header."""
    return scores_import(user=world.teacher_a, cycle=cycle, filename="s.csv", content=_csv(*lines))


@pytest.fixture
def evidence(world, cycle, rubric, baseline, final):
    return cycle


def test_a_valid_csv_is_imported(world, evidence):
    result = _import_csv(
        world, evidence, "AVA5,,Inference rubric,Baseline,2", "BEN5,,inference rubric,final,3"
    )
    assert result.ok, result.problems
    assert result.created == 2
    assert set(Score.objects.values_list("student__given_name", "occasion__name", "value")) == {
        ("Ava", "Baseline", 2.0),
        ("Ben", "Final", 3.0),
    }


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ("NOBODY,,Inference rubric,Baseline,2", "student", "No student"),
        ("AVA5,,Inference rubric,Baseline,7", "score", "outside the range"),
        ("AVA5,,Inference rubric,Baseline,abc", "score", "not a number"),
        ("AVA5,,Inference rubric,Midterm,2", "occasion", "not an occasion"),
        ("AVA5,,Spelling,Baseline,2", "measure", "not a measure"),
        ("CHL6,,Inference rubric,Baseline,2", "student", "not in one of your classes"),
        ("ELI6,,Inference rubric,Baseline,2", "student", "not in this cycle"),
        ("AVA5,Math 10,Inference rubric,Baseline,2", "class", "not in class"),
    ],
)
def test_each_kind_of_problem_is_reported_with_row_and_column_and_nothing_is_written(
    world, evidence, line, column, words
):
    result = _import_csv(world, evidence, "BEN5,,Inference rubric,Baseline,3", line)
    assert not result.ok
    [problem] = result.problems
    assert (problem.line, problem.column) == (3, column)
    assert words in problem.message
    assert problem.hint
    assert not Score.objects.exists()


def test_a_duplicate_row_is_reported_against_the_first(world, evidence):
    result = _import_csv(
        world, evidence, "AVA5,,Inference rubric,Baseline,2", "AVA5,,Inference rubric,Baseline,3"
    )
    [problem] = result.problems
    assert problem.line == 3
    assert "row 2" in problem.message
    assert not Score.objects.exists()


def test_every_problem_in_the_file_is_reported_at_once(world, evidence):
    result = _import_csv(
        world,
        evidence,
        "NOBODY,,Inference rubric,Baseline,2",
        "AVA5,,Inference rubric,Baseline,9",
        "BEN5,,X,Baseline,1",
    )
    assert sorted((p.line, p.column) for p in result.problems) == [
        (2, "student"),
        (3, "score"),
        (4, "measure"),
    ]
    assert not Score.objects.exists()


def test_a_missing_column_is_reported_on_the_header_row(world, evidence):
    result = scores_import(
        user=world.teacher_a,
        cycle=evidence,
        filename="s.csv",
        content=b"student,measure,score\nAVA5,x,1\n",
    )
    assert [(p.line, p.column) for p in result.problems] == [(1, "occasion")]


def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_answer(world, evidence):
    result = scores_import(
        user=world.teacher_a, cycle=evidence, filename="s.xlsx", content=b"PK\x03\x04 broken"
    )
    assert "could not be read" in result.problems[0].message


def test_reimporting_the_same_file_changes_nothing(world, evidence):
    lines = ("AVA5,,Inference rubric,Baseline,2", "BEN5,,Inference rubric,Baseline,3")
    _import_csv(world, evidence, *lines)
    before = list(Score.objects.order_by("pk").values_list("pk", "value", "entered_at"))
    again = _import_csv(world, evidence, *lines)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert list(Score.objects.order_by("pk").values_list("pk", "value", "entered_at")) == before


def test_a_corrected_file_updates_the_changed_score_only(world, evidence):
    _import_csv(
        world, evidence, "AVA5,,Inference rubric,Baseline,2", "BEN5,,Inference rubric,Baseline,3"
    )
    result = _import_csv(
        world, evidence, "AVA5,,Inference rubric,Baseline,4", "BEN5,,Inference rubric,Baseline,3"
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Score.objects.get(student=world.ava).value == 4.0


def test_an_xlsx_upload_is_validated_the_same_way(world, evidence):
    bad = workbook(
        [["student", "measure", "occasion", "score"], ["AVA5", "Inference rubric", "Baseline", 5]]
    )
    result = scores_import(user=world.teacher_a, cycle=evidence, filename="s.xlsx", content=bad)
    assert [(p.line, p.column) for p in result.problems] == [(2, "score")]
    good = workbook(
        [["student", "measure", "occasion", "score"], ["AVA5", "Inference rubric", "Baseline", 4]]
    )
    assert (
        scores_import(user=world.teacher_a, cycle=evidence, filename="s.xlsx", content=good).created
        == 1
    )


def test_a_filled_csv_template_imports(world, evidence):
    name, content_type, content = scores_template(
        user=world.teacher_a, cycle=evidence, school_class=world.english_9_applied, fmt="csv"
    )
    assert name.endswith(".csv")
    assert content_type == "text/csv"
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert rows[0] == ["student", "name", "class", "measure", "occasion", "score"]
    assert {r[0] for r in rows[1:]} == {
        "AVA5",
        "BEN5",
    }  # the class's cycle students, retired ones left out
    for r in rows[1:]:
        r[5] = "3"
    filled = io.StringIO()
    csv.writer(filled).writerows(rows)
    result = scores_import(
        user=world.teacher_a, cycle=evidence, filename=name, content=filled.getvalue().encode()
    )
    assert result.ok, result.problems
    assert result.created == 4  # 2 students x 1 measure x 2 occasions


def test_a_filled_xlsx_template_imports_and_blank_cells_are_skipped(world, evidence):
    name, _type, content = scores_template(
        user=world.teacher_a, cycle=evidence, school_class=world.english_9_applied, fmt="xlsx"
    )
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    sheet.cell(row=2, column=6, value=2)
    out = io.BytesIO()
    workbook.save(out)
    result = scores_import(
        user=world.teacher_a, cycle=evidence, filename=name, content=out.getvalue()
    )
    assert (result.ok, result.created, result.blank) == (True, 1, 3)


def test_a_teacher_cannot_download_the_template_of_someone_elses_class(world, evidence):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        scores_template(user=world.teacher_a, cycle=evidence, school_class=world.english_9_academic)


LINE_ITEMS_11 = (
    "sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,"
    "categorySourcedId,gradingPeriodSourcedId,resultValueMin,resultValueMax\n"
    "li-1,active,2024-09-20,Inference task 1,,2024-09-15,2024-09-20,c-english-9-applied,cat-1,gp-1,1,4\n"
    "li-2,active,2024-09-20,Homework,,2024-09-15,2024-09-20,c-english-9-applied,cat-1,gp-1,0,10\n"
)
RESULTS_11 = (
    "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,scoreDate,comment\n"
    "r-1,active,2024-09-21,li-1,st-ava,fully graded,2,2024-09-21,\n"
    "r-2,active,2024-09-21,li-1,st-ben,fully graded,3,2024-09-21,\n"
    "r-3,active,2024-09-21,li-2,st-ava,fully graded,9,2024-09-21,\n"
    "r-4,active,2024-09-21,li-1,st-rory,exempt,,2024-09-21,\n"
)


def test_a_oneroster_gradebook_export_imports_the_linked_line_item(
    world, evidence, rubric, baseline
):
    gradebook_link_set(
        user=world.lead_english, measure=rubric, occasion=baseline, line_item_sourced_id="li-1"
    )
    result = scores_import_oneroster_gradebook(
        user=world.teacher_a,
        cycle=evidence,
        line_items=LINE_ITEMS_11.encode(),
        results=RESULTS_11.encode(),
    )
    assert result.ok, result.problems
    assert set(
        Score.objects.values_list("student__sourced_id", "value", "school_class__sourced_id")
    ) == {
        ("st-ava", 2.0, "c-english-9-applied"),
        ("st-ben", 3.0, "c-english-9-applied"),
    }
    again = scores_import_oneroster_gradebook(
        user=world.teacher_a,
        cycle=evidence,
        line_items=LINE_ITEMS_11.encode(),
        results=RESULTS_11.encode(),
    )
    assert (again.created, again.unchanged) == (0, 2)


def test_a_oneroster_1_2_result_row_out_of_range_is_reported_by_file_row_and_column(
    world, evidence, rubric, final
):
    gradebook_link_set(
        user=world.lead_english, measure=rubric, occasion=final, line_item_sourced_id="li-1"
    )
    results_12 = (
        "sourcedId,status,dateLastModified,metadata.x,lineItemSourcedId,studentSourcedId,classSourcedId,"
        "scoreScaleSourcedId,scoreStatus,score,textScore,scoreDate,comment\n"
        "r-1,active,2024-12-01,,li-1,st-ava,c-english-9-applied,,fully graded,3,,2024-12-01,\n"
        "r-2,active,2024-12-01,,li-1,st-ben,c-english-9-applied,,fully graded,6,,2024-12-01,\n"
    )
    result = scores_import_oneroster_gradebook(
        user=world.teacher_a,
        cycle=evidence,
        line_items=LINE_ITEMS_11.encode(),
        results=results_12.encode(),
    )
    [problem] = result.problems
    assert (problem.file, problem.line, problem.column) == ("results.csv", 3, "score")
    assert not Score.objects.exists()


def test_a_linked_line_item_missing_from_the_export_is_reported(world, evidence, rubric, final):
    gradebook_link_set(
        user=world.lead_english, measure=rubric, occasion=final, line_item_sourced_id="li-9"
    )
    result = scores_import_oneroster_gradebook(
        user=world.teacher_a,
        cycle=evidence,
        line_items=LINE_ITEMS_11.encode(),
        results=RESULTS_11.encode(),
    )
    assert "li-9" in result.problems[0].message
