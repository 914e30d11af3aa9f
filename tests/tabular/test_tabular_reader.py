"""The one reader of CSV and XLSX files: its leniency rules and its limits."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from efficacy.tabular import Limits, Problem, Problems, read_table, write_csv, zip_members
from tests.tabular.hostile import (
    rezip,
    sheet_xml,
    with_damaged_member,
    with_declared_size,
    with_encrypted_flag,
    workbook,
    xlsx_bomb,
    zip_of,
)

COLUMNS = ("student", "name", "measure", "score")


def read(data: bytes, file: str = "f.csv", limits: Limits | None = None, **kwargs):
    problems = Problems()
    table = read_table(
        data, file, problems=problems, limits=limits or Limits(), columns=COLUMNS, **kwargs
    )
    return table, problems


def values(table) -> list[dict]:
    return [row for _line, row in table.rows]


# --- leniency rules -------------------------------------------------------------


def test_a_byte_order_mark_crlf_and_header_case_and_spaces_are_accepted():
    data = "\ufeff Student ,NAME,Measure,score\r\nA1,Ava,Inference,3\r\n".encode()
    table, problems = read(data)
    assert not problems
    assert table.columns == list(COLUMNS)
    assert values(table) == [{"student": "A1", "name": "Ava", "measure": "Inference", "score": "3"}]


def test_doubled_quotes_inside_a_quoted_value_are_one_quote():
    data = b'student,name,measure,score\nA1,"O""Brien, ""Al""",Inference,3\n'
    table, problems = read(data)
    assert not problems
    assert values(table)[0]["name"] == 'O"Brien, "Al"'


def test_a_file_with_only_a_name_column_holding_quotes_is_read_the_same():
    # csv.Sniffer guessed doublequote=False on such headers: the bug behind issue 8 item 10.
    data = b'student;name;measure;score\nA1;"Smith ""Jr""";Inference;3\n'
    table, problems = read(data)
    assert not problems
    assert values(table)[0]["name"] == 'Smith "Jr"'


def test_a_semicolon_separated_file_is_read():
    table, problems = read(b"student;measure;score\nA1;Inference;3,5\n")
    assert not problems
    assert values(table) == [{"student": "A1", "measure": "Inference", "score": "3,5"}]


def test_blank_lines_are_skipped_and_line_numbers_stay_those_of_the_file():
    table, _problems = read(b"\nstudent,score\n\nA1,3\n,\nA2,4\n")
    assert table.header_line == 2
    assert [line for line, _row in table.rows] == [4, 6]


def test_aliases_and_prefixes_give_the_canonical_names():
    table, _problems = read(
        b"Student Number,METADATA.Pathway\nA1,applied\n",
        aliases={"student_number": "student"},
        prefixes=("metadata.",),
    )
    assert table.columns == ["student", "metadata.Pathway"]


def test_a_missing_required_column_is_a_problem_on_the_header_line():
    table, problems = read(b"\nstudent,score\nA1,3\n", required=("student", "measure"))
    assert table is None
    assert [(p.line, p.column) for p in problems] == [(2, "measure")]


def test_a_column_named_twice_is_a_problem_on_the_header_line_and_nothing_is_read():
    # Found by tests/fuzz: the second "student" column silently replaced the first.
    for header in (b"student,score,Student", b"student,score,student_id"):
        table, problems = read(header + b"\nA1,3,B2\n", aliases={"student_id": "student"})
        assert table is None
        [problem] = problems
        assert (problem.line, problem.column) == (1, "student")
        assert "more than once" in problem.message
        assert "keep one column named student" in problem.hint


def test_a_nul_character_is_refused_with_its_line():
    # Found by fuzzing on PostgreSQL: a NUL in a student number reached the database,
    # which refuses it (DataError, a 500 on the upload page).
    for data in (b"student,score\nA1,3\nA\x002,4\n", b"stu\x00dent,score\nA1,3\n"):
        for source in (data, io.BytesIO(data)):
            table, problems = read(source)
            assert table is None
            [problem] = problems
            assert (
                problem.line
                == data.split(b"\n").index(
                    next(line for line in data.split(b"\n") if b"\x00" in line)
                )
                + 1
            )
            assert "NUL" in problem.message


def test_columns_without_a_name_may_repeat():
    table, problems = read(b"student,,score,\nA1,,3,\n")
    assert not problems
    assert values(table)[0]["score"] == "3"


def test_a_line_with_too_many_or_too_few_values_is_a_problem_and_left_out():
    table, problems = read(b"student,score\nA1,3,extra\nA2\nA3,4,\n")
    assert [(p.line, p.column) for p in problems] == [(2, None), (3, None)]
    assert values(table) == [{"student": "A3", "score": "4"}]


def test_a_file_in_another_encoding_is_refused_with_its_line():
    table, problems = read("student,name\nA1,Zoë\n".encode("cp1252"))
    assert table is None
    [problem] = problems
    assert problem.line == 2
    assert "not UTF-8" in problem.message


def test_utf16_is_refused_clearly():
    table, problems = read("student,name\nA1,Zoë\n".encode("utf-16"))
    assert table is None
    assert "UTF-16" in problems[0].message


def test_an_xlsx_keeps_numbers_as_numbers_and_empty_cells_as_empty_text():
    data = workbook([["Student", "score"], ["A1", 3], ["A2", None], [None, None], ["A3", -2.5]])
    table, problems = read(data, "f.xlsx")
    assert not problems
    assert values(table) == [
        {"student": "A1", "score": 3},
        {"student": "A2", "score": ""},
        {"student": "A3", "score": -2.5},
    ]
    assert [line for line, _row in table.rows] == [2, 3, 5]


def test_an_empty_file_is_a_problem():
    table, problems = read(b"")
    assert table is None
    assert "empty" in problems[0].message


# --- what a problem looks like, and how many are listed ----------------------------------


def test_a_problem_prints_as_file_line_column_message_and_hint():
    assert str(Problem("s.csv", 3, "score", "“x” is not a number.", "Enter a number.")) == (
        "s.csv:3:score: “x” is not a number. (Enter a number.)"
    )
    assert str(Problem("e.zip", None, None, "is damaged", "")) == "e.zip::: is damaged"


def test_problems_keep_the_first_ones_and_count_every_one():
    problems = Problems(shown=3)
    for line in range(2, 1002):
        problems.append(Problem("s.csv", line, "score", "bad", "fix"))
    assert (len(problems), problems.total, problems.more) == (3, 1000, 997)
    assert problems.lines()[-1] == "… and 997 more problems"
    merged = Problems(problems, shown=10)
    assert (merged.total, merged.more) == (1000, 997)


# --- limits: a hostile file is refused before it costs time or memory --------------------


def test_a_file_over_the_size_limit_is_refused_unread():
    table, problems = read(b"student\n" + b"A1\n" * 100, limits=Limits(file_bytes=50))
    assert table is None
    assert "more than the limit of 50" in problems[0].message


def test_reading_stops_at_the_row_limit():
    data = b"student,score\n" + b"A1,3\n" * 10_000
    table, problems = read(data, limits=Limits(rows=100))
    assert table is None
    [problem] = problems
    assert problem.line == 101
    assert "more than 100 rows" in problem.message


def test_a_very_long_line_is_refused_without_reading_it_whole():
    data = b"student,name\nA1," + b"x" * 300_000 + b"\n"
    table, problems = read(data, limits=Limits(line_bytes=100_000))
    assert table is None
    assert (problems[0].line, "longer than 100,000 bytes" in problems[0].message) == (2, True)


def test_a_cell_over_the_length_limit_is_a_problem():
    _table, problems = read(
        b"student,name\nA1," + b"x" * 500 + b"\n", limits=Limits(cell_chars=100)
    )
    assert [(p.line, p.column) for p in problems] == [(2, "name")]


def test_too_many_columns_are_refused():
    table, problems = read((",".join(f"c{i}" for i in range(300)) + "\n").encode(),
                           limits=Limits(columns=200))  # fmt: skip
    assert table is None
    assert "more than the limit of 200" in problems[0].message


def test_an_xlsx_zip_bomb_is_refused_unread():
    bomb = xlsx_bomb([["student", "score"], ["A1", 3]])
    assert len(bomb) < 200_000
    table, problems = read(bomb, "bomb.xlsx", limits=Limits(zip_ratio=100))
    assert table is None
    assert "refused as a zip bomb" in problems[0].message


def test_an_xlsx_expanding_past_the_unzipped_limit_is_refused():
    bomb = xlsx_bomb([["student", "score"]], expand_to=3 * 1024 * 1024)
    table, problems = read(
        bomb, "big.xlsx", limits=Limits(unzipped_bytes=2 * 1024 * 1024, zip_ratio=10**6)
    )
    assert table is None
    assert "expands to" in problems[0].message


def test_an_xlsx_with_an_encrypted_member_is_refused():
    data = with_encrypted_flag(workbook([["student"], ["A1"]]), "xl/worksheets/sheet1.xml")
    table, problems = read(data, "locked.xlsx")
    assert table is None
    assert "encrypted" in problems[0].message


def test_an_xlsx_with_a_damaged_member_is_refused():
    data = with_damaged_member(workbook([["student"], *[[f"A{i}"] for i in range(500)]]),
                               "xl/worksheets/sheet1.xml")  # fmt: skip
    table, problems = read(data, "damaged.xlsx")
    assert table is None
    assert "damaged" in problems[0].message or "could not be read" in problems[0].message


def test_an_xlsx_member_larger_than_the_zip_declares_is_refused():
    data = with_declared_size(workbook([["student"], ["A1"]]), "xl/worksheets/sheet1.xml", 40)
    table, problems = read(data, "lying.xlsx")
    assert table is None
    assert "damaged or crafted" in problems[0].message


def test_an_xlsx_declaring_a_million_rows_is_read_by_its_real_rows():
    data = workbook([["student", "score"], ["A1", 3]])
    xml = sheet_xml(data)
    start = xml.index(b"<dimension")
    end = xml.index(b"/>", start) + 2
    crafted = rezip(
        data,
        {"xl/worksheets/sheet1.xml": xml[:start] + b'<dimension ref="A1:XFD1048576"/>' + xml[end:]},
    )
    assert load_workbook(io.BytesIO(crafted), read_only=True).active.max_row == 1_048_576
    table, problems = read(crafted, "f.xlsx", limits=Limits(rows=1000))
    assert not problems
    assert values(table) == [{"student": "A1", "score": 3}]


def test_an_xlsx_row_far_down_the_sheet_stops_at_the_row_limit():
    data = workbook([["student", "score"], ["A1", 3]])
    xml = sheet_xml(data)
    far = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    crafted = rezip(data, {"xl/worksheets/sheet1.xml": xml.replace(b"</sheetData>", far)})
    table, problems = read(crafted, "f.xlsx", limits=Limits(rows=1000))
    assert table is None
    assert "more than 1,000 rows" in problems[0].message


def test_an_xlsx_cell_with_an_integer_too_long_to_convert_is_a_clear_problem():
    data = workbook([["student", "score"], ["A1", 12345]])
    crafted = rezip(data, {"xl/worksheets/sheet1.xml": sheet_xml(data).replace(
        b"<v>12345</v>", b"<v>" + b"9" * 5000 + b"</v>")})  # fmt: skip
    table, problems = read(crafted, "f.xlsx")
    assert table is None
    assert "could not be read as a spreadsheet" in problems[0].message


def test_a_zip_guard_refuses_a_bomb_among_the_members_it_was_not_asked_for():
    problems = Problems()
    data = zip_of({"results.csv": b"a,b\n", "junk.bin": b"\0" * (20 * 1024 * 1024)})
    members = zip_members(
        data, "g.zip", limits=Limits(zip_ratio=100), problems=problems,
        keep=lambda info: info.filename == "results.csv",
    )  # fmt: skip
    assert members is None
    assert "zip bomb" in problems[0].message


def test_a_file_written_by_the_writer_reads_back_equal():
    rows = [["=Smith", "@Ava", "-3", -3], ["+1", "'=quoted", "\tTab", 2.5]]
    table, problems = read(write_csv(["student", "name", "measure", "score"], rows))
    assert not problems
    assert [list(r.values()) for r in values(table)] == [
        ["=Smith", "@Ava", "-3", "-3"],
        ["+1", "'=quoted", "Tab", "2.5"],
    ]
