"""``efficacy backup PATH [--json]``: the database and every uploaded file in one file.

Exit status 0 when written; 1 when the backup failed (nothing is left at PATH); 2 when
PATH cannot be written (a folder, a missing folder). See :mod:`efficacy.ops.backup`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from efficacy.ops.backup import backup_create, exit_statuses


class Command(BaseCommand):
    help = _(
        "Back up the database and every uploaded file into one file (a .tar, or a .tar.gz "
        "when the name ends in .gz), consistent while Efficacy runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("the backup file to write, e.g. efficacy.tar.gz"))
        parser.add_argument(
            "--json", action="store_true", help=_("print what the backup holds as JSON")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        progress = None if options["json"] else self._stage
        with exit_statuses():
            summary = backup_create(path=Path(options["path"]), progress=progress)
        if options["json"]:
            self.stdout.write(json.dumps(summary.to_dict(), indent=1))
            return
        self.stdout.write(
            _(
                "Backed up %(engine)s: %(tables)d tables (%(rows)s rows) and %(files)d files "
                "(%(bytes)s bytes) to %(path)s."
            )
            % {**summary.figures(), "path": summary.path}
        )

    def _stage(self, stage: str) -> None:
        self.stderr.write(_("Backing up: %(stage)s…") % {"stage": stage})
