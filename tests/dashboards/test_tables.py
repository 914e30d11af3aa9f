"""A dashboard table downloads as CSV or XLSX holding what the page shows, and nothing else."""

from __future__ import annotations

import io

import pytest
from django.http import Http404
from openpyxl import load_workbook

from efficacy.charts import ForestRow, forest
from efficacy.dashboards.tables import Table, pick, table_response

TABLE = Table("cycles", "Cycles", ["Cycle", "Effect"], [("=cmd()", 0.42), ("Reading", None)])


def test_csv_keeps_numbers_and_neutralises_formulas():
    response = table_response(TABLE, "csv", filename_stem="school-1")
    assert response["Content-Disposition"] == 'attachment; filename="school-1-cycles.csv"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.decode().splitlines() == ["Cycle,Effect", "'=cmd(),0.42", "Reading,"]


def test_xlsx_has_the_same_rows():
    response = table_response(TABLE, "xlsx", filename_stem="school-1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Cycle", "Effect"],
        ["=cmd()", 0.42],
        ["Reading", None],
    ]
    assert sheet["A2"].data_type == "s"


def test_another_format_or_table_is_not_found():
    with pytest.raises(Http404):
        table_response(TABLE, "pdf", filename_stem="x")
    with pytest.raises(Http404):
        pick([TABLE], "gaps")
    assert pick([TABLE], "cycles") is TABLE


def test_a_charts_data_table_exports_with_its_headings():
    chart = forest(
        [ForestRow("A", 0.2, 0.0, 0.4)], title="Impact", description="d", axis_label="SD"
    )
    table = Table.of_chart("impact", chart)
    assert table.columns[:2] == ["Name", "Estimate"]
    assert table.rows == ((("A", 0.2, 0.0, 0.4, "")),)
