"""A cycle's evidence as CSV or XLSX, in the long format ``efficacy analyze`` reads.

These are reads: the view decides who may download (the access layer: the
team's members and the school's leaders; analysts get aggregates only, never
this student-level file).
"""

from __future__ import annotations

import io

import pandas as pd
from django.utils.translation import gettext as _

from efficacy.cycles.evidence.imports import XLSX_TYPE
from efficacy.cycles.evidence.selectors import cycle_evidence_frame
from efficacy.cycles.models import InquiryCycle


def evidence_export_csv(cycle: InquiryCycle) -> tuple[str, str, bytes]:
    """``(filename, content type, bytes)``; UTF-8, comma-separated, one row per score."""
    frame = cycle_evidence_frame(cycle)
    return f"evidence-cycle-{cycle.pk}.csv", "text/csv", frame.to_csv(index=False).encode("utf-8")


def evidence_export_xlsx(cycle: InquiryCycle) -> tuple[str, str, bytes]:
    frame = cycle_evidence_frame(cycle)
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=_("Evidence")[:31])
    return f"evidence-cycle-{cycle.pk}.xlsx", XLSX_TYPE, out.getvalue()
