"""The one reader of CSV and XLSX files (efficacy.tabular) under hostile files: it reads
them or reports located problems, and never raises."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from efficacy.tabular import Limits, Problem, Table, read_table, zip_members
from tests.fuzz.budget import fuzz
from tests.fuzz.mutations import mutated_csv, mutated_xlsx

GRID = [
    ["student", "class", "measure", "occasion", "score"],
    ["AVA5", "", "Inference rubric", "Baseline", "2"],
    ["BEN5", "English 9", "inference rubric", "final", "3"],
]
#: Small bounds, so the fuzzer reaches them with small files.
LIMITS = Limits(file_bytes=200_000, unzipped_bytes=2_000_000, rows=50, columns=12,
                cell_chars=1_000, line_bytes=5_000)  # fmt: skip


def read(data: bytes, file: str) -> tuple[Table | None, list[Problem]]:
    problems: list[Problem] = []
    table = read_table(
        data, file, problems=problems, limits=LIMITS,
        columns=GRID[0], required=["student", "score"], aliases={"student_id": "student"},
    )  # fmt: skip
    return table, problems


def assert_read_or_located(table: Table | None, problems: list[Problem], file: str) -> None:
    """Either a table (its rows as wide as its header) or at least one problem that
    names the file and says what is wrong and how to fix it."""
    if table is None:
        assert problems, "no table and no problem"
    else:
        assert len(set(table.columns) - {""}) == len([c for c in table.columns if c])
        assert all(len(row) == len(set(table.columns)) for _line, row in table.rows)
        assert all(line > table.header_line for line, _row in table.rows)
        assert len(table.rows) <= LIMITS.rows
    for problem in problems:
        assert problem.file == file
        assert problem.message.strip()
        assert problem.line is None or 1 <= problem.line <= LIMITS.rows + 1
        str(problem)  # printable


@fuzz(100)
@given(data=mutated_csv(GRID))
def test_a_hostile_csv_is_read_or_refused_with_located_problems(data):
    table, problems = read(data, "scores.csv")
    assert_read_or_located(table, problems, "scores.csv")


@fuzz(60)
@given(data=mutated_xlsx(GRID))
def test_a_hostile_xlsx_is_read_or_refused_with_located_problems(data):
    table, problems = read(data, "scores.xlsx")
    assert_read_or_located(table, problems, "scores.xlsx")
    for _line, row in table.rows if table else ():
        for value in row.values():
            assert not isinstance(value, str) or len(value) <= LIMITS.cell_chars


@fuzz(60)
@given(data=st.binary(max_size=3_000), name=st.sampled_from(["a.csv", "a.xlsx", "a"]))
def test_raw_bytes_are_read_or_refused(data, name):
    table, problems = read(b"PK\x03\x04" + data if name == "a.xlsx" else data, name)
    assert_read_or_located(table, problems, name)


@fuzz(60)
@given(data=mutated_xlsx(GRID))
def test_any_zip_is_unpacked_within_its_limits_or_refused(data):
    problems: list[Problem] = []
    members = zip_members(data, "upload.zip", limits=LIMITS, problems=problems)
    if members is None:
        assert problems
        assert problems[0].file == "upload.zip"
    else:
        assert sum(map(len, members.values())) <= LIMITS.unzipped_bytes
