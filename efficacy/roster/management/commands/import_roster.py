"""``efficacy import-roster PATH [--json]``: import a OneRoster 1.1 / 1.2 export.

Only a server operator can run it, so it imports every district and school
(``access.ROSTER_SCOPE_ALL``); an import from the web is limited to the
importer's scope. The summary says which scope was used. The audit log records
each run (via the command), as it does the web's.

Exit status 0 on success; 2 when the export is invalid (the first 100 problems
printed, the rest counted: "… and N more problems"; nothing written) or the path
does not exist. With ``--json`` the errors are those first 100.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from efficacy.roster.oneroster import ImportSummary, RosterImportInvalid
from efficacy.roster.oneroster.problems import COUNT_KINDS
from efficacy.roster.services import roster_import_by_operator

INVALID = 2


class Command(BaseCommand):
    help = _(
        "Import a OneRoster 1.1 or 1.2 CSV export (a .zip file or a folder holding manifest.csv). "
        "Re-importing the same export changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("the .zip file or the folder of the export"))
        parser.add_argument(
            "--json",
            action="store_true",
            help=_("print one JSON object of counts per file (or of errors) instead of a table"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_json = options["json"]
        source = Path(options["path"]).expanduser()
        try:
            summary = (
                roster_import_by_operator(source=source)
                if as_json
                else self.import_with_progress(source)
            )
        except RosterImportInvalid as invalid:
            self.report_problems(invalid, as_json=as_json)
            raise CommandError(
                _("the roster export has %(n)d problem(s); nothing was imported")
                % {"n": invalid.problems.total},
                returncode=INVALID,
            ) from None
        except DatabaseError as error:
            raise CommandError(
                _(
                    "the database refused the import (%(error)s); run `efficacy migrate` and try again"
                )
                % {"error": error}
            ) from None
        if as_json:
            self.stdout.write(json.dumps({**summary.counts, "scope": summary.scope}))
        else:
            self.print_summary(summary)

    def import_with_progress(self, source: Path) -> ImportSummary:
        console = Console(stderr=True)
        columns = (
            TextColumn("{task.description:<24}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task(_("reading files"), total=1)

            def report(stage: str, done: int, total: int) -> None:
                progress.update(task, description=stage, completed=done, total=max(total, 1))

            return roster_import_by_operator(source=source, progress=report)

    def report_problems(self, invalid: RosterImportInvalid, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps({"errors": [p.to_dict() for p in invalid.problems]}))
            return
        for line in invalid.problems.lines():
            self.stderr.write(line)

    def print_summary(self, summary: ImportSummary) -> None:
        table = Table(title=_("OneRoster %(version)s import") % {"version": summary.version})
        table.add_column(_("file"))
        labels = {
            "created": _("created"),
            "updated": _("updated"),
            "unchanged": _("unchanged"),
            "retired": _("retired"),
        }
        for kind in COUNT_KINDS:
            table.add_column(labels[kind], justify="right")
        for name, counts in summary.counts.items():
            table.add_row(name, *(f"{counts[kind]:,}" for kind in COUNT_KINDS))
        console = Console(file=self.stdout, width=100)
        console.print(table)
        console.print(_("Scope: every district and school (the command line imports anything)."))
