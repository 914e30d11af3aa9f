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

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from efficacy.access.cycles import require_contributor, require_editor
from efficacy.cycles.evidence.imports import read_table
from efficacy.cycles.evidence.rows import (
    EvidenceRow,
    ImportProblem,
    ImportResult,
    evidence_rows_apply,
)
from efficacy.cycles.models import GradebookLink, InquiryCycle, Measure, Occasion

LINE_ITEMS = "lineItems.csv"
RESULTS = "results.csv"
SKIPPED_SCORE_STATUS = {"exempt", "not submitted"}


def gradebook_link_set(
    *, user: Any, measure: Measure, occasion: Occasion, line_item_sourced_id: str
) -> GradebookLink:
    require_editor(user, measure.cycle.team)
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
    *, user: Any, cycle: InquiryCycle, line_items: bytes, results: bytes
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
            problems=[
                ImportProblem(
                    LINE_ITEMS,
                    1,
                    "sourcedId",
                    _("No gradebook column is linked to a measure of this cycle."),
                    _("Link a lineItem to a measure and occasion first."),
                )
            ]
        )
    hint = _("Export the gradebook as OneRoster 1.1 or 1.2 CSV files.")
    item_table, problems = read_table(line_items, LINE_ITEMS, required=["sourcedid"], hint=hint)
    result_table, result_problems = read_table(
        results, RESULTS, required=["lineitemsourcedid", "studentsourcedid", "score"], hint=hint
    )
    problems += result_problems
    if item_table is None or result_table is None:
        return ImportResult(problems=problems)
    items = _line_items(item_table, links, problems)
    if problems:
        return ImportResult(problems=problems)
    rows = []
    for number, record in result_table:
        link = links.get(_s(record.get("lineitemsourcedid")))
        if link is None or _s(record.get("status")).lower() == "tobedeleted":
            continue
        if _s(record.get("scorestatus")).lower() in SKIPPED_SCORE_STATUS:
            continue
        rows.append(
            EvidenceRow(
                file=RESULTS,
                row=number,
                student=_s(record.get("studentsourcedid")),
                school_class=_s(record.get("classsourcedid"))
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
        user=user, cycle=cycle, rows=rows, problems=[], match_students_by=("sourced_id",)
    )


def _line_items(
    table, links: dict[str, GradebookLink], problems: list[ImportProblem]
) -> dict[str, str]:
    """lineItem sourcedId → its classSourcedId, for the linked ones; reports linked ones missing."""
    found: dict[str, str] = {}
    for _number, record in table:
        sourced_id = _s(record.get("sourcedid"))
        if sourced_id in links:
            found[sourced_id] = _s(record.get("classsourcedid"))
    for sourced_id, link in links.items():
        if sourced_id not in found:
            problems.append(
                ImportProblem(
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
