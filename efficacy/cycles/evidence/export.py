"""A cycle's evidence as CSV or XLSX, in the long format ``efficacy analyze`` reads.

These are reads for one person: the rows are those of the students whose
evidence they may see, and the attribute columns (IEP, ELL, ...) hold values
only for students whose roster page they may open (both rules live in
:mod:`efficacy.access.cycles`; analysts get aggregates only, never this file). Both are written by :mod:`efficacy.tabular`, so no
name or measure becomes a live formula in a spreadsheet.
"""

from __future__ import annotations

import pandas as pd
from django.utils.translation import gettext as _

from efficacy.access.cycles import evidence_students_for, student_attributes_for
from efficacy.access.roster import Person
from efficacy.cycles.evidence.selectors import cycle_evidence_frame
from efficacy.cycles.models import InquiryCycle
from efficacy.tabular import write_csv, write_xlsx
from efficacy.tabular.writing import XLSX_TYPE, frame_rows


def _frame_for(user: Person, cycle: InquiryCycle) -> pd.DataFrame:
    return cycle_evidence_frame(
        cycle,
        students=evidence_students_for(user, cycle),
        attributes_of=student_attributes_for(user),
    )


def evidence_export_csv(user: Person, cycle: InquiryCycle) -> tuple[str, str, bytes]:
    """``(filename, content type, bytes)``; UTF-8, comma-separated, one row per score."""
    columns, rows = frame_rows(_frame_for(user, cycle))
    return f"evidence-cycle-{cycle.pk}.csv", "text/csv", write_csv(columns, rows)


def evidence_export_xlsx(user: Person, cycle: InquiryCycle) -> tuple[str, str, bytes]:
    columns, rows = frame_rows(_frame_for(user, cycle))
    return (
        f"evidence-cycle-{cycle.pk}.xlsx",
        XLSX_TYPE,
        write_xlsx(columns, rows, title=_("Evidence")),
    )
