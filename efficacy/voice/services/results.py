"""A closed survey window's results, and their trend: reads that build DataFrames and
call :mod:`efficacy.analysis`; never a response row out.

:func:`window_results` gives, for the window as a whole (the school's figure, or the
team's for a team window) and for each team of a school window:

- the **index**: the mean of the respondents' scores, each the mean of the items they
  answered after reversing the reversed items, on the instrument's scale, with its t
  interval and n (:func:`efficacy.analysis.scale_index_by`), and the same for each
  subscale;
- the **response rate**, responses over invitations (the ledger), for the whole
  window: a team's own rate is not known, since an answer says its team but the
  ledger is not linked to it; below 50% it is flagged as possibly unrepresentative;
- **reliability** of the whole instrument and of each subscale (Cronbach's α with
  its Feldt interval and McDonald's ω, :func:`efficacy.analysis.reliability`), with
  the low-reliability rule of :func:`efficacy.analysis.reliability_is_low`;
- **item distributions**: how many chose each option of each item.

Privacy (:mod:`efficacy.privacy`, DESIGN.md principle 3):

- a group of respondents below the anonymity threshold (``EFFICACY_MIN_STAFF_N``,
  default 5) is suppressed and its size reads "fewer than 5";
- the teams of a school window, and the respondents who named no team, add up to
  the school's figure: :func:`efficacy.privacy.suppress` hides more groups until no
  hidden group's size, hence its sum of scores, can be worked out by subtraction,
  and when nothing can protect them, the school's figure is hidden too;
- a subscale of a shown group is suppressed as well when fewer than the threshold
  answered any of its items, with the same complementary suppression across the
  groups; a subscale's own n is never printed;
- item distributions are for the whole window only, never by team (a count table
  of the whole staff identifies nobody), and an item answered by fewer than the
  threshold has none;
- reliability is for the whole window only, from complete cases, at least the
  threshold of them.

:func:`results_trend` reads every closed window of the same instrument the person may
read, for the school and each team, with the change between consecutive windows
(Welch's interval; a change only when it excludes 0), and each team's index before
and after each of its cycles beside the cycle's verdict
(:func:`efficacy.cycles.impact.panel.cycle_verdict`), an association, never proof.
Each window's indexes for a trend are cached under a key holding what they are
computed from (:func:`window_stamps`): a dashboard read again computes them once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from django.core.cache import cache
from django.db.models import Count, Max, Min
from django.utils import translation
from django.utils.translation import gettext as _

from efficacy import privacy
from efficacy.access.cycles import cycles_for
from efficacy.access.roster import Person
from efficacy.access.surveys import result_windows_for
from efficacy.analysis import (
    AnalysisError,
    ConfidenceInterval,
    IndexChange,
    ReliabilityResult,
    ScaleIndex,
    index_change_by,
    option_counts,
    reliability,
    reliability_is_low,
    respondent_means,
    response_rate_is_low,
    scale_index_by,
)
from efficacy.analysis.survey import CHANGE_METHOD, INDEX_METHOD
from efficacy.cycles.impact.panel import cycle_verdict
from efficacy.cycles.models import InquiryCycle
from efficacy.cycles.stories.mastery import Verdict
from efficacy.privacy import GroupSize, SuppressionReason
from efficacy.roster.models import Team
from efficacy.voice.instruments import Definition
from efficacy.voice.models import SurveyInvitation, SurveyResponse, SurveyWindow

#: The group of a school window's respondents who named no team.
NO_TEAM = "none"
#: The whole window (the school, or a team window's team) among the groups.
WHOLE = "whole"
#: How a suppression names the group (:data:`efficacy.privacy.GROUPS`).
RESPONDENTS = "respondents"


# --- what a page shows ---------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One index (a group, the whole instrument or a subscale); ``index`` is None when
    it is not shown, with ``reason`` saying why."""

    index: ScaleIndex | None = None
    reason: SuppressionReason | None = None

    @property
    def shown(self) -> bool:
        return self.index is not None


@dataclass(frozen=True)
class GroupResult:
    """The school (or a team window's team), a team, or those who named no team."""

    key: str
    label: str
    team: Team | None
    size: GroupSize
    overall: Figure
    #: (subscale key, its name, its figure), in the instrument's order.
    subscales: tuple[tuple[str, str, Figure], ...] = ()


@dataclass(frozen=True)
class ReliabilityRow:
    label: str
    result: ReliabilityResult | None = None
    low: bool = False
    reason: SuppressionReason | None = None
    note: str = ""


@dataclass(frozen=True)
class OptionCount:
    value: int
    label: str
    count: int
    percent: float


@dataclass(frozen=True)
class ItemDistribution:
    key: str
    text: str
    subscale: str
    reverse: bool
    n: GroupSize
    options: tuple[OptionCount, ...] = ()

    @property
    def shown(self) -> bool:
        return bool(self.options)


@dataclass(frozen=True)
class WindowResults:
    window: SurveyWindow
    threshold: int
    index_name: str
    invited: int
    responded: GroupSize
    #: responses / invitations, when the number of responses may be shown.
    rate: float | None
    rate_low: bool
    whole: GroupResult
    teams: tuple[GroupResult, ...] = ()
    reliability: tuple[ReliabilityRow, ...] = ()
    items: tuple[ItemDistribution, ...] = ()
    #: Why nothing could be computed (answers that do not fit the instrument), else "".
    problem: str = ""
    method: str = INDEX_METHOD

    @property
    def groups(self) -> tuple[GroupResult, ...]:
        """The whole window's figure first, then each team's the reader may see."""
        return (self.whole, *self.teams)

    @property
    def rate_percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)

    def visible_to(self, can_see: Callable[[Team | None], bool]) -> WindowResults:
        """The same results with only the teams (and no-team group) ``can_see`` allows."""
        teams = tuple(group for group in self.teams if can_see(group.team))
        return replace(self, teams=teams)


def window_results(
    *,
    window: SurveyWindow,
    language: str | None = None,
    min_n: int | None = None,
    details: bool = True,
) -> WindowResults:
    """Every figure of ``window`` (module docstring); ``details=False`` leaves out
    reliability and item distributions (the trend needs the indexes only)."""
    threshold = privacy.min_staff_n() if min_n is None else min_n
    language = (language or translation.get_language() or "en")[:2]
    shape = window.instrument.parsed
    index_name = shape.text(shape.index, language) or _("Index")
    invited = SurveyInvitation.objects.filter(window=window).count()
    rows = list(SurveyResponse.objects.filter(window=window).values_list("team_id", "answers"))
    responded = privacy.staff_count(len(rows), threshold)
    rate = None if responded.suppressed or invited == 0 else len(rows) / invited
    base: dict[str, Any] = {
        "window": window,
        "threshold": threshold,
        "index_name": index_name,
        "invited": invited,
        "responded": responded,
        "rate": rate,
        "rate_low": rate is not None and response_rate_is_low(len(rows), invited),
    }
    teams = pd.Series([team for team, _answers in rows], dtype=object)
    try:
        items = items_frame_of(rows, shape)
        scores = scores_of(items, shape)
    except AnalysisError as error:
        whole = _hidden_group(WHOLE, str(window.team or window.school), window.team,
                              GroupSize(0, threshold), None)  # fmt: skip
        return WindowResults(**base, whole=whole, problem=str(error))

    scored = scores["overall"].notna()
    group_of = teams.map(lambda t: NO_TEAM if t is None else str(t))
    whole_label = str(window.team) if window.team_id else str(window.school)
    if window.team_id is None:
        keys = sorted(group_of[scored].unique(), key=lambda k: (k == NO_TEAM, k))
        sizes = [int((group_of[scored] == k).sum()) for k in keys]
        suppression = privacy.suppress(sizes, threshold)
        total = suppression.total
    else:
        keys, suppression = [], None
        total = privacy.staff_count(int(scored.sum()), threshold)

    if total.suppressed:
        # The responses would give the hidden total away, and the rate with them.
        base.update(responded=total, rate=None, rate_low=False)
    # Every group's index and the whole window's, one vectorised call per score column.
    by_group = scores.assign(group=group_of.to_numpy())
    stacked = pd.concat([by_group, scores.assign(group=WHOLE)], ignore_index=True)
    tables = {
        column: scale_index_by(stacked, by="group", value=column, min_n=threshold).set_index("by")
        for column in scores.columns
    }
    hidden = _subscale_suppression(tables, keys, suppression, threshold)
    whole = _group(WHOLE, whole_label, window.team, total, tables, shape, language, threshold,
                   hidden.get(WHOLE, {}))  # fmt: skip
    groups: list[GroupResult] = []
    if suppression is not None:
        team_names = {
            str(t.pk): t for t in Team.objects.filter(pk__in=[k for k in keys if k != NO_TEAM])
        }
        for key, size in zip(keys, suppression.groups, strict=True):
            team = team_names.get(key)
            label = str(team) if team else _("No team named")
            groups.append(_group(key, label, team, size, tables, shape, language, threshold,
                                 hidden.get(key, {})))  # fmt: skip
        groups.sort(key=lambda g: (g.team is None, g.label.lower()))
    out = WindowResults(**base, whole=whole, teams=tuple(groups))
    if not details:
        return out
    return replace(
        out,
        reliability=_reliability(items, shape, total, language, threshold),
        items=_distributions(items, shape, total, language, threshold),
    )


def items_frame_of(rows: Sequence[tuple[Any, Any]], shape: Definition) -> pd.DataFrame:
    """One row per response, one column per item, NaN where an item was not answered."""
    keys = list(shape.item_keys)
    records = [answers if isinstance(answers, dict) else {} for _team, answers in rows]
    frame = (
        pd.DataFrame.from_records(records, columns=keys) if records else pd.DataFrame(columns=keys)
    )
    try:
        return frame.apply(pd.to_numeric, errors="raise").astype(float)
    except (TypeError, ValueError):
        raise AnalysisError("An answer is not a number on the scale.") from None


def scores_of(items: pd.DataFrame, shape: Definition) -> pd.DataFrame:
    """Each respondent's score on the whole instrument and on each subscale."""
    common: dict[str, Any] = {"scale_min": shape.scale_min, "scale_max": shape.scale_max}
    reverse = [key for key in shape.item_keys if key in shape.reversed_keys]
    out = {"overall": respondent_means(items, reverse=reverse, **common)}
    for sub in shape.subscales:
        columns = _keys_of(shape, sub.key)
        out[f"sub:{sub.key}"] = respondent_means(
            items[columns], reverse=[c for c in reverse if c in columns], **common
        )
    return pd.DataFrame(out, index=items.index)


def _hidden_group(key: str, label: str, team: Team | None, size: GroupSize,
                  reason: SuppressionReason | None) -> GroupResult:  # fmt: skip
    return GroupResult(key=key, label=label, team=team, size=size, overall=Figure(reason=reason))


def _subscale_suppression(
    tables: dict[str, pd.DataFrame],
    keys: Sequence[str],
    suppression: privacy.Suppression | None,
    threshold: int,
) -> dict[str, dict[str, SuppressionReason]]:
    """Which subscale figures to hide, by group, beyond those of hidden groups.

    A respondent may skip every item of a subscale, so a shown group's subscale can
    rest on fewer respondents than the group. Each subscale's sizes are suppressed
    against the school's like the groups' (:func:`efficacy.privacy.suppress`, the
    hidden groups hidden already), so that no small subscale group can be worked out
    by subtraction either; when nothing protects it, the school's subscale is hidden.
    """
    out: dict[str, dict[str, SuppressionReason]] = {}
    if suppression is None:
        return out
    already = [size.suppressed for size in suppression.groups]
    for column, table in tables.items():
        if column == "overall":
            continue
        sizes = [int(table.at[k, "n"]) if k in table.index else 0 for k in keys]
        found = privacy.suppress(sizes, threshold, hidden=already)
        for key, size, before in zip(keys, found.groups, already, strict=True):
            reason = size.reason(RESPONDENTS)
            if size.suppressed and not before and reason is not None:
                out.setdefault(key, {})[column] = reason
        if found.total.suppressed:
            reason = found.total.reason(RESPONDENTS) or privacy.complement()
            out.setdefault(WHOLE, {})[column] = reason
    return out


def _group(
    key: str,
    label: str,
    team: Team | None,
    size: GroupSize,
    tables: dict[str, pd.DataFrame],
    shape: Definition,
    language: str,
    threshold: int,
    hidden: dict[str, SuppressionReason],
) -> GroupResult:
    """One group's figures from the index tables; none when its size is suppressed, and
    no subscale that ``hidden`` names (with its reason)."""
    if size.suppressed or size.n == 0:
        reason = size.reason(RESPONDENTS)
        hidden_subs = tuple((s.key, shape.text(s, language), Figure(reason=reason))
                            for s in shape.subscales)  # fmt: skip
        return GroupResult(key, label, team, size, Figure(reason=reason), hidden_subs)
    overall = figure_of(tables["overall"], key, threshold)
    subs: list[tuple[str, str, Figure]] = []
    for sub in shape.subscales:
        column = f"sub:{sub.key}"
        figure = (Figure(reason=hidden[column]) if column in hidden
                  else figure_of(tables[column], key, threshold))  # fmt: skip
        subs.append((sub.key, shape.text(sub, language), figure))
    return GroupResult(key, label, team, size, overall, tuple(subs))


def figure_of(table: pd.DataFrame, key: str, threshold: int) -> Figure:
    """The index of group ``key`` in ``table`` (:func:`scale_index_by`'s, indexed by group);
    suppressed when fewer than the threshold have a score."""
    if key not in table.index or bool(table.at[key, "suppressed"]):
        return Figure(reason=privacy.small_group(threshold, RESPONDENTS))
    row = table.loc[key]
    return Figure(
        index=ScaleIndex(
            method=INDEX_METHOD,
            n=int(row["n"]),
            mean=float(row["mean"]),
            sd=float(row["sd"]),
            se=float(row["se"]),
            ci=ConfidenceInterval(float(row["ci_low"]), float(row["ci_high"])),
        )
    )


def _reliability(
    items: pd.DataFrame, shape: Definition, total: GroupSize, language: str, threshold: int
) -> tuple[ReliabilityRow, ...]:
    parts = [(_("The whole instrument"), list(shape.item_keys))]
    parts += [(shape.text(s, language), _keys_of(shape, s.key)) for s in shape.subscales]
    out = []
    for label, columns in parts:
        if total.suppressed or total.n == 0:
            out.append(ReliabilityRow(label, reason=total.reason(RESPONDENTS)))
            continue
        reverse = [c for c in columns if c in shape.reversed_keys]
        try:
            result = reliability(items[columns], reverse=reverse, scale_min=shape.scale_min,
                                 scale_max=shape.scale_max, min_n=threshold)  # fmt: skip
        except AnalysisError as error:
            out.append(ReliabilityRow(label, note=_reliability_note(error)))
            continue
        if result.suppressed:
            reason = privacy.small_group(threshold, RESPONDENTS)
            out.append(ReliabilityRow(label, reason=reason))
            continue
        out.append(ReliabilityRow(label, result=result, low=reliability_is_low(result)))
    return tuple(out)


def _reliability_note(error: AnalysisError) -> str:
    if error.code == "no_variance":
        return _("Not computed: every respondent gave the same total, so reliability is undefined.")
    return _("Not computed: the answers cannot give a reliability (%(why)s).") % {"why": error}


def _distributions(
    items: pd.DataFrame, shape: Definition, total: GroupSize, language: str, threshold: int
) -> tuple[ItemDistribution, ...]:
    values = list(range(shape.scale_min, shape.scale_max + 1))
    counts = option_counts(items, values)
    names = {s.key: shape.text(s, language) for s in shape.subscales}
    out = []
    for item in shape.items:
        key = item.key
        row = counts.loc[key]
        n = total if total.suppressed else privacy.staff_count(int(row.sum()), threshold)
        common: dict[str, Any] = {
            "key": key,
            "text": shape.text(item, language),
            "subscale": names.get(item.subscale, ""),
            "reverse": item.reverse,
        }
        if total.suppressed or n.suppressed or n.n == 0:
            out.append(ItemDistribution(**common, n=n))
            continue
        labels = dict(shape.options(key, language))
        options = tuple(
            OptionCount(
                value=v,
                label=labels.get(v, str(v)),
                count=int(row[v]),
                percent=100 * int(row[v]) / n.n,
            )
            for v in values
        )
        out.append(ItemDistribution(**common, n=n, options=options))
    return tuple(out)


def _keys_of(shape: Definition, subscale: str) -> list[str]:
    return [item.key for item in shape.items_of(subscale)]


# --- the trend across windows, and before and after cycles ------------------------


@dataclass(frozen=True)
class TrendPoint:
    window: SurveyWindow
    figure: Figure
    #: The change from the previous shown point of the same series (None for the first,
    #: or when either is suppressed).
    change: IndexChange | None = None


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    team: Team | None
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class CycleComparison:
    cycle: InquiryCycle
    before: TrendPoint | None
    after: TrendPoint | None
    change: IndexChange | None
    verdict: Verdict | None


@dataclass(frozen=True)
class Trend:
    instrument_key: str
    index_name: str
    school: Series
    teams: tuple[Series, ...]
    cycles: dict[int, tuple[CycleComparison, ...]] = field(default_factory=dict)
    method: str = CHANGE_METHOD


def results_trend(
    *,
    user: Person,
    window: SurveyWindow,
    today: dt.date,
    can_see: Callable[[SurveyWindow, Team | None], bool],
    language: str | None = None,
    min_n: int | None = None,
    cycles: bool = True,
) -> Trend:
    """The trend of ``window``'s instrument at its school, over the closed windows
    ``user`` may read, for the school and each team ``can_see`` allows, with each
    team's cycles before and after (module docstring); ``cycles=False`` leaves those
    out (a dashboard's chart needs the indexes only, and the cycles' verdicts cost a
    computation per cycle)."""
    windows = list(
        result_windows_for(user, today=today)
        .filter(school_id=window.school_id, instrument__key=window.instrument.key)
        .select_related("school", "team", "instrument")
        .order_by("opens_on", "closes_on", "pk")
    )
    results = _trend_results(windows, language=language, min_n=min_n)
    school_points = [
        TrendPoint(r.window, r.whole.overall) for r in results if r.window.team_id is None
    ]
    by_team: dict[int, list[TrendPoint]] = {}
    teams: dict[int, Team] = {}
    for r in results:
        groups = [r.whole] if r.window.team_id else list(r.teams)
        for group in groups:
            if group.team is None or not can_see(r.window, group.team):
                continue
            teams[group.team.pk] = group.team
            by_team.setdefault(group.team.pk, []).append(TrendPoint(r.window, group.overall))
    # The teams as they are named now (a window's results may come from the cache).
    teams.update(Team.objects.in_bulk(list(teams)))
    school = Series("school", str(window.school), None, _with_changes(school_points))
    team_series = tuple(
        Series(f"team-{pk}", str(teams[pk]), teams[pk], _with_changes(points))
        for pk, points in sorted(by_team.items(), key=lambda kv: str(teams[kv[0]]).lower())
    )
    index_name = results[-1].index_name if results else ""
    around = {
        s.team.pk: _cycles_around(user, s) for s in team_series if cycles and s.team is not None
    }
    return Trend(window.instrument.key, index_name, school, team_series,
                 {k: v for k, v in around.items() if v})  # fmt: skip


#: How long a window's figures stay in the cache; their key changes with what they are
#: computed from, so the time only bounds the cache's size.
RESULTS_CACHE_SECONDS = 3600


def window_stamps(
    windows: Sequence[SurveyWindow], *, threshold: int, **more: object
) -> dict[int, str]:
    """Per window, a cache key of what its figures are computed from: the window and when
    it was made, its instrument's checksum, the anonymity threshold, its responses'
    number and first and last ids (an answer more, or one less, makes a new key; an
    answer is never edited) and ``more`` (a language, a purpose). One query."""
    counted = (
        SurveyResponse.objects.filter(window_id__in=[w.pk for w in windows])
        .order_by()
        .values("window_id")
        .annotate(n=Count("pk"), first=Min("pk"), last=Max("pk"))
        .values_list("window_id", "n", "first", "last")
    )
    stamps = {window_id: (n, first, last) for window_id, n, first, last in counted}
    extra = ":".join(f"{name}={value}" for name, value in sorted(more.items()))
    return {
        w.pk: "{}:{}:{}:{}:{}:{}:{}:{}".format(
            w.pk,
            w.created_at.isoformat(),
            w.instrument.sha256,
            threshold,
            *stamps.get(w.pk, (0, 0, 0)),
            extra,
        )
        for w in windows
    }


def _trend_results(
    windows: Sequence[SurveyWindow], *, language: str | None, min_n: int | None
) -> list[WindowResults]:
    """:func:`window_results` without details for each of ``windows``, from the cache
    when their answers and invitations have not changed since."""
    threshold = privacy.min_staff_n() if min_n is None else min_n
    language = (language or translation.get_language() or "en")[:2]
    invited = dict(
        SurveyInvitation.objects.filter(window__in=windows)
        .order_by()
        .values("window_id")
        .annotate(n=Count("pk"))
        .values_list("window_id", "n")
    )
    stamps = window_stamps(windows, threshold=threshold, language=language, purpose="trend")
    keys = {w.pk: f"window-results:{stamps[w.pk]}:invited={invited.get(w.pk, 0)}" for w in windows}
    found = cache.get_many(list(keys.values()))
    out, fresh = [], {}
    for window in windows:
        result = found.get(keys[window.pk])
        if result is None:
            result = window_results(window=window, language=language, min_n=threshold,
                                    details=False)  # fmt: skip
            fresh[keys[window.pk]] = result
        out.append(replace(result, window=window))
    if fresh:
        cache.set_many(fresh, RESULTS_CACHE_SECONDS)
    return out


def _with_changes(points: list[TrendPoint]) -> tuple[TrendPoint, ...]:
    """Each shown point with its change from the previous shown point (one Welch call)."""
    shown = [(i, p.figure.index) for i, p in enumerate(points) if p.figure.index is not None]
    pairs = list(itertools.pairwise(shown))
    changes = _changes([(before, after) for (_i, before), (_j, after) in pairs])
    out = list(points)
    for ((_i, _b), (j, _a)), change in zip(pairs, changes, strict=True):
        out[j] = replace(points[j], change=change)
    return tuple(out)


def _changes(pairs: list[tuple[ScaleIndex, ScaleIndex]]) -> list[IndexChange]:
    """Welch's difference, after − before, of each pair of shown indexes."""
    if not pairs:
        return []
    table = index_change_by(
        [b.n for b, _a in pairs],
        [b.mean for b, _a in pairs],
        [b.sd for b, _a in pairs],
        [a.n for _b, a in pairs],
        [a.mean for _b, a in pairs],
        [a.sd for _b, a in pairs],
    )
    return [
        IndexChange(
            method=CHANGE_METHOD,
            n=b.n + a.n,
            n_before=b.n,
            n_after=a.n,
            difference=float(row.difference),
            se=float(row.se),
            df=float(row.df),
            ci=ConfidenceInterval(float(row.ci_low), float(row.ci_high)),
            changed=bool(row.changed),
        )
        for (b, a), row in zip(pairs, table.itertuples(index=False), strict=True)
    ]


def _cycles_around(user: Person, series: Series) -> tuple[CycleComparison, ...]:
    """The team's cycles with a window before they started or after they ended."""
    cycles = (
        cycles_for(user)
        .filter(team=series.team, start_date__isnull=False, end_date__isnull=False)
        .order_by("start_date", "pk")
    )
    out = []
    for cycle in cycles:
        starts, ends = cycle.start_date, cycle.end_date
        if starts is None or ends is None:
            continue
        before = [p for p in series.points if p.window.last_day < starts]
        after = [p for p in series.points if p.window.opens_on > ends]
        if not before and not after:
            continue
        b, a = (before[-1] if before else None), (after[0] if after else None)
        change = None
        if b and a and b.figure.index and a.figure.index:
            change = _changes([(b.figure.index, a.figure.index)])[0]
        out.append(CycleComparison(cycle, b, a, change, cycle_verdict(cycle)))
    return tuple(out)


# --- the export ----------------------------------------------------------------------

#: The export's columns.
EXPORT_COLUMNS = [
    "window",
    "opens_on",
    "closes_on",
    "group",
    "figure",
    "respondents",
    "estimate",
    "ci_low",
    "ci_high",
    "method",
    "note",
]


def results_table(results: WindowResults) -> tuple[list[str], list[list[Any]]]:
    """The aggregates of ``results`` (already filtered for the reader), one row per figure;
    a suppressed cell holds the word, never the number. Never a response row."""
    w = results.window
    head = [w.title, w.opens_on, w.last_day]
    rows: list[list[Any]] = []
    suppressed = _("suppressed")

    def size_cell(size: GroupSize) -> Any:
        return str(size) if size.suppressed else size.n

    def add(group: str, figure: str, respondents: Any, estimate: Any, low: Any, high: Any,
            method: str, note: str = "") -> None:  # fmt: skip
        rows.append([*head, group, figure, respondents, estimate, low, high, method, note])

    if results.rate is not None:
        add(results.whole.label, _("response rate"), results.responded.n, round(results.rate, 4),
            None, None, _("responses / invitations"),
            _("possibly unrepresentative: under 50% answered") if results.rate_low else "")  # fmt: skip
    else:
        add(results.whole.label, _("response rate"), str(results.responded), suppressed, None,
            None, _("responses / invitations"))  # fmt: skip
    for group in (results.whole, *results.teams):
        parts = [(results.index_name, group.overall)]
        parts += [(name, fig) for _key, name, fig in group.subscales]
        for name, fig in parts:
            if fig.index is None:
                add(group.label, name, size_cell(group.size), suppressed, suppressed, suppressed,
                    _(INDEX_METHOD), str(fig.reason or ""))  # fmt: skip
            else:
                respondents = fig.index.n if name == results.index_name else ""
                add(group.label, name, respondents, fig.index.mean, fig.index.ci.low,
                    fig.index.ci.high, _(INDEX_METHOD))  # fmt: skip
    for row in results.reliability:
        label = _("Cronbach's alpha: %(part)s") % {"part": row.label}
        if row.result is None:
            add(results.whole.label, label, "", suppressed, suppressed, suppressed, "",
                str(row.reason or row.note))  # fmt: skip
            continue
        r = row.result
        add(results.whole.label, label, r.n, r.alpha, r.alpha_ci.low, r.alpha_ci.high,
            _("Cronbach's alpha, Feldt interval"), _("low") if row.low else "")  # fmt: skip
        omega = None if math.isnan(r.omega) else r.omega
        add(results.whole.label, _("McDonald's omega: %(part)s") % {"part": row.label}, r.n,
            omega, None, None, _("McDonald's omega, one-factor model"))  # fmt: skip
    for item in results.items:
        for option in item.options:
            add(results.whole.label, _("%(item)s: %(option)s") % {"item": item.key,
                "option": f"{option.value} {option.label}"}, item.n.n, option.count, None, None,
                _("count of respondents"))  # fmt: skip
        if not item.options:
            add(results.whole.label, item.key, str(item.n), suppressed, None, None,
                _("count of respondents"))  # fmt: skip
    return EXPORT_COLUMNS, rows
