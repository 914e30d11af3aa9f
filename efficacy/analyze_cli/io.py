"""Shared helpers of ``efficacy analyze``: reading a table, checking it, printing results.

How to add a subcommand
-----------------------
1. Write ``efficacy/analyze_cli/<name>.py`` with three things::

       HELP = _("One line saying what it computes.")

       def add_arguments(parser: argparse.ArgumentParser) -> None:
           parser.add_argument("--score", required=True, help=...)

       def run(args: argparse.Namespace, table: pd.DataFrame) -> dict | list[dict]:
           table, n_dropped = io.prepare(table, numeric=[args.score], labels=[...])
           result = some_statistic(table[args.score].to_numpy(), min_n=args.min_n)
           return {**result.to_flat_dict(), "n_dropped": n_dropped}

   Optionally ``SUMMARY = ["key", ...]``: the columns of the readable table for a
   list result (``--by``). The framework has already added ``--data FILE``, ``--json`` and ``--min-n``
   and read the file into ``table`` (CSV as text; XLSX/Parquet as stored).
2. Add ``"<name>"`` to ``SUBCOMMANDS`` in ``efficacy/analyze_cli/__init__.py``
   (the subcommand is the module name with ``_`` shown as ``-``).

``run`` returns plain data (``Result.to_flat_dict()`` gives the contract's
``ci_low``/``ci_high`` keys); the framework prints it as JSON (NaN → null) or
as a table. For bad input raise :class:`CliError` (or let the statistic raise
``AnalysisError``) with one sentence naming the column, label or row and how to
fix it: the framework prints it as one line on stderr and exits with status 2.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from efficacy.analysis.results import to_plain
from efficacy.tabular import Limits, Problems
from efficacy.tabular import read_table as read_table_rows


class CliError(Exception):
    """Bad input or arguments: one sentence for the person at the keyboard."""


READERS = {".csv": "CSV", ".txt": "CSV", ".xlsx": "XLSX", ".parquet": "Parquet", ".pq": "Parquet"}
#: Cells that mean "no value", as pandas and R write them.
MISSING = [
    "",
    "NA",
    "N/A",
    "n/a",
    "NaN",
    "nan",
    "-nan",
    "NULL",
    "null",
    "None",
    "<NA>",
    "#N/A",
    "#NA",
]


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV, XLSX or Parquet file by its extension.

    CSV and XLSX go through the one tabular reader (:mod:`efficacy.tabular`), with
    its leniency rules and its limits: CSV cells are text (empty cells and ``NA``
    as missing) so that group labels keep exactly the spelling in the file;
    numeric columns are converted by :func:`prepare`, which can then name the row
    of a bad value. A file the reader refuses ends as one line naming the problem.
    """
    path = Path(path)
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise CliError(
            f"{path}: unknown file type {path.suffix or '(none)'!r}; use .csv, .xlsx or .parquet."
        )
    if not path.is_file():
        raise CliError(f"{path}: no such file.")
    table = _read_parquet(path) if kind == "Parquet" else _read_tabular(path)
    if len(table) == 0:
        raise CliError(f"{path}: the file has a header but no data rows.")
    return table


def _read_tabular(path: Path) -> pd.DataFrame:
    problems = Problems()
    read = read_table_rows(path, str(path), problems=problems)
    if read is None or problems:
        raise CliError(str(problems[0]) if problems else f"{path}: cannot read it.")
    frame = pd.DataFrame.from_records([row for _line, row in read.rows], columns=read.columns)
    frame = frame.replace(MISSING, np.nan)
    return frame if path.suffix.lower() != ".xlsx" else frame.infer_objects()


def _read_parquet(path: Path) -> pd.DataFrame:
    limit = Limits().file_bytes
    if path.stat().st_size > limit:
        raise CliError(f"{path}: the file is larger than {limit:,} bytes.")
    try:
        table = _parquet_with_text_as_categories(path)
    except Exception as exc:  # any parser's failure is the file's problem, not a crash
        raise CliError(f"{path}: cannot read it as Parquet ({one_line(exc)}).") from None
    table.columns = [str(c).strip() for c in table.columns]
    return table


def _parquet_with_text_as_categories(path: Path) -> pd.DataFrame:
    """The Parquet file as a table whose text columns arrive as categoricals.

    Parquet usually stores text dictionary-encoded; reading it so keeps each distinct
    label once (a class name, not a million copies of it), which is what grouping by
    it needs anyway.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    text = [
        f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
    ]
    return pq.read_table(path, read_dictionary=text).to_pandas()


def require_columns(table: pd.DataFrame, columns: Iterable[str]) -> None:
    """Every named column exists; else name the first missing one and list the others."""
    for column in columns:
        if column not in table.columns:
            have = ", ".join(map(str, table.columns)) or "(none)"
            raise CliError(f"column {column!r} is not in the file; the columns are: {have}.")


def to_numbers(table: pd.DataFrame, column: str) -> pd.Series:
    """The column as floats; a value that is not a number is named with its row.

    Rows are numbered as in a spreadsheet: the header is row 1.
    """
    raw = table[column]
    if pd.api.types.is_bool_dtype(raw):
        raw = raw.astype(float)
    values = pd.to_numeric(raw, errors="coerce")
    bad = (values.isna() & raw.notna()) | np.isinf(values.fillna(0).to_numpy(dtype=float))
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise CliError(
            f"column {column!r}, row {position + 2}: {raw.iloc[position]!r} is not a number; "
            "fix or delete that cell."
        )
    return values.astype(float)


def labels_as_text(values: pd.Series) -> pd.Series:
    """Group labels as text (3.0 read from a spreadsheet shows as "3"), as a categorical.

    Each distinct value is spelled once, not each of a million rows: the labels are
    factorised first and only the distinct ones turned into text (two values that
    read the same once stripped are one label), so the statistics that group by them
    work on integer codes.
    """
    codes, uniques = pd.factorize(values)
    text = _label_text(pd.Series(uniques))
    labels, merged = pd.factorize(text, sort=True)
    categories = pd.Index(np.asarray(merged, dtype=object))
    return pd.Series(
        pd.Categorical.from_codes(labels[codes], categories=categories), index=values.index
    )


def _label_text(values: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(values):
        finite = values.dropna()
        if (finite == finite.round()).all():
            return values.astype("Int64").astype(str)
    return values.astype(str).str.strip()


def prepare(
    table: pd.DataFrame,
    *,
    numeric: Sequence[str] = (),
    labels: Sequence[str] = (),
    ids: Sequence[str] = (),
) -> tuple[pd.DataFrame, int]:
    """Check columns, convert ``numeric`` to floats and ``labels`` to text, and drop
    rows missing any of them. Returns the clean table and ``n_dropped``.

    ``ids`` (a student id column) only pair rows, so a column of whole numbers is
    kept as numbers (3 and 3.0 are one student either way); any other becomes text.
    """
    columns = list(dict.fromkeys([*numeric, *labels, *ids]))
    require_columns(table, columns)
    out = table[columns].copy()
    for column in numeric:
        out[column] = to_numbers(table, column)
    missing = out.isna().any(axis=1)
    out = out.loc[~missing]
    for column in labels:
        out[column] = labels_as_text(out[column])
    for column in ids:
        if not pd.api.types.is_integer_dtype(out[column].dtype):
            out[column] = labels_as_text(out[column])
    if len(out) == 0:
        raise CliError(
            f"no row has a value in every one of the columns {', '.join(columns)}; "
            "check that the right columns are named."
        )
    return out, int(missing.sum())


def require_label(table: pd.DataFrame, column: str, label: str, *, option: str) -> None:
    """The label given on the command line occurs in the column."""
    if not (table[column] == label).any():
        present = sorted(table[column].unique().tolist())
        shown = ", ".join(present[:10]) + (", ..." if len(present) > 10 else "")
        raise CliError(
            f"{option} {label!r}: no row has {column} = {label!r}; the values are: {shown}."
        )


class Records(list):
    """Rows already made of plain JSON values (:func:`records`): nothing left to convert."""


def records(frame: pd.DataFrame, **extra: Any) -> Records:
    """A vectorised result as a list of JSON-ready objects (NaN and infinities → None).

    Column by column, not value by value: a ``--by`` result of 20,000 groups is
    400,000 values, and converting each on its own took longer than computing them.
    Numeric columns become Python numbers in one numpy pass; only text and list
    columns (labels, reasons, caveats) are looked at one value at a time.
    """
    columns: dict[str, list[Any]] = {}
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_float_dtype(series.dtype):
            values = series.to_numpy(dtype=float)
            plain = values.astype(object)
            plain[~np.isfinite(values)] = None
            columns[str(name)] = plain.tolist()
        elif pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_integer_dtype(
            series.dtype
        ):
            columns[str(name)] = series.to_numpy().tolist()
        elif pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
            columns[str(name)] = series.astype(object).where(series.notna(), None).tolist()
        else:
            columns[str(name)] = [to_plain(v) for v in series.tolist()]
    for name, value in extra.items():
        columns[name] = [to_plain(value)] * len(frame)
    keys = list(columns)
    return Records(dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True))


def to_json(result: dict | list) -> str:
    """One compact JSON document (UTF-8, no NaN: missing values are null)."""
    plain = result if isinstance(result, Records) else to_plain(result)
    return orjson.dumps(plain).decode()


def print_result(
    result: dict | list[dict], *, as_json: bool, columns: Sequence[str] | None = None
) -> None:
    """One JSON document on stdout, or a readable table.

    A list (one object per ``--by`` group) is shown with the ``by`` column and
    ``columns`` (the module's ``SUMMARY``, all keys if None), and each
    suppressed group's reason below the table.
    """
    if as_json:
        sys.stdout.write(to_json(result) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=True)
    if isinstance(result, dict):
        table = Table("statistic", "value", show_header=True)
        for key, value in result.items():
            if key not in ("caveats", "reason_code", "min_n"):
                table.add_row(key, _cell(value))
        console.print(table)
        for caveat in result.get("caveats") or []:
            console.print(f"• {caveat}")
        return
    hidden = ("caveats", "method", "reason", "reason_code", "suppressed")
    first = result[0] if result else {}
    keys = ["by", *columns] if columns else [k for k in first if k not in hidden]
    table = Table(*keys, show_header=True)
    for row in result:
        table.add_row(*(_cell(row.get(k)) for k in keys))
    console.print(table)
    for row in result:
        if row.get("suppressed"):
            console.print(f"• {row.get('by')}: {row.get('reason')}")


def _cell(value: Any) -> str:
    value = to_plain(value)
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 1000 else f"{value:,.1f}"
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


def one_line(message: object) -> str:
    """Any message (or exception) squeezed onto one line of at most 300 characters."""
    text = " ".join(str(message).split()) or type(message).__name__
    return text if len(text) <= 300 else text[:297] + "..."
