"""The impact panel: what the evidence says, with n, CI and caveats beside each figure.

``GET cycles/<cycle_id>/impact/`` (name ``cycles:impact_panel``), for anyone who
may read the cycle (``access_cycle``; otherwise 404), analysts included: the
panel shows aggregates only, never a student's name or score. With the
``HX-Request`` header it answers the partial ``cycles/_impact_panel.html``
(the cycle page loads it with htmx on load and on ``evidence-changed``);
without, a full page around the same partial (no JavaScript needed, linkable).
``?measure=<id>`` chooses one of the cycle's measures (default: the performance
goal's, else the first common one); an unknown id is explained in the form
and the default is shown.

Every number on the panel is a ``<data>`` element with a stable
``data-figure`` name; its text is the number as shown (2 decimals, percentages
1, counts whole) and its ``value`` attribute the unrounded number, so a browser
test can compare the page with ``efficacy analyze`` on the exported evidence:

- growth of the focus group (``efficacy analyze prepost``, baseline → final):
  ``prepost-d`` (d_av), ``prepost-ci-low``, ``prepost-ci-high``, ``prepost-n``
  (students with both scores), ``prepost-unpaired``, ``prepost-mean-pre``,
  ``prepost-mean-post``, ``prepost-hinge`` (the growth expected over the cycle:
  0.40 a school year, prorated to the cycle's weeks; ``expected_growth``),
  ``prepost-weeks``, ``prepost-weeks-per-year``;
- compared with the comparison group (``efficacy analyze impact``): ``did-g``,
  ``did-ci-low``, ``did-ci-high``, ``ancova-g``, ``ancova-ci-low``,
  ``ancova-ci-high``, ``baseline-g``, ``baseline-distance`` (its size, the words saying
  which group started lower), ``improvement-index``, ``impact-n-focus``,
  ``impact-n-comparison``;
- the gap, comparison minus focus (``efficacy analyze gap --a comparison --b
  focus``, B = 2000, seed 0): ``gap-from``, ``gap-to``, ``gap-from-sd``,
  ``gap-to-sd``, ``gap-reduction`` (%), ``gap-ci-low``, ``gap-ci-high``,
  ``gap-n-comparison-from``, ``gap-n-focus-from``, ``gap-n-comparison-to``,
  ``gap-n-focus-to``, ``gap-bootstrap``, ``gap-seed``;
- progress so far, while no focus student has a final score (baseline to the
  latest checkpoint with scores): ``progress-d``, ``progress-ci-low``,
  ``progress-ci-high``, ``progress-n``, ``progress-mean-pre``,
  ``progress-mean-post``, ``progress-hinge`` and ``progress-weeks`` (when both
  occasions have a date);
- meeting the performance goal: ``goal-percent``, ``goal-ci-low``,
  ``goal-ci-high`` (Wilson, in %), ``goal-meeting``, ``goal-n``,
  ``goal-threshold``, ``goal-target``; while there is no final score, on track
  at the latest checkpoint: ``ontrack-percent``, ``ontrack-ci-low``,
  ``ontrack-ci-high``, ``ontrack-meeting``, ``ontrack-n``;
- progress across occasions (the focus group's mean per occasion): per table row
  (``data-occasion`` = the occasion's name) ``runchart-value`` and
  ``runchart-n``; ``runchart-median`` (the centre line);
- by class: per table row (``data-class`` = the class label) ``class-d``,
  ``class-ci-low``, ``class-ci-high``, ``class-n``, ``class-shrunken-gain``,
  ``class-shrunken-ci-low``, ``class-shrunken-ci-high``, ``class-reliability``;
- dose and impact, for each kind of dose (``logged``: the mean rating of the
  implementation log; ``observed``: the share of look-fors seen):
  ``dose-<kind>-slope``, ``dose-<kind>-ci-low``, ``dose-<kind>-ci-high``,
  ``dose-<kind>-classes`` (classes in the estimate), ``dose-<kind>-left-out``
  (classes below the reporting threshold, counted, never sized), ``dose-<kind>-tau2``.

A figure that could not be computed shows its reason instead of a number; a
group below ``settings.EFFICACY_MIN_STUDENT_N`` shows "suppressed" and why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from efficacy import privacy
from efficacy.access.cycles import access_cycle
from efficacy.analysis import verdict as grading
from efficacy.charts import Chart, RunPoint, run_chart
from efficacy.cycles.impact.panel import (
    BEHIND,
    ON_TRACK,
    UNDECIDED,
    CycleImpact,
    RunChart,
    cycle_impact,
    impact_measure,
)
from efficacy.cycles.impact.panel import (
    DOSES as DOSE_KINDS,
)
from efficacy.cycles.models import Measure
from efficacy.privacy import GroupSize

#: What each run-chart rule means, in plain words.
RULE_LABELS = {
    "shift": gettext_lazy("a shift: 6 or more points in a row on one side of the median"),
    "trend": gettext_lazy("a trend: 5 or more points in a row all rising or all falling"),
    "runs": gettext_lazy("an unusual number of runs around the median"),
    "anhoej_longest_run": gettext_lazy("an unusually long run on one side of the median"),
    "anhoej_crossings": gettext_lazy("too few crossings of the median"),
}

#: Each rule by name, for "the rules that can judge so few points".
RULE_NAMES = {
    "shift": gettext_lazy("a shift"),
    "trend": gettext_lazy("a trend"),
    "runs": gettext_lazy("the number of runs"),
    "anhoej_longest_run": gettext_lazy("the longest run"),
    "anhoej_crossings": gettext_lazy("the crossings of the median"),
}

#: How the share at the latest checkpoint stands against the goal's target, in words.
TRACK_WORDS = {
    ON_TRACK: gettext_lazy("On track: the whole likely range is at or above the target already."),
    BEHIND: gettext_lazy("Not on track yet: the whole likely range is below the target."),
    UNDECIDED: gettext_lazy(
        "Too close to call: the likely range includes the target, so the scores so far fit "
        "both reaching it and missing it."
    ),
}

#: WWC baseline equivalence, in plain words.
EQUIVALENCE_LABELS = {
    "satisfied": gettext_lazy("Close enough to compare directly: within 0.05 standard deviations."),
    "requires_adjustment": gettext_lazy(
        "Comparable once each student's starting score is taken into account: 0.05 to 0.25 "
        "standard deviations apart, so read the comparison with students who started at the "
        "same score."
    ),
    "not_satisfied": gettext_lazy(
        "Too far apart to compare fairly: more than 0.25 standard deviations."
    ),
}


@dataclass(frozen=True)
class Figure:
    """One number on the panel: its ``data-figure`` name, unrounded value and text.

    It renders itself as ``<data data-figure="…" value="unrounded">as shown</data>``
    (a dash in a ``<span>`` when there is no number): one template include per
    number would cost more than the statistics behind the page.
    """

    name: str
    value: float | int | None
    text: str

    def __html__(self) -> str:
        if self.value is None:
            return format_html(
                '<span class="figure" data-figure="{}">{}</span>', self.name, self.text
            )
        return format_html(
            '<data class="figure" data-figure="{}" value="{}">{}</data>',
            self.name,
            repr(self.value),
            self.text,
        )

    def __str__(self) -> str:
        return self.__html__()


def _number(name: str, value: Any, places: int = 2) -> Figure:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return Figure(name, None, "—")
    if places == 0:
        return Figure(name, int(value), str(int(value)))
    return Figure(name, float(value), floatformat(float(value), places))


def _size(name: str, size: GroupSize | None) -> Figure:
    """A count of students: its number, or "fewer than 10" (or "hidden") and no value."""
    if size is None:
        return Figure(name, None, "—")
    if size.suppressed:
        return Figure(name, None, str(size))
    return Figure(name, size.n, str(size.n))


class MeasureChoiceForm(forms.Form):
    measure = forms.TypedChoiceField(
        label=gettext_lazy("Measure"),
        coerce=int,
        error_messages={
            "invalid_choice": gettext_lazy(
                "That measure is not one of this cycle's; choose one from the list. "
                "The panel shows the default measure meanwhile."
            )
        },
    )

    def __init__(self, *args: Any, measures: list[Measure], **kwargs: Any) -> None:
        super().__init__(*args, auto_id="impact-%s", **kwargs)
        self.fields["measure"].choices = [(m.pk, m.name) for m in measures]


@login_required
@require_GET
def impact_panel(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access_cycle(request.user, cycle_id)
    measures = list(cycle.measures.order_by("pk"))
    default = impact_measure(cycle)
    chosen = default
    if "measure" in request.GET:
        form = MeasureChoiceForm(request.GET, measures=measures)
        if form.is_valid():
            chosen = next(m for m in measures if m.pk == form.cleaned_data["measure"])
    else:
        form = MeasureChoiceForm(
            initial={"measure": default.pk if default else None}, measures=measures
        )
    impact = cycle_impact(cycle, measure=chosen)
    context = {
        "min_n": privacy.min_student_n(),
        "cycle": cycle,
        "form": form,
        "measures": measures,
        "measure": chosen,
        "impact": impact,
        "fig": _figures(impact),
        "class_rows": _class_rows(impact),
        "dose_rows": _dose_rows(impact),
        "run_points": _run_points(impact.run_chart),
        "run_reading": _run_reading(impact.run_chart),
        "chart": _chart(impact.run_chart, chosen),
        "on_track_words": TRACK_WORDS.get(impact.on_track_status or "", ""),
        "lords": _lords_paradox(impact),
        "target_reached": _target_reached(impact),
        "equivalence": EQUIVALENCE_LABELS.get(
            impact.impact.baseline_equivalence if impact.impact else "", ""
        ),
    }
    partial = request.headers.get("HX-Request") == "true"
    template = "cycles/_impact_panel.html" if partial else "cycles/impact.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _figures(impact: CycleImpact) -> dict[str, Figure]:
    """Every headline number by its ``data-figure`` name, with ``-`` as ``_`` for templates."""
    out: list[Figure] = []
    p = impact.prepost
    if p is not None and not p.suppressed:
        out += [
            _number("prepost-d", p.d_av),
            _number("prepost-ci-low", p.ci.low),
            _number("prepost-ci-high", p.ci.high),
            _number("prepost-n", p.n, 0),
            _size("prepost-unpaired", impact.sizes.get("prepost_unpaired")),
            _number("prepost-mean-pre", p.mean_pre),
            _number("prepost-mean-post", p.mean_post),
            _number("prepost-hinge", impact.hinge),
            _number("prepost-weeks", p.weeks, 1),
            _number("prepost-weeks-per-year", p.weeks_per_year, 0),
        ]
    q = impact.progress
    if q is not None and not q.suppressed:
        out += [
            _number("progress-d", q.d_av),
            _number("progress-ci-low", q.ci.low),
            _number("progress-ci-high", q.ci.high),
            _number("progress-n", q.n, 0),
            _number("progress-mean-pre", q.mean_pre),
            _number("progress-mean-post", q.mean_post),
        ]
        if impact.progress_hinge is not None:
            out += [
                _number("progress-hinge", impact.progress_hinge),
                _number("progress-weeks", q.weeks, 1),
            ]
    i = impact.impact
    if i is not None and not i.suppressed:
        out += [
            _number("did-g", i.did_g),
            _number("did-ci-low", i.did_ci.low),
            _number("did-ci-high", i.did_ci.high),
            _number("ancova-g", i.ancova_g),
            _number("ancova-ci-low", i.ci.low),
            _number("ancova-ci-high", i.ci.high),
            _number("baseline-g", i.baseline_g),
            _number("baseline-distance", abs(i.baseline_g)),
            _number("improvement-index", i.improvement_index, 1),
            _number("impact-n-focus", i.n_focus, 0),
            _number("impact-n-comparison", i.n_comparison, 0),
        ]
    g = impact.gap
    if g is not None and not g.suppressed:
        out += [
            _number("gap-from", g.gap_from),
            _number("gap-to", g.gap_to),
            _number("gap-from-sd", g.gap_from_sd),
            _number("gap-to-sd", g.gap_to_sd),
            _number("gap-reduction", g.reduction_pct, 1),
            _number("gap-ci-low", g.ci.low, 1),
            _number("gap-ci-high", g.ci.high, 1),
            _number("gap-n-comparison-from", g.n_a_from, 0),
            _number("gap-n-focus-from", g.n_b_from, 0),
            _number("gap-n-comparison-to", g.n_a_to, 0),
            _number("gap-n-focus-to", g.n_b_to, 0),
            _number("gap-bootstrap", g.bootstrap, 0),
            _number("gap-seed", g.seed, 0),
        ]
    s = impact.goal_share
    if s is not None and not s.suppressed:
        out += [
            _number("goal-percent", s.percent, 1),
            _number("goal-ci-low", s.percent_ci.low, 1),
            _number("goal-ci-high", s.percent_ci.high, 1),
            _number("goal-meeting", s.successes, 0),
            _number("goal-n", s.n, 0),
        ]
    t = impact.on_track
    if t is not None and not t.suppressed:
        out += [
            _number("ontrack-percent", t.percent, 1),
            _number("ontrack-ci-low", t.percent_ci.low, 1),
            _number("ontrack-ci-high", t.percent_ci.high, 1),
            _number("ontrack-meeting", t.successes, 0),
            _number("ontrack-n", t.n, 0),
        ]
    if s is not None or t is not None:
        cycle_goal = impact.goal.summary if impact.goal else {}
        out += [
            _number("goal-threshold", cycle_goal.get("threshold"), 1),
            _number("goal-target", cycle_goal.get("target_percent"), 0),
        ]
    run = impact.run_chart
    if run is not None and run.chart is not None:
        out.append(_number("runchart-median", run.chart.median))
    return {f.name.replace("-", "_"): f for f in out}


def _target_reached(impact: CycleImpact) -> bool:
    """The share at the final occasion reaches the goal's target. (The verdict may still
    record no mastery moment, when the comparison contradicts the gain: the page says so.)"""
    share, goal = impact.goal_share, impact.goal
    target = goal.summary.get("target_percent") if goal is not None else None
    if share is None or share.suppressed or target is None:
        return False
    return bool(share.percent >= target)


def _lords_paradox(impact: CycleImpact) -> dict[str, bool]:
    """Why the two comparisons disagree: the groups started far apart; they point opposite
    ways. (The evidence grade reads the same estimate the panel says to read:
    :func:`efficacy.analysis.estimate_to_read`.)"""
    i = impact.impact
    if impact.read_method is None or i is None:
        return {}
    return {
        "far": abs(i.baseline_g) > grading.FAR_APART,
        "opposite": i.ancova_g * i.did_g < 0,
    }


def _class_rows(impact: CycleImpact) -> list[dict[str, Any]]:
    rows = []
    for row in impact.class_rows():
        rows.append(
            {
                "label": row["by"] or _("(no class recorded)"),
                "suppressed": row["suppressed"],
                "missing": row["missing"],
                "reason": row["reason"],
                "n": _size("class-n", row["size"]),
                "d": _number("class-d", row["d_av"]),
                "ci_low": _number("class-ci-low", row["ci_low"]),
                "ci_high": _number("class-ci-high", row["ci_high"]),
                "gain": _number("class-shrunken-gain", row["shrunken_gain"]),
                "gain_low": _number("class-shrunken-ci-low", row["shrunken_ci_low"]),
                "gain_high": _number("class-shrunken-ci-high", row["shrunken_ci_high"]),
                "reliability": _number("class-reliability", row["reliability"]),
            }
        )
    return rows


#: What one step of each kind of dose is, for the headline.
DOSE_WORDS = {
    "logged": gettext_lazy(
        "How fully teachers say they used the strategies (their log: 0 not used to 3 fully)"
    ),
    "observed": gettext_lazy(
        "How many of the look-fors observers saw in the class's lessons (from none to all)"
    ),
}
DOSE_STEP = {
    "logged": gettext_lazy("For each step up the log's rating (say, from “a little” to “mostly”)"),
    "observed": gettext_lazy("From none of the look-fors seen to all of them"),
}


def _dose_rows(impact: CycleImpact) -> list[dict[str, Any]]:
    """Dose and impact, one entry per kind of dose: its figures or why there are none."""
    rows = []
    for kind in DOSE_KINDS:
        result = impact.dose.get(kind)
        name = f"dose_{kind}"
        shown = result is not None and not result.suppressed
        rows.append(
            {
                "kind": kind,
                "title": DOSE_WORDS[kind],
                "step": DOSE_STEP[kind],
                "result": result if shown else None,
                "reason": impact.reasons.get(name),
                "note": impact.notes.get(name, ""),
                "caveats": impact.caveats.get(name, ()),
                "slope": _number(f"dose-{kind}-slope", result.slope if shown else None),
                "ci_low": _number(f"dose-{kind}-ci-low", result.ci.low if shown else None),
                "ci_high": _number(f"dose-{kind}-ci-high", result.ci.high if shown else None),
                "classes": _number(f"dose-{kind}-classes", result.k if shown else None, 0),
                "left_out": _number(
                    f"dose-{kind}-left-out", result.n_suppressed if result else None, 0
                ),
                "tau2": _number(f"dose-{kind}-tau2", result.tau2 if shown else None, 3),
                "fewer_than": privacy.fewer_than(privacy.min_student_n()),
            }
        )
    return rows


def _run_points(run: RunChart | None) -> list[dict[str, Any]]:
    if run is None:
        return []
    return [
        {
            "point": point,
            "value": _number("runchart-value", point.value),
            "n": _number("runchart-n", point.n, 0),
            "signals": [RULE_LABELS.get(rule, rule) for rule in point.signals],
        }
        for point in run.points
    ]


def _run_reading(run: RunChart | None) -> str:
    """What the rules say, in a sentence: the signals; or too few points for any rule to
    signal (not "no signal"); or no signal from the rules that can judge so few points."""
    if run is None or run.chart is None:
        return ""
    chart = run.chart
    if chart.signals:
        rules = dict.fromkeys(signal["rule"] for signal in chart.signals)
        return _("Signals of non-random change: %(signals)s.") % {
            "signals": "; ".join(str(RULE_LABELS.get(rule, rule)) for rule in rules)
        }
    if chart.too_few_points:
        return _(
            "Too few points for a signal: on %(n)d points no run-chart rule can tell a real "
            "change from chance (a trend needs 5 points, the other rules more), so the chart "
            "cannot say yet whether anything changed."
        ) % {"n": chart.n}
    if len(chart.can_signal) < len(RULE_NAMES):
        return _(
            "No signal of non-random change from the rules that can judge %(n)d points: "
            "%(rules)s. The other rules need more points."
        ) % {
            "n": chart.n,
            "rules": ", ".join(str(RULE_NAMES.get(rule, rule)) for rule in chart.can_signal),
        }
    return _("No signal of non-random change.")


# --- the run chart (drawn by efficacy.charts) ---------------------------------------


def _chart(run: RunChart | None, measure: Measure | None) -> Chart | None:
    """The run chart's geometry: the vertical axis spans the measure's range, so a chart
    of rubric levels starts at the lowest level, with ticks at the measure's precision;
    occasions are spaced evenly in the cycle's order, and an occasion without a point
    leaves its place empty."""
    if run is None or measure is None or not run.shown:
        return None
    return run_chart(
        [
            RunPoint(
                p.occasion,
                p.value,
                signal=bool(p.signals),
                note=f"n = {p.n}" if p.value is not None else "",
            )
            for p in run.points
        ],
        low=float(measure.min_score),
        high=float(measure.max_score),
        median=run.chart.median if run.chart is not None else None,
        decimals=run.decimals,
        title=_("Run chart: the focus group's mean score at each occasion"),
        description=_(
            "Each point is the focus group's mean score at one occasion, in order, with the "
            "median of the points as a dashed centre line; the same values are in the table "
            "that follows the chart."
        ),
        point_label=_("an occasion's mean"),
        signal_label=_("a point that is part of a signal"),
        median_label=_("median (centre line)"),
    )


urlpatterns = [
    path("cycles/<int:cycle_id>/impact/", impact_panel, name="impact_panel"),
]
