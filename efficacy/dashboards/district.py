"""The district dashboard's content: the schools' table, the two forest plots, collective
efficacy by school, and the tables they export.

Built once per request (the page) or per download (an export), from the cycles the
access layer lets the person see (:func:`efficacy.access.cycles.district_cycles_for`),
narrowed by the filters. Only aggregates: stored impact summaries, counts, pooled
estimates and survey indexes above the staff threshold; no student and no size of a
group below a threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from efficacy import privacy
from efficacy.access.cycles import district_cycles_for, district_schools_for
from efficacy.access.roster import Person, is_district_analyst
from efficacy.access.surveys import result_windows_for
from efficacy.charts import Chart, ForestRow, forest
from efficacy.cycles.impact.district import (
    CycleFacts,
    SchoolImpact,
    closed_summaries,
    district_cycle_facts,
    district_pooled,
    filter_choices,
    has_interval,
    school_impacts,
)
from efficacy.cycles.impact.pooled import PooledImpact
from efficacy.cycles.models import ImpactSummary, InquiryCycle
from efficacy.dashboards.board import (
    BoardRow,
    board_completeness,
    board_table_rows,
    cycle_board,
    evidence_version,
    version_key,
)
from efficacy.dashboards.filters import DistrictFilterForm
from efficacy.dashboards.tables import Table
from efficacy.roster.models import AcademicSession, School, Team
from efficacy.voice.instruments.definition import Definition
from efficacy.voice.models import SurveyResponse, SurveyWindow
from efficacy.voice.services.school_indexes import school_indexes

#: Every table the dashboard exports, by key (the export URL names one).
TABLE_KEYS = ("schools", "board", "cycles", "school_effects", "efficacy")
#: The most rows the cycles board lists on the page (its download holds them all).
MAX_BOARD_ROWS = 40
#: The most cycles the forest plot of cycles draws one by one: beyond it (a whole district
#: has thousands) the page asks for a narrower filter, and the pooled row, the schools'
#: forest plot and the table's download still hold every cycle.
MAX_FOREST_CYCLES = 40


@dataclass(frozen=True)
class EfficacyRow:
    """A school's latest closed school-wide survey: its index when shown, else why not."""

    school: School
    window_title: str = ""
    index_name: str = ""
    closed_on: dt.date | None = None
    mean: float | None = None
    low: float | None = None
    high: float | None = None
    note: str = ""


@dataclass(frozen=True)
class ClosedCycle:
    """What the page and its downloads read of a closed cycle's stored impact summary:
    plain values, so that the figures kept in the cache read back fast (model instances
    take as long to unpickle as to query)."""

    pk: int
    cycle_id: int
    school: str
    team: str
    title: str
    measure_name: str
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    expected_growth: float | None
    reason_text: str
    #: An effect that can be pooled: shown (not suppressed) and with its interval.
    has_interval: bool

    @classmethod
    def of(cls, summary: ImpactSummary) -> ClosedCycle:
        cycle = summary.cycle
        return cls(
            pk=summary.pk,
            cycle_id=summary.cycle_id,
            school=cycle.team.school.name,
            team=cycle.team.name,
            title=cycle.title,
            measure_name=summary.measure_name,
            effect=summary.effect,
            ci_low=summary.ci_low,
            ci_high=summary.ci_high,
            expected_growth=summary.expected_growth,
            reason_text=summary.reason_text,
            has_interval=has_interval(summary),
        )


@dataclass
class DistrictDashboard:
    form: DistrictFilterForm
    schools: list[School]
    facts: list[CycleFacts]
    school_rows: list[SchoolImpact]
    summaries: list[ClosedCycle]
    pooled: PooledImpact
    cycles_chart: Chart
    schools_chart: Chart
    efficacy: list[EfficacyRow]
    #: The running cycles (planning to reviewing) on the board, in the schools' order:
    #: built only when listed (at most :data:`MAX_BOARD_ROWS`) or asked for (the board's
    #: download), else empty and :attr:`running` counts them.
    board: list[BoardRow]
    #: How many running cycles the filters keep (the board's rows, listed or not).
    running: int
    #: Each school's mean evidence completeness over its running cycles with scores due.
    completeness: dict[int, float]
    min_n: int
    min_staff_n: int

    @cached_property
    def tables(self) -> dict[str, Table]:
        """The exported tables, built when first read (a download reads one)."""
        return _tables(self)

    @property
    def captions(self) -> dict[str, str]:
        """The tables' captions, as the page's download links name them (without building
        the tables)."""
        return _captions() | {"school_effects": self.schools_chart.table.caption}

    @property
    def closed(self) -> int:
        return sum(1 for f in self.facts if f.closed)

    @property
    def school_lines(self) -> list[tuple[SchoolImpact, float | None]]:
        """Each school's row with its evidence completeness in percent (None: none due)."""
        return [(r, _percent(self.completeness.get(r.school.pk))) for r in self.school_rows]

    @property
    def board_by_school(self) -> list[tuple[School, list[BoardRow]]]:
        """The board grouped by school, when short enough to list on the page."""
        if self.running > MAX_BOARD_ROWS:
            return []
        rows: dict[int, list[BoardRow]] = {}
        for row in self.board:
            rows.setdefault(row.school_id, []).append(row)
        return [(s, rows[s.pk]) for s in self.schools if s.pk in rows]

    @property
    def cycles_drawn(self) -> bool:
        """Whether the forest plot of cycles draws each cycle (few enough match)."""
        return len(self.summaries) <= MAX_FOREST_CYCLES


def district_dashboard(
    user: Person, params: Mapping[str, Any], *, today: dt.date, whole_board: bool = False
) -> DistrictDashboard:
    """Everything the page shows, for ``user`` and the GET ``params`` (the filters).

    The board's rows are built when the page lists them (at most :data:`MAX_BOARD_ROWS`)
    or when ``whole_board`` asks for them all (its download); otherwise only their
    evidence completeness is, for the schools' table, which is the same figure.

    The figures are kept in the cache (:data:`FIGURES_SECONDS` at most) under a key of
    the person's scope, language, day and filters and of every record they are computed
    from (:func:`_figures_version`), so that any change to them is read at once."""
    schools = list(district_schools_for(user).order_by("name"))
    key = None if whole_board else _figures_version(user, params, schools, today)
    figures = cache.get(key) if key else None
    if figures is None:
        figures = _figures(user, params, schools, today=today, whole_board=whole_board)
        if key:
            cache.set(key, figures, FIGURES_SECONDS)
    form = DistrictFilterForm(
        params or None, schools=schools, choices=filter_choices(figures.pop("every"))
    )
    form.is_valid()
    return DistrictDashboard(
        form=form,
        min_n=privacy.min_student_n(),
        min_staff_n=privacy.min_staff_n(),
        **figures,
    )


#: How long the district's figures are kept at most: every record they read is in their
#: key, so this only bounds what a change made outside the application would leave.
FIGURES_SECONDS = 600
#: The filters' names, as the key of the figures reads them.
FILTERS = ("school", "grade", "subject", "group", "year")


def _figures_version(
    user: Person, params: Mapping[str, Any], schools: list[School], today: dt.date
) -> str:
    """The cache key of the district's figures: who reads them (their scope and role),
    in which language, on which day, with which filters, and what they are computed
    from: the cycles (each one's last change and status), their evidence and the roster
    (:func:`efficacy.dashboards.board.evidence_version`), the schools' and teams' names,
    the stored impact summaries, the academic sessions, the survey windows and answers."""
    cycles = district_cycles_for(user)
    heads = list(cycles.order_by("pk").values_list("pk", "updated_at", "status", "team_id"))
    ids = cycles.order_by().values("pk")  # a subquery: a list of ids is prepared one by one
    school_ids = [s.pk for s in schools]
    windows = SurveyWindow.objects.filter(school_id__in=school_ids)
    parts = [
        getattr(user, "pk", None),
        getattr(user, "role", ""),
        translation.get_language(),
        sorted((name, str(params.get(name, ""))) for name in FILTERS),
        [MAX_BOARD_ROWS, MAX_FOREST_CYCLES, privacy.min_student_n(), privacy.min_staff_n()],
        [(s.pk, s.name) for s in schools],
        list(
            Team.objects.filter(school_id__in=school_ids).order_by("pk").values_list("pk", "name")
        ),
        list(
            ImpactSummary.objects.filter(cycle_id__in=ids)
            .aggregate(n=Count("pk"), last=Max("computed_at"))
            .values()
        ),
        list(
            AcademicSession.objects.aggregate(
                n=Count("pk"), last=Max("pk"), modified=Max("date_last_modified")
            ).values()
        ),
        list(
            windows.order_by("pk").values_list(
                "pk", "title", "opens_on", "closes_on", "closed_early_on", "instrument_id"
            )
        ),
        list(
            SurveyResponse.objects.filter(window__in=windows)
            .aggregate(n=Count("pk"), last=Max("pk"))
            .values()
        ),
        *evidence_version(heads, cycles, today),
    ]
    return version_key("district-figures", parts)


def _figures(
    user: Person,
    params: Mapping[str, Any],
    schools: list[School],
    *,
    today: dt.date,
    whole_board: bool,
) -> dict[str, Any]:
    """The dashboard's figures (all but its form), and every cycle's facts (``every``,
    which the form's choices are made of)."""
    every = district_cycle_facts(district_cycles_for(user))
    form = DistrictFilterForm(params or None, schools=schools, choices=filter_choices(every))
    chosen = form.district_filter()
    facts = [f for f in every if chosen.keeps(f)]
    shown_schools = [s for s in schools if chosen.school is None or s.pk == chosen.school]
    stored = closed_summaries(f.pk for f in facts if f.closed)
    rows = school_impacts(shown_schools, facts, stored)
    pooled = district_pooled(stored)
    summaries = [ClosedCycle.of(s) for s in stored]
    running_ids = [f.pk for f in facts if not f.closed]
    running = district_cycles_for(user).filter(pk__in=running_ids)
    board: list[BoardRow] = []
    if whole_board or len(running_ids) <= MAX_BOARD_ROWS:
        board = cycle_board(user, running, today=today)
        order = {s.pk: i for i, s in enumerate(shown_schools)}
        board.sort(key=lambda r: (order.get(r.school_id, 0), r.team, r.title))
        completeness = _completeness((r.school_id, r.completeness) for r in board)
    else:
        completeness = _completeness(board_completeness(running, today=today).values())
    return {
        "every": every,
        "schools": shown_schools,
        "facts": facts,
        "school_rows": rows,
        "summaries": summaries,
        "pooled": pooled,
        "cycles_chart": _cycles_chart(user, summaries, pooled),
        "schools_chart": _schools_chart(rows, pooled),
        "efficacy": _efficacy(user, shown_schools, today=today),
        "board": board,
        "running": len(running_ids),
        "completeness": completeness,
    }


def _completeness(cycles: Iterable[tuple[int, float | None]]) -> dict[int, float]:
    """Each school's mean completeness over its cycles (school id, completeness) that
    have scores due."""
    shares: dict[int, list[float]] = {}
    for school_id, completeness in cycles:
        if completeness is not None:
            shares.setdefault(school_id, []).append(completeness)
    return {school: sum(v) / len(v) for school, v in shares.items()}


# --- forest plots --------------------------------------------------------------------


def _pooled_row(pooled: PooledImpact, label: str) -> ForestRow | None:
    if pooled.estimate is None or pooled.ci is None:
        return None
    return ForestRow(
        label=label,
        estimate=pooled.estimate,
        low=pooled.ci[0],
        high=pooled.ci[1],
    )


def _ordered(summaries: list[ClosedCycle]) -> list[ClosedCycle]:
    return sorted(summaries, key=lambda s: (s.school, s.title, s.pk))


def _cycles_chart(user: Person, summaries: list[ClosedCycle], pooled: PooledImpact) -> Chart:
    """The forest plot of cycles: every cycle when at most :data:`MAX_FOREST_CYCLES` match,
    else the pooled row only (the page asks for a narrower filter)."""
    links = is_district_analyst(user)
    drawn = _ordered(summaries) if len(summaries) <= MAX_FOREST_CYCLES else []
    rows = [
        ForestRow(
            label=_("%(school)s: %(cycle)s") % {"school": s.school, "cycle": s.title},
            estimate=s.effect if s.has_interval else None,
            low=s.ci_low if s.has_interval else None,
            high=s.ci_high if s.has_interval else None,
            note="" if s.has_interval else (s.reason_text or _("No interval: not pooled.")),
            href=reverse("cycles:impact_panel", args=[s.cycle_id]) if links else "",
        )
        for s in drawn
    ]
    reference = pooled.expected_growth
    return forest(
        rows,
        title=_("Impact of every closed cycle, by school"),
        description=_(
            "Each row is a closed cycle's pre/post effect in standard deviations with its "
            "likely range; the last row pools them all, with the range where a new cycle's "
            "effect is likely to fall."
        ),
        axis_label=_("Effect size (standard deviations)"),
        reference=reference,
        reference_label=_("Growth expected over a cycle (median)") if reference is not None else "",
        pooled=_pooled_row(pooled, _("All these cycles")),
        pooled_label=_("Pooled estimate (random effects)"),
        prediction=pooled.prediction if pooled.shown else None,
        prediction_label=_("Prediction interval"),
    )


def _schools_chart(rows: list[SchoolImpact], pooled: PooledImpact) -> Chart:
    forest_rows = [
        ForestRow(
            label=row.school.name,
            estimate=row.pooled.estimate if row.pooled and row.pooled.ci else None,
            low=row.pooled.ci[0] if row.pooled and row.pooled.ci else None,
            high=row.pooled.ci[1] if row.pooled and row.pooled.ci else None,
            note=row.note,
        )
        for row in rows
    ]
    return forest(
        forest_rows,
        title=_("Pooled impact by school"),
        description=_(
            "Each row pools one school's closed cycles (random effects) with its likely "
            "range; a school with fewer than three closed cycles with an interval is listed "
            "without a figure. The last row pools every cycle of the schools shown."
        ),
        axis_label=_("Effect size (standard deviations)"),
        reference=0.0,
        reference_label=_("No change"),
        pooled=_pooled_row(pooled, _("All the schools shown")),
        pooled_label=_("Pooled estimate (random effects)"),
        prediction=pooled.prediction if pooled.shown else None,
        prediction_label=_("Prediction interval"),
    )


# --- collective efficacy -------------------------------------------------------------


def _efficacy(user: Person, schools: list[School], *, today: dt.date) -> list[EfficacyRow]:
    """Each school's latest closed school-wide survey window the person may read, with
    its index when enough staff answered (:func:`efficacy.voice.services.school_indexes`,
    the whole-school figure of the results pages, for every school at once)."""
    windows = (
        result_windows_for(user, today=today)
        .filter(school__in=schools, team__isnull=True)
        .select_related("instrument")
        .order_by("school_id", "-closes_on", "-pk")
    )
    if not is_district_analyst(user):
        # A district administrator sees the overview but reads no staff survey.
        note = _("Staff survey results are read by the district's analysts.")
        return [EfficacyRow(school=school, note=note) for school in schools]
    latest: dict[int, SurveyWindow] = {}
    for window in windows:
        latest.setdefault(window.school_id, window)
    figures = school_indexes(list(latest.values()))
    language = (translation.get_language() or "en")[:2]
    shapes: dict[int, Definition] = {}  # schools share an instrument: read it once
    out = []
    for school in schools:
        found = latest.get(school.pk)
        if found is None:
            out.append(EfficacyRow(school=school, note=_("No closed survey yet.")))
            continue
        if found.instrument_id not in shapes:
            shapes[found.instrument_id] = found.instrument.parsed
        shape = shapes[found.instrument_id]
        row = EfficacyRow(
            school=school,
            window_title=found.title,
            index_name=shape.text(shape.index, language) or _("Index"),
            closed_on=found.closed_early_on or found.closes_on,
        )
        figure = figures[found.pk]
        if figure.index is None:
            note = str(figure.reason) if figure.reason else _("Not shown.")
            out.append(replace(row, note=note))
            continue
        index = figure.index
        out.append(replace(row, mean=index.mean, low=index.ci.low, high=index.ci.high))
    return out


# --- tables --------------------------------------------------------------------------


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def _captions() -> dict[str, str]:
    return {
        "schools": _("Cycles and pooled impact by school"),
        "efficacy": _("Collective efficacy by school"),
        "board": _("Cycles board, running cycles of every school"),
        "cycles": _("Impact of every closed cycle, by school"),
    }


def _tables(d: DistrictDashboard) -> dict[str, Table]:
    captions = _captions()

    def figure(p: PooledImpact | None, attr: str) -> Any:
        if p is None or p.ci is None:
            return None
        if attr == "estimate":
            return p.estimate
        return p.ci[0] if attr == "low" else p.ci[1]

    schools = Table(
        key="schools",
        caption=captions["schools"],
        columns=[
            _("School"), _("Cycles"), *(label for label, _n in (d.school_rows[0].stages
                                                                 if d.school_rows else [])),
            _("Evidence entered in running cycles (%)"), _("Closed cycles with an effect"),
            _("Pooled effect"), _("Low"), _("High"), _("Note"),
        ],
        rows=[
            [r.school.name, r.cycles, *(n for _label, n in r.stages),
             _percent(d.completeness.get(r.school.pk)), r.with_effect,
             figure(r.pooled, "estimate"), figure(r.pooled, "low"), figure(r.pooled, "high"),
             r.note]
            for r in d.school_rows
        ],
    )  # fmt: skip
    efficacy = Table(
        key="efficacy",
        caption=captions["efficacy"],
        columns=[_("School"), _("Survey"), _("Closed on"), _("Index"), _("Mean"), _("Low"),
                 _("High"), _("Note")],
        rows=[[e.school.name, e.window_title, e.closed_on, e.index_name, e.mean, e.low, e.high,
               e.note] for e in d.efficacy],
    )  # fmt: skip
    names = {s.pk: s.name for s in d.schools}
    board_columns, board_rows = board_table_rows(d.board)
    board = Table(
        key="board",
        caption=captions["board"],
        columns=[_("School"), *board_columns],
        rows=[[names.get(r.school_id, ""), *row] for r, row in zip(d.board, board_rows,
                                                                    strict=True)],
    )  # fmt: skip
    return {
        "schools": schools,
        "board": board,
        "cycles": Table(
            key="cycles",
            caption=captions["cycles"],
            columns=[
                _("School"),
                _("Team"),
                _("Cycle"),
                _("Measure"),
                _("Effect"),
                _("Low"),
                _("High"),
                _("Expected growth"),
                _("Note"),
            ],
            rows=[
                [
                    s.school,
                    s.team,
                    s.title,
                    s.measure_name,
                    *((s.effect, s.ci_low, s.ci_high) if s.has_interval else (None,) * 3),
                    s.expected_growth,
                    "" if s.has_interval else s.reason_text,
                ]
                for s in _ordered(d.summaries)
            ],
        ),
        "school_effects": Table.of_chart("school_effects", d.schools_chart),
        "efficacy": efficacy,
    }


def filtered_closed_cycles(user: Person, params: Mapping[str, Any]) -> QuerySet[InquiryCycle]:
    """The closed cycles the filters keep: the cycles of the analysts' Parquet extract."""
    schools = list(district_schools_for(user).order_by("name"))
    every = district_cycle_facts(district_cycles_for(user))
    form = DistrictFilterForm(params or None, schools=schools, choices=filter_choices(every))
    chosen = form.district_filter()
    kept = [f.pk for f in every if f.closed and chosen.keeps(f)]
    return district_cycles_for(user).filter(pk__in=kept)
