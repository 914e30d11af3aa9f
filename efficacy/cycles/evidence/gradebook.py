"""Scores from a OneRoster 1.1 / 1.2 gradebook export (lineItems.csv and results.csv).

A team links a gradebook column (a lineItem, by its sourcedId) to a measure
at an occasion once (:func:`gradebook_link_set`); every later export of the
gradebook then imports with no more questions. Results of lineItems that are
not linked are other assignments and are ignored. Students are matched by
``studentSourcedId``; the class is ``classSourcedId`` of the result (1.2) or
of its lineItem (1.1). Results marked ``tobedeleted``, with no score, or
whose ``scoreStatus`` is ``exempt`` or ``not submitted`` are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from efficacy.access.cycles import require_contributor, require_editor
from efficacy.cycles.evidence.rows import EvidenceRow, ImportResult, evidence_rows_apply
from efficacy.cycles.models import GradebookLink, InquiryCycle, Measure, Occasion
from efficacy.tabular import Problem, Problems, Table, read_table
from efficacy.tabular.limits import score_upload_limits

LINE_ITEMS = "lineItems.csv"
RESULTS = "results.csv"
SKIPPED_SCORE_STATUS = {"exempt", "not submitted"}
LINE_ITEM_COLUMNS = ("sourcedId", "classSourcedId", "title")
RESULT_COLUMNS = (
    "lineItemSourcedId",
    "studentSourcedId",
    "classSourcedId",
    "score",
    "scoreStatus",
    "status",
)


def line_items_read(content: bytes, problems: list[Problem]) -> Table | None:
    """The gradebook's columns (lineItems.csv), read by the one tabular reader."""
    return read_table(
        content,
        LINE_ITEMS,
        problems=problems,
        limits=score_upload_limits(),
        columns=LINE_ITEM_COLUMNS,
        required=("sourcedId",),
        header_hint=_("Export the gradebook as OneRoster 1.1 or 1.2 CSV files."),
    )


def line_items_found(content: bytes) -> list[dict[str, str]]:
    """The gradebook columns of an export, so a person can see which sourcedId to link."""
    table = line_items_read(content, [])
    return [
        {
            "sourced_id": str(record.get("sourcedId") or ""),
            "title": str(record.get("title") or ""),
            "class": str(record.get("classSourcedId") or ""),
        }
        for _number, record in (table.rows if table else [])[:200]
    ]


def gradebook_link_set(
    *, user: Any, measure: Measure, occasion: Occasion, line_item_sourced_id: str
) -> GradebookLink:
    require_editor(user, measure.cycle.team)
    measure.cycle.require_open()
    if occasion.cycle_id != measure.cycle_id:
        raise ValidationError({"occasion": [_("This occasion belongs to another cycle.")]})
    line_item = (line_item_sourced_id or "").strip()
    if not line_item:
        raise ValidationError(
            {"line_item_sourced_id": [_("Give the gradebook column's sourcedId.")]}
        )
    link, _created = GradebookLink.objects.update_or_create(
        measure=measure, line_item_sourced_id=line_item, defaults={"occasion": occasion}
    )
    return link


def scores_import_oneroster_gradebook(
    *,
    user: Any,
    cycle: InquiryCycle,
    line_items: bytes,
    results: bytes,
    on_written: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    require_contributor(user, cycle.team)
    links = {
        link.line_item_sourced_id: link
        for link in GradebookLink.objects.filter(measure__cycle=cycle).select_related(
            "measure", "occasion"
        )
    }
    if not links:
        return ImportResult(
            problems=Problems(
                [
                    Problem(
                        LINE_ITEMS,
                        1,
                        "sourcedId",
                        _("No gradebook column is linked to a measure of this cycle."),
                        _("Link a lineItem to a measure and occasion first."),
                    )
                ]
            )
        )
    problems = Problems()
    item_table = line_items_read(line_items, problems)
    result_table = read_table(
        results,
        RESULTS,
        problems=problems,
        limits=score_upload_limits(),
        columns=RESULT_COLUMNS,
        required=("lineItemSourcedId", "studentSourcedId", "score"),
        header_hint=_("Export the gradebook as OneRoster 1.1 or 1.2 CSV files."),
    )
    if item_table is None or result_table is None:
        return ImportResult(problems=problems)
    items = _line_items(item_table, links, problems)
    if problems:
        return ImportResult(problems=problems)
    rows = []
    for number, record in result_table.rows:
        link = links.get(_s(record.get("lineItemSourcedId")))
        if link is None or _s(record.get("status")).lower() == "tobedeleted":
            continue
        if _s(record.get("scoreStatus")).lower() in SKIPPED_SCORE_STATUS:
            continue
        rows.append(
            EvidenceRow(
                file=RESULTS,
                row=number,
                student=_s(record.get("studentSourcedId")),
                school_class=_s(record.get("classSourcedId"))
                or items.get(link.line_item_sourced_id, ""),
                measure=link.measure,
                occasion=link.occasion,
                score=record.get("score"),
                columns={
                    "student": "studentSourcedId",
                    "class": "classSourcedId",
                    "score": "score",
                },
            )
        )
    return evidence_rows_apply(
        user=user, cycle=cycle, rows=rows, problems=[], match_students_by=("sourced_id",),
        on_written=on_written,
    )  # fmt: skip


def _line_items(
    table: Table, links: dict[str, GradebookLink], problems: list[Problem]
) -> dict[str, str]:
    """lineItem sourcedId → its classSourcedId, for the linked ones; reports linked ones missing."""
    found: dict[str, str] = {}
    for _number, record in table.rows:
        sourced_id = _s(record.get("sourcedId"))
        if sourced_id in links:
            found[sourced_id] = _s(record.get("classSourcedId"))
    for sourced_id, link in links.items():
        if sourced_id not in found:
            problems.append(
                Problem(
                    LINE_ITEMS,
                    1,
                    "sourcedId",
                    _(
                        "The gradebook column “%(id)s” linked to %(m)s at %(o)s is not in this export."
                    )
                    % {"id": sourced_id, "m": link.measure.name, "o": link.occasion.name},
                    _("Export the gradebook of the right class and term, or change the link."),
                )
            )
    return found


def _s(value: Any) -> str:
    return "" if value is None else str(value).strip()
