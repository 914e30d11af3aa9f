"""``efficacy restore PATH [--yes] [--json]``: put back a backup's database and files.

The whole file is checked first. Exit status 0 when restored; 2 when refused, with nothing
changed (not a backup, damaged, another database engine's, a newer schema, not confirmed);
1 when the restore failed (the message says what is left). See :mod:`efficacy.ops.backup`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections
from django.utils.translation import gettext as _

from efficacy.ops.backup import (
    BackupRefused,
    Manifest,
    Summary,
    backup_check,
    backup_restore,
    exit_statuses,
)


class Command(BaseCommand):
    help = _(
        "Replace the database and every uploaded file by those of a backup made with "
        "`efficacy backup`. The file is checked whole before anything changes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("the backup file"))
        parser.add_argument(
            "--yes",
            action="store_true",
            help=_("do not ask: replace the current data (needed when no one can answer)"),
        )
        parser.add_argument(
            "--json", action="store_true", help=_("print what was restored as JSON")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        progress = None if options["json"] else self._stage
        with exit_statuses():
            manifest = backup_check(path=path)
            if not options["yes"]:
                self._confirm(path, manifest)
            summary = backup_restore(path=path, manifest=manifest, progress=progress)
        if options["json"]:
            self.stdout.write(json.dumps(summary.to_dict(), indent=1))
            return
        self._report(summary)

    def _confirm(self, path: Path, manifest: Manifest) -> None:
        settings = connections["default"].settings_dict
        self.stderr.write(
            _(
                "This replaces the database %(database)s and every uploaded file by the "
                "backup %(path)s, made %(created)s by Efficacy %(version)s (%(tables)d tables, "
                "%(files)d files). What was written since is lost."
            )
            % {
                "database": settings["NAME"],
                "path": path,
                "created": manifest.created_at,
                "version": manifest.app_version,
                "tables": len(manifest.tables),
                "files": len(manifest.files),
            }
        )
        if not sys.stdin.isatty():
            raise BackupRefused(
                _("Nothing restored: no one can confirm here. Add --yes to restore without asking.")
            )
        self.stderr.write(_("Type yes to restore: "), ending="")
        self.stderr.flush()
        if sys.stdin.readline().strip().lower() != "yes":
            raise BackupRefused(_("Nothing restored."))

    def _report(self, summary: Summary) -> None:
        self.stdout.write(
            _(
                "Restored %(engine)s from %(created)s: %(tables)d tables (%(rows)s rows) and "
                "%(files)d files (%(bytes)s bytes)."
            )
            % {**summary.figures(), "created": summary.created_at}
        )
        if summary.migrations_pending:
            self.stdout.write(
                _(
                    "The backup is from an older version: run `efficacy migrate` to bring its "
                    "database up to date (%(n)d migrations)."
                )
                % {"n": summary.migrations_pending}
            )

    def _stage(self, stage: str) -> None:
        self.stderr.write(_("Restoring: %(stage)s…") % {"stage": stage})
