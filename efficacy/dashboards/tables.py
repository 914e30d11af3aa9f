"""A dashboard's tables, shown on the page and downloaded as CSV or XLSX.

Every table of a dashboard is a :class:`Table`; its export view rebuilds the same
tables for the same person and answers the one asked for, so a download holds exactly
what the page shows (suppressed cells included: suppression happens before a table is
built). Files are written by :mod:`efficacy.tabular` (no value becomes a formula).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from efficacy.charts import Chart
from efficacy.downloads import file_response
from efficacy.tabular import write_csv, write_xlsx
from efficacy.tabular.writing import XLSX_TYPE

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]

    @classmethod
    def of_chart(cls, key: str, chart: Chart) -> Table:
        """A chart's data table, its headings in the reader's language."""
        return cls(key, chart.table.caption, [_(c) for c in chart.table.columns], chart.table.rows)


def table_response(table: Table, fmt: str | None, *, filename_stem: str) -> HttpResponse:
    """The table as a CSV or XLSX download; any other format is a 404."""
    if fmt not in FORMATS:
        raise Http404(_("Choose a format: csv or xlsx."))
    if fmt == "csv":
        body, content_type = write_csv(table.columns, table.rows), "text/csv; charset=utf-8"
    else:
        body, content_type = write_xlsx(table.columns, table.rows, title=table.caption), XLSX_TYPE
    return file_response(body, f"{filename_stem}-{table.key}.{fmt}", content_type)


def pick(tables: Sequence[Table], key: str) -> Table:
    """The table named ``key`` among a dashboard's, or a 404."""
    for table in tables:
        if table.key == key:
            return table
    raise Http404(_("There is no such table on this dashboard."))
