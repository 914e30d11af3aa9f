"""``efficacy instrument check FILE.yaml`` and ``efficacy instrument load FILE.yaml --district ID``.

``check`` runs without Django or a database, like ``efficacy analyze``: it reads
the file, validates it completely (:func:`efficacy.voice.instruments.parse`) and
prints either ``FILE.yaml: valid: KEY VERSION, N items in M subscales`` or every
problem as ``FILE.yaml:LINE: message (hint)``. ``load`` does the same checks,
then stores the instrument for a district, as a server operator would (the
instruments every district sees are the ones Efficacy ships). Exit status:

- 0: the file is valid (``load``: and stored, or already there);
- 1: the file has problems, each listed on a line of its own; nothing was stored;
- 2: the file cannot be read (missing, a folder, not UTF-8, too large), or the
  arguments are wrong (an unknown district included).
"""

from __future__ import annotations

import argparse
import os
import sys
from gettext import gettext as _
from pathlib import Path
from typing import TYPE_CHECKING

from efficacy.cli_args import ArgumentError, OneLineParser

if TYPE_CHECKING:
    from efficacy.tabular import Problems

PROG = "efficacy instrument"
VALID, INVALID, UNREADABLE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog=PROG,
        description=_(
            "Check a survey instrument's YAML (items, subscales, response scales, languages; "
            "the format is in efficacy/voice/instruments/FORMAT.md), or load it into the "
            "database."
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                     parser_class=OneLineParser)  # fmt: skip
    check = commands.add_parser(
        "check",
        help=_("validate a file and list every problem with its line"),
        description=_("Validate FILE.yaml and list every problem with its line. Exit 0 when "
                      "it is valid, 1 when it has problems, 2 when it cannot be read."),
    )  # fmt: skip
    check.add_argument("file", metavar="FILE.yaml")
    load = commands.add_parser(
        "load",
        help=_("validate a file, then store it for a district"),
        description=_("Validate FILE.yaml, then store it for the district whose id is given. "
                      "Loading the same file again changes nothing; a new wording needs a new "
                      "version."),
    )  # fmt: skip
    load.add_argument("file", metavar="FILE.yaml")
    load.add_argument("--district", type=int, metavar="ID", required=True,
                      help=_("the district's id"))  # fmt: skip
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except ArgumentError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return UNREADABLE
    path = Path(args.file)
    text = _read(path)
    if text is None:
        return UNREADABLE
    if args.command == "check":
        return _check(path, text)
    return _load(path, text, args.district)


def _read(path: Path) -> str | None:
    """The file's text, or None after saying why it cannot be read."""
    from efficacy.voice.instruments import MAX_BYTES

    def unreadable(why: str) -> str | None:
        print(f"{PROG}: {path}: {why}", file=sys.stderr)
        return None

    try:
        if path.stat().st_size > MAX_BYTES:
            return unreadable(
                f"is larger than {MAX_BYTES // 1024} KB; an instrument is far smaller"
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        return unreadable("no such file")
    except IsADirectoryError:
        return unreadable("is a folder, not a file")
    except OSError as error:
        return unreadable(f"cannot be read ({error.strerror or error})")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return unreadable(f"is not UTF-8 text (byte {error.start + 1}); save it as UTF-8")


def _print_problems(problems: Problems) -> None:
    for problem in problems:
        line = "" if problem.line is None else str(problem.line)
        hint = f" ({problem.hint})" if problem.hint else ""
        print(f"{problem.file}:{line}: {problem.message}{hint}")
    if problems.more:
        print(f"... and {problems.more:,} more problems")


def _check(path: Path, text: str) -> int:
    from efficacy.voice.instruments import InstrumentInvalid, parse

    try:
        definition = parse(text, file=path.name)
    except InstrumentInvalid as invalid:
        _print_problems(invalid.problems)
        return INVALID
    print(
        f"{path.name}: valid: {definition.key} {definition.version}, "
        f"{len(definition.items)} items in {len(definition.subscales)} subscales"
    )
    return VALID


def _load(path: Path, text: str, district_id: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "efficacy.settings")
    import django

    django.setup()
    from efficacy.roster.models import District
    from efficacy.voice.instruments import InstrumentInvalid
    from efficacy.voice.services.instruments import instrument_load

    district = District.objects.filter(pk=district_id).first()
    if district is None:
        print(f"{PROG}: error: no district has id {district_id}", file=sys.stderr)
        return UNREADABLE
    try:
        instrument = instrument_load(text=text, user=None, district=district, file=path.name)
    except InstrumentInvalid as invalid:
        _print_problems(invalid.problems)
        print(f"{PROG}: {path.name}: nothing was loaded", file=sys.stderr)
        return INVALID
    print(
        f"{path.name}: loaded: {instrument.key} {instrument.version} for district "
        f"{district.name} (instrument {instrument.pk})"
    )
    return VALID
