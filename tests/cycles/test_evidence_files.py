"""The files of evidence a team writes and reads back: exports, templates, uploads.

Issue 8, items 3 (formula injection), 4 (hostile uploads) and 10 (doubled quotes).
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from efficacy.cycles.evidence.export import evidence_export_csv, evidence_export_xlsx
from efficacy.cycles.evidence.imports import scores_import, scores_template
from efficacy.cycles.evidence.services import score_set
from efficacy.cycles.models import Score
from efficacy.cycles.plan.services import measure_create
from efficacy.tabular import Problems, read_table
from efficacy.tabular.formulas import DANGEROUS
from tests.tabular.hostile import rezip, sheet_xml, workbook, xlsx_bomb, zip_of

pytestmark = pytest.mark.django_db

HEADER = "student,class,measure,occasion,score\n"


def formula_cells(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    return [c.coordinate for s in book.worksheets for row in s.iter_rows() for c in row
            if c.data_type == "f"]  # fmt: skip


def csv_formulas(content: bytes) -> list[str]:
    """Cells a spreadsheet would evaluate: formula-like text (a number such as -3 is a number)."""
    cells = [cell for row in csv.reader(io.StringIO(content.decode())) for cell in row]
    return [c for c in cells if c.startswith(DANGEROUS) and not _number(c)]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def refill(content: bytes, score: str) -> bytes:
    """A CSV template with every score filled in, as a spreadsheet would save it."""
    rows = list(csv.reader(io.StringIO(content.decode())))
    out = io.StringIO()
    csv.writer(out).writerows([rows[0], *([*row[:-1], score] for row in rows[1:])])
    return out.getvalue().encode()


@pytest.fixture
def hostile_names(world, cycle, baseline, final):
    """Names from the SIS and measures typed by a lead, each starting with a dangerous character."""
    measures = [
        measure_create(
            user=world.lead_english,
            cycle=cycle,
            name=name,
            kind="points",
            min_score=-10,
            max_score=10,
        )
        for name in ("=1+2", "+SUM(A1)", "-Inference", "@Rubric", "\tTabbed", "'=quoted")
    ]
    world.ava.family_name, world.ava.given_name = '=HYPERLINK("http://evil","x")', "@Ava"
    world.ava.identifier = "=AVA5"
    world.ava.save()
    world.ben.family_name, world.ben.given_name = "+Clark", "-Ben\r"
    world.ben.save()
    world.english_9_applied.class_code = "@ENG1P"
    world.english_9_applied.save()
    return measures


def test_the_templates_hold_no_formula_and_refill_and_reimport_equal(world, cycle, hostile_names):
    _name, _type, xlsx = scores_template(
        user=world.teacher_a, cycle=cycle, school_class=world.english_9_applied, fmt="xlsx"
    )
    assert formula_cells(xlsx) == []
    _name, _type, text = scores_template(
        user=world.teacher_a, cycle=cycle, school_class=world.english_9_applied, fmt="csv"
    )
    assert csv_formulas(text) == []

    book = load_workbook(io.BytesIO(xlsx))
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        row[5].value = -3
    filled = io.BytesIO()
    book.save(filled)
    result = scores_import(user=world.teacher_a, cycle=cycle, filename="t.xlsx",
                           content=filled.getvalue())  # fmt: skip
    assert result.ok, result.problems
    result = scores_import(
        user=world.teacher_a, cycle=cycle, filename="t.csv", content=refill(text, "-3")
    )
    assert result.ok, result.problems
    assert (result.created, result.unchanged) == (0, 2 * 2 * len(hostile_names))
    got = set(Score.objects.values_list("student__identifier", "measure__name", "value"))
    assert got == {(s.identifier, m.name, -3.0) for s in (world.ava, world.ben)
                   for m in hostile_names}  # fmt: skip


def test_the_exports_hold_no_formula_and_read_back_equal(world, cycle, hostile_names, baseline):
    for measure in hostile_names:
        score_set(user=world.teacher_a, measure=measure, occasion=baseline,
                           student=world.ava, value=-3)  # fmt: skip
    _name, _type, xlsx = evidence_export_xlsx(cycle.created_by, cycle)
    assert formula_cells(xlsx) == []
    _name, _type, text = evidence_export_csv(cycle.created_by, cycle)
    assert csv_formulas(text) == []
    for content, name in ((text, "e.csv"), (xlsx, "e.xlsx")):
        problems = Problems()
        table = read_table(content, name, problems=problems)
        assert not problems
        rows = {(r["student"], r["class"], r["measure"], float(r["score"])) for _l, r in table.rows}
        # A tab leading a measure's name is white space to every reader, as it is on import.
        assert rows == {("=AVA5", "@ENG1P", m.name.strip(), -3.0) for m in hostile_names}


def test_a_template_with_quotes_in_a_name_reimports(world, cycle, baseline, final, rubric):
    world.ava.family_name = 'O"Brien, "Al"'
    world.ava.save()
    world.ben.given_name = '"Benny"'
    world.ben.save()
    _name, _type, text = scores_template(
        user=world.teacher_a, cycle=cycle, school_class=world.english_9_applied, fmt="csv"
    )
    assert '"O""Brien, ""Al"", Ava"' in text.decode()
    result = scores_import(
        user=world.teacher_a, cycle=cycle, filename="t.csv", content=refill(text, "3")
    )
    assert result.ok, result.problems
    assert result.created == 4


# --- hostile uploads (item 4) ---------------------------------------------------------------


def _upload(client, cycle, content: bytes, name: str):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(f"/cycles/{cycle.pk}/evidence/upload/", {"file": upload}, follow=True)


@pytest.fixture
def evidence(world, cycle, rubric, baseline, final, immediate_tasks):
    return cycle


def test_an_xlsx_zip_bomb_upload_is_refused_with_a_clear_message(client, world, evidence):
    bomb = xlsx_bomb([["student", "measure", "occasion", "score"], ["AVA5", "x", "y", 1]])
    client.force_login(world.teacher_a)
    response = _upload(client, evidence, bomb, "bomb.xlsx")
    assert response.status_code == 200
    assert "refused as a zip bomb" in response.content.decode()
    assert not Score.objects.exists()


def test_a_score_upload_has_its_own_row_limit(client, world, evidence, settings):
    settings.EFFICACY_MAX_SCORE_ROWS = 50
    content = (HEADER + "AVA5,,Inference rubric,Baseline,2\n" * 60).encode()
    client.force_login(world.teacher_a)
    html = _upload(client, evidence, content, "many.csv").content.decode()
    assert "more than 50 rows" in html
    assert not Score.objects.exists()


def test_a_file_with_thousands_of_problems_lists_the_first_and_counts_the_rest(
    client, world, evidence
):
    content = (HEADER + "AVA5,,Inference rubric,Baseline,oops\n" * 5000).encode()
    client.force_login(world.teacher_a)
    response = _upload(client, evidence, content, "bad.csv")
    html = response.content.decode()
    assert "5000 problems: nothing was imported" in html
    assert len(re.findall(r"<li>bad\.csv:\d+:score: ", html)) == 100
    assert "… and 4900 more problems." in html
    assert len(response.content) < 100_000


def test_an_integer_too_large_for_a_score_is_a_problem_not_an_error(client, world, evidence):
    data = workbook([["student", "measure", "occasion", "score"],
                     ["AVA5", "Inference rubric", "Baseline", 12345]])  # fmt: skip
    huge = rezip(data, {"xl/worksheets/sheet1.xml": sheet_xml(data).replace(
        b"<v>12345</v>", b"<v>" + b"9" * 400 + b"</v>")})  # fmt: skip
    client.force_login(world.teacher_a)
    html = _upload(client, evidence, huge, "huge.xlsx").content.decode()
    assert "is not a number" in html
    assert not Score.objects.exists()


def test_a_gradebook_zip_bomb_is_refused_with_a_clear_message(client, world, evidence):
    bomb = zip_of({
        "lineItems.csv": b"sourcedId,classSourcedId\nli-1,c-1\n",
        "results.csv": b"lineItemSourcedId,studentSourcedId,score\n" + b" " * (30 * 1024 * 1024),
    })  # fmt: skip
    assert len(bomb) < 200_000
    upload = io.BytesIO(bomb)
    upload.name = "gradebook.zip"
    client.force_login(world.teacher_a)
    response = client.post(f"/cycles/{evidence.pk}/evidence/gradebook/",
                           {"action": "import", "export": upload})  # fmt: skip
    assert response.status_code == 200
    assert "refused as a zip bomb" in response.content.decode()


@pytest.mark.slow
def test_a_file_of_tens_of_thousands_of_different_classes_is_answered_not_an_error(world, evidence):
    # Three lookups per class key: past SQLite's 250,000 parameters in one query.
    lines = "".join(f"AVA5,C{i},Inference rubric,Baseline,2\n" for i in range(90_000))
    result = scores_import(user=world.teacher_a, cycle=evidence, filename="classes.csv",
                           content=(HEADER + lines).encode())  # fmt: skip
    assert result.problems.total == 90_000
    assert "is not in class “C0”" in result.problems[0].message
    assert not Score.objects.exists()
