"""A cycle's impact, computed by :mod:`efficacy.analysis` from the cycle's evidence.

Everything the impact panel shows, for one measure at a time (default: the
performance goal's measure, else the first common measure, else the first;
any of the cycle's measures can be chosen):

- ``prepost``: the focus group's pre/post effect, baseline to final (d_av with
  its CI and n), shown beside the growth expected over the cycle's weeks
  (``hinge``: 0.40 a school year of ``EFFICACY_WEEKS_PER_YEAR`` weeks, prorated),
  on the measure's range (``min_score`` to ``max_score``) so that a floor or a
  ceiling is said in its caveats, and not computed when every score at one
  occasion is the same (its reason says so);
- ``impact``: focus against comparison (difference-in-differences and
  ANCOVA-adjusted g, each with its CI, n per group, WWC baseline
  equivalence), when the cycle has comparison scores; when the groups started
  far apart or the two differ in sign (Lord's paradox,
  :func:`~efficacy.analysis.methods_disagree`), ``read_method`` says which one
  answers the cycle's question: ANCOVA when the focus group was chosen for its
  low scores (assignment on the pretest), else the difference in differences
  (groups formed before the cycle; Wright 2006);
- ``gap``: comparison minus focus at baseline and final, and its percentage
  reduction with a seeded bootstrap CI that resamples students, each with both
  of their scores (a narrowing gap is a positive reduction), computed exactly as
  ``efficacy analyze gap --id student`` does on the evidence export;
- ``goal_share``: the share of focus students whose final score on the
  performance goal's measure reaches the threshold, with a Wilson interval;
  ``goal``: the mastery-moment verdict (:mod:`efficacy.cycles.stories.mastery`);
- while no focus student has a final score (a cycle under way), ``progress``:
  the focus group's growth from the baseline to the latest checkpoint with scores
  (d_av with its CI and n, labelled with that occasion), and ``on_track``: the
  share at or above the goal's threshold at the latest checkpoint with scores on
  the goal's measure, with its Wilson interval, against the target
  (``on_track_status``). A missing occasion is said as such, never as a privacy
  suppression;
- ``run_chart``: the focus group's **mean** score at every occasion in order
  (baseline, checkpoints, final), n per point, and the run-chart rules of
  :mod:`efficacy.analysis.runchart` (centre line = the median of the points,
  STATISTICS.md), and the decimals the measure's scores are written with, for
  the chart's axis;
- ``by_class``: each focus class's pre/post effect and an empirical-Bayes
  (shrunken) estimate of its mean gain from a multilevel null model of the
  gains, students in classes; a class below ``min_n`` is suppressed, and more
  classes are hidden when the hidden ones could be worked out from the group's
  total (:func:`efficacy.privacy.suppress`), each with its reason;
- ``dose``: dose and impact, ``"logged"`` (each class's mean rating in the
  implementation log, 0 to 3) and ``"observed"`` (the share of look-fors observers
  saw in its lessons, 0 to 1): the slope of the focus classes' mean gains (baseline to
  final, in points) on the dose, a random-effects meta-regression
  (:func:`efficacy.analysis.dose_response`, REML τ², Hartung–Knapp interval), with
  classes below ``min_n`` left out and counted, never sized. A correlation across
  classes, never proof that the strategies caused the gains: the page says so.

Every figure carries its n and CI; a figure that cannot be computed is
``None`` with its reason in ``notes``, worded here by the library error's code
(:func:`_why_not`); a group below ``min_n`` is suppressed
with its reason in ``reasons`` (or in the point's / row's own ``reason``), a
:class:`efficacy.privacy.SuppressionReason` that never states the group's size.
Counts of students that a page shows are in ``sizes`` (:class:`~efficacy.privacy.GroupSize`).
``caveats`` holds, per figure, plain-language warnings (already translated)
to show right next to it: the library's own, plus no comparison group,
focus group chosen for low scores (regression to the mean) and attrition.

The scores come from :func:`~efficacy.cycles.evidence.selectors.measure_scores_frame`,
the reader the batch recompute uses too, and the default measure from
:func:`~efficacy.cycles.stories.mastery.impact_measure`, the recompute's rule.
Speed: one query reads the scores of the measures needed (the chosen one and
the goal's), as numbers only; everything after is vectorised numpy / pandas.
Every statistic, the per-occasion means included, comes from :mod:`efficacy.analysis`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from efficacy import privacy
from efficacy.analysis import (
    FLAT_OCCASION,
    HINGE,
    NO_VARIANCE,
    NO_WITHIN_VARIANCE,
    NOT_FINITE,
    ONE_SCORE_PER_CLUSTER,
    PREPOST_COLUMNS,
    TOO_FEW_CLUSTERS,
    TOO_FEW_PAIRS,
    TOO_FEW_SCORES,
    AnalysisError,
    DoseResponse,
    GapChange,
    ImpactEstimate,
    PrePostEffect,
    Proportion,
    RunChartResult,
    class_mean_gains,
    dose_response,
    expected_growth,
    gap_change,
    impact_estimate,
    methods_disagree,
    null_model,
    occasion_means_chart,
    pair_scores,
    prepost_effect,
    prepost_effect_by,
    proportion_estimate,
    shrunken_means,
)
from efficacy.analysis.dose import CORRELATION as DOSE_CORRELATION
from efficacy.analysis.dose import LEFT_OUT as DOSE_LEFT_OUT
from efficacy.analysis.prepost import (
    HINGE_REFERENCE,
    SCALE_END_SHARE,
    SCALE_ENDS,
    WEEKS_ASSUMED,
)
from efficacy.analysis.verdict import ANCOVA, DID, estimate_to_read
from efficacy.cycles.evidence.selectors import measure_scores_frame
from efficacy.cycles.models import InquiryCycle, Measure, Occasion
from efficacy.cycles.plan.groups import group_is_empty
from efficacy.cycles.plan.selectors import FOCUS, Population, cycle_population
from efficacy.cycles.stories import mastery
from efficacy.cycles.stories.mastery import impact_measure
from efficacy.practice.selectors import class_doses
from efficacy.privacy import GroupSize, SuppressionReason
from efficacy.roster.models import SchoolClass

#: Bootstrap resamples and seed of the gap's CI: ``efficacy analyze gap``'s defaults,
#: so the panel and the command line give the same interval on the same data.
GAP_BOOTSTRAP = 2000
GAP_SEED = 0

#: The columns of :attr:`CycleImpact.by_class` beyond :data:`prepost.PREPOST_COLUMNS`.
SHRUNKEN_COLUMNS = [
    "shrunken_gain",
    "shrunken_se",
    "shrunken_ci_low",
    "shrunken_ci_high",
    "reliability",
]


#: Which comparison to read when the two disagree (:attr:`CycleImpact.read_method`).
READ_ANCOVA, READ_DID = ANCOVA, DID

#: How the share meeting the goal at a checkpoint stands against the target: its whole
#: interval at or above it, wholly below it, or the target inside the interval.
ON_TRACK, BEHIND, UNDECIDED = "on_track", "behind", "undecided"


@dataclass(frozen=True)
class RunChartPoint:
    """One occasion of the focus group's run chart; ``position`` counts from 0."""

    occasion: str
    kind: str
    position: int
    n: int
    value: float | None
    suppressed: bool = False
    reason: str | SuppressionReason | None = None
    signals: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunChart:
    """The focus group's mean at every occasion; ``chart`` holds the rules' result
    over the points that could be shown, or ``None`` with the reason in ``note``.
    ``decimals``: the places the measure's scores are written with (rubric levels 0),
    so that the axis is no finer than the measure."""

    statistic: str
    points: tuple[RunChartPoint, ...]
    chart: RunChartResult | None = None
    note: str | None = None
    decimals: int = 0

    @property
    def shown(self) -> tuple[RunChartPoint, ...]:
        return tuple(p for p in self.points if p.value is not None)


@dataclass(frozen=True)
class CycleImpact:
    measure: str | None
    measure_id: int | None = None
    weeks: float | None = None
    hinge: float = HINGE
    has_comparison: bool = False
    prepost: PrePostEffect | None = None
    impact: ImpactEstimate | None = None
    #: Set when ANCOVA and the difference in differences answer different questions here
    #: (Lord's paradox): the one to read, :data:`READ_ANCOVA` or :data:`READ_DID`.
    read_method: str | None = None
    gap: GapChange | None = None
    goal: mastery.Verdict | None = None
    #: Whether the verdict may be shown: its group is not below the reporting threshold.
    goal_shown: bool = False
    goal_share: Proportion | None = None
    #: While no focus student has a final score: baseline to ``progress_occasion``, the
    #: latest checkpoint with scores, and the growth expected between their dates (None
    #: without both dates).
    progress: PrePostEffect | None = None
    progress_occasion: str | None = None
    progress_hinge: float | None = None
    #: While no focus student has a final score on the goal's measure: the share at or
    #: above the threshold at ``on_track_occasion`` and its standing (:data:`ON_TRACK`,
    #: :data:`BEHIND`, :data:`UNDECIDED`).
    on_track: Proportion | None = None
    on_track_occasion: str | None = None
    on_track_status: str | None = None
    run_chart: RunChart | None = None
    by_class: pd.DataFrame | None = None
    #: Dose and impact by the kind of dose (:data:`DOSES`); a kind without data is absent,
    #: with its reason in ``notes`` (``dose_<kind>``) or ``reasons``.
    dose: dict[str, DoseResponse] = field(default_factory=dict)
    caveats: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reasons: dict[str, SuppressionReason] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, GroupSize] = field(default_factory=dict)

    def class_rows(self) -> list[dict[str, Any]]:
        """:attr:`by_class` as plain dicts (NaN as None), for templates."""
        if self.by_class is None:
            return []
        frame = self.by_class.astype(object).where(self.by_class.notna(), None)
        return frame.to_dict("records")


def cycle_impact(
    cycle: InquiryCycle,
    *,
    measure: Measure | None = None,
    min_n: int | None = None,
    seed: int = GAP_SEED,
    bootstrap: int = GAP_BOOTSTRAP,
    population: Population | None = None,
    dose: bool = True,
) -> CycleImpact:
    """Every figure of the impact panel for ``measure`` (see the module docstring);
    ``dose=False`` leaves out dose and impact (three queries) where only the verdict is
    wanted."""
    min_n = privacy.min_student_n() if min_n is None else min_n
    default = impact_measure(cycle)
    measure = measure or default
    if measure is None:
        return CycleImpact(measure=None, notes={"measure": _("The cycle has no measure yet.")})
    occasions = list(cycle.occasions.all())
    measures = [measure.pk] + ([default.pk] if default is not None else [])
    evidence = _evidence(measures, occasions, population or cycle_population(cycle))
    doses = _class_doses(cycle) if dose else None
    return _compute(
        cycle,
        measure,
        default,
        evidence,
        occasions,
        min_n=min_n,
        seed=seed,
        bootstrap=bootstrap,
        doses=doses,
    )


#: The kinds of dose, as columns of :func:`efficacy.practice.selectors.class_doses`.
DOSES = {"logged": "logged_dose", "observed": "observed_dose"}


def _class_doses(cycle: InquiryCycle) -> pd.DataFrame:
    """Each class's doses keyed by its label, the panel's name for a class (code, else
    title): classes sharing a label are one group there, so their doses are averaged."""
    doses = class_doses(cycle)
    label_of = {
        pk: code or title or ""
        for pk, code, title in SchoolClass.objects.filter(
            pk__in=doses["school_class"].tolist()
        ).values_list("pk", "class_code", "title")
    }
    doses["label"] = doses["school_class"].map(label_of)
    return doses.groupby("label")[list(DOSES.values())].mean()


# Codes in the evidence arrays.
_FOCUS, _COMPARISON, _OTHER = 0, 1, 2
_BASELINE, _CHECKPOINT, _FINAL = 0, 1, 2
_KIND_CODES = {Occasion.Kind.BASELINE: _BASELINE, Occasion.Kind.FINAL: _FINAL}


@dataclass(frozen=True)
class _Evidence:
    """Scores as parallel numpy arrays of numbers, one element per score.

    ``klass`` codes index ``class_labels`` (the class code, else its title, else
    ``""``: the export's ``class`` column, so classes sharing a label are one
    group there and here); ``occasion`` is the occasion's position in the
    cycle's order and ``kind`` its baseline / checkpoint / final code.
    """

    student: np.ndarray
    klass: np.ndarray
    class_labels: np.ndarray
    group: np.ndarray
    measure: np.ndarray
    occasion: np.ndarray
    kind: np.ndarray
    score: np.ndarray

    def where(self, mask: np.ndarray) -> _Evidence:
        return _Evidence(
            student=self.student[mask],
            klass=self.klass[mask],
            class_labels=self.class_labels,
            group=self.group[mask],
            measure=self.measure[mask],
            occasion=self.occasion[mask],
            kind=self.kind[mask],
            score=self.score[mask],
        )


def _evidence(measures: list[int], occasions: list[Occasion], population: Population) -> _Evidence:
    """The scores of ``measures`` (:func:`measure_scores_frame`, numbers only) as arrays."""
    scores = measure_scores_frame(measures)
    student = scores["student"].to_numpy()
    class_ids = scores["school_class"].to_numpy()
    no_class = np.isnan(class_ids)
    present = np.unique(class_ids[~no_class]).astype(np.int64)
    label_of = {
        pk: code or title or ""
        for pk, code, title in SchoolClass.objects.filter(pk__in=present.tolist()).values_list(
            "pk", "class_code", "title"
        )
    }
    labels = np.array([label_of.get(int(pk), "") for pk in present] + [""], dtype=object)
    slot = np.searchsorted(present, np.where(no_class, 0, class_ids).astype(np.int64))
    klass, class_labels = pd.factorize(labels[np.where(no_class, len(present), slot)], sort=True)
    occasion_ids = np.array([o.pk for o in occasions], dtype=np.int64)
    order = np.argsort(occasion_ids)
    occasion = order[np.searchsorted(occasion_ids[order], scores["occasion"].to_numpy())]
    kind_of = np.array([_KIND_CODES.get(o.kind, _CHECKPOINT) for o in occasions], dtype=np.int8)
    focus = np.isin(student, np.fromiter(population.focus, np.int64, len(population.focus)))
    comparison = np.isin(
        student, np.fromiter(population.comparison, np.int64, len(population.comparison))
    )
    return _Evidence(
        student=student,
        klass=np.asarray(klass, dtype=np.int64),
        class_labels=np.asarray(class_labels, dtype=object),
        group=np.where(focus, _FOCUS, np.where(comparison, _COMPARISON, _OTHER)).astype(np.int8),
        measure=scores["measure"].to_numpy(),
        occasion=occasion.astype(np.int64),
        kind=kind_of[occasion],
        score=scores["score"].to_numpy(),
    )


def _compute(
    cycle: InquiryCycle,
    measure: Measure,
    default: Measure | None,
    evidence: _Evidence,
    occasions: list[Occasion],
    *,
    min_n: int,
    seed: int,
    bootstrap: int,
    doses: pd.DataFrame | None = None,
) -> CycleImpact:
    notes: dict[str, str] = {}
    reasons: dict[str, SuppressionReason] = {}
    sizes: dict[str, GroupSize] = {}
    caveats: dict[str, list[str]] = {}
    weeks = cycle.weeks
    per_year = settings.EFFICACY_WEEKS_PER_YEAR
    hinge = expected_growth(weeks, weeks_per_year=per_year)
    chosen_low = cycle.focus_chosen_for_low_scores

    def attempt(name: str, compute: Callable[[], Any]) -> Any:
        try:
            return compute()
        except AnalysisError as exc:
            notes[name] = _why_not(name, exc)
            return None

    on_measure = evidence.where(evidence.measure == measure.pk)
    focus_scores = on_measure.where(on_measure.group == _FOCUS)
    focus_rows = focus_scores.where(focus_scores.kind != _CHECKPOINT)
    focus_pre, focus_post = _pairs(focus_rows)
    comp_pre, comp_post = _pairs(
        on_measure.where((on_measure.group == _COMPARISON) & (on_measure.kind != _CHECKPOINT))
    )
    has_comparison = bool(np.isfinite(comp_pre).any() or np.isfinite(comp_post).any())

    # Growth of the focus group.
    prepost = attempt(
        "prepost",
        lambda: prepost_effect(
            focus_pre,
            focus_post,
            weeks=weeks,
            weeks_per_year=per_year,
            scale_min=measure.min_score,
            scale_max=measure.max_score,
            min_n=min_n,
        ),
    )
    if prepost is not None and prepost.suppressed:
        reasons["prepost"] = (
            SuppressionReason(privacy.FLAT_OCCASION)
            if prepost.reason_code == FLAT_OCCASION
            else privacy.small_group(min_n, "focus_paired")
        )
    if prepost is not None:
        sizes["prepost_unpaired"] = GroupSize(prepost.n_unpaired, min_n)
    caveats["prepost"] = (
        _translated(prepost, without=(SCALE_ENDS,))
        + _scale_end_caveats(prepost)
        + _prepost_caveats(cycle, has_comparison, focus_pre, focus_post, min_n)
    )

    # Progress so far, while the final scores are not in: baseline to the latest checkpoint.
    progress = progress_occasion = progress_hinge = None
    no_final = not (focus_scores.kind == _FINAL).any()
    if no_final:
        notes["prepost"] = _no_final_yet()
        latest = _latest_checkpoint(focus_scores)
        if latest is not None:
            progress_occasion = occasions[latest].name
            elapsed = _weeks_between(occasions, latest)
            pre, post = _pairs(focus_scores, post=focus_scores.occasion == latest)
            progress = attempt(
                "progress",
                lambda: prepost_effect(
                    pre, post, weeks=elapsed, weeks_per_year=per_year, min_n=min_n
                ),
            )
            if progress is not None and progress.suppressed:
                reasons["progress"] = (
                    SuppressionReason(privacy.FLAT_OCCASION)
                    if progress.reason_code == FLAT_OCCASION
                    else privacy.small_group(min_n, "focus_paired_so_far")
                )
            if elapsed is not None:
                progress_hinge = expected_growth(elapsed, weeks_per_year=per_year)
            # Without both dates there is no expected growth to read the progress against.
            hinge_caveats = () if elapsed is not None else (HINGE_REFERENCE, WEEKS_ASSUMED)
            caveats["progress"] = _translated(progress, without=hinge_caveats) + _prepost_caveats(
                cycle, has_comparison, pre, post, min_n, attrition=False
            )

    # Compared with the comparison group, and the gap.
    impact = gap = read_method = None
    if has_comparison:
        impact = attempt(
            "impact",
            lambda: impact_estimate(
                focus_pre,
                focus_post,
                comp_pre,
                comp_post,
                focus_chosen_for_low_scores=chosen_low,
                min_n=min_n,
            ),
        )
        if impact is not None and impact.suppressed:
            small_focus = impact.n_focus < min_n
            reasons["impact"] = privacy.small_group(
                min_n, "focus_paired" if small_focus else "comparison_paired"
            )
        caveats["impact"] = _translated(impact)
        if methods_disagree(impact):
            read_method = estimate_to_read(impact, chosen_for_low_scores=chosen_low)
        gap = attempt(
            "gap",
            lambda: gap_change(
                comp_pre,
                focus_pre,
                comp_post,
                focus_post,
                same_students=True,  # element i of pre and post is one student (_pairs)
                bootstrap=bootstrap,
                seed=seed,
                min_n=min_n,
            ),
        )
        if gap is not None and gap.suppressed:
            cells = {
                "comparison_baseline": gap.n_a_from,
                "focus_baseline": gap.n_b_from,
                "comparison_final": gap.n_a_to,
                "focus_final": gap.n_b_to,
            }
            reasons["gap"] = privacy.small_group(min_n, min(cells, key=cells.__getitem__))
        caveats["gap"] = _translated(gap) + ([_regression_to_the_mean()] if chosen_low else [])
    else:
        notes["impact"] = notes["gap"] = _(
            "No comparison group scores on this measure: only the focus group's growth can be "
            "shown."
        )
    if no_final and has_comparison:
        notes["impact"] = notes["gap"] = _no_final_yet()

    # Meeting the performance goal (always on the goal's own measure).
    goal_scores = evidence.where(
        (evidence.group == _FOCUS)
        & (evidence.measure == (default.pk if default is not None else -1))
    )
    goal_rows = goal_scores.where(goal_scores.kind != _CHECKPOINT)
    judged_prepost, judged_impact = prepost, impact
    if default is not None and default.pk != measure.pk:
        judged_prepost, judged_impact = _judged_figures(
            evidence, default, min_n, chosen_low, weeks=weeks, weeks_per_year=per_year
        )
    goal = mastery.goal_met(
        cycle,
        frame=_goal_frame(goal_rows, default),
        min_n=min_n,
        prepost=judged_prepost,
        impact=judged_impact,
        expected=hinge,
    )
    goal_share, caveats["goal"] = _goal_share(cycle, goal_rows, min_n, notes, reasons)
    on_track = on_track_occasion = on_track_status = None
    if goal_share is None and cycle.has_judged_goal:
        latest = _latest_checkpoint(goal_scores)
        if latest is not None:
            on_track_occasion = occasions[latest].name
            on_track, on_track_status = goal_standing(
                cycle, goal_scores.score[goal_scores.occasion == latest], min_n
            )
            if on_track.suppressed:
                reasons["on_track"] = privacy.small_group(min_n, "focus_occasion")
            caveats["on_track"] = _translated(on_track)
    # The verdict refuses a group below the threshold, as the share does: they agree.
    goal_shown = goal.suppressed is None and (goal_share is None or not goal_share.suppressed)

    run = _run_chart(focus_scores, occasions, min_n, decimals=_decimals(measure, on_measure.score))
    caveats["run_chart"] = _translated(run.chart)

    by_class, caveats["by_class"] = attempt(
        "by_class",
        lambda: _by_class(
            focus_rows, weeks=weeks, weeks_per_year=per_year, min_n=min_n, notes=notes
        ),
    ) or (None, [])

    dose: dict[str, DoseResponse] = {}
    if doses is not None:
        dose = _dose(focus_rows, doses, min_n=min_n, notes=notes, reasons=reasons, caveats=caveats)

    return CycleImpact(
        measure=measure.name,
        measure_id=measure.pk,
        weeks=weeks,
        hinge=hinge,
        has_comparison=has_comparison,
        prepost=prepost,
        impact=impact,
        read_method=read_method,
        gap=gap,
        goal=goal,
        goal_shown=goal_shown,
        goal_share=goal_share,
        progress=progress,
        progress_occasion=progress_occasion,
        progress_hinge=progress_hinge,
        on_track=on_track,
        on_track_occasion=on_track_occasion,
        on_track_status=on_track_status,
        run_chart=run,
        by_class=by_class,
        dose=dose,
        caveats={k: tuple(v) for k, v in caveats.items()},
        reasons=reasons,
        notes=notes,
        sizes=sizes,
    )


def _judged_figures(
    evidence: _Evidence,
    measure: Measure,
    min_n: int,
    chosen_low: bool,
    *,
    weeks: float | None,
    weeks_per_year: float,
) -> tuple[PrePostEffect | None, ImpactEstimate | None]:
    """The focus group's growth and the comparison on the measure the verdict judges, when
    the panel shows another one (the same calls as the panel's own figures)."""
    on_measure = evidence.where((evidence.measure == measure.pk) & (evidence.kind != _CHECKPOINT))
    focus_pre, focus_post = _pairs(on_measure.where(on_measure.group == _FOCUS))
    comp_pre, comp_post = _pairs(on_measure.where(on_measure.group == _COMPARISON))
    try:
        prepost = prepost_effect(
            focus_pre, focus_post, weeks=weeks, weeks_per_year=weeks_per_year, min_n=min_n
        )
    except AnalysisError:
        prepost = None
    if not (np.isfinite(comp_pre).any() or np.isfinite(comp_post).any()):
        return prepost, None
    try:
        impact = impact_estimate(
            focus_pre,
            focus_post,
            comp_pre,
            comp_post,
            focus_chosen_for_low_scores=chosen_low,
            min_n=min_n,
        )
    except AnalysisError:
        impact = None
    return prepost, impact


def cycle_verdict(cycle: InquiryCycle, *, min_n: int | None = None) -> mastery.Verdict | None:
    """The mastery-moment verdict, from the same figures as the impact panel (closing a
    cycle and the cycle page use this, so the two cannot disagree). None without a measure."""
    return cycle_impact(cycle, min_n=min_n, bootstrap=0, dose=False).goal


def _prepost_caveats(
    cycle: InquiryCycle,
    has_comparison: bool,
    pre: np.ndarray,
    post: np.ndarray,
    min_n: int,
    *,
    attrition: bool = True,
) -> list[str]:
    """The cycle's own caveats on the pre/post effect: no comparison, selection, and
    (baseline to final) attrition."""
    out = []
    if group_is_empty(cycle.comparison or {}):
        out.append(
            _(
                "This cycle has no comparison group, so nothing here separates the strategies' "
                "effect from the growth students make anyway. Add a comparison group to the cycle "
                "to see that."
            )
        )
    elif not has_comparison:
        out.append(
            _(
                "The comparison group has no scores on this measure yet, so nothing here "
                "separates the strategies' effect from the growth students make anyway."
            )
        )
    if cycle.focus_chosen_for_low_scores:
        out.append(_regression_to_the_mean())
    if not attrition:
        return out
    started = int(np.isfinite(pre).sum())
    left = int((np.isfinite(pre) & np.isnan(post)).sum())
    if privacy.is_small(left, min_n):
        out.append(
            _(
                "Fewer than %(min_n)d of the focus students with a baseline score have no final "
                "score: the effect counts only students with both, and those who left may differ "
                "from those who stayed."
            )
            % {"min_n": min_n}
        )
    elif left:
        out.append(
            _(
                "%(left)d of the %(started)d focus students with a baseline score have no final "
                "score (%(percent).0f%%): the effect counts only students with both, and those "
                "who left may differ from those who stayed."
            )
            % {"left": left, "started": started, "percent": 100 * left / started}
        )
    return out


def _scale_end_caveats(prepost: PrePostEffect | None) -> list[str]:
    """The pre/post effect's floor and ceiling codes (``scale_ends``) as sentences: which
    end of the measure's range, at which occasion, held more than the library's share."""
    if prepost is None or prepost.suppressed:
        return []
    share = {"share": round(100 * SCALE_END_SHARE)}
    sentences = {
        "floor_pre": _(
            "More than %(share)d%% of the focus students were at the bottom of the scale at the "
            "baseline: the scale cannot show how far below it they started, so their gains look "
            "smaller than they were."
        ),
        "floor_post": _(
            "More than %(share)d%% of the focus students were at the bottom of the scale at the "
            "final: the scale cannot show how far below it they ended, so the effect is distorted."
        ),
        "ceiling_pre": _(
            "More than %(share)d%% of the focus students were already at the top of the scale at "
            "the baseline: they had no room left for a gain, so the effect understates their "
            "growth."
        ),
        "ceiling_post": _(
            "More than %(share)d%% of the focus students were at the top of the scale at the "
            "final: the scale cannot show how far above it they got, so their gains are capped "
            "and the effect understates their growth."
        ),
    }
    return [sentences[code] % share for code in prepost.scale_ends]


def _goal_frame(rows: _Evidence, measure: Measure | None) -> pd.DataFrame:
    """The few columns :func:`mastery.goal_met` reads, for the focus rows of its measure."""
    kind = np.where(rows.kind == _BASELINE, Occasion.Kind.BASELINE, Occasion.Kind.FINAL)
    return pd.DataFrame(
        {
            "student": rows.student,
            "group": FOCUS,
            "measure": measure.name if measure is not None else "",
            "occasion_kind": kind.astype(object),
            "score": rows.score,
        }
    )


def _goal_share(
    cycle: InquiryCycle,
    rows: _Evidence,
    min_n: int,
    notes: dict[str, str],
    reasons: dict[str, SuppressionReason],
) -> tuple[Proportion | None, list[str]]:
    """The share of focus students meeting the performance goal (as judged: the goal the
    cycle started with), with its Wilson CI."""
    measure_id, threshold, _target = cycle.judged_goal()
    if measure_id is None:
        notes["goal"] = _(
            "The cycle has no performance goal (a measure, a threshold and a target share), "
            "so there is no share of students to count."
        )
        return None, []
    final = rows.score[rows.kind == _FINAL]
    measure_name = Measure.objects.filter(pk=measure_id).values_list("name", flat=True).first()
    n = len(final)
    if n == 0:
        notes["goal"] = _("No focus student has a final score on %(measure)s yet.") % {
            "measure": measure_name
        }
        return None, []
    meeting = int((final >= threshold).sum())
    share = proportion_estimate(meeting, n, min_n=min_n)
    if share.suppressed:
        reasons["goal"] = privacy.small_group(min_n, "focus_final")
    return share, _translated(share)


def _decimals(measure: Measure, scores: np.ndarray) -> int:
    """The decimal places (0 to 2) the measure's scores are written with: none for rubric
    levels; for points, the fewest that write every score and the measure's range."""
    if measure.kind == Measure.Kind.RUBRIC:
        return 0
    values = np.concatenate([scores, [measure.min_score, measure.max_score]])
    for places in (0, 1):
        scaled = values * 10**places
        if np.allclose(scaled, np.round(scaled), rtol=0, atol=1e-6):
            return places
    return 2


def _run_chart(
    focus: _Evidence, occasions: list[Occasion], min_n: int, *, decimals: int
) -> RunChart:
    """The focus group's mean at each occasion, in the cycle's order, with the rules
    (:func:`efficacy.analysis.occasion_means_chart`), its reasons in words."""
    try:
        means = occasion_means_chart(
            focus.occasion, focus.score, occasions=len(occasions), min_n=min_n
        )
    except AnalysisError as exc:  # a mean whose sum is not a finite number
        return RunChart(statistic="mean", points=(), note=_why_not("run_chart", exc))
    note = None
    if means.chart is None:
        note = _(
            "Too few points for a signal: a run chart needs at least two occasions with "
            "%(min_n)d or more focus students, and %(shown)d of %(total)d occasions have them "
            "so far."
        ) % {"shown": means.shown, "total": len(occasions), "min_n": min_n}
    points = []
    for occasion, mean in zip(occasions, means.points, strict=True):
        if mean.n == 0:
            reason = _("No scores yet.")
        elif mean.suppressed:
            reason = privacy.small_group(min_n, "focus_occasion")
        else:
            reason = None
        points.append(
            RunChartPoint(
                occasion.name,
                occasion.kind,
                mean.position,
                mean.n,
                None if reason else mean.mean,
                suppressed=mean.suppressed,
                reason=reason,
                signals=mean.signals,
            )
        )
    return RunChart(
        statistic="mean", points=tuple(points), chart=means.chart, note=note, decimals=decimals
    )


def _by_class(
    rows: _Evidence,
    *,
    weeks: float | None,
    weeks_per_year: float,
    min_n: int,
    notes: dict[str, str],
) -> tuple[pd.DataFrame | None, list[str]]:
    """Per-class pre/post effects plus empirical-Bayes estimates of each class's mean gain
    (columns :data:`SHRUNKEN_COLUMNS`, NaN where the class is suppressed), and caveats.

    A class where nobody has both scores yet is ``missing`` (a note, not a suppression);
    when that is every class there is no table, only the note."""
    table = pd.DataFrame(
        {"student": rows.student, "class": rows.klass, "kind": rows.kind, "score": rows.score}
    )
    columns = {"id": "student", "score": "score", "occasion": "kind", "pre": _BASELINE}
    effects = prepost_effect_by(
        table,
        by="class",
        weeks=weeks,
        weeks_per_year=weeks_per_year,
        min_n=min_n,
        post=_FINAL,
        **columns,
    )
    effects["by"] = rows.class_labels[effects["by"].to_numpy(dtype=np.int64)]
    missing = effects["n"].to_numpy(dtype=np.int64) == 0
    if missing.all():
        notes["by_class"] = _(
            "No focus student has both a baseline and a final score on this measure yet, so "
            "there is nothing to show by class."
        )
        return None, []
    effects["missing"] = missing
    # The focus group's total with both scores is on the panel: hide more classes
    # until no hidden class, nor any sum of them, can be worked out from it.
    sizes = privacy.suppress(effects["n"].to_numpy(dtype=np.int64), min_n).groups
    effects["size"] = pd.Series(sizes, index=effects.index, dtype=object)
    effects["reason"] = [
        _("No student in this class has both a baseline and a final score yet.")
        if absent and not size.suppressed
        else _class_reason(size, reason, code)
        for size, absent, reason, code in zip(
            sizes, missing, effects["reason"], effects["reason_code"], strict=True
        )
    ]
    numbers = [
        c
        for c in PREPOST_COLUMNS
        if c not in ("by", "n", "n_unpaired", "suppressed", "reason", "reason_code")
    ]
    hidden = np.array([size.suppressed for size in sizes], dtype=bool)
    effects.loc[hidden, numbers] = np.nan
    effects.loc[hidden, "suppressed"] = True
    for name in SHRUNKEN_COLUMNS:
        effects[name] = np.nan
    paired = pair_scores(table, keys=["class"], post=_FINAL, **columns)
    both = np.isfinite(paired["pre"]) & np.isfinite(paired["post"])
    gains = (paired["post"] - paired["pre"])[both]
    classes = np.asarray(paired["uniques"]["class"])[paired["codes"]["class"][both]]
    try:
        fit = null_model(gains, classes, min_n=min_n)
        shrunk = None if fit.suppressed else shrunken_means(gains, classes, fit=fit, min_n=min_n)
    except AnalysisError as exc:
        notes["by_class_shrunken"] = _why_not("by_class_shrunken", exc)
        return effects, []
    if shrunk is None:
        notes["by_class_shrunken"] = str(privacy.small_group(min_n, "focus_paired_all_classes"))
        return effects, []
    shrunk.index = rows.class_labels[shrunk["cluster"].to_numpy(dtype=np.int64)]
    shown = ~effects["suppressed"].to_numpy()
    sources = ("shrunken_mean", "se", "ci_low", "ci_high", "reliability")
    for name, source in zip(SHRUNKEN_COLUMNS, sources, strict=True):
        values = effects["by"].map(shrunk[source]).to_numpy(dtype=float)
        effects[name] = np.where(shown, values, np.nan)
    return effects, _translated(fit)


def _dose(
    rows: _Evidence,
    doses: pd.DataFrame,
    *,
    min_n: int,
    notes: dict[str, str],
    reasons: dict[str, SuppressionReason],
    caveats: dict[str, list[str]],
) -> dict[str, DoseResponse]:
    """Dose and impact (module docstring): per kind of dose, the slope of the focus
    classes' mean gains on it, or why there is none (``notes`` / ``reasons``, keyed
    ``dose_<kind>``). Classes below ``min_n`` are left out: the result counts them."""
    if doses.empty or doses.isna().all().all():
        for kind in DOSES:
            notes[f"dose_{kind}"] = str(_NO_DOSE[kind])
        return {}
    table = pd.DataFrame(
        {"student": rows.student, "class": rows.klass, "kind": rows.kind, "score": rows.score}
    )
    paired = pair_scores(
        table, keys=["class"], id="student", score="score", occasion="kind", pre=_BASELINE,
        post=_FINAL,
    )  # fmt: skip
    both = np.isfinite(paired["pre"]) & np.isfinite(paired["post"])
    if not both.any():
        for kind in DOSES:
            notes[f"dose_{kind}"] = _(
                "No focus student has both a baseline and a final score on this measure yet, "
                "so there are no gains to set against the dose."
            )
        return {}
    labels = rows.class_labels[
        np.asarray(paired["uniques"]["class"])[paired["codes"]["class"][both]]
    ]
    try:
        gains = class_mean_gains((paired["post"] - paired["pre"])[both], labels)
    except AnalysisError as exc:
        for kind in DOSES:
            notes[f"dose_{kind}"] = _why_not("dose", exc)
        return {}
    gains = gains.set_index("class")
    out: dict[str, DoseResponse] = {}
    for kind, column in DOSES.items():
        name = f"dose_{kind}"
        dose = doses[column].reindex(gains.index) if column in doses else None
        if dose is None or dose.isna().all():
            notes[name] = str(_NO_DOSE[kind])
            continue
        try:
            result = dose_response(
                dose.to_numpy(dtype=float),
                gains["mean_gain"].to_numpy(),
                gains["variance"].to_numpy(),
                gains["n"].to_numpy(),
                min_n=min_n,
            )
        except AnalysisError as exc:
            notes[name] = _why_not("dose", exc)
            continue
        if result.suppressed:
            if result.n_suppressed:
                reasons[name] = privacy.small_group(min_n, "class_paired")
            else:
                notes[name] = _(
                    "A slope needs at least three focus classes with a dose and gains; there "
                    "are not enough yet."
                )
        out[kind] = result
        caveats[name] = _translated(result, without=(DOSE_CORRELATION, DOSE_LEFT_OUT))
    return out


#: Why a kind of dose has no figure when no class has one yet.
_NO_DOSE: dict[str, Promise] = {
    "logged": gettext_lazy(
        "No focus class has an implementation log yet: once teachers log how fully they used "
        "the strategies, the relationship with the gains appears here."
    ),
    "observed": gettext_lazy(
        "No lesson of a focus class has been observed with look-fors ticked yet, so there is "
        "no observed dose to set against the gains."
    ),
}


def _class_reason(size: GroupSize, reason: object, code: object) -> SuppressionReason | str | None:
    """A class row's reason: its size's (small, or hidden so that a small one cannot be
    worked out), a number that is not finite (by its code), or the library's marked text."""
    if size.suppressed:
        return size.reason("class_paired")
    if code == NOT_FINITE:
        return privacy.SuppressionReason(privacy.NOT_FINITE)
    return _(reason) if isinstance(reason, str) else None


def _pairs(rows: _Evidence, *, post: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Baseline and final arrays (or, with ``post``, the scores where that mask holds: an
    occasion's), one element per student of ``rows`` (NaN where missing).

    A cycle has at most one baseline and one final occasion and a student one
    score per measure and occasion (database constraints), so no student
    appears twice at either.
    """
    students, unit = np.unique(rows.student, return_inverse=True)
    out = []
    for at in (rows.kind == _BASELINE, rows.kind == _FINAL if post is None else post):
        values = np.full(students.size, np.nan)
        values[unit[at]] = rows.score[at]
        out.append(values)
    return out[0], out[1]


def _latest_checkpoint(rows: _Evidence) -> int | None:
    """The position of the latest checkpoint (in the cycle's order) with a score in ``rows``."""
    at = rows.occasion[rows.kind == _CHECKPOINT]
    return int(at.max()) if at.size else None


def _weeks_between(occasions: list[Occasion], position: int) -> float | None:
    """Weeks from the baseline's date to the date of the occasion at ``position``; None
    unless both have a date and it comes after the baseline."""
    baseline = next((o for o in occasions if o.kind == Occasion.Kind.BASELINE), None)
    later = occasions[position]
    if baseline is None or baseline.date is None or later.date is None:
        return None
    days = (later.date - baseline.date).days
    return days / 7 if days > 0 else None


def _no_final_yet() -> str:
    return _(
        "No focus student has a final score on this measure yet: this figure comes once the "
        "final scores are in."
    )


def goal_standing(
    cycle: InquiryCycle, scores: np.ndarray, min_n: int
) -> tuple[Proportion, str | None]:
    """The share of ``scores`` (one checkpoint's, on the goal's measure) at or above the
    goal's threshold with its Wilson interval, and how it stands against the target."""
    _measure, threshold, target = cycle.judged_goal()
    share = proportion_estimate(int((scores >= threshold).sum()), len(scores), min_n=min_n)
    if share.suppressed:
        return share, None
    low, high = share.percent_ci.low, share.percent_ci.high
    return share, ON_TRACK if low >= target else BEHIND if high < target else UNDECIDED


#: Why a figure is empty when the library cannot compute it, by (figure, error code) or,
#: more precisely, (figure, error code, one of the error's params: a group, an occasion).
#: The library's own message is the command line's English.
_WHY_NOT: dict[tuple[str | None, ...], Promise] = {
    ("prepost", TOO_FEW_PAIRS): gettext_lazy(
        "Fewer than two focus students have both a baseline and a final score on this "
        "measure, so there is no growth to show yet."
    ),
    ("prepost", NO_VARIANCE): gettext_lazy(
        "At the baseline and again at the final occasion, every focus student has the same "
        "score as the others, so the effect cannot be expressed in standard deviations."
    ),
    ("impact", TOO_FEW_PAIRS, "focus"): gettext_lazy(
        "Fewer than two focus students have both a baseline and a final score on this "
        "measure, so the two groups cannot be compared yet."
    ),
    ("impact", TOO_FEW_PAIRS, "comparison"): gettext_lazy(
        "Fewer than two comparison students have both a baseline and a final score on this "
        "measure, so the two groups cannot be compared yet."
    ),
    ("impact", NO_VARIANCE): gettext_lazy(
        "Within each group, every student has the same score at the baseline or at the final "
        "occasion, so the effect cannot be expressed in standard deviations."
    ),
    ("gap", TOO_FEW_SCORES): gettext_lazy(
        "The gap needs at least two scores from each group at the baseline and at the final "
        "occasion; some are still missing on this measure."
    ),
    ("gap", NO_VARIANCE, "from"): gettext_lazy(
        "Within each group, every student has the same score at the baseline, so the gap "
        "cannot be expressed in standard deviations."
    ),
    ("gap", NO_VARIANCE, "to"): gettext_lazy(
        "Within each group, every student has the same score at the final occasion, so the "
        "gap cannot be expressed in standard deviations."
    ),
    ("progress", TOO_FEW_PAIRS): gettext_lazy(
        "Fewer than two focus students have both a baseline score and a score at the latest "
        "checkpoint on this measure, so there is no progress to show yet."
    ),
    ("progress", NO_VARIANCE): gettext_lazy(
        "At the baseline and again at the latest checkpoint, every focus student has the same "
        "score as the others, so the progress cannot be expressed in standard deviations."
    ),
    ("dose", NO_VARIANCE): gettext_lazy(
        "Every focus class has the same dose, so there is no relationship to estimate."
    ),
    ("dose", NO_WITHIN_VARIANCE): gettext_lazy(
        "In a focus class every student gained exactly the same, so its mean gain cannot be "
        "weighted by its uncertainty; the relationship is not estimated."
    ),
    ("by_class_shrunken", TOO_FEW_CLUSTERS): gettext_lazy(
        "The focus students with both scores are all in one class; it takes at least two classes."
    ),
    ("by_class_shrunken", ONE_SCORE_PER_CLUSTER): gettext_lazy(
        "Every class has a single focus student with both scores, so differences between "
        "classes cannot be told apart from differences between students."
    ),
    ("by_class_shrunken", NO_VARIANCE): gettext_lazy(
        "Every focus student has the same gain, so there is no variation to share out "
        "between classes."
    ),
    ("by_class_shrunken", NO_WITHIN_VARIANCE): gettext_lazy(
        "Within each class, every focus student has the same gain, so the variation between "
        "classes cannot be estimated."
    ),
}


def _why_not(figure: str, exc: AnalysisError) -> str:
    """Why ``figure`` could not be computed, in the reader's language (:data:`_WHY_NOT`;
    a number that is not finite as :class:`~efficacy.privacy.SuppressionReason` words it).

    An error without a code, or one this page has no words for, is a caller's mistake
    rather than thin data, and keeps the library's message.
    """
    if exc.code == NOT_FINITE:
        return privacy.SuppressionReason(privacy.NOT_FINITE).message()
    keys: list[tuple[str | None, ...]] = [(figure, exc.code, v) for v in exc.params.values()]
    keys.append((figure, exc.code))
    for key in keys:
        if key in _WHY_NOT:
            return str(_WHY_NOT[key])
    return str(exc)


def _translated(result: Any, *, without: tuple[str, ...] = ()) -> list[str]:
    """A result's caveats in the active language (the library marks them for translation),
    but for those in ``without``, which the panel words itself."""
    if result is None or result.suppressed:
        return []
    return [_(c) for c in result.caveats if c not in without]


def _regression_to_the_mean() -> str:
    return _(
        "The focus group was chosen for its low scores: some of its gain is regression to the "
        "mean (students picked on a low score tend to score higher next time anyway)."
    )
