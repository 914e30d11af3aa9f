"""Every CSV and XLSX file Efficacy writes: no value ever becomes a live formula.

Numbers stay numbers (a score of -3 is a number cell, not text); text that a
spreadsheet would evaluate is neutralised (:mod:`.formulas`): in CSV with a
leading quote, in XLSX by writing it as a text cell (never a formula cell) with
Excel's quote prefix, so editing the cell does not turn it into a formula either.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from efficacy.tabular.formulas import is_dangerous, keep_quote, neutralise

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(value: Any) -> Any:
    """numpy and pandas scalars as Python values; missing values as None."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            return value.to_pydatetime()
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return value


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV, one header line; text cells neutralised, numbers as they are."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise(str(c)) for c in columns])
    for row in rows:
        cells: list[object] = []
        for value in map(_plain, row):
            if value is None:
                cells.append("")
            elif isinstance(value, (bool, int, float)):
                cells.append(value)
            elif isinstance(value, (date, datetime)):
                cells.append(value.isoformat())
            else:
                cells.append(neutralise(str(value)))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def write_xlsx(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    """One sheet named ``title``; every text is a text cell, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    # A sheet's name has at most 31 characters and none of : \ / ? * [ ] (Excel's rule).
    sheet = workbook.create_sheet(title=re.sub(r"[:\\/?*\[\]]", " ", title)[:31].strip() or "Sheet")

    def cell(value: Any) -> Any:
        value = _plain(value)
        if value is None or isinstance(value, (bool, int, float, date, datetime)):
            return value
        # Control characters are not allowed in XLSX; a name from an SIS can hold one.
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        out = WriteOnlyCell(sheet, value=keep_quote(text))
        out.data_type = "s"  # openpyxl makes a formula of any text starting with "="
        if is_dangerous(text):
            out.quotePrefix = True
        return out

    sheet.append([cell(c) for c in columns])
    for row in rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def frame_rows(frame: Any) -> tuple[list[str], Iterable[tuple[Any, ...]]]:
    """A pandas DataFrame as ``(columns, rows)`` for :func:`write_csv` or :func:`write_xlsx`."""
    return [str(c) for c in frame.columns], frame.itertuples(index=False, name=None)
