"""``efficacy recompute-impact [--school ID | --district ID]``: store every cycle's impact.

Recomputes the headline impact of each cycle in scope (all cycles when neither
option is given) with :func:`efficacy.cycles.impact.recompute.impact_recompute`, which
dashboards then read from :class:`~efficacy.cycles.models.ImpactSummary`, and
prints a short summary. Exit status 2 when the school or district does not exist.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from efficacy.cycles.impact.recompute import cycles_in_scope, impact_recompute
from efficacy.roster.models import District, School

NOT_FOUND = 2


class Command(BaseCommand):
    help = _(
        "Recompute and store the impact of every cycle (of one school or district), "
        "the figures dashboards read. Re-running updates the stored figures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--school", type=int, metavar="ID", help=_("only this school's cycles"))
        scope.add_argument(
            "--district", type=int, metavar="ID", help=_("only this district's cycles")
        )
        parser.add_argument(
            "--no-progress", action="store_true", help=_("do not show a progress bar")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = district = None
        if options["school"] is not None:
            school = School.objects.filter(pk=options["school"]).first()
            if school is None:
                raise CommandError(
                    _(
                        "there is no school with id %(id)s; list schools in the admin or the district page"
                    )
                    % {"id": options["school"]},
                    returncode=NOT_FOUND,
                )
        if options["district"] is not None:
            district = District.objects.filter(pk=options["district"]).first()
            if district is None:
                raise CommandError(
                    _("there is no district with id %(id)s") % {"id": options["district"]},
                    returncode=NOT_FOUND,
                )
        cycles = cycles_in_scope(school=school, district=district)
        if options["no_progress"]:
            summary = impact_recompute(cycles=cycles)
        else:
            columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn())  # fmt: skip
            console = Console(stderr=True)
            with Progress(*columns, console=console, transient=True) as bar:
                task = bar.add_task(_("recomputing impact"), total=None)
                summary = impact_recompute(
                    cycles=cycles,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        where = school or district or _("all schools")
        self.stdout.write(
            _(
                "Recomputed the impact of %(cycles)d cycle(s) of %(where)s in %(seconds).1f s: "
                "%(effect)d with a pre/post effect, %(comparison)d with a comparison-group "
                "estimate, %(without)d suppressed or not yet computable (the reason is stored)."
            )
            % {
                "cycles": summary.cycles,
                "where": where,
                "seconds": summary.seconds,
                "effect": summary.with_effect,
                "comparison": summary.with_comparison,
                "without": summary.without_effect,
            }
        )
