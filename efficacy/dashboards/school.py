"""What a school's dashboard shows: every section read from the domain apps, for one reader.

Each section comes from the domain's own reads (the cycles board, stored impact
summaries pooled by :mod:`efficacy.cycles.impact.pooled`, survey results, the gap of
:mod:`efficacy.cycles.impact.gaps`, practice coverage, mastery moments, the trust
tools), through the access layer; this module only arranges them into charts and
tables. It computes no statistic.

Privacy: sizes of small groups never appear (each domain read suppresses them with a
reason); a district analyst reads aggregates only: the board, the forest plot, the
collective-efficacy trend, the gap and coverage; the mastery moments, commitments and
suggestions are for the school's own staff (the access layer returns none to others).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from efficacy import charts
from efficacy.access.cycles import cycles_for
from efficacy.access.roster import dashboard_names_people
from efficacy.access.surveys import can_see_team_results, result_windows_for
from efficacy.access.trust import commitments_for, suggestions_for
from efficacy.cycles.impact.gaps import GapTrend, StudentGroup, gap_by_term, student_groups
from efficacy.cycles.impact.pooled import PooledImpact, pooled_impact
from efficacy.cycles.models import CycleStatus, ImpactSummary, InquiryCycle
from efficacy.cycles.stories.story import FeedItem, feed_item, feed_moments
from efficacy.dashboards.board import BoardRow, board_table_rows, cycle_board
from efficacy.dashboards.tables import Table
from efficacy.practice.selectors import coverage_summaries
from efficacy.roster.models import School, Team
from efficacy.voice.instruments import SHIPPED
from efficacy.voice.models import SurveyWindow
from efficacy.voice.models.trust import Commitment, Suggestion
from efficacy.voice.services.results import Trend, results_trend

#: The instrument the results pages call collective efficacy: the one Efficacy ships.
COLLECTIVE_EFFICACY = next(key for key in SHIPPED if key.endswith("collective-efficacy"))
#: The cycles whose practice the coverage bars show: those under way.
UNDER_WAY = (CycleStatus.IMPLEMENTING, CycleStatus.REVIEWING)
#: How many of the latest mastery moments, commitments and suggestions a dashboard lists.
LATEST = 5


@dataclass(frozen=True)
class SchoolDashboard:
    school: School
    #: Whether the reader may see people named (:func:`dashboard_names_people`).
    names: bool
    board: list[BoardRow]
    forest: charts.Chart | None
    pooled: PooledImpact
    collective: charts.Chart | None
    collective_note: str
    groups: list[StudentGroup]
    gap: GapTrend | None
    gap_chart: charts.Chart | None
    coverage: charts.Chart | None
    moments: list[FeedItem] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    suggestions_waiting: int = 0
    tables: list[Table] = field(default_factory=list)


def school_cycles(user: Any, school: School) -> QuerySet[InquiryCycle]:
    return cycles_for(user).filter(team__school=school)


def school_dashboard(
    user: Any,
    school: School,
    *,
    today: dt.date,
    group_a: str = "",
    group_b: str = "",
) -> SchoolDashboard:
    """Every section of ``school``'s dashboard as ``user`` may read it. ``group_a`` and
    ``group_b`` are the keys of the two student groups the gap compares (the first
    two the school has, by default)."""
    cycles = school_cycles(user, school)
    board = cycle_board(user, cycles, today=today)
    summaries = list(
        ImpactSummary.objects.filter(cycle__in=cycles.filter(status=CycleStatus.CLOSED))
        .select_related("cycle", "cycle__team")
        .order_by("cycle__team__name", "cycle__end_date", "cycle_id")
    )
    pooled = pooled_impact(summaries)
    forest = impact_forest(summaries, pooled) if summaries else None
    trend = collective_trend(user, school, today=today)
    collective, collective_note = collective_chart(trend)
    groups = student_groups(school)
    chosen_a, chosen_b = _chosen(groups, group_a, group_b)
    gap = gap_by_term(school, chosen_a, chosen_b) if chosen_a and chosen_b else None
    gap_chart = gap_trend_chart(gap) if gap is not None and gap.terms else None
    coverage = coverage_chart(board_cycles_of(cycles.filter(status__in=UNDER_WAY)))
    names = dashboard_names_people(user, school.pk)
    # The feed quotes the teams' reflections: for the school's own staff only.
    moments = [feed_item(m) for m in feed_moments(user, school)[:LATEST]] if names else []
    commitments = list(
        commitments_for(user)
        .filter(school=school, status=Commitment.Status.OPEN)
        .select_related("asked_by")
        .order_by("due_on", "pk")[:LATEST]
    )
    waiting = suggestions_for(user).filter(
        box__school=school, status__in=[Suggestion.Status.NEW, Suggestion.Status.CONSIDERING]
    )
    suggestions = list(waiting.select_related("box").order_by("received_on", "pk")[:LATEST])
    tables = [_board_table(board)]
    for key, chart in (
        ("impact", forest),
        ("collective-efficacy", collective),
        ("gap", gap_chart),
        ("coverage", coverage),
    ):
        if chart is not None:
            tables.append(Table.of_chart(key, chart))
    return SchoolDashboard(
        school=school,
        names=names,
        board=board,
        forest=forest,
        pooled=pooled,
        collective=collective,
        collective_note=collective_note,
        groups=groups,
        gap=gap,
        gap_chart=gap_chart,
        coverage=coverage,
        moments=moments,
        commitments=commitments,
        suggestions=suggestions,
        suggestions_waiting=waiting.count() if suggestions else 0,
        tables=tables,
    )


def board_cycles_of(cycles: QuerySet[InquiryCycle]) -> list[InquiryCycle]:
    return list(cycles.select_related("team").order_by("team__name", "-created_at", "-pk"))


def _board_table(board: list[BoardRow]) -> Table:
    columns, rows = board_table_rows(board)
    return Table("board", _("Cycles board"), columns, rows)


def _chosen(
    groups: list[StudentGroup], a: str, b: str
) -> tuple[StudentGroup | None, StudentGroup | None]:
    by_key = {g.key: g for g in groups}
    first = by_key.get(a) or (groups[0] if groups else None)
    second = by_key.get(b)
    if second is None or second == first:
        second = next((g for g in groups if g != first), None)
    return first, second


# --- the impact forest plot ----------------------------------------------------------


def impact_forest(summaries: Sequence[ImpactSummary], pooled: PooledImpact) -> charts.Chart:
    """Each closed cycle's pre/post effect with its interval, the growth a cycle usually
    brings as the reference, and the pooled estimate with its prediction interval."""
    rows = [
        charts.ForestRow(
            label=f"{s.cycle.team.name}: {s.cycle.title}",
            estimate=s.effect,
            low=s.ci_low,
            high=s.ci_high,
            note=s.reason_text if s.effect is None else "",
            href=reverse("cycles:impact_panel", args=[s.cycle_id]),
        )
        for s in summaries
    ]
    pooled_row = None
    if pooled.shown and pooled.estimate is not None and pooled.ci is not None:
        pooled_row = charts.ForestRow(
            _("All closed cycles (pooled)"), pooled.estimate, pooled.ci[0], pooled.ci[1]
        )
    return charts.forest(
        rows,
        title=_("Impact of each closed cycle"),
        description=_(
            "Each closed cycle's growth of its focus students, baseline to final, in standard "
            "deviations, with its likely range; the dashed line is the growth a cycle of that "
            "length usually brings; the last row pools every cycle."
        ),
        axis_label=_("Growth (standard deviations)"),
        reference=pooled.expected_growth,
        reference_label=_("Growth usually expected"),
        pooled=pooled_row,
        prediction=pooled.prediction if pooled_row else None,
        prediction_label=_("Range for a new cycle"),
        pooled_label=_("Pooled"),
    )


# --- collective efficacy -------------------------------------------------------------


def collective_trend(user: Any, school: School, *, today: dt.date) -> Trend | None:
    """The collective-efficacy index of each team over the closed windows ``user`` reads,
    from the results pages' own :func:`results_trend` (teams below the anonymity
    threshold come back suppressed)."""
    latest = (
        result_windows_for(user, today=today)
        .filter(school=school, instrument__key=COLLECTIVE_EFFICACY)
        .select_related("school", "team", "instrument")
        .order_by("-opens_on", "-pk")
        .first()
    )
    if latest is None:
        return None

    def can_see(window: SurveyWindow, team: Team | None) -> bool:
        return team is not None and can_see_team_results(user, window, team)

    return results_trend(user=user, window=latest, today=today, can_see=can_see, cycles=False)


def collective_chart(trend: Trend | None) -> tuple[charts.Chart | None, str]:
    if trend is None:
        return None, _("No collective-efficacy survey has closed yet.")
    windows: dict[int, SurveyWindow] = {}
    for series in (trend.school, *trend.teams):
        for point in series.points:
            windows[point.window.pk] = point.window
    ordered = sorted(windows.values(), key=lambda w: (w.opens_on, w.pk))
    categories = [w.title for w in ordered]
    lines = []
    for series in (trend.school, *trend.teams):
        if not any(p.figure.index is not None for p in series.points):
            continue
        lines.append(
            charts.Series(
                series.label,
                [
                    charts.Point(
                        p.window.title,
                        p.figure.index.mean if p.figure.index else None,
                        p.figure.index.ci.low if p.figure.index else None,
                        p.figure.index.ci.high if p.figure.index else None,
                        note=str(p.figure.reason or "") if p.figure.index is None else "",
                    )
                    for p in series.points
                ],
            )
        )
    if not lines:
        return None, _(
            "Every team's results are below the anonymity threshold so far: nothing can be shown."
        )
    chart = charts.trend(
        lines,
        categories=categories,
        title=_("Collective efficacy by team"),
        description=_(
            "The collective-efficacy index of the school and of each team, survey by survey, "
            "with its likely range; a team below the anonymity threshold is left out."
        ),
        axis_label=trend.index_name or _("Index"),
    )
    return chart, ""


# --- the gap between two groups ------------------------------------------------------


def gap_trend_chart(gap: GapTrend) -> charts.Chart:
    points = [
        charts.Point(
            t.term,
            t.estimate,
            t.ci_low,
            t.ci_high,
            note=str(t.reason) if t.reason else t.note,
        )
        for t in gap.terms
    ]
    return charts.trend(
        [
            charts.Series(
                _("%(a)s minus %(b)s") % {"a": gap.group_a.label, "b": gap.group_b.label}, points
            )
        ],
        categories=[t.term for t in gap.terms],
        title=_("Gap between %(a)s and %(b)s, by term")
        % {"a": gap.group_a.label, "b": gap.group_b.label},
        description=_(
            "For each term, how far the first group's final scores were above (or below) the "
            "second group's, in standard deviations, with its likely range. 0 means no gap."
        ),
        axis_label=_("Gap (standard deviations)"),
        reference=0.0,
        reference_label=_("No gap"),
    )


# --- practice -------------------------------------------------------------------------


def coverage_chart(cycles: list[InquiryCycle]) -> charts.Chart | None:
    """Per cycle under way: how much of the plan was used (the implementation log) and
    how many of the team hosted a round (peer observation). The measure comes first in
    each label, so that a long cycle title cut short on the chart keeps it."""
    if not cycles:
        return None
    summaries = coverage_summaries(cycles)
    rows = []
    for cycle in cycles:
        summary = summaries[cycle.pk]
        label = f"{cycle.title} ({cycle.team.name})"
        rows.append(
            charts.Bar(
                _("Strategies used: %(cycle)s") % {"cycle": label},
                summary.implementation,
                note="" if summary.implementation is not None else _("Nothing logged yet."),
            )
        )
        rows.append(
            charts.Bar(
                _("Hosted a round: %(cycle)s") % {"cycle": label},
                summary.observation,
                note="" if summary.observation is not None else _("No members."),
            )
        )
    return charts.bars(
        rows,
        title=_("Implementation and observation coverage"),
        description=_(
            "For each cycle under way: the share of strategy-weeks so far in which "
            "the team used its strategies, from the implementation log, and the share of the "
            "team's members who hosted at least one observation round."
        ),
        axis_label=_("Share (%)"),
    )
