"""efficacy.tabular's XLSX writer names a sheet whatever title it is given."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from efficacy.tabular import write_xlsx


def test_a_title_with_characters_excel_refuses_still_names_the_sheet():
    data = write_xlsx(["a"], [[1]], title="School: cycles / board [2024]?*")
    assert load_workbook(io.BytesIO(data)).sheetnames == ["School  cycles   board  2024"]
