"""Scores from a CSV or XLSX upload, and the template to fill in.

The file is long: one row per student, measure and occasion, with the columns
``student`` (student number), ``class`` (optional), ``measure``, ``occasion``
and ``score``; other columns (the template's ``name``) are ignored. Empty
score cells are skipped, so a half-filled template imports what it has.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from efficacy.access.cycles import evidence_rights_for, require_contributor
from efficacy.cycles.evidence.rows import EvidenceRow, ImportResult, evidence_rows_apply
from efficacy.cycles.evidence.selectors import class_cycle_students
from efficacy.cycles.models import InquiryCycle, Measure, Occasion
from efficacy.roster.models import SchoolClass
from efficacy.tabular import Problem, Problems, Table, read_table, write_csv, write_xlsx
from efficacy.tabular.limits import score_upload_limits
from efficacy.tabular.writing import XLSX_TYPE

COLUMNS = ["student", "name", "class", "measure", "occasion", "score"]
REQUIRED = ["student", "measure", "occasion", "score"]
ALIASES = {"student_number": "student", "student_id": "student", "class_code": "class"}


def scores_import(
    *,
    user: Any,
    cycle: InquiryCycle,
    content: bytes,
    filename: str,
    on_written: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Validate the whole file, then write every score or none (see :mod:`evidence_rows`;
    ``on_written`` runs inside the write's transaction)."""
    require_contributor(user, cycle.team)
    problems = Problems()
    table = read_table(
        content,
        filename,
        problems=problems,
        limits=score_upload_limits(),
        columns=COLUMNS,
        required=REQUIRED,
        aliases=ALIASES,
        header_hint=_(
            "The first row must name the columns: student, class, measure, occasion, score."
        ),
    )
    rows: list[EvidenceRow] = []
    if table is not None:
        rows = scores_rows(table, cycle, problems)
    if problems and not rows:
        return ImportResult(problems=problems)
    return evidence_rows_apply(
        user=user, cycle=cycle, rows=rows, problems=problems, on_written=on_written
    )


def scores_rows(table: Table, cycle: InquiryCycle, problems: Problems) -> list[EvidenceRow]:
    """The table's rows as :class:`EvidenceRow`, measures and occasions matched by name
    (a file upload's, and a batch sent through the API)."""
    measures = {m.name.strip().lower(): m for m in cycle.measures.all()}
    occasions = {o.name.strip().lower(): o for o in cycle.occasions.all()}
    rows = []
    for number, record in table.rows:
        measure_name = _text(record.get("measure"))
        occasion_name = _text(record.get("occasion"))
        measure = measures.get(measure_name.lower())
        occasion = occasions.get(occasion_name.lower())
        if measure is None:
            problems.append(
                Problem(
                    table.file,
                    number,
                    "measure",
                    _("“%(name)s” is not a measure of this cycle.") % {"name": measure_name},
                    _("Use one of: %(names)s.")
                    % {"names": ", ".join(m.name for m in measures.values())},
                )
            )
        if occasion is None:
            problems.append(
                Problem(
                    table.file,
                    number,
                    "occasion",
                    _("“%(name)s” is not an occasion of this cycle.") % {"name": occasion_name},
                    _("Use one of: %(names)s.")
                    % {"names": ", ".join(o.name for o in occasions.values())},
                )
            )
        rows.append(
            EvidenceRow(
                file=table.file,
                row=number,
                student=_text(record.get("student")),
                school_class=_text(record.get("class")),
                measure=measure,
                occasion=occasion,
                score=record.get("score"),
            )
        )
    return rows


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
    if not evidence_rights_for(user, cycle).may_file_under(school_class.pk):
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
