"""``efficacy analyze``: the analyst's statistics from the command line.

Each subcommand is a module of this package (see :mod:`efficacy.analyze_cli.io`
for how to write one) listed in :data:`SUBCOMMANDS`. Bad input of any kind ends
with one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings
from gettext import gettext as _
from types import ModuleType

from efficacy.analysis.results import MIN_N, AnalysisError
from efficacy.analyze_cli.io import CliError, one_line, print_result, read_table
from efficacy.cli_args import OneLineParser

#: Subcommand modules, in the order ``--help`` lists them.
SUBCOMMANDS = [
    "effect",
    "prepost",
    "impact",
    "gap",
    "meta",
    "icc",
    "reliability",
    "runchart",
]

PROG = "efficacy analyze"


class _Parser(OneLineParser):
    """Argument errors become a CliError, so they too are one line and status 2."""

    error_class = CliError


def _modules(argv: list[str] | None = None) -> dict[str, ModuleType | None]:
    """The subcommand modules, imported only for the one ``argv`` runs (its statistics
    and their libraries load in their own time); all of them when none is named, so that
    ``--help`` lists each one's help."""
    names = [name.replace("_", "-") for name in SUBCOMMANDS]
    chosen = next((a for a in argv or [] if not a.startswith("-")), None)
    wanted = {chosen} if chosen in names else set(names)
    return {
        name: importlib.import_module(f"efficacy.analyze_cli.{name.replace('-', '_')}")
        if name in wanted
        else None
        for name in names
    }


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description=_(
            "Impact statistics on a table of scores (CSV, XLSX or Parquet). "
            "Every result carries its n, its uncertainty and its method."
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="SUBCOMMAND", required=True)
    for name, module in _modules(argv).items():
        if module is None:  # not the one being run: listed, not loaded
            commands.add_parser(name)
            continue
        sub = commands.add_parser(name, help=module.HELP, description=module.HELP)
        sub.add_argument(
            "--data", required=True, metavar="FILE", help=_("the table: .csv, .xlsx or .parquet")
        )
        sub.add_argument("--json", action="store_true", help=_("print one JSON document"))
        sub.add_argument(
            "--min-n",
            type=int,
            default=MIN_N,
            metavar="N",
            help=_("suppress a group smaller than N students (default %(default)s)"),
        )
        module.add_arguments(sub)
        sub.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; returns the exit status (0 fine, 2 bad input, 1 our bug)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = PROG
    try:
        with warnings.catch_warnings():
            # Library warnings would add lines to stderr; a problem is reported once, by us.
            warnings.simplefilter("ignore")
            args = build_parser(argv).parse_args(argv)
            command = f"{PROG} {args.command}"
            if args.min_n < 2:
                raise CliError(f"--min-n must be at least 2, got {args.min_n}.")
            table = read_table(args.data)
            result = args._module.run(args, table)
        print_result(result, as_json=args.json, columns=getattr(args._module, "SUMMARY", None))
        return 0
    except SystemExit as exc:  # --help and --version exit through argparse
        return int(exc.code or 0)
    except (CliError, AnalysisError) as exc:
        print(f"{command}: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        raise  # the reader went away (`| head`): not our bug, see efficacy.cli
    except Exception as exc:
        if os.environ.get("EFFICACY_DEBUG"):
            raise
        print(
            f"{command}: internal error ({type(exc).__name__}: {one_line(exc)}); "
            "please report it, and set EFFICACY_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        return 1
