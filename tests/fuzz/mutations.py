"""Hostile files made from valid ones: the strategies every fuzzing property shares.

A property starts from a file an importer accepts and breaks it the ways real files
are broken and crafted ones are built: columns dropped, duplicated, reordered or
renamed; rows dropped, duplicated, cut short or made longer; cells replaced by
wrong types, huge or negative numbers, unicode, formulas, quotes, NUL bytes and
very long text; then the bytes themselves: a byte-order mark, CR, LF and CRLF
mixed, another delimiter, a truncation, bytes inserted or flipped. Raw bytes are
tried too. Every input stays small (a few tens of KB at most), so no example can
hang.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from hypothesis import reject
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

Grid = list[list[object]]

#: Cells that break importers: numbers past a float, signs, formulas, quotes, control
#: characters, right-to-left marks, byte-order marks, very long values.
HOSTILE_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1e400",
    "-1e400",
    "1e-400",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "9" * 400,
    "9" * 5_000,
    "1,5",
    "1.5.5",
    "0x10",
    "1_000",
    "١٢",  # Arabic-Indic digits: float() reads them
    "²",
    "true",
    "null",
    "=1+1",
    "+1",
    "@SUM(A1)",
    "'=1+1",
    "''=x",
    '"',
    '""',
    '"quoted, with comma"',
    "a\x00b",
    "\x00",
    "a\rb",
    "a\nb",
    "a\r\nb",
    "\t",
    "\ufeff",
    "\u202eevil",
    "é",
    "Zoë Ñandú 学生",
    "🙂",
    "\ud7ff",
    "x" * 20_000,
    "2025-13-45",
    "2025-02-30",
    "0000-00-00",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "%(name)s",
    "{0}",
]

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)

#: Cells a spreadsheet can hold: every type openpyxl writes and reads back.
hostile_cell = st.one_of(
    hostile_text.filter(lambda t: "\x00" not in t and len(t) < 32_000),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.times(),
    st.sampled_from(["=1/0", "=A1", "=NOW()", '=HYPERLINK("http://x","y")', "=SUM(A1:A9)"]),
)


@st.composite
def mutated_grid(draw: st.DrawFn, grid: Grid, cells: st.SearchStrategy = hostile_text) -> Grid:
    """``grid`` (a header and rows) with a few structural and cell mutations."""
    rows = [list(row) for row in grid]
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        width = max((len(r) for r in rows), default=0)
        kind = draw(
            st.sampled_from(
                [
                    "cell",
                    "cell",
                    "cell",
                    "drop_column",
                    "duplicate_column",
                    "reorder_columns",
                    "rename_column",
                    "drop_row",
                    "duplicate_row",
                    "short_row",
                    "long_row",
                    "blank_row",
                    "header_only",
                    "empty",
                ]
            )
        )
        if kind == "empty":
            rows = []
        elif not rows:
            continue
        elif kind == "header_only":
            rows = rows[:1]
        elif kind == "cell" and width:
            i = draw(st.integers(0, len(rows) - 1))
            if rows[i]:
                j = draw(st.integers(0, len(rows[i]) - 1))
                rows[i][j] = draw(cells)
        elif kind in ("drop_column", "duplicate_column", "rename_column") and width:
            j = draw(st.integers(0, width - 1))
            for row in rows:
                if j < len(row):
                    if kind == "drop_column":
                        del row[j]
                    elif kind == "duplicate_column":
                        row.insert(j, row[j])
            if kind == "rename_column" and j < len(rows[0]):
                name = str(rows[0][j])
                rows[0][j] = draw(
                    st.sampled_from([name.upper(), f"  {name} ", name + "x", "", "metadata."])
                    | cells
                )
        elif kind == "reorder_columns" and width:
            order = draw(st.permutations(range(width)))
            rows = [[row[j] for j in order if j < len(row)] for row in rows]
        elif kind in ("drop_row", "duplicate_row", "short_row", "long_row"):
            i = draw(st.integers(0, len(rows) - 1))
            if kind == "drop_row":
                del rows[i]
            elif kind == "duplicate_row":
                rows.insert(i, list(rows[i]))
            elif kind == "short_row":
                rows[i] = rows[i][: draw(st.integers(0, max(len(rows[i]) - 1, 0)))]
            else:
                rows[i] = rows[i] + draw(st.lists(cells, min_size=1, max_size=3))
        elif kind == "blank_row":
            rows.insert(draw(st.integers(0, len(rows))), [])
    return rows


def csv_of(rows: Grid, *, delimiter: str = ",", newline: str = "\n") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8", errors="surrogatepass")


@st.composite
def byte_damage(draw: st.DrawFn, data: bytes) -> bytes:
    """The bytes with a few of them damaged: truncated, inserted, flipped or line ends changed."""
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        kind = draw(st.sampled_from(["truncate", "insert", "flip", "crlf", "cr", "nul"]))
        at = draw(st.integers(0, len(data)))
        if kind == "truncate":
            data = data[:at]
        elif kind == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        elif kind == "crlf":
            data = data.replace(b"\n", b"\r\n", draw(st.integers(1, 3)))
        elif kind == "cr":
            data = data.replace(b"\n", b"\r", draw(st.integers(1, 3)))
        elif kind == "nul":
            data = data[:at] + b"\x00" + data[at:]
    return data


@st.composite
def mutated_csv(draw: st.DrawFn, grid: Grid) -> bytes:
    """A CSV file made from ``grid`` mutated, or raw bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=2_000))
    rows = draw(mutated_grid(grid))
    data = csv_of(
        rows,
        delimiter=draw(st.sampled_from([",", ",", ";", "\t"])),
        newline=draw(st.sampled_from(["\n", "\r\n", "\r"])),
    )
    prefix = draw(st.sampled_from([b"", b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"\n\n"]))
    return draw(byte_damage(prefix + data))


@st.composite
def mutated_xlsx(draw: st.DrawFn, grid: Grid) -> bytes:
    """An XLSX workbook made from ``grid`` mutated with cells of every type, its zip
    sometimes damaged or its sheet's XML edited."""
    rows = draw(mutated_grid(grid, cells=hostile_cell))
    try:
        data = workbook(rows)
    except (ValueError, TypeError, IllegalCharacterError):  # cells openpyxl refuses to write
        reject()
    kind = draw(st.sampled_from(["as is", "as is", "bytes", "sheet", "member"]))
    if kind == "bytes":
        return draw(byte_damage(data))
    if kind == "sheet":
        return _with_member(data, "xl/worksheets/sheet1.xml", draw(_sheet_edit(data)))
    if kind == "member":
        name = draw(
            st.sampled_from(
                [
                    "xl/workbook.xml",
                    "[Content_Types].xml",
                    "xl/_rels/workbook.xml.rels",
                    "xl/styles.xml",
                    "xl/sharedStrings.xml",
                ]
            )
        )
        return _with_member(data, name, draw(st.binary(max_size=200)))
    return data


@st.composite
def _sheet_edit(draw: st.DrawFn, data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    edits = [
        (b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>'),
        (b"<sheetData>", b'<sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
        (b"<sheetData>", b'<sheetData><row r="2"><c r="B2" t="n"><v>' + b"9" * 5000 + b"</v></c></row>"),
        (b"<sheetData>", b'<sheetData><row r="2"><c r="B2" t="d"><v>not a date</v></c></row>'),
        (b"<sheetData>", b'<sheetData><row r="2"><c r="B2" t="s"><v>999</v></c></row>'),
        (b"<sheetData>", b'<sheetData><row r="2"><c r="B2" t="e"><v>#DIV/0!</v></c></row>'),
        (b"<sheetData>", b'<sheetData><row r="2"><c r="B2" s="99"><v>45000</v></c></row>'),
        (b"<sheetData>", b'<sheetData><row r="x"><c r="?"><v>1</v></c></row>'),
        (b"<sheetData>", b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]><sheetData>"),
        (b"</sheetData>", b""),
    ]  # fmt: skip
    old, new = draw(st.sampled_from(edits))
    return draw(byte_damage(xml.replace(old, new, 1)))


#: A workbook's dates, fixed so that the same rows always give the same bytes (hypothesis
#: replays an example and must get the same file).
WHEN = dt.datetime(2025, 1, 6, 9, 0)


def workbook(rows: Grid) -> bytes:
    """An XLSX file of ``rows``, byte for byte the same each time."""
    book = Workbook()
    book.properties.created = book.properties.modified = WHEN
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return _with_member(out.getvalue(), "", b"")


def _with_member(data: bytes, name: str, body: bytes) -> bytes:
    """The zip with member ``name``'s bytes replaced, every member dated :data:`WHEN`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=WHEN.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            content = body if info.filename == name else source.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl dates it when it saves
                content = re.sub(
                    rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-01-06T09:00:00Z", content
                )
            target.writestr(member, content)
    return out.getvalue()


class _RolledBack(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a savepoint that is always rolled back: each example of a
    property starts from the same database."""
    try:
        with transaction.atomic():
            yield
            raise _RolledBack
    except _RolledBack:
        pass
