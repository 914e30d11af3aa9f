"""``efficacy send_digests [--dry-run] [--site-url URL]``: queue this week's digests.

Queues :func:`efficacy.dashboards.tasks.digest_send_task` for every active person
who asked for the weekly digest and was not sent one in the last six days, and
prints how many; a worker (``efficacy worker``) sends them. Running it twice in
a week sends once. Run it from cron, e.g. on Monday mornings::

    0 7 * * MON cd /srv/efficacy && .venv/bin/efficacy send_digests
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from efficacy.dashboards.digest import site_url, subscribers_due
from efficacy.dashboards.tasks import digest_send_task


class Command(BaseCommand):
    help = _(
        "Queue the weekly digest of what is due for every active person who asked for it "
        "and was not sent one in the last six days (a worker sends them; running it twice "
        "in a week sends once). Cron, on Monday mornings: "
        "0 7 * * MON cd /srv/efficacy && .venv/bin/efficacy send_digests"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help=_("count the digests, queue none")
        )
        parser.add_argument(
            "--site-url",
            metavar="URL",
            default="",
            help=_(
                "the site's address for the links (default: the first of "
                "CSRF_TRUSTED_ORIGINS, else the first of ALLOWED_HOSTS)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base_url = options["site_url"] or site_url()
        people = list(subscribers_due(now=timezone.now()).values_list("pk", flat=True))
        if options["dry_run"]:
            self.stdout.write(
                ngettext(
                    "%(n)d digest would be queued (dry run).",
                    "%(n)d digests would be queued (dry run).",
                    len(people),
                )
                % {"n": len(people)}
            )
            return
        for user_id in people:
            digest_send_task.enqueue(user_id=user_id, base_url=base_url)
        self.stdout.write(
            ngettext("%(n)d digest queued.", "%(n)d digests queued.", len(people))
            % {"n": len(people)}
        )
