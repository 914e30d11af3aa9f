"""Reading a OneRoster export from a zip file or a folder, safely and leniently.

A zip is read in memory member by member, never extracted: member names are
checked (no absolute paths, no ``..``, only OneRoster file names) and sizes are
bounded before anything is decompressed, so a zip bomb is refused unread.
Files are UTF-8 with or without a byte-order mark, with LF or CRLF line ends.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

from efficacy.roster.oneroster.problems import Problem, RosterImportInvalid
from efficacy.roster.oneroster.specs import OTHER_FILES, ROSTER_FILES, VERSIONS, FileSpec, file_spec

MANIFEST = "manifest.csv"
MODES = ("bulk", "delta", "absent")
# Ignored zip members that archivers add on their own.
_JUNK = ("__MACOSX/", ".DS_Store", "Thumbs.db")


def max_unzipped_bytes() -> int:
    return getattr(settings, "EFFICACY_ROSTER_MAX_UNZIPPED_BYTES", 2 * 1024**3)


def max_zip_ratio() -> int:
    # Roster CSV compresses about 5 to 20 times; a ratio far beyond is a bomb.
    return getattr(settings, "EFFICACY_ROSTER_MAX_ZIP_RATIO", 200)


@dataclass
class Table:
    """One parsed CSV file: its rows as ``(line, {column: value})``."""

    spec: FileSpec
    mode: str  # "bulk" or "delta"
    columns: frozenset[str]
    metadata_columns: tuple[str, ...]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return self.spec.filename


@dataclass
class Export:
    version: str
    tables: dict[str, Table]
    modes: dict[str, str]


def _problem(
    file: str, message: str, hint: str, line: int | None = None, column: str | None = None
) -> Problem:
    return Problem(file=file, line=line, column=column, message=message, hint=hint)


# --- Where the bytes come from ------------------------------------------------


def _zip_members(path: Path) -> dict[str, bytes]:
    """The CSV files of a zip, by file name; raises on an unsafe or broken zip."""
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise RosterImportInvalid(
            [
                _problem(
                    name,
                    _("is not a readable zip file"),
                    _(
                        "export the roster again as a .zip, or give the folder that holds manifest.csv"
                    ),
                )
            ]
        ) from None
    with archive:
        infos = [
            i
            for i in archive.infolist()
            if not i.is_dir() and not any(j in i.filename for j in _JUNK)
        ]
        problems: list[Problem] = []
        for info in infos:
            raw = info.filename
            pure = PurePosixPath(raw)
            if raw.startswith(("/", "\\")) or "\\" in raw or ":" in raw or ".." in pure.parts:
                problems.append(
                    _problem(
                        name,
                        _("the zip holds an unsafe path %(path)s") % {"path": repr(raw)},
                        _(
                            "a OneRoster zip holds only CSV files, with no folders that climb out of it"
                        ),
                    )
                )
        if problems:
            raise RosterImportInvalid(problems)

        # A zip made from a folder puts every file under that folder: accept it.
        prefix = ""
        parents = {PurePosixPath(i.filename).parent for i in infos}
        if len(parents) == 1 and str(next(iter(parents))) != ".":
            prefix = str(next(iter(parents))) + "/"
        known = {f"{n}.csv" for n in (*ROSTER_FILES, *OTHER_FILES)} | {MANIFEST}
        total = 0
        for info in infos:
            member = info.filename[len(prefix) :]
            if "/" in member or member not in known:
                problems.append(
                    _problem(
                        name,
                        _("the zip holds an unexpected file %(path)s")
                        % {"path": repr(info.filename)},
                        _(
                            "a OneRoster zip holds manifest.csv and the OneRoster CSV files, nothing else"
                        ),
                    )
                )
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and ratio > max_zip_ratio():
                problems.append(
                    _problem(
                        name,
                        _("%(path)s expands %(ratio)d times: refused as a zip bomb")
                        % {"path": info.filename, "ratio": ratio},
                        _(
                            "export the roster again; a real roster file does not compress that much"
                        ),
                    )
                )
        if total > max_unzipped_bytes():
            problems.append(
                _problem(
                    name,
                    _(
                        "the zip expands to %(size)d bytes, more than the limit of %(limit)d: refused as a zip bomb"
                    )
                    % {"size": total, "limit": max_unzipped_bytes()},
                    _(
                        "split the export, or raise EFFICACY_ROSTER_MAX_UNZIPPED_BYTES if it is genuine"
                    ),
                )
            )
        if problems:
            raise RosterImportInvalid(problems)

        files: dict[str, bytes] = {}
        for info in infos:
            # Never read more than the size the zip declares, whatever the data says.
            with archive.open(info) as member:
                data = member.read(info.file_size + 1)
            if len(data) > info.file_size:
                raise RosterImportInvalid(
                    [
                        _problem(
                            name,
                            _("%(path)s is larger than the zip declares") % {"path": info.filename},
                            _("the zip is damaged or crafted; export the roster again"),
                        )
                    ]
                )
            files[info.filename[len(prefix) :]] = data
        return files


def _folder_members(path: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for name in (MANIFEST, *(f"{n}.csv" for n in ROSTER_FILES)):
        candidate = path / name
        if candidate.is_file():
            files[name] = candidate.read_bytes()
    return files


def _members(source: Path) -> dict[str, bytes]:
    if not source.exists():
        raise RosterImportInvalid(
            [
                _problem(
                    str(source),
                    _("no such file or folder"),
                    _(
                        "give the path of a OneRoster .zip file or of the folder that holds manifest.csv"
                    ),
                )
            ]
        )
    if source.is_dir():
        return _folder_members(source)
    return _zip_members(source)


# --- Text and CSV --------------------------------------------------------------


def decode(filename: str, data: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 text without its byte-order mark, or a problem saying where it is not UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, _problem(
            filename, _("is UTF-16 text, not UTF-8"), _("save or export the file as UTF-8"), line=1
        )
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, _problem(
            filename,
            _("is not UTF-8 text (byte 0x%(byte)02x)") % {"byte": data[error.start]},
            _(
                "save or export the file as UTF-8; it looks like another encoding such as Windows-1252"
            ),
            line=line,
        )


def parse_table(spec: FileSpec, mode: str, text: str, problems: list[Problem]) -> Table | None:
    filename = spec.filename
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        while header is not None and not any(h.strip() for h in header):
            header = next(reader, None)
        if header is None:
            problems.append(
                _problem(
                    filename,
                    _("the file is empty"),
                    _("a OneRoster file starts with a header line naming its columns"),
                    line=1,
                )
            )
            return None
        # Column names are matched without regard to case or stray spaces.
        canonical = {c.lower(): c for c in spec.columns}
        names: list[str] = []
        for raw in header:
            cleaned = raw.strip().lstrip("\ufeff")
            if cleaned.lower().startswith("metadata."):
                names.append("metadata." + cleaned[len("metadata.") :])
            else:
                names.append(canonical.get(cleaned.lower(), cleaned))
        header_line = reader.line_num
        missing = [c for c in spec.columns if c in spec.required and c not in names]
        for column in missing:
            problems.append(
                _problem(
                    filename,
                    _("the required column is missing"),
                    _("add a column named %(column)s to the header line") % {"column": column},
                    line=header_line,
                    column=column,
                )
            )
        if missing:
            return None
        table = Table(
            spec=spec,
            mode=mode,
            columns=frozenset(names),
            metadata_columns=tuple(n for n in names if n.startswith("metadata.")),
        )
        width = len(names)
        rows = table.rows
        for values in reader:
            if len(values) != width:
                if not any(v.strip() for v in values):
                    continue  # a blank line
                problems.append(
                    _problem(
                        filename,
                        _("the line has %(got)d values but the header has %(want)d columns")
                        % {"got": len(values), "want": width},
                        _("check for a missing or extra comma, or an unclosed quote"),
                        line=reader.line_num,
                    )
                )
                continue
            rows.append((reader.line_num, dict(zip(names, map(str.strip, values), strict=True))))
        return table
    except csv.Error as error:
        problems.append(
            _problem(
                filename,
                _("the file is not valid CSV: %(error)s") % {"error": error},
                _("check the quotes on this line"),
                line=reader.line_num,
            )
        )
        return None


# --- The manifest --------------------------------------------------------------


def read_export(source: Path, problems: list[Problem]) -> Export:
    """Read the manifest and every roster file it names; file-level problems go to ``problems``.

    Raises ``RosterImportInvalid`` when there is nothing sensible to go on (no
    manifest, an unsafe zip).
    """
    members = _members(source)
    if MANIFEST not in members:
        raise RosterImportInvalid(
            [
                _problem(
                    MANIFEST,
                    _("the export has no manifest.csv"),
                    _("a OneRoster export holds manifest.csv beside its CSV files"),
                )
            ]
        )
    text, problem = decode(MANIFEST, members[MANIFEST])
    if problem:
        raise RosterImportInvalid([problem])
    properties: dict[str, tuple[int, str]] = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    for values in reader:
        if len(values) >= 2 and values[0].strip() and values[0].strip() != "propertyName":
            properties[values[0].strip()] = (reader.line_num, values[1].strip())

    fatal: list[Problem] = []
    line, version = properties.get("oneroster.version", (None, ""))
    version = version[:3] if version.startswith(VERSIONS) else version
    if version not in VERSIONS:
        fatal.append(
            _problem(
                MANIFEST,
                _("unsupported or missing oneroster.version %(version)s")
                % {"version": repr(version)},
                _("the manifest must say oneroster.version 1.1 or 1.2"),
                line=line,
                column="value",
            )
        )
        raise RosterImportInvalid(fatal)

    modes: dict[str, str] = {}
    tables: dict[str, Table] = {}
    for name in ROSTER_FILES:
        spec = file_spec(version, name)
        filename = f"{name}.csv"
        if spec is None:
            continue
        line, mode = properties.get(f"file.{name}", (None, "absent"))
        mode = mode.lower()
        if mode not in MODES:
            problems.append(
                _problem(
                    MANIFEST,
                    _("file.%(name)s says %(mode)s") % {"name": name, "mode": repr(mode)},
                    _("use bulk, delta or absent"),
                    line=line,
                    column="value",
                )
            )
            continue
        modes[name] = mode
        if mode == "absent":
            if filename in members:
                problems.append(
                    _problem(
                        filename,
                        _("the manifest says this file is absent, yet it is in the export"),
                        _("set file.%(name)s to bulk or delta in manifest.csv, or remove the file")
                        % {"name": name},
                        line=line,
                    )
                )
            continue
        if filename not in members:
            problems.append(
                _problem(
                    filename,
                    _("the manifest lists this file as %(mode)s but it is not in the export")
                    % {"mode": mode},
                    _("add the file, or set file.%(name)s to absent in manifest.csv")
                    % {"name": name},
                )
            )
            continue
        text, problem = decode(filename, members.pop(filename))
        if problem:
            problems.append(problem)
            continue
        table = parse_table(spec, mode, text, problems)
        if table is not None:
            tables[name] = table
    return Export(version=version, tables=tables, modes=modes)
