"""The evidence pages through HTTP: grid, cells, uploads, templates, exports, gradebook, deletion."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from html import unescape

import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from efficacy.cycles.evidence.services import evidence_delete, score_set
from efficacy.cycles.models import CycleStatus, EvidenceDeletion, GradebookLink, Score
from efficacy.roster.models import Course, Enrollment, SchoolClass

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def evidence(cycle, rubric, baseline, final, immediate_tasks):
    return cycle


def _url(name, cycle, *args, **query):
    url = reverse(f"cycles:{name}", args=[cycle.pk, *args])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _cell(student, occasion):
    return f"score-{student.pk}-{occasion.pk}"


def _post_cell(client, cycle, *, measure, occasion, student, school_class, value):
    return client.post(
        _url("score_cell", cycle),
        {
            "measure": measure.pk,
            "occasion": occasion.pk,
            "student": student.pk,
            "class": school_class.pk,
            _cell(student, occasion): value,
        },
        **HTMX,
    )


def _type_into_avas_cell(client, world, cycle, measure, occasion, value):
    """What Ava's teacher types into her cell of the applied class's grid."""
    return _post_cell(
        client,
        cycle,
        measure=measure,
        occasion=occasion,
        student=world.ava,
        school_class=world.english_9_applied,
        value=value,
    )


def _input(html: str, name: str) -> str:
    """The <input> tag of one grid cell."""
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html, re.S)
    assert match, f"no input {name}"
    return match.group(0)


def _score(student, occasion):
    return Score.objects.filter(student=student, occasion=occasion).values_list("value", flat=True)


# --- who may see the pages ----------------------------------------------------


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("lead_english", 200),
        ("teacher_a", 200),
        ("coach_a", 200),
        ("leader_a", 200),
        ("analyst", 403),
        ("teacher_a2", 404),  # another team's teacher does not even see the cycle
        ("teacher_b", 404),
    ],
)
def test_only_the_team_and_its_leaders_open_the_evidence_pages(
    client, world, evidence, person, status
):
    client.force_login(getattr(world, person))
    for name in ("evidence", "upload", "gradebook", "evidence_delete"):
        assert client.get(_url(name, evidence)).status_code == status, name


# --- the grid -------------------------------------------------------------------


def test_a_teacher_chooses_only_among_their_own_classes(client, world, evidence):
    client.force_login(world.teacher_a)
    html = client.get(_url("evidence", evidence)).content.decode()
    assert "English 9 Applied" in html
    assert "English 9 Academic" not in html


def _class_options(html: str) -> list[str]:
    select = html.split('name="class"')[1].split("</select>")[0]
    return [unescape(label).strip() for label in re.findall(r"<option[^>]*>([^<]*)<", select)]


def test_score_entry_offers_the_persons_own_classes_first_then_the_cycles_courses(
    client, world, evidence
):
    # A focus student also takes Core French: its class has students of the cycle, but it
    # comes after the lead's own class and the classes of the cycle's English course.
    french = Course.objects.create(school=world.school_a, title="Core French 9", sourced_id="fr9")
    core_french = SchoolClass.objects.create(
        school=world.school_a, course=french, title="Core French 9", sourced_id="c-fr9"
    )
    Enrollment.objects.create(
        school_class=core_french, school=world.school_a, role="student", student=world.ava
    )
    evidence.focus = {**evidence.focus, "classes": [world.english_9_applied.pk]}
    evidence.save()
    client.force_login(world.lead_english)  # an editor who teaches English 9 Academic
    html = client.get(_url("evidence", evidence)).content.decode()
    assert _class_options(html) == ["English 9 Academic", "English 9 Applied", "Core French 9"]
    assert "Your classes" in html  # the first option, which the grid opens on


def test_a_class_is_named_once_when_its_title_already_holds_its_code(client, world, evidence):
    klass = world.english_9_applied
    klass.title, klass.class_code = "English (ENG1P-01)", "ENG1P-01"
    klass.save()
    client.force_login(world.teacher_a)
    html = client.get(_url("evidence", evidence)).content.decode()
    assert _class_options(html) == ["English (ENG1P-01)"]


def test_the_grid_lists_the_classs_cycle_students_with_a_labelled_input_per_occasion(
    client, world, evidence, rubric, baseline, final
):
    client.force_login(world.lead_english)
    applied = client.get(
        _url("grid", evidence, **{"class": world.english_9_applied.pk, "measure": rubric.pk})
    ).content.decode()
    assert "Brown, Ava" in applied
    assert "Clark, Ben" in applied
    assert "Dupont" not in applied
    assert "Gone" not in applied
    label = f'<label for="{_cell(world.ava, baseline)}" class="visually-hidden">'
    assert f"{label}Ava Brown, Baseline</label>" in applied
    assert 'inputmode="decimal"' in _input(applied, _cell(world.ben, final))
    assert "whole numbers from 1 to 4" in applied
    assert "Leave a cell empty to clear a score" in applied
    academic = client.get(
        _url("grid", evidence, **{"class": world.english_9_academic.pk, "measure": rubric.pk})
    ).content.decode()
    assert "Dupont, Chloe" in academic
    assert "Patel, Dev" in academic
    assert "Brown, Ava" not in academic


def test_a_teacher_cannot_open_the_grid_of_another_class(client, world, evidence, rubric):
    client.force_login(world.teacher_a)
    response = client.get(
        _url("grid", evidence, **{"class": world.english_9_academic.pk, "measure": rubric.pk})
    )
    html = response.content.decode()
    assert "Choose one of the classes listed." in html
    assert "Dupont" not in html


def test_the_grid_shows_entered_scores(client, world, evidence, rubric, baseline):
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=3)
    client.force_login(world.teacher_a)
    html = client.get(
        _url("grid", evidence, **{"class": world.english_9_applied.pk, "measure": rubric.pk})
    ).content.decode()
    assert 'value="3"' in _input(html, _cell(world.ava, baseline))
    assert 'value=""' in _input(html, _cell(world.ben, baseline))


def test_a_saved_cell_says_saved_and_tells_the_impact_panel(
    client, world, evidence, rubric, baseline
):
    client.force_login(world.teacher_a)
    response = _type_into_avas_cell(client, world, evidence, rubric, baseline, "3")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "evidence-changed"
    html = response.content.decode()
    assert "Saved" in html
    assert 'value="3"' in _input(html, _cell(world.ava, baseline))
    score = Score.objects.get()
    assert (score.student, score.value, score.school_class, score.entered_by) == (
        world.ava,
        3.0,
        world.english_9_applied,
        world.teacher_a,
    )


def test_an_out_of_range_score_keeps_what_was_typed_and_says_why(
    client, world, evidence, rubric, baseline
):
    client.force_login(world.teacher_a)
    response = _type_into_avas_cell(client, world, evidence, rubric, baseline, "7")
    assert response.status_code == 200  # htmx swaps it in, next to the input
    assert "HX-Trigger" not in response
    html = response.content.decode()
    cell = _input(html, _cell(world.ava, baseline))
    assert 'value="7"' in cell
    assert 'aria-invalid="true"' in cell
    assert "7 is outside the range of Inference rubric (1 to 4)" in html
    assert "Saved:" not in html
    assert "Not saved: Ava Brown, Baseline" in html
    assert not Score.objects.exists()


def test_a_blank_cell_clears_the_score_and_records_the_deletion(
    client, world, evidence, rubric, baseline
):
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=2)
    client.force_login(world.teacher_a)
    response = _type_into_avas_cell(client, world, evidence, rubric, baseline, "  ")
    assert response["HX-Trigger"] == "evidence-changed"
    assert "Cleared: Ava Brown, Baseline" in response.content.decode()
    assert not Score.objects.exists()
    deletion = EvidenceDeletion.objects.get()
    assert (deletion.count, deletion.deleted_by) == (1, world.teacher_a)


@pytest.mark.parametrize("school_class", ["english_9_applied", "english_9_academic"])
def test_a_teacher_cannot_save_a_score_for_another_classs_student(
    client, world, evidence, rubric, baseline, school_class
):
    client.force_login(world.teacher_a)
    response = _post_cell(
        client,
        evidence,
        measure=rubric,
        occasion=baseline,
        student=world.chloe,
        school_class=getattr(world, school_class),
        value="3",
    )
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    html = response.content.decode()
    assert "aria-invalid" in html
    assert "Chloe" not in html  # a guessed id reveals no name
    assert not Score.objects.exists()


def test_save_all_without_javascript_saves_the_valid_cells_and_keeps_the_invalid_ones(
    client, world, evidence, rubric, baseline, final
):
    score_set(user=world.teacher_a, measure=rubric, occasion=final, student=world.ben, value=4)
    client.force_login(world.teacher_a)
    url = _url("grid", evidence, **{"class": world.english_9_applied.pk, "measure": rubric.pk})
    response = client.post(
        url,
        {
            _cell(world.ava, baseline): "3",
            _cell(world.ava, final): "",
            _cell(world.ben, baseline): "nine",
            _cell(world.ben, final): "4",  # unchanged
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="nine"' in _input(html, _cell(world.ben, baseline))
    assert 'aria-invalid="true"' in _input(html, _cell(world.ben, baseline))
    assert "“nine” is not a number." in html
    assert "1 score was not saved" in html
    assert 'value="3"' in _input(html, _cell(world.ava, baseline))
    assert list(_score(world.ava, baseline)) == [3.0]
    assert list(_score(world.ben, baseline)) == []
    assert list(_score(world.ben, final)) == [4.0]


def test_save_all_with_every_cell_valid_redirects_with_a_message(
    client, world, evidence, rubric, baseline, final
):
    client.force_login(world.teacher_a)
    url = _url("grid", evidence, **{"class": world.english_9_applied.pk, "measure": rubric.pk})
    response = client.post(
        url, {_cell(world.ava, baseline): "2", _cell(world.ben, baseline): "3"}, follow=True
    )
    assert response.redirect_chain[-1][0] == url
    assert "Saved 2 changed cells." in response.content.decode()
    assert set(Score.objects.values_list("student", "value")) == {
        (world.ava.pk, 2.0),
        (world.ben.pk, 3.0),
    }


def test_a_closed_cycle_shows_its_grid_read_only_with_the_reason(
    client, world, evidence, rubric, baseline
):
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=3)
    evidence.status = CycleStatus.CLOSED
    evidence.save()
    client.force_login(world.teacher_a)
    url = _url("grid", evidence, **{"class": world.english_9_applied.pk, "measure": rubric.pk})
    html = client.get(url).content.decode()
    assert "This cycle is closed" in html
    assert "hx-post" not in html
    assert "Save all" not in html
    assert re.search(r'<input[^>]*value="3"[^>]*readonly', html)
    response = _type_into_avas_cell(client, world, evidence, rubric, baseline, "1")
    assert "This cycle is closed" in response.content.decode()
    client.post(url, {_cell(world.ava, baseline): "1"})
    assert list(_score(world.ava, baseline)) == [3.0]


# --- uploads and templates ----------------------------------------------------------


def _file(name: str, content: bytes | str) -> io.BytesIO:
    buffer = io.BytesIO(content.encode() if isinstance(content, str) else content)
    buffer.name = name
    return buffer


def _upload(client, cycle, content: bytes, name="scores.csv"):
    return client.post(_url("upload", cycle), {"file": _file(name, content)}, follow=True)


def test_an_upload_with_many_problems_lists_each_by_row_and_column_and_writes_nothing(
    client, world, evidence
):
    client.force_login(world.teacher_a)
    content = (
        "student,class,measure,occasion,score\n"
        f"{world.ava.identifier},,Inference rubric,Baseline,3\n"
        f"{world.ben.identifier},,Inference rubric,Baseline,9\n"
        "NOBODY,,Inference rubric,Baseline,2\n"
        f"{world.ava.identifier},,Spelling,Baseline,2\n"
        f"{world.chloe.identifier},,Inference rubric,Final,2\n"
    ).encode()
    response = _upload(client, evidence, content)
    html = response.content.decode()
    assert "4 problems: nothing was imported" in html
    rows = re.findall(r"<li>scores.csv:(\d+):(\w*): ([^<]*)</li>", html)
    assert [(row, column) for row, column, _message in rows] == [
        ("5", "measure"),
        ("3", "score"),
        ("4", "student"),
        ("6", "student"),
    ]
    assert "outside the range" in rows[1][2]
    assert not Score.objects.exists()


def test_a_valid_upload_says_how_many_scores_were_added_and_updated(
    client, world, evidence, rubric, baseline
):
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ben, value=1)
    client.force_login(world.teacher_a)
    content = (
        "student,class,measure,occasion,score\n"
        f"{world.ava.identifier},,Inference rubric,Baseline,3\n"
        f"{world.ben.identifier},,Inference rubric,Baseline,2\n"
        f"{world.ava.identifier},,Inference rubric,Final,\n"
    ).encode()
    html = _upload(client, evidence, content).content.decode()
    assert "1 added, 1 updated, 0 unchanged, 1 empty cells skipped" in html
    assert list(_score(world.ben, baseline)) == [2.0]


def test_an_upload_larger_than_the_limit_gets_a_clear_message(client, world, evidence, settings):
    settings.EFFICACY_MAX_SCORE_UPLOAD_BYTES = 10
    client.force_login(world.teacher_a)
    html = _upload(client, evidence, b"student,measure,occasion,score\n").content.decode()
    assert "the limit is 10\xa0bytes" in html
    assert not Score.objects.exists()


def test_a_file_that_is_not_csv_or_excel_is_refused(client, world, evidence):
    client.force_login(world.teacher_a)
    html = _upload(client, evidence, b"%PDF-1.4", name="scores.pdf").content.decode()
    assert "is not a CSV or Excel file" in html


def test_the_csv_template_lists_the_classs_students_for_the_chosen_measure_and_occasion(
    client, world, evidence, rubric, final
):
    client.force_login(world.teacher_a)
    response = client.get(_url("template", evidence, "csv", measure=rubric.pk, occasion=final.pk))
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["student"], r["measure"], r["occasion"], r["score"]) for r in rows] == [
        (world.ava.identifier, "Inference rubric", "Final", ""),
        (world.ben.identifier, "Inference rubric", "Final", ""),
    ]


def test_the_xlsx_template_covers_every_measure_and_occasion(client, world, evidence):
    client.force_login(world.lead_english)
    response = client.get(
        _url("template", evidence, "xlsx", **{"class": world.english_9_academic.pk})
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("student", "name", "class", "measure", "occasion")
    assert {(r[0], r[4]) for r in rows[1:]} == {
        (s.identifier, o) for s in (world.chloe, world.dev) for o in ("Baseline", "Final")
    }


def test_a_template_needs_a_class_when_the_person_has_several(client, world, evidence):
    client.force_login(world.lead_english)
    response = client.get(_url("template", evidence, "csv"), follow=True)
    assert "Choose the class the template is for" in response.content.decode()


def test_an_unknown_format_is_not_found(client, world, evidence):
    client.force_login(world.lead_english)
    assert client.get(_url("template", evidence, "pdf")).status_code == 404
    assert client.get(_url("export", evidence, "json")).status_code == 404


# --- export -----------------------------------------------------------------------


@pytest.fixture
def scored(world, evidence, enter_rubric_scores):
    enter_rubric_scores({world.ava: (1, 3), world.chloe: (2, 4)})
    return evidence


def test_the_csv_export_is_the_long_format_with_every_score(client, world, scored):
    client.force_login(world.lead_english)
    response = client.get(_url("export", scored, "csv"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="evidence-cycle-{scored.pk}.csv"'
    )
    frame = pd.read_csv(io.BytesIO(response.content), dtype={"student": str})
    got = set(frame[["student", "group", "occasion", "score"]].itertuples(index=False, name=None))
    assert got == {
        (world.ava.identifier, "focus", "Baseline", 1.0),
        (world.ava.identifier, "focus", "Final", 3.0),
        (world.chloe.identifier, "comparison", "Baseline", 2.0),
        (world.chloe.identifier, "comparison", "Final", 4.0),
    }


def test_the_xlsx_export_holds_the_same_rows(client, world, scored):
    client.force_login(world.coach_a)
    response = client.get(_url("export", scored, "xlsx"))
    frame = pd.read_excel(io.BytesIO(response.content))
    assert len(frame) == 4
    assert sorted(frame["score"]) == [1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize(("person", "status"), [("analyst", 403), ("teacher_a2", 404)])
def test_the_student_level_export_is_refused_to_analysts_and_other_teams(
    client, world, scored, person, status
):
    client.force_login(getattr(world, person))
    for fmt in ("csv", "xlsx"):
        response = client.get(_url("export", scored, fmt))
        assert response.status_code == status
        assert world.ava.identifier.encode() not in response.content


# --- gradebook ----------------------------------------------------------------------

LINE_ITEMS = (
    "sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,"
    "categorySourcedId,gradingPeriodSourcedId,resultValueMin,resultValueMax\n"
    "li-1,active,2024-09-20,Inference task 1,,2024-09-15,2024-09-20,c-english-9-applied,"
    "cat-1,gp-1,1,4\n"
    "li-2,active,2024-09-20,Homework,,2024-09-15,2024-09-20,c-english-9-applied,cat-1,gp-1,0,10\n"
)
RESULTS = (
    "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,"
    "scoreDate,comment\n"
    "r-1,active,2024-09-21,li-1,st-ava,fully graded,2,2024-09-21,\n"
    "r-2,active,2024-09-21,li-1,st-ben,fully graded,3,2024-09-21,\n"
    "r-3,active,2024-09-21,li-2,st-ava,fully graded,9,2024-09-21,\n"
)


def _zip(files: dict[str, str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    buffer.seek(0)
    buffer.name = "gradebook.zip"
    return buffer


def test_the_lead_links_a_gradebook_column_and_a_teacher_imports_the_zip(
    client, world, evidence, rubric, baseline
):
    client.force_login(world.lead_english)
    client.post(
        _url("gradebook", evidence),
        {"action": "link", "line_item": "li-1", "measure": rubric.pk, "occasion": baseline.pk},
    )
    assert GradebookLink.objects.get().line_item_sourced_id == "li-1"
    client.force_login(world.teacher_a)
    response = client.post(
        _url("gradebook", evidence),
        {
            "action": "import",
            "export": _zip(
                {"oneroster/lineItems.csv": LINE_ITEMS, "oneroster/results.csv": RESULTS}
            ),
        },
        follow=True,
    )
    assert "2 added, 0 updated" in response.content.decode()
    assert set(Score.objects.values_list("student", "value", "occasion")) == {
        (world.ava.pk, 2.0, baseline.pk),
        (world.ben.pk, 3.0, baseline.pk),
    }


def test_a_gradebook_export_with_problems_lists_them_with_file_and_row(
    client, world, evidence, rubric, final
):
    services_link = GradebookLink.objects.create(
        line_item_sourced_id="li-1", measure=rubric, occasion=final
    )
    assert services_link.pk
    client.force_login(world.teacher_a)
    bad = RESULTS.replace("st-ben,fully graded,3", "st-ben,fully graded,6")
    response = client.post(
        _url("gradebook", evidence),
        {
            "action": "import",
            "line_items": _file("lineItems.csv", LINE_ITEMS),
            "results": _file("results.csv", bad),
        },
        follow=True,
    )
    html = response.content.decode()
    assert "1 problem: nothing was imported" in html
    assert re.search(r"<li>results.csv:3:score: ", html)
    assert "Inference task 1" in html  # the export's columns, to help link the right one
    assert not Score.objects.exists()


def test_a_gradebook_upload_needs_a_zip_or_both_files(client, world, evidence):
    client.force_login(world.teacher_a)
    html = client.post(
        _url("gradebook", evidence),
        {"action": "import", "line_items": _file("lineItems.csv", LINE_ITEMS)},
    ).content.decode()
    assert "choose both lineItems.csv and results.csv" in html
    html = client.post(
        _url("gradebook", evidence),
        {"action": "import", "export": _zip({"results.csv": RESULTS})},
    ).content.decode()
    assert "The zip has no lineItems.csv" in html


def test_only_an_editor_links_gradebook_columns(client, world, evidence, rubric, baseline):
    client.force_login(world.teacher_a)
    html = client.get(_url("gradebook", evidence)).content.decode()
    assert "Link the column" not in html
    response = client.post(
        _url("gradebook", evidence),
        {"action": "link", "line_item": "li-1", "measure": rubric.pk, "occasion": baseline.pk},
    )
    assert response.status_code == 403
    assert not GradebookLink.objects.exists()


# --- deleting evidence ------------------------------------------------------------------


def test_deleting_evidence_is_confirmed_with_a_count_and_a_reason_and_recorded(
    client, world, scored, rubric, baseline
):
    client.force_login(world.lead_english)
    query = {"measure": rubric.pk, "occasion": baseline.pk, "class": ""}
    confirm = client.get(_url("evidence_delete", scored, **query)).content.decode()
    assert "This deletes 2 scores: Inference rubric at Baseline, all classes." in confirm
    assert Score.objects.count() == 4  # nothing happens before the confirmed POST

    refused = client.post(_url("evidence_delete", scored), {**query, "reason": "  "})
    assert "Say why the scores are being deleted" in refused.content.decode()
    assert Score.objects.count() == 4

    done = client.post(
        _url("evidence_delete", scored), {**query, "reason": "Wrong test given"}, follow=True
    )
    html = done.content.decode()
    assert "Deleted 2 scores" in html
    assert set(Score.objects.values_list("occasion__name", flat=True)) == {"Final"}
    deletion = EvidenceDeletion.objects.get()
    assert (deletion.count, deletion.reason, deletion.deleted_by) == (
        2,
        "Wrong test given",
        world.lead_english,
    )
    history = html.split("Deletion history")[1]
    assert "Elif Yilmaz" in history
    assert "Wrong test given" in history


def test_a_teacher_deletes_only_in_their_own_class(client, world, scored, rubric, baseline):
    client.force_login(world.teacher_a)
    page = client.get(_url("evidence_delete", scored)).content.decode()
    assert "All classes" not in page
    assert "English 9 Academic" not in page
    query = {"measure": rubric.pk, "occasion": baseline.pk, "class": world.english_9_academic.pk}
    client.post(_url("evidence_delete", scored), {**query, "reason": "mine"})
    assert Score.objects.count() == 4
    query["class"] = world.english_9_applied.pk
    confirm = client.get(_url("evidence_delete", scored, **query)).content.decode()
    assert "This deletes 1 score: Inference rubric at Baseline, English 9 Applied." in confirm
    client.post(_url("evidence_delete", scored), {**query, "reason": "typo"})
    assert not Score.objects.filter(student=world.ava, occasion=baseline).exists()
    assert Score.objects.filter(student=world.chloe, occasion=baseline).exists()


def test_a_closed_cycles_evidence_cannot_be_deleted(client, world, scored, rubric, baseline):
    scored.status = CycleStatus.CLOSED
    scored.save()
    client.force_login(world.lead_english)
    page = client.get(_url("evidence_delete", scored)).content.decode()
    assert "This cycle is closed" in page
    assert "Continue" not in page
    client.post(
        _url("evidence_delete", scored),
        {"measure": rubric.pk, "occasion": baseline.pk, "class": "", "reason": "x"},
    )
    assert Score.objects.count() == 4


# --- the evidence section of the cycle page --------------------------------------------


def _section(world, cycle, user):
    from efficacy.access.cycles import can_see_student_evidence
    from efficacy.access.roster import can_contribute_to_team, can_edit_team

    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "cycles/_evidence_links.html",
        {
            "cycle": cycle,
            "can_edit": can_edit_team(user, cycle.team),
            "can_contribute": can_contribute_to_team(user, cycle.team),
            "can_see_evidence": can_see_student_evidence(user, cycle),
        },
        request=request,
    )


def test_the_cycle_page_section_counts_scores_per_measure_and_occasion(world, scored, settings):
    settings.EFFICACY_MIN_STUDENT_N = 2  # counts of two students, shown (test_evidence_overview)
    html = _section(world, scored, world.teacher_a)
    assert "4 scores entered, by measure and occasion" in html
    counts = re.findall(r'<td class="number">(\d+)</td>', html)
    assert counts[:3] == ["2", "2", "4"]
    for name in ("evidence", "upload", "gradebook", "evidence_delete"):
        assert _url(name, scored) in html
    assert _url("export", scored, "csv") in html


def test_the_cycle_page_section_gives_an_analyst_counts_but_no_student_level_links(
    world, scored, settings
):
    settings.EFFICACY_MIN_STUDENT_N = 2
    html = _section(world, scored, world.analyst)
    assert "4 scores entered" in html
    assert _url("export", scored, "csv") not in html
    assert _url("evidence", scored) not in html
    assert "Deletion history" not in html


def test_an_xlsx_upload_with_a_problem_is_reported_the_same_way(client, world, evidence):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["student", "class", "measure", "occasion", "score"])
    sheet.append([world.ava.identifier, None, "Inference rubric", "Midterm", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(world.teacher_a)
    html = _upload(client, evidence, buffer.getvalue(), name="scores.xlsx").content.decode()
    assert "“Midterm” is not an occasion of this cycle." in html
    assert not Score.objects.exists()


def test_the_delete_service_itself_refuses_a_closed_cycles_evidence(world, scored):
    scored.status = CycleStatus.CLOSED
    scored.save()
    with pytest.raises(ValidationError):
        evidence_delete(
            user=world.lead_english, cycle=scored, scores=Score.objects.all(), what="all"
        )
    assert Score.objects.count() == 4
