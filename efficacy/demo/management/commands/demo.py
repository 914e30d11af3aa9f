"""``efficacy demo``: build the demo district (or reuse it) and print its sign-ins."""

from __future__ import annotations

import argparse
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from efficacy.database import refresh_statistics
from efficacy.demo.selectors import DemoSummary
from efficacy.demo.services import DEFAULT_SEED, DemoError, demo_build


class Command(BaseCommand):
    help = _(
        "Build the demo district (a fictional secondary school with its staff, students, "
        "timetable and teams) and print one sign-in per role. Running it again reuses "
        "the existing demo."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=_(
                "Seed of the random draws; the same seed builds the same demo (default %(default)s)."
            ),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=_("Delete the demo records (only those) and build the demo again."),
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help=_(
                "Build the demo as if today were this date (YYYY-MM-DD): its school year and "
                "the dates of its story are placed relative to it (default: today)."
            ),
        )

    def handle(
        self, *args, seed: int, reset: bool, today: dt.date | None = None, **options
    ) -> None:
        if unapplied_migrations():
            raise CommandError(
                _(
                    "The database is not up to date: run `efficacy migrate` first, then `efficacy demo`."
                )
            )
        try:
            summary = demo_build(seed=seed, reset=reset, today=today)
        except DemoError as error:
            raise CommandError(str(error)) from error
        refresh_statistics()
        self._report(summary)

    def _report(self, summary: DemoSummary) -> None:
        counts = {
            "district": summary.district,
            "schools": len(summary.schools),
            "students": summary.students,
            "staff": summary.staff,
            "classes": summary.classes,
            "teams": summary.teams,
        }
        if summary.built:
            message = _(
                "Built the demo district %(district)s: %(schools)d schools, %(students)d students, "
                "%(staff)d staff, %(classes)d classes, %(teams)d teams."
            )
            self.stdout.write(self.style.SUCCESS(message % counts))
        else:
            message = _(
                "Reusing the existing demo district %(district)s (%(students)d students, "
                "%(staff)d staff, %(teams)d teams); nothing was built. "
                "Use --reset to build it again."
            )
            self.stdout.write(message % counts)
        self.stdout.write("")
        self.stdout.write(
            _('Demo sign-ins (every account\'s password is "%(password)s"):')
            % {"password": summary.password}
        )
        width = max((len(s.role_label) for s in summary.sign_ins), default=0)
        for sign_in in summary.sign_ins:
            self.stdout.write(
                f"  {sign_in.role_label:<{width}}  {sign_in.username:<10}  "
                f"{sign_in.name}, {sign_in.place}"
            )
        self.stdout.write("")
        self.stdout.write(_("Open %(url)s and sign in.") % {"url": summary.url})
        self.stdout.write(
            _("The demo password is public: never expose a demo database on a network.")
        )


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("%(value)s is not a date: write it as YYYY-MM-DD, e.g. 2027-03-15.")
            % {"value": value}
        ) from None


def unapplied_migrations() -> bool:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
