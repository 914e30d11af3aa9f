"""What a team's dashboard shows: its cycles on the board, how complete its evidence is,
its rounds, meetings and open actions, its collective-efficacy trend and its wins.

Read from the domain apps through the access layer, for one reader; this module
arranges, it computes no statistic. The collective-efficacy trend is the school
dashboard's (the results pages' own :func:`results_trend`), the team's series only,
which is suppressed below the anonymity threshold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from efficacy import charts
from efficacy.access.cycles import cycles_for
from efficacy.access.practice import actions_for, meetings_for, rounds_for
from efficacy.access.trust import wins_for
from efficacy.dashboards.board import BoardRow, board_table_rows, cycle_board
from efficacy.dashboards.school import collective_chart, collective_trend
from efficacy.dashboards.tables import Table
from efficacy.practice.models import Action, Meeting, Observation
from efficacy.roster.models import Team
from efficacy.voice.models.trust import Win
from efficacy.voice.services.results import Trend

#: How many rounds, meetings, actions and wins the dashboard lists.
LATEST = 5


@dataclass(frozen=True)
class TeamDashboard:
    team: Team
    board: list[BoardRow]
    evidence: charts.Chart | None
    collective: charts.Chart | None
    collective_note: str
    upcoming_rounds: list[Observation] = field(default_factory=list)
    rounds_held: int = 0
    meetings: list[Meeting] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    wins: list[Win] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def team_dashboard(user: Any, team: Team, *, today: dt.date) -> TeamDashboard:
    cycles = cycles_for(user).filter(team=team)
    board = cycle_board(user, cycles, today=today)
    evidence = evidence_chart([r for r in board if not r.closed])
    trend = collective_trend(user, team.school, today=today)
    if trend is not None:
        trend = _only_team(trend, team)
    collective, collective_note = collective_chart(trend)
    rounds = rounds_for(user).filter(cycle__team=team)
    upcoming = list(
        rounds.filter(date__gte=today)
        .select_related("cycle", "host")
        .order_by("date", "pk")[:LATEST]
    )
    held = rounds.filter(date__lt=today).aggregate(n=Count("pk", distinct=True))["n"]
    meetings = list(
        meetings_for(user)
        .filter(cycle__team=team)
        .select_related("cycle")
        .order_by("-date", "-pk")[:LATEST]
    )
    actions = list(
        actions_for(user)
        .filter(meeting__cycle__team=team, done=False)
        .select_related("owner", "meeting", "meeting__cycle")
        .order_by("due_date", "pk")[:LATEST]
    )
    wins = list(
        wins_for(user).filter(team=team).select_related("author").order_by("-created_at")[:LATEST]
    )
    columns, rows = board_table_rows(board)
    tables = [Table("board", _("The team's cycles"), columns, rows)]
    for key, chart in (("evidence", evidence), ("collective-efficacy", collective)):
        if chart is not None:
            tables.append(Table.of_chart(key, chart))
    return TeamDashboard(
        team=team,
        board=board,
        evidence=evidence,
        collective=collective,
        collective_note=collective_note,
        upcoming_rounds=upcoming,
        rounds_held=held,
        meetings=meetings,
        actions=actions,
        wins=wins,
        tables=tables,
    )


def _only_team(trend: Trend, team: Team) -> Trend:
    """The trend with the team's series alone (and the school's, for reference)."""
    return replace(trend, teams=tuple(s for s in trend.teams if s.team == team))


def evidence_chart(rows: list[BoardRow]) -> charts.Chart | None:
    """Evidence entered of expected so far, per open cycle of the team."""
    if not rows:
        return None
    return charts.bars(
        [
            charts.Bar(
                row.title,
                row.completeness,
                note="" if row.completeness is not None else _("No score is due yet."),
            )
            for row in rows
        ],
        title=_("Evidence entered so far"),
        description=_(
            "For each open cycle, the share of the scores expected so far that have been "
            "entered: every focus and comparison student, on every measure, at every occasion "
            "dated today or earlier."
        ),
        axis_label=_("Entered (%)"),
    )
