"""Scores from a CSV or XLSX upload, and the template to fill in.

The file is long: one row per student, measure and occasion, with the columns
``student`` (student number), ``class`` (optional), ``measure``, ``occasion``
and ``score``; other columns (the template's ``name``) are ignored. Empty
score cells are skipped, so a half-filled template imports what it has.
"""

from __future__ import annotations

import contextlib
import csv
import io
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from efficacy.access.cycles import own_class_ids, require_contributor
from efficacy.access.roster import can_edit_team
from efficacy.cycles.evidence.rows import (
    EvidenceRow,
    ImportProblem,
    ImportResult,
    evidence_rows_apply,
)
from efficacy.cycles.evidence.selectors import class_cycle_students
from efficacy.cycles.models import InquiryCycle, Measure, Occasion
from efficacy.roster.models import SchoolClass

COLUMNS = ["student", "name", "class", "measure", "occasion", "score"]
REQUIRED = ["student", "measure", "occasion", "score"]
ALIASES = {"student_number": "student", "student_id": "student", "class_code": "class"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def scores_import(*, user: Any, cycle: InquiryCycle, content: bytes, filename: str) -> ImportResult:
    """Validate the whole file, then write every score or none (see :mod:`evidence_rows`)."""
    require_contributor(user, cycle.team)
    table, problems = read_table(content, filename)
    rows: list[EvidenceRow] = []
    if table is not None:
        rows, row_problems = _rows(table, filename, cycle)
        problems += row_problems
    if problems and not rows:
        return ImportResult(problems=problems)
    return evidence_rows_apply(user=user, cycle=cycle, rows=rows, problems=problems)


def read_table(
    content: bytes, filename: str, *, required: list[str] = REQUIRED, hint: str = ""
) -> tuple[list[tuple[int, dict[str, Any]]] | None, list[ImportProblem]]:
    """``[(row number, {column: value})]`` with lower-case headers, or the problems that stopped reading."""
    is_xlsx = filename.lower().endswith(".xlsx") or content[:2] == b"PK"
    try:
        raw_rows = _xlsx_rows(content) if is_xlsx else _csv_rows(content)
    except UnicodeDecodeError:
        return None, [
            ImportProblem(
                filename,
                1,
                "",
                _("The file is not UTF-8 text."),
                _("Save it as “CSV UTF-8” or as an Excel workbook."),
            )
        ]
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        return None, [
            ImportProblem(
                filename,
                1,
                "",
                _("The file could not be read as a spreadsheet."),
                _("Upload a .csv or .xlsx file, such as the downloaded template."),
            )
        ]
    if not raw_rows:
        return None, [
            ImportProblem(
                filename, 1, "", _("The file is empty."), _("Start from the downloaded template.")
            )
        ]
    header = [ALIASES.get(h, h) for h in (_norm(h) for h in raw_rows[0])]
    missing = [c for c in required if c not in header]
    if missing:
        hint = hint or _(
            "The first row must name the columns: student, class, measure, occasion, score."
        )
        return None, [
            ImportProblem(filename, 1, c, _("The column “%(c)s” is missing.") % {"c": c}, hint)
            for c in missing
        ]
    table = []
    for number, values in enumerate(raw_rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        table.append((number, dict(zip(header, values, strict=False))))
    return table, []


def _norm(header: Any) -> str:
    return str(header or "").strip().lower().replace(" ", "_")


def _csv_rows(content: bytes) -> list[list[Any]]:
    text = content.decode("utf-8-sig")
    dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
    return list(csv.reader(io.StringIO(text), dialect))


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _rows(
    table, filename: str, cycle: InquiryCycle
) -> tuple[list[EvidenceRow], list[ImportProblem]]:
    measures = {m.name.strip().lower(): m for m in cycle.measures.all()}
    occasions = {o.name.strip().lower(): o for o in cycle.occasions.all()}
    rows, problems = [], []
    for number, record in table:
        measure_name = str(record.get("measure") or "").strip()
        occasion_name = str(record.get("occasion") or "").strip()
        measure = measures.get(measure_name.lower())
        occasion = occasions.get(occasion_name.lower())
        if measure is None:
            problems.append(
                ImportProblem(
                    filename,
                    number,
                    "measure",
                    _("“%(name)s” is not a measure of this cycle.") % {"name": measure_name},
                    _("Use one of: %(names)s.")
                    % {"names": ", ".join(m.name for m in measures.values())},
                )
            )
        if occasion is None:
            problems.append(
                ImportProblem(
                    filename,
                    number,
                    "occasion",
                    _("“%(name)s” is not an occasion of this cycle.") % {"name": occasion_name},
                    _("Use one of: %(names)s.")
                    % {"names": ", ".join(o.name for o in occasions.values())},
                )
            )
        rows.append(
            EvidenceRow(
                file=filename,
                row=number,
                student=_text(record.get("student")),
                school_class=_text(record.get("class")),
                measure=measure,
                occasion=occasion,
                score=record.get("score"),
            )
        )
    return rows, problems


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a student number typed into Excel comes back as 1234.0
    return str(value).strip() if value is not None else ""


# --- the template -----------------------------------------------------------


def scores_template(
    *,
    user: Any,
    cycle: InquiryCycle,
    school_class: SchoolClass,
    fmt: str = "csv",
    measures: list[Measure] | None = None,
    occasions: list[Occasion] | None = None,
) -> tuple[str, str, bytes]:
    """``(filename, content type, bytes)``: the class's cycle students × measures × occasions, scores empty."""
    require_contributor(user, cycle.team)
    if not can_edit_team(user, cycle.team) and school_class.pk not in own_class_ids(user):
        raise PermissionDenied(_("You can download a template only for your own classes."))
    students = class_cycle_students(cycle, school_class_id=school_class.pk).order_by(
        "family_name", "given_name"
    )
    measures = list(measures or cycle.measures.all())
    occasions = list(occasions or cycle.occasions.all())
    class_name = school_class.class_code or school_class.title
    body = [
        [
            s.identifier or s.sourced_id or "",
            f"{s.family_name}, {s.given_name}",
            class_name,
            m.name,
            o.name,
            None,
        ]
        for s in students
        for o in occasions
        for m in measures
    ]
    stem = f"scores-{cycle.pk}-{class_name}".replace(" ", "-")
    if fmt == "xlsx":
        return f"{stem}.xlsx", XLSX_TYPE, write_xlsx(COLUMNS, body, title=_("Scores"))
    return f"{stem}.csv", "text/csv", write_csv(COLUMNS, body)


def write_csv(columns: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue().encode("utf-8")


def write_xlsx(columns: list[str], rows, *, title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(columns)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
