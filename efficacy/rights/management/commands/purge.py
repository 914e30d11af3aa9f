"""``efficacy purge [--dry-run] [--json]``: apply the retention policy (EFFICACY_RETENTION)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from efficacy.rights.retention import retention_plan, retention_purge


class Command(BaseCommand):
    help = (
        "Delete what is past its retention (EFFICACY_RETENTION): per kind, how many records "
        "and the oldest one's date. Retired students are erased, not deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would go; change nothing."
        )
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="Write the list as JSON."
        )

    def handle(self, *args, dry_run: bool = False, as_json: bool = False, **options):
        plan = retention_plan() if dry_run else retention_purge()
        if as_json:
            self.stdout.write(
                json.dumps({"dry_run": dry_run, "kinds": [r.to_dict() for r in plan]}, indent=2)
            )
            return
        verb = "would go" if dry_run else "purged"
        for report in plan:
            if not report.held:
                line = f"{report.kind}: kept {report.days} days; not held by this installation"
            else:
                oldest = f", oldest {report.oldest:%Y-%m-%d}" if report.oldest else ""
                line = f"{report.kind}: kept {report.days} days; {report.count} {verb}{oldest}"
            self.stdout.write(line)
