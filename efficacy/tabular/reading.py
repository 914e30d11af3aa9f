"""One reader for the CSV and XLSX files people give Efficacy, and one guard for zips.

The leniency rules, written once:

- CSV is UTF-8, with or without a byte-order mark, with LF or CRLF line ends,
  comma-separated (a semicolon or a tab when the header has no comma, as
  spreadsheets in French write it), quotes doubled inside quoted values.
  Another encoding is refused with the line where it is not UTF-8, and so is a
  NUL character (no text holds one, and PostgreSQL cannot store it).
- The header is the first line that is not blank; a column name matches in
  any case, with spaces around it ignored and spaces inside it read as ``_``.
- Blank lines are skipped; text is stripped of surrounding spaces; the quote
  our own writer put before a formula-like value is removed (:mod:`.formulas`).
- An empty cell is ``""``; an XLSX cell keeps its type (numbers, dates, booleans).

Every bound in :class:`~efficacy.tabular.limits.Limits` is checked while reading,
so a hostile file is refused before it costs memory or time: its size, each zip
member's declared and actual size and ratio, encrypted or damaged members, and
the rows, columns, line length and cell length.
"""

from __future__ import annotations

import codecs
import csv
import io
import operator
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from efficacy.tabular.formulas import QUOTE, unneutralise
from efficacy.tabular.limits import RATIO_FLOOR_BYTES, Limits
from efficacy.tabular.problems import Problem, _, number

Source = bytes | Path | BinaryIO
Row = tuple[int, dict[str, Any]]
ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1024 * 1024


class _Stop(Exception):
    """Reading cannot go on; the problem says why."""

    def __init__(self, problem: Problem):
        self.problem = problem


@dataclass
class Table:
    """A file's rows as ``(line, {column: value})``; the header is line ``header_line``."""

    file: str
    columns: list[str]
    header_line: int = 1
    rows: list[Row] = field(default_factory=list)


def header_key(name: Any) -> str:
    """How column names are compared: any case, surrounding spaces ignored, inner spaces as ``_``."""
    return "_".join(str(name or "").replace("\ufeff", "").split()).lower()


# --- sizes -------------------------------------------------------------------


def _size(source: Source) -> int:
    if isinstance(source, bytes):
        return len(source)
    if isinstance(source, Path):
        return source.stat().st_size
    position = source.tell()
    size = source.seek(0, io.SEEK_END)
    source.seek(position)
    return size


def _open(source: Source) -> BinaryIO:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, Path):
        return source.open("rb")
    return source


def _check_file_size(source: Source, file: str, limits: Limits) -> None:
    size = _size(source)
    if size > limits.file_bytes:
        raise _Stop(
            Problem(
                file,
                None,
                None,
                _("the file is %(size)s bytes, more than the limit of %(limit)s")
                % {"size": number(size), "limit": number(limits.file_bytes)},
                _("split it into smaller files, for example one per class"),
            )
        )


def _too_many_rows(file: str, line: int, limits: Limits) -> _Stop:
    return _Stop(
        Problem(
            file,
            line,
            None,
            _("the file has more than %(limit)s rows, the most one file may have")
            % {"limit": number(limits.rows)},
            _("split it into smaller files, for example one per class"),
        )
    )


# --- zips ----------------------------------------------------------------------


def _damaged(file: str, what: str) -> _Stop:
    return _Stop(
        Problem(
            file,
            None,
            None,
            _("the file is damaged or crafted (%(what)s)") % {"what": what},
            _("save or export it again, and upload the new file"),
        )
    )


def _check_zip(
    archive: zipfile.ZipFile, infos: Sequence[zipfile.ZipInfo], file: str, limits: Limits
) -> None:
    """Refuse, unread, a zip whose members are encrypted or expand past the limits."""
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _Stop(
                Problem(
                    file,
                    None,
                    None,
                    _("%(member)s in the file is encrypted") % {"member": info.filename},
                    _("save it again without a password"),
                )
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > limits.zip_ratio:
            raise _Stop(
                Problem(
                    file,
                    None,
                    None,
                    _("%(member)s expands %(ratio)s times: refused as a zip bomb")
                    % {"member": info.filename, "ratio": number(int(ratio))},
                    _("a real file does not compress that much; save or export it again"),
                )
            )
    if total > limits.unzipped_bytes:
        raise _Stop(
            Problem(
                file,
                None,
                None,
                _("the file expands to %(size)s bytes, more than the limit of %(limit)s")
                % {"size": number(total), "limit": number(limits.unzipped_bytes)},
                _("split it into smaller files, for example one per class"),
            )
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> bytes:
    """The member's bytes, never more than the zip declares; damage is a problem."""
    try:
        with archive.open(info) as member:
            data = member.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
        raise _damaged(file, f"{info.filename}: {error}") from None
    except (NotImplementedError, RuntimeError) as error:  # unknown compression, a password
        raise _damaged(file, f"{info.filename}: {error}") from None
    if len(data) != info.file_size:
        raise _damaged(
            file, _("%(member)s is not the size the zip declares") % {"member": info.filename}
        )
    return data


def _open_zip(source: Source, file: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(_open(source))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _damaged(file, str(error)) from None


def zip_members(
    source: Source,
    file: str,
    *,
    limits: Limits,
    problems: list[Problem],
    keep: Callable[[zipfile.ZipInfo], bool] = lambda info: True,
) -> dict[str, bytes] | None:
    """The members ``keep`` selects, by name, after the guard; ``None`` with a problem if refused.

    Sizes and ratios are checked on every member, kept or not, before any is read.
    """
    try:
        _check_file_size(source, file, limits)
        with _open_zip(source, file) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            _check_zip(archive, infos, file, limits)
            return {i.filename: _read_member(archive, i, file) for i in infos if keep(i)}
    except _Stop as stop:
        problems.append(stop.problem)
        return None


# --- CSV -------------------------------------------------------------------------


def _line_too_long(file: str, line: int, limits: Limits) -> _Stop:
    return _Stop(
        Problem(
            file,
            line,
            None,
            _("the line is longer than %(limit)s bytes") % {"limit": number(limits.line_bytes)},
            _("check that this is a CSV file with one row per line"),
        )
    )


def _not_utf8(file: str, line: int, byte: int) -> _Stop:
    return _Stop(
        Problem(
            file,
            line,
            None,
            _("is not UTF-8 text (byte 0x%(byte)02x)") % {"byte": byte},
            _(
                "save or export the file as CSV UTF-8; it looks like another encoding "
                "such as Windows-1252"
            ),
        )
    )


def _nul(file: str, line: int, column: str | None) -> _Stop:
    """A NUL character: never part of a name or a score, and PostgreSQL refuses to store it."""
    return _Stop(
        Problem(
            file,
            line,
            column,
            _("holds a NUL character (byte 0x00), which a text never has"),
            _("save or export the file again as CSV UTF-8 or as an Excel workbook"),
        )
    )


def _without_bom(first: bytes, file: str) -> bytes:
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _Stop(
            Problem(file, 1, None, _("is UTF-16 text, not UTF-8"), _("save the file as CSV UTF-8"))
        )
    return first[len(codecs.BOM_UTF8) :] if first.startswith(codecs.BOM_UTF8) else first


def _csv_lines(stream: BinaryIO, file: str, limits: Limits) -> Iterator[str]:
    """Decoded lines of a file read as it goes (never more than a line in memory)."""
    number = 0
    while True:
        raw = stream.readline(limits.line_bytes + 1)
        if not raw:
            return
        number += 1
        if number > limits.rows:
            raise _too_many_rows(file, number, limits)
        if len(raw) > limits.line_bytes:
            raise _line_too_long(file, number, limits)
        if number == 1:
            raw = _without_bom(raw, file)
        if b"\x00" in raw:
            raise _nul(file, number, None)
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _not_utf8(file, number, raw[error.start]) from None


def _text_lines(data: bytes, file: str, limits: Limits) -> Iterator[str]:
    """The lines of a file already in memory (an upload, a zip member), checked at C speed."""
    if data.count(b"\n") >= limits.rows:
        raise _too_many_rows(file, limits.rows + 1, limits)
    if len(data) > limits.line_bytes:
        lengths = list(map(len, data.split(b"\n")))
        if max(lengths) > limits.line_bytes:
            line = next(i for i, n in enumerate(lengths, 1) if n > limits.line_bytes)
            raise _line_too_long(file, line, limits)
    data = _without_bom(data, file)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _nul(file, data[:nul].count(b"\n") + 1, None)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _not_utf8(file, data[: error.start].count(b"\n") + 1, data[error.start]) from None
    return iter(io.StringIO(text, newline=""))


def _delimiter(header: str) -> str:
    if "," in header:
        return ","
    if ";" in header:
        return ";"
    return "\t" if "\t" in header else ","


def _csv_records(source: Source, file: str, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    if isinstance(source, bytes):
        lines = _text_lines(source, file, limits)
    else:
        lines = _csv_lines(_open(source), file, limits)
    first = next(lines, None)
    if first is None:
        return
    pending = [first]

    def all_lines() -> Iterator[str]:
        yield from pending
        yield from lines

    reader = csv.reader(all_lines(), delimiter=_delimiter(first), quotechar='"', doublequote=True)
    try:
        for values in reader:
            yield reader.line_num, values
    except csv.Error as error:
        raise _Stop(
            Problem(
                file,
                reader.line_num,
                None,
                _("the file is not valid CSV: %(error)s") % {"error": error},
                _("check the quotes on this line"),
            )
        ) from None


# --- XLSX ------------------------------------------------------------------------


def _xlsx_records(source: Source, file: str, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    try:
        archive = zipfile.ZipFile(_open(source))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _unreadable(file, error) from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        _check_zip(archive, infos, file, limits)
        for info in infos:  # the actual sizes, and each member's checksum
            _read_member(archive, info, file)
    try:
        from openpyxl import load_workbook

        workbook = load_workbook(_open(source), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise _unreadable(file, error) from None
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        # The declared dimension may claim a million rows; read only the rows there are.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                values = next(rows, None)
            except Exception as error:
                raise _unreadable(file, error) from None
            if values is None:
                return
            number += 1
            if number > limits.rows:
                raise _too_many_rows(file, number, limits)
            if len(values) > limits.columns:
                raise _too_many_columns(file, number, len(values), limits)
            yield number, list(values)
    finally:
        workbook.close()


def _unreadable(file: str, error: Exception) -> _Stop:
    return _Stop(
        Problem(
            file,
            None,
            None,
            _("the file could not be read as a spreadsheet (%(error)s)")
            % {"error": " ".join(str(error).split())[:200] or type(error).__name__},
            _("save it again as an Excel workbook (.xlsx) or as CSV UTF-8"),
        )
    )


def _too_many_columns(file: str, line: int, count: int, limits: Limits) -> _Stop:
    return _Stop(
        Problem(
            file,
            line,
            None,
            _("the line has %(count)s columns, more than the limit of %(limit)s")
            % {"count": number(count), "limit": number(limits.columns)},
            _("keep only the columns the import needs"),
        )
    )


# --- the table -----------------------------------------------------------------------


def is_xlsx(source: Source, file: str) -> bool:
    """An XLSX file by its first bytes (a zip), else by its name."""
    stream = _open(source)
    position = stream.tell()
    magic = stream.read(4)
    stream.seek(position)
    return magic == ZIP_MAGIC or file.lower().endswith(".xlsx")


_quoted = operator.methodcaller("startswith", QUOTE)


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return unneutralise(value.strip()).strip()
    return value


def read_table(
    source: Source,
    file: str,
    *,
    problems: list[Problem],
    limits: Limits | None = None,
    columns: Sequence[str] = (),
    required: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
    prefixes: Sequence[str] = (),
    header_hint: str = "",
) -> Table | None:
    """Read a whole CSV or XLSX file; its problems go to ``problems``.

    ``columns`` are the names the caller knows, in their canonical spelling: a
    header matching one (see :func:`header_key`) or one of ``aliases`` (alternative
    name → canonical) takes it; other columns keep their name as written, except a
    known prefix such as ``metadata.``, matched in any case. A ``required`` column
    that is missing is a problem (``header_hint`` says how to fix it, and what an
    empty file needs), and the
    table is ``None``: nothing can be read without it. Rows whose number of values
    differs from the header's are problems and are left out of the table.
    """
    limits = limits or Limits()
    if isinstance(source, Path):
        with source.open("rb") as stream:
            return read_table(
                stream, file, problems=problems, limits=limits, columns=columns,
                required=required, aliases=aliases, prefixes=prefixes, header_hint=header_hint,
            )  # fmt: skip
    try:
        _check_file_size(source, file, limits)
        xlsx = is_xlsx(source, file)
        records = (
            _xlsx_records(source, file, limits) if xlsx else _csv_records(source, file, limits)
        )
        return _table(records, file, xlsx, problems, limits, columns, required, aliases or {},
                      prefixes, header_hint)  # fmt: skip
    except _Stop as stop:
        problems.append(stop.problem)
        return None


def _header_names(
    header: list[Any], columns: Sequence[str], aliases: Mapping[str, str], prefixes: Sequence[str]
) -> list[str]:
    canonical = {header_key(c): c for c in columns}
    canonical.update({header_key(k): v for k, v in aliases.items()})
    names = []
    for raw in header:
        cleaned = " ".join(str(raw if raw is not None else "").replace("\ufeff", "").split())
        key = header_key(cleaned)
        name = canonical.get(key)
        if name is None:
            name = cleaned
            for prefix in prefixes:
                if key.startswith(prefix.lower()):
                    name = prefix + cleaned[len(prefix) :]
        names.append(name)
    return names


def _blank(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _table(
    records: Iterator[tuple[int, list[Any]]],
    file: str,
    xlsx: bool,
    problems: list[Problem],
    limits: Limits,
    columns: Sequence[str],
    required: Sequence[str],
    aliases: Mapping[str, str],
    prefixes: Sequence[str],
    header_hint: str,
) -> Table | None:
    header: list[Any] | None = None
    header_line = 1
    for line, values in records:
        if not _blank(values):
            header, header_line = values, line
            break
    if header is None:
        problems.append(
            Problem(
                file,
                1,
                None,
                _("the file is empty"),
                header_hint or _("the first line that is not blank names the columns"),
            )
        )
        return None
    while header and (header[-1] is None or str(header[-1]).strip() == ""):
        header.pop()  # a spreadsheet's empty columns after the last name
    if len(header) > limits.columns:
        raise _too_many_columns(file, header_line, len(header), limits)
    names = _header_names(header, columns, aliases, prefixes)
    if xlsx and any("\x00" in name for name in names):
        raise _nul(file, header_line, None)
    # Two columns of one name (or a name and its alias) would leave one of them unread.
    twice = sorted({n for n in names if n and names.count(n) > 1}, key=names.index)
    for column in twice:
        problems.append(
            Problem(
                file,
                header_line,
                column,
                _("the column appears more than once in the header line"),
                _("keep one column named %(column)s, and rename or remove the others")
                % {"column": column},
            )
        )
    missing = [c for c in required if c not in names]
    for column in missing:
        problems.append(
            Problem(
                file,
                header_line,
                column,
                _("the required column is missing"),
                header_hint
                or _("add a column named %(column)s to the header line") % {"column": column},
            )
        )
    if missing or twice:
        return None
    table = Table(file=file, columns=names, header_line=header_line)
    width = len(names)
    rows = table.rows
    for line, raw in records:
        # Each line costs a few C-level passes: an export's millions of cells are plain text.
        if xlsx:
            values = [_text(v) for v in raw]
            if all(v == "" for v in values):
                continue
            longest = max(len(v) if isinstance(v, str) else 0 for v in values)
            if any(isinstance(v, str) and "\x00" in v for v in values):
                raise _nul(file, line, None)
        else:
            values = list(map(str.strip, raw))
            if not any(values):
                continue
            if any(map(_quoted, values)):
                values = [_text(v) for v in values]
            longest = max(map(len, values))
        if len(values) > width and not any(v != "" for v in values[width:]):
            del values[width:]
        elif xlsx and len(values) < width:
            values.extend([""] * (width - len(values)))  # a sheet's row ends at its last cell
        if len(values) != width:
            problems.append(
                Problem(
                    file,
                    line,
                    None,
                    _("the line has %(got)d values but the header has %(want)d columns")
                    % {"got": len(values), "want": width},
                    _("check for a missing or extra comma, or an unclosed quote"),
                )
            )
            continue
        if longest > limits.cell_chars:
            _too_long_cells(file, line, names, values, limits, problems)
        rows.append((line, dict(zip(names, values, strict=True))))
    return table


def _too_long_cells(
    file: str,
    line: int,
    names: list[str],
    values: list[Any],
    limits: Limits,
    problems: list[Problem],
) -> None:
    """Report each cell longer than the limit, and empty it."""
    for i, (name, value) in enumerate(zip(names, values, strict=True)):
        if isinstance(value, str) and len(value) > limits.cell_chars:
            problems.append(
                Problem(
                    file,
                    line,
                    name,
                    _("the value is %(n)s characters long, more than the limit of %(limit)s")
                    % {"n": number(len(value)), "limit": number(limits.cell_chars)},
                    _("shorten the value"),
                )
            )
            values[i] = ""
