"""Reading a OneRoster export from a zip file or a folder, safely and leniently.

A zip is read in memory member by member, never extracted: member names are
checked here (no absolute paths, no ``..``, only OneRoster file names); sizes,
ratios, encrypted and damaged members are the one guard's (:mod:`efficacy.tabular`),
so a zip bomb is refused unread. Each CSV file is read by the one tabular reader,
with its leniency rules (byte-order mark, CRLF, column names in any case).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from efficacy.roster.oneroster.problems import Problem, RosterImportInvalid
from efficacy.roster.oneroster.specs import OTHER_FILES, ROSTER_FILES, VERSIONS, FileSpec, file_spec
from efficacy.tabular import read_table, zip_members
from efficacy.tabular.limits import roster_limits

MANIFEST = "manifest.csv"
MODES = ("bulk", "delta", "absent")
# Ignored zip members that archivers add on their own.
_JUNK = ("__MACOSX/", ".DS_Store", "Thumbs.db")


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
        if problems:
            raise RosterImportInvalid(problems)
    wanted = {i.filename for i in infos}
    members = zip_members(
        path, name, limits=roster_limits(), problems=problems, keep=lambda i: i.filename in wanted
    )
    if members is None:
        raise RosterImportInvalid(problems)
    return {member[len(prefix) :]: data for member, data in members.items()}


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


# --- CSV -----------------------------------------------------------------------


def parse_table(spec: FileSpec, mode: str, data: bytes, problems: list[Problem]) -> Table | None:
    read = read_table(
        data,
        spec.filename,
        problems=problems,
        limits=roster_limits(),
        columns=spec.columns,
        required=[c for c in spec.columns if c in spec.required],
        prefixes=("metadata.",),
    )
    if read is None:
        return None
    return Table(
        spec=spec,
        mode=mode,
        columns=frozenset(read.columns),
        metadata_columns=tuple(n for n in read.columns if n.startswith("metadata.")),
        rows=read.rows,
    )


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
    manifest = read_table(
        members[MANIFEST],
        MANIFEST,
        problems=problems,
        limits=roster_limits(),
        columns=("propertyName", "value"),
        required=("propertyName", "value"),
    )
    if manifest is None:
        raise RosterImportInvalid(problems)
    properties: dict[str, tuple[int, str]] = {}
    for line, row in manifest.rows:
        if row["propertyName"]:
            properties[row["propertyName"]] = (line, row["value"])

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
        table = parse_table(spec, mode, members.pop(filename), problems)
        if table is not None:
            tables[name] = table
    return Export(version=version, tables=tables, modes=modes)
