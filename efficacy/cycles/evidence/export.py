"""A cycle's evidence as CSV or XLSX, in the long format ``efficacy analyze`` reads.

These are reads: the view decides who may download (the access layer: the
team's members and the school's leaders; analysts get aggregates only, never
this student-level file). Both are written by :mod:`efficacy.tabular`, so no
name or measure becomes a live formula in a spreadsheet.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from efficacy.cycles.evidence.selectors import cycle_evidence_frame
from efficacy.cycles.models import InquiryCycle
from efficacy.tabular import write_csv, write_xlsx
from efficacy.tabular.writing import XLSX_TYPE, frame_rows


def evidence_export_csv(cycle: InquiryCycle) -> tuple[str, str, bytes]:
    """``(filename, content type, bytes)``; UTF-8, comma-separated, one row per score."""
    columns, rows = frame_rows(cycle_evidence_frame(cycle))
    return f"evidence-cycle-{cycle.pk}.csv", "text/csv", write_csv(columns, rows)


def evidence_export_xlsx(cycle: InquiryCycle) -> tuple[str, str, bytes]:
    columns, rows = frame_rows(cycle_evidence_frame(cycle))
    return (
        f"evidence-cycle-{cycle.pk}.xlsx",
        XLSX_TYPE,
        write_xlsx(columns, rows, title=_("Evidence")),
    )
