"""``efficacy purge [--dry-run] [--json]``: apply the retention policy (EFFICACY_RETENTION)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

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
        for report in plan:
            values = {"kind": report.kind, "days": report.days, "count": report.count}
            if not report.held:
                line = _("%(kind)s: kept %(days)s days; not held by this installation") % values
            elif dry_run:
                line = _("%(kind)s: kept %(days)s days; %(count)s would go") % values
            else:
                line = _("%(kind)s: kept %(days)s days; %(count)s purged") % values
            if report.held and report.oldest:
                line += _(", oldest %(date)s") % {"date": f"{report.oldest:%Y-%m-%d}"}
            self.stdout.write(line)
