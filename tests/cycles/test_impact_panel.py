"""The impact panel: each figure against an independent computation, its caveats and
suppression, and the page (htmx partial or full page, who may read it, measure choice).

The fixture builds a cycle of the world's Grade 9 English team on a 0-40 "Reading
points" measure with five occasions (baseline, three checkpoints, final):

- focus (grade 9 applied): class "English 9 Applied" with 12 students (two have no
  final score), "EN9-AB" with 8 (below the reporting threshold of 10), "EN9-AC" with 12
  and "EN9-AD" with 11;
- comparison (grade 9 academic): "English 9 Academic" with 16 students.

``truth`` holds every score as the test wrote it, so expectations are computed from
it with numpy, scipy and statsmodels, never from the application's own frame.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from contextlib import redirect_stdout
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from django.db.models import F
from django.template.defaultfilters import floatformat
from django.urls import reverse
from statsmodels.stats.proportion import proportion_confint

from efficacy.analysis import evidence_strength
from efficacy.analyze_cli import main as analyze_main
from efficacy.cycles.evidence.export import evidence_export_csv
from efficacy.cycles.evidence.services import score_set
from efficacy.cycles.impact.panel import cycle_impact
from efficacy.cycles.impact.recompute import impact_summary_frame
from efficacy.cycles.models import ImpactSummary, Measure, Score
from efficacy.cycles.plan.services import cycle_update, measure_create, occasion_create
from efficacy.roster.models import SchoolClass, Student
from tests.analysis.references import assert_student_gap_ci_agrees_with_scipy

pytestmark = pytest.mark.django_db

Z = 1.959963984540054
THRESHOLD, TARGET = 25, 50
#: The cycle fixture runs from 15 September to 15 December 2024: 91 days.
WEEKS = 91 / 7
RTM = "regression to the mean"
NO_COMPARISON = "This cycle has no comparison group"
NOT_EQUIVALENT = "baseline equivalence not satisfied"


def _student(world, klass, pathway, name):
    return world.enrolled_student(
        klass,
        given_name=name,
        family_name="Zed",
        identifier=f"ID-{name}",
        grade="09",
        pathway=pathway,
    )


@pytest.fixture
def panel(world, ready_cycle, rubric, baseline, final):
    lead = world.lead_english
    # The world's own grade 9 students leave both groups.
    Student.objects.filter(
        pk__in=[world.ava.pk, world.ben.pk, world.chloe.pk, world.dev.pk]
    ).update(grade="08")
    course = world.english_9_applied.course
    class_b = SchoolClass.objects.create(
        school=world.school_a, course=course, title="Applied B", class_code="EN9-AB"
    )
    class_c = SchoolClass.objects.create(
        school=world.school_a, course=course, title="Applied C", class_code="EN9-AC"
    )
    class_d = SchoolClass.objects.create(
        school=world.school_a, course=course, title="Applied D", class_code="EN9-AD"
    )
    points = measure_create(user=lead, cycle=ready_cycle, name="Reading points", max_score=40)
    cycle_update(
        user=lead,
        cycle=ready_cycle,
        performance_measure=points,
        performance_threshold=THRESHOLD,
        performance_target_percent=TARGET,
    )
    checkpoints = [
        occasion_create(user=lead, cycle=ready_cycle, name=f"Check {k}", kind="checkpoint")
        for k in (1, 2, 3)
    ]
    occasions = [baseline, *checkpoints, final]
    rng = np.random.default_rng(2024)
    groups = [
        ("focus", world.english_9_applied, "applied", 12, 15.0, 6.0),
        ("focus", class_b, "applied", 8, 15.0, 2.0),
        ("focus", class_c, "applied", 12, 15.0, 3.5),
        ("focus", class_d, "applied", 11, 15.0, 4.5),
        ("comparison", world.english_9_academic, "academic", 16, 22.0, 1.5),
    ]
    rows, scores = [], []
    for group, klass, pathway, size, level, growth in groups:
        label = klass.class_code or klass.title
        for i in range(size):
            student = _student(world, klass, pathway, f"{label}-{i}")
            start = rng.normal(level, 4)
            for k, occasion in enumerate(occasions):
                if occasion is final and label == "English 9 Applied" and i < 2:
                    continue  # two focus students left before the final
                value = float(np.clip(np.round(start + growth * k / 4 + rng.normal(0, 1.5)), 0, 40))
                scores.append(
                    Score(
                        measure=points,
                        occasion=occasion,
                        student=student,
                        school_class=klass,
                        value=value,
                        entered_by=lead,
                    )
                )
                rows.append((student.pk, group, label, occasion.name, occasion.kind, value))
    Score.objects.bulk_create(scores)
    truth = pd.DataFrame(rows, columns=["sid", "group", "class", "occasion", "kind", "score"])
    return SimpleNamespace(
        cycle=ready_cycle,
        points=points,
        rubric=rubric,
        occasions=occasions,
        truth=truth,
        class_b=class_b,
    )


def _wide(truth, group=None, klass=None):
    rows = truth[truth["kind"].isin(["baseline", "final"])]
    if group:
        rows = rows[rows["group"] == group]
    if klass:
        rows = rows[rows["class"] == klass]
    return rows.pivot(index="sid", columns="kind", values="score")


def _paired(truth, group=None, klass=None):
    wide = _wide(truth, group, klass).dropna()
    return wide["baseline"].to_numpy(), wide["final"].to_numpy()


def _pooled_sd(a, b):
    return math.sqrt(
        ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2)
    )


# --- figures against independent computations -----------------------------------------


def test_growth_is_d_av_with_its_delta_method_ci_and_n(panel):
    pre, post = _paired(panel.truth, "focus")
    impact = cycle_impact(panel.cycle)
    n = len(pre)
    a, b = pre.std(ddof=1), post.std(ddof=1)
    d = (post - pre).mean() / ((a + b) / 2)
    r = np.corrcoef(pre, post)[0, 1]
    # Var(mean gain) and Var((s_pre + s_post)/2) under bivariate normality (STATISTICS.md).
    var_gain, var_s = (post - pre).var(ddof=1), (a**2 + b**2 + 2 * r**2 * a * b) / 8
    se = math.sqrt((var_gain + d**2 * var_s) / (n * ((a + b) / 2) ** 2))
    assert impact.measure == "Reading points"
    assert impact.prepost.n == n == 41
    assert impact.prepost.n_unpaired == 2
    assert impact.prepost.d_av == pytest.approx(d, rel=1e-12)
    assert impact.prepost.ci.low == pytest.approx(d - Z * se, rel=1e-9)
    assert impact.prepost.ci.high == pytest.approx(d + Z * se, rel=1e-9)


def test_the_growth_sits_beside_the_growth_expected_over_the_cycles_weeks(client, world, panel):
    """STATISTICS.md: expected growth = 0.40 × weeks / weeks-per-year, shown as a reference,
    never as "years of growth" (8 "years" in a 13-week cycle is a pace, and gets quoted)."""
    impact = cycle_impact(panel.cycle)
    assert impact.hinge == pytest.approx(0.40 * WEEKS / 40)
    assert impact.prepost.expected_growth == pytest.approx(impact.hinge)
    client.force_login(world.lead_english)
    html = client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode()
    growth = _section(html, "impact-growth")
    assert _figure(growth, "prepost-hinge")[0] == pytest.approx(impact.hinge)
    assert _figure(growth, "prepost-weeks")[1] == "13.0"
    assert "Growth expected over the cycle" in growth
    assert "years of growth" not in html.lower()
    assert "prepost-years" not in html


def test_the_weeks_per_year_setting_changes_the_expected_growth_shown(
    client, world, panel, settings
):
    """STATISTICS.md: expected growth = 0.40 × weeks / EFFICACY_WEEKS_PER_YEAR."""
    client.force_login(world.lead_english)
    settings.EFFICACY_WEEKS_PER_YEAR = 40
    forty = client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode()
    settings.EFFICACY_WEEKS_PER_YEAR = 36
    thirty_six = client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode()
    assert _figure(forty, "prepost-hinge")[0] == pytest.approx(0.40 * WEEKS / 40, rel=1e-12)
    assert _figure(thirty_six, "prepost-hinge")[0] == pytest.approx(0.40 * WEEKS / 36, rel=1e-12)
    assert _figure(thirty_six, "prepost-weeks-per-year") == (36, "36")
    # The observed growth does not change with the reference beside it.
    assert _figure(thirty_six, "prepost-d") == _figure(forty, "prepost-d")


def test_ancova_g_is_the_group_coefficient_of_an_ols_fit_with_the_pretest(panel):
    fi, fo = _paired(panel.truth, "focus")
    ci_, co = _paired(panel.truth, "comparison")
    post = np.concatenate([fo, co])
    design = np.column_stack(
        [np.ones(len(post)), np.r_[np.ones(len(fo)), np.zeros(len(co))], np.concatenate([fi, ci_])]
    )
    beta = sm.OLS(post, design).fit().params[1]
    big_n = len(post)
    omega = 1 - 3 / (4 * big_n - 9)
    sd_post = _pooled_sd(fo, co)
    impact = cycle_impact(panel.cycle).impact
    assert (impact.n_focus, impact.n_comparison) == (41, 16)
    assert impact.ancova_g == pytest.approx(omega * beta / sd_post, rel=1e-9)
    se = math.sqrt(big_n / (41 * 16) + impact.ancova_g**2 / (2 * big_n))
    assert impact.ci.low == pytest.approx(impact.ancova_g - Z * se, rel=1e-9)


def test_did_g_and_baseline_equivalence_follow_the_wwc_definitions(panel):
    fi, fo = _paired(panel.truth, "focus")
    ci_, co = _paired(panel.truth, "comparison")
    omega = 1 - 3 / (4 * (len(fi) + len(ci_)) - 9)
    did = omega * ((fo.mean() - fi.mean()) - (co.mean() - ci_.mean())) / _pooled_sd(fo, co)
    baseline_g = omega * (fi.mean() - ci_.mean()) / _pooled_sd(fi, ci_)
    impact = cycle_impact(panel.cycle)
    assert impact.impact.did_g == pytest.approx(did, rel=1e-9)
    assert impact.impact.did_ci.low < did < impact.impact.did_ci.high
    assert impact.impact.baseline_g == pytest.approx(baseline_g, rel=1e-9)
    assert abs(baseline_g) > 0.25
    assert impact.impact.baseline_equivalence == "not_satisfied"
    assert any(NOT_EQUIVALENT in c for c in impact.caveats["impact"])


LORD = "Lord's paradox"


def test_groups_that_started_far_apart_get_an_explanation_not_two_headlines(client, world, panel):
    """Baseline g beyond 0.25: ANCOVA and the difference in differences answer different
    questions. The page says so, which to read (groups formed before the cycle: the rise
    against the rise) and why, instead of two headline numbers."""
    impact = cycle_impact(panel.cycle)
    assert abs(impact.impact.baseline_g) > 0.25
    assert impact.read_method == "did"
    client.force_login(world.lead_english)
    html = client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode()
    comparison = _section(html, "impact-comparison")
    assert LORD in comparison
    assert "neither number answers the question alone" in comparison
    assert "standard deviations apart, more than 0.25" in comparison
    # Where they started, in words: which group was lower, and by how much (not "-1.2 apart").
    equivalence = comparison[comparison.index('class="equivalence"') :]
    equivalence = equivalence[: equivalence.index("</p>")]
    assert "standard deviations below the comparison group" in equivalence
    assert _figure(equivalence, "baseline-distance")[0] == pytest.approx(-impact.impact.baseline_g)
    # One headline, and it is the words, not a number.
    assert comparison.count('class="headline"') == 1
    headline = comparison[comparison.index('class="headline"') :]
    assert "disagree" in headline[: headline.index("</p>")]
    assert "percentile points" not in comparison.split('class="method"')[0]
    chosen = comparison[comparison.index('class="read-this"') :]
    chosen = chosen[: chosen.index("</li>")]
    assert "rise against the comparison group's rise" in chosen
    assert 'data-figure="did-g"' in chosen
    assert "the one to read here" in chosen
    assert comparison.count("the one to read here") == 1
    assert "the groups existed before the cycle" in comparison
    # Both numbers stay on the page, each beside the question it answers.
    assert _figure(comparison, "ancova-g")[0] == pytest.approx(impact.impact.ancova_g)


def test_a_focus_group_chosen_for_low_scores_reads_the_adjusted_comparison(client, world, panel):
    cycle_update(user=world.lead_english, cycle=panel.cycle, focus_chosen_for_low_scores=True)
    assert cycle_impact(panel.cycle).read_method == "ancova"
    client.force_login(world.lead_english)
    comparison = _section(
        client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode(), "impact-comparison"
    )
    chosen = comparison[comparison.index('class="read-this"') :]
    chosen = chosen[: chosen.index("</li>")]
    assert 'data-figure="ancova-g"' in chosen
    assert "chosen for their low scores" in comparison
    assert "regression to the mean" in comparison


def test_the_grade_reads_the_comparison_the_panel_says_to_read(panel):
    """When the two comparisons disagree, the verdict's grade rests on the estimate the
    panel tells the reader to trust (estimate_to_read), never on the other one."""
    impact = cycle_impact(panel.cycle)
    assert impact.read_method == "did"
    i = impact.impact
    strength = evidence_strength(impact.prepost, i, impact.hinge)
    assert (strength.adjusted_g, strength.adjusted_low) == (i.did_g, i.did_ci.low)


def test_groups_that_started_level_need_no_explanation(client, world, panel):
    fi, _fo = _paired(panel.truth, "focus")
    ci_, _co = _paired(panel.truth, "comparison")
    comparison_ids = panel.truth[panel.truth["group"] == "comparison"]["sid"].unique()
    Score.objects.filter(student_id__in=comparison_ids).update(
        value=F("value") - (ci_.mean() - fi.mean())
    )
    impact = cycle_impact(panel.cycle)
    assert impact.read_method is None
    assert impact.impact.ancova_g * impact.impact.did_g > 0
    client.force_login(world.lead_english)
    html = client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode()
    assert LORD not in html
    assert "with care" not in _section(html, "impact-goal")


def test_the_gap_and_its_reduction_are_comparison_minus_focus_on_every_score(panel):
    truth = panel.truth

    def mean(group, kind):
        return truth[(truth["group"] == group) & (truth["kind"] == kind)]["score"].mean()

    gap_from = mean("comparison", "baseline") - mean("focus", "baseline")
    gap_to = mean("comparison", "final") - mean("focus", "final")
    gap = cycle_impact(panel.cycle).gap
    assert gap.gap_from == pytest.approx(gap_from)
    assert gap.gap_to == pytest.approx(gap_to)
    assert gap.reduction_pct == pytest.approx(100 * (gap_from - gap_to) / gap_from)
    assert (gap.n_b_from, gap.n_b_to) == (43, 41)
    assert (gap.bootstrap, gap.seed) == (2000, 0)


def test_the_gap_interval_resamples_students_with_both_of_their_scores(panel):
    """The same students at baseline and final (two focus students have no final score):
    the interval is scipy's bootstrap of students within each group, not of occasions."""
    wide = {
        g: _wide(panel.truth, g)[["baseline", "final"]].to_numpy().T
        for g in ("comparison", "focus")
    }
    gap = cycle_impact(panel.cycle).gap
    assert gap.resampling == "students"
    assert_student_gap_ci_agrees_with_scipy(gap, wide["comparison"], wide["focus"])


def _analyze(tmp_path, cycle, measure, *argv):
    _name, _type, content = evidence_export_csv(cycle.created_by, cycle)
    table = pd.read_csv(io.BytesIO(content))
    path = tmp_path / "evidence.csv"
    table[table["measure"] == measure].to_csv(path, index=False)
    out = io.StringIO()
    with redirect_stdout(out):
        status = analyze_main([argv[0], "--data", str(path), *argv[1:], "--json"])
    assert status == 0
    return json.loads(out.getvalue())


def test_the_panel_agrees_with_efficacy_analyze_on_the_exported_evidence(panel, tmp_path):
    occasions = ["--occasion", "occasion", "--pre", "Baseline", "--post", "Final"]
    columns = ["--id", "student", "--score", "score", *occasions]
    by_group = _analyze(
        tmp_path, panel.cycle, "Reading points", "prepost", *columns, "--weeks", str(WEEKS),
        "--by", "group", "--scale-min", "0", "--scale-max", "40",
    )  # fmt: skip
    prepost = next(row for row in by_group if row["by"] == "focus")
    impact = _analyze(
        tmp_path, panel.cycle, "Reading points", "impact", *columns,
        "--group", "group", "--focus", "focus", "--comparison", "comparison",
    )  # fmt: skip
    gap_args = ["--score", "score", "--group", "group", "--a", "comparison", "--b", "focus",
                "--occasion", "occasion", "--from", "Baseline", "--to", "Final"]  # fmt: skip
    gap = _analyze(tmp_path, panel.cycle, "Reading points", "gap", "--id", "student", *gap_args)
    occasions_gap = _analyze(tmp_path, panel.cycle, "Reading points", "gap", *gap_args)
    ours = cycle_impact(panel.cycle)
    assert ours.prepost.d_av == pytest.approx(prepost["d_av"], rel=1e-12)
    assert ours.hinge == pytest.approx(prepost["expected_growth"], rel=1e-9)
    assert "years_growth" not in prepost
    assert ours.prepost.se == pytest.approx(prepost["se"], rel=1e-12)
    for end in ("floor_pre", "floor_post", "ceiling_pre", "ceiling_post"):
        assert getattr(ours.prepost, end) == pytest.approx(prepost[end], abs=1e-12), end
    assert ours.impact.ancova_g == pytest.approx(impact["ancova_g"], rel=1e-12)
    assert ours.impact.did_g == pytest.approx(impact["did_g"], rel=1e-12)
    assert ours.impact.did_ci.low == pytest.approx(impact["did_ci_low"], rel=1e-12)
    assert ours.gap.reduction_pct == pytest.approx(gap["reduction_pct"], rel=1e-12)
    assert ours.gap.ci.low == pytest.approx(gap["ci_low"], rel=1e-12)
    assert ours.gap.ci.high == pytest.approx(gap["ci_high"], rel=1e-12)
    assert ours.gap.resampling == gap["resampling"] == "students"
    # Without --id the occasions are resampled on their own, and the output says so.
    assert occasions_gap["resampling"] == "independent occasions"
    assert occasions_gap["reduction_pct"] == pytest.approx(gap["reduction_pct"], rel=1e-12)
    assert occasions_gap["ci_low"] != pytest.approx(gap["ci_low"], rel=1e-3)


def test_the_share_meeting_the_goal_has_a_wilson_interval(panel):
    final = panel.truth[(panel.truth["group"] == "focus") & (panel.truth["kind"] == "final")]
    meeting, n = int((final["score"] >= THRESHOLD).sum()), len(final)
    low, high = proportion_confint(meeting, n, method="wilson")
    impact = cycle_impact(panel.cycle)
    share = impact.goal_share
    assert (share.successes, share.n) == (meeting, n)
    assert share.percent == pytest.approx(100 * meeting / n)
    assert share.ci.low == pytest.approx(low, abs=1e-12)
    assert share.ci.high == pytest.approx(high, abs=1e-12)
    assert impact.goal.met == (100 * meeting / n >= TARGET)
    assert impact.goal_shown


def test_a_reached_target_reads_as_reached_even_when_no_moment_is_recorded(
    client, world, panel, monkeypatch
):
    """A comparison that contradicts the gain blocks the mastery moment (the verdict's
    ``met`` is False), but the share did reach the target: the page says both, not "not
    reached"."""
    import dataclasses

    from efficacy.cycles.impact import panel as panel_module

    real = panel_module.mastery.goal_met

    def contradicted(*args, **kwargs):
        return dataclasses.replace(real(*args, **kwargs), met=False, grade="contradicted")

    monkeypatch.setattr(panel_module.mastery, "goal_met", contradicted)
    cycle_update(user=world.lead_english, cycle=panel.cycle, performance_threshold=15)
    impact = cycle_impact(panel.cycle)
    assert impact.goal_share.percent >= TARGET
    client.force_login(world.lead_english)
    goal = _section(client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode(), "impact-goal")
    assert "The target is reached. But no mastery moment is recorded" in goal
    assert "not reached" not in goal
    assert "Contradicted" in goal


def test_the_run_chart_shows_the_focus_mean_at_every_occasion_in_order(panel):
    focus = panel.truth[panel.truth["group"] == "focus"]
    expected = focus.groupby("occasion")["score"].agg(["mean", "size"])
    run = cycle_impact(panel.cycle).run_chart
    assert run.statistic == "mean"
    assert [p.occasion for p in run.points] == [
        "Baseline",
        "Check 1",
        "Check 2",
        "Check 3",
        "Final",
    ]
    for point in run.points:
        assert point.value == pytest.approx(expected.loc[point.occasion, "mean"])
        assert point.n == expected.loc[point.occasion, "size"]
    values = [p.value for p in run.points]
    assert run.chart.median == pytest.approx(np.median(values))
    # This seeded data rises at every occasion, and five rising points are a trend.
    truth_means = expected.loc[[p.occasion for p in run.points], "mean"].to_numpy()
    assert (np.diff(truth_means) > 0).all()
    assert all("trend" in p.signals for p in run.points)


def test_a_run_chart_point_below_the_threshold_is_suppressed_with_its_reason(panel):
    check_2 = panel.occasions[2]
    focus_ids = panel.truth[panel.truth["group"] == "focus"]["sid"].unique()
    Score.objects.filter(occasion=check_2, student_id__in=focus_ids[5:]).delete()
    run = cycle_impact(panel.cycle).run_chart
    point = run.points[2]
    assert point.suppressed
    assert point.value is None
    assert point.reason.to_dict() == {
        "code": "small_group",
        "threshold": 10,
        "group": "focus_occasion",
    }
    assert "fewer than 10 focus students at this occasion" in str(point.reason)
    assert "5" not in str(point.reason)
    assert run.chart.n == 4  # the rules see only the points that are shown


def test_too_few_occasions_for_the_rules_are_said_plainly(panel):
    Score.objects.filter(occasion__in=panel.occasions[1:4]).delete()
    Score.objects.filter(occasion=panel.occasions[4]).delete()
    run = cycle_impact(panel.cycle).run_chart
    assert run.chart is None
    assert run.note.startswith("Too few points for a signal")
    assert "needs at least two occasions with 10 or more focus students" in run.note
    assert [p.reason for p in run.points[1:]] == ["No scores yet."] * 4


def test_fewer_points_than_any_rule_can_judge_read_as_too_few_not_as_no_signal(
    client, world, panel
):
    """Baseline and one checkpoint: two means, on which no rule can signal (a trend needs
    five points), so the page does not say "no signal"; with all five, the trend shows."""
    client.force_login(world.lead_english)
    five = _section(
        client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode(), "impact-progress"
    )
    assert "Signals of non-random change: a trend" in five
    assert "Too few points" not in five
    Score.objects.filter(occasion__in=panel.occasions[2:]).delete()
    assert cycle_impact(panel.cycle).run_chart.chart.too_few_points
    two = _section(
        client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode(), "impact-progress"
    )
    assert "Too few points for a signal: on 2 points no run-chart rule can tell" in two
    assert "No signal" not in two
    assert ">none<" not in two
    assert two.count("too few points to tell") == 2  # the two occasions with a mean


def test_five_points_without_a_signal_name_the_only_rule_that_could_judge_them():
    from efficacy.analysis import run_chart
    from efficacy.cycles.impact.panel import RunChart
    from efficacy.cycles.impact.views import _run_reading

    reading = _run_reading(RunChart(statistic="mean", points=(), chart=run_chart([1, 3, 2, 3, 2])))
    assert reading == (
        "No signal of non-random change from the rules that can judge 5 points: a trend. "
        "The other rules need more points."
    )


def test_axis_labels_are_shortened_with_an_ellipsis_and_keep_their_full_name(client, world, panel):
    long = "Checkpoint after the second round of peer observation"
    panel.occasions[2].name = long
    panel.occasions[2].save()
    client.force_login(world.lead_english)
    html = client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode()
    chart = html[html.index("<svg") : html.index("</svg>")]
    labels = re.findall(r'text-anchor="middle">(?:<title>([^<]*)</title>)?([^<]+)</text>', chart)
    assert [short for _full, short in labels][:2] == ["Baseline", "Check 1"]
    full, short = labels[2]
    assert full == long
    assert short.endswith("…")
    assert long.startswith(short[:-1])
    # Five occasions over the plot: no label is wider than the room between two points.
    room = (640 - 56 - 56) / 4
    assert all(len(short) * 7 <= room for _full, short in labels)
    assert f'<th scope="row">{long}</th>' in html  # the table keeps the whole name


@pytest.mark.parametrize(
    ("kind", "low", "high", "scores", "ticks"),
    [
        ("rubric", 1, 3, [1, 2, 3], ["1", "2", "3"]),  # never 1.5, a level that does not exist
        ("points", 0, 10, [0, 4, 10], ["0", "5", "10"]),  # whole points: not 2.5
        ("points", 0, 10, [0, 4.5, 10], ["0.0", "2.5", "5.0", "7.5", "10.0"]),
        ("points", 0, 1, [0, 0.25, 1], ["0.00", "0.25", "0.50", "0.75", "1.00"]),
    ],
)
def test_the_axis_ticks_use_the_measures_precision(kind, low, high, scores, ticks):
    from efficacy.cycles.impact.panel import RunChart, RunChartPoint, _decimals
    from efficacy.cycles.impact.views import _chart

    measure = Measure(name="m", kind=kind, min_score=low, max_score=high)
    decimals = _decimals(measure, np.array(scores, dtype=float))
    points = tuple(
        RunChartPoint(f"O{i}", "checkpoint", i, 12, float(np.mean(scores)) + i / 10)
        for i in range(3)
    )
    chart = _chart(RunChart(statistic="mean", points=points, decimals=decimals), measure)
    assert [floatformat(t.value, chart.tick_places) for t in chart.y_ticks] == ticks


def test_by_class_each_effect_is_by_hand_and_a_small_class_is_suppressed(panel):
    rows = {row["by"]: row for row in cycle_impact(panel.cycle).class_rows()}
    assert set(rows) == {"English 9 Applied", "EN9-AB", "EN9-AC", "EN9-AD"}
    for label in ("EN9-AC", "EN9-AD"):
        pre, post = _paired(panel.truth, "focus", label)
        d = (post - pre).mean() / ((pre.std(ddof=1) + post.std(ddof=1)) / 2)
        assert rows[label]["d_av"] == pytest.approx(d, rel=1e-12)
        assert rows[label]["n"] == len(pre)
    small = rows["EN9-AB"]
    assert small["suppressed"]
    assert small["d_av"] is None
    assert small["shrunken_gain"] is None
    assert "fewer than 10 students in this class" in str(small["reason"])
    assert "8" not in str(small["reason"])
    assert str(small["size"]) == "fewer than 10"


def test_one_hidden_class_hides_the_next_smallest_too(world, panel):
    """Otherwise EN9-AB's result could be worked out from the group's totals."""
    rows = {row["by"]: row for row in cycle_impact(panel.cycle).class_rows()}
    partner = rows["English 9 Applied"]  # 10 students with both scores, the fewest shown
    assert partner["suppressed"]
    assert partner["n"] == 10
    assert partner["d_av"] is None
    assert partner["shrunken_gain"] is None
    assert "could be worked out from the totals" in str(partner["reason"])
    assert str(partner["size"]) == "hidden to protect a small group"
    assert not rows["EN9-AD"]["suppressed"]
    # With two small classes hidden whose sum reaches the threshold (8 + 7), neither
    # can be recovered alone, nor is their sum a small number: no partner.
    ad = panel.truth[panel.truth["class"] == "EN9-AD"]["sid"].unique()
    Score.objects.filter(student_id__in=ad[:4]).delete()
    rows = {row["by"]: row for row in cycle_impact(panel.cycle).class_rows()}
    assert rows["EN9-AD"]["suppressed"]
    assert not rows["English 9 Applied"]["suppressed"]


def test_two_small_classes_cannot_be_recovered_as_their_sum(world, panel):
    """8 + 1 students with both scores: the total minus the shown classes would give 9,
    so one more class is hidden and the sum can no longer be worked out."""
    ad = panel.truth[panel.truth["class"] == "EN9-AD"]["sid"].unique()
    Score.objects.filter(student_id__in=ad[:10]).delete()
    rows = {row["by"]: row for row in cycle_impact(panel.cycle).class_rows()}
    assert rows["EN9-AB"]["suppressed"]
    assert rows["EN9-AD"]["suppressed"]
    shown = [label for label, row in rows.items() if not row["suppressed"]]
    assert len(shown) == 1  # one of the two larger classes is hidden as well


def test_shrunken_class_gains_match_a_statsmodels_reml_fit_and_shrinkage_by_hand(panel):
    focus = _wide(panel.truth, "focus").dropna()
    labels = panel.truth.drop_duplicates("sid").set_index("sid")["class"]
    gains = (focus["final"] - focus["baseline"]).to_numpy()
    classes = labels.loc[focus.index].to_numpy()
    fit = sm.MixedLM(gains, np.ones((len(gains), 1)), groups=classes).fit(reml=True)
    tau, sigma2 = float(np.asarray(fit.cov_re)[0, 0]), float(fit.scale)
    gamma = float(np.asarray(fit.fe_params)[0])
    rows = {row["by"]: row for row in cycle_impact(panel.cycle).class_rows()}
    for label in ("EN9-AC", "EN9-AD"):
        mine = gains[classes == label]
        lam = tau / (tau + sigma2 / len(mine))
        assert rows[label]["reliability"] == pytest.approx(lam, abs=2e-3)
        assert rows[label]["shrunken_gain"] == pytest.approx(
            gamma + lam * (mine.mean() - gamma), abs=2e-3
        )
        assert rows[label]["shrunken_ci_low"] < rows[label]["shrunken_gain"]


# --- a cycle under way: no final score yet ----------------------------------------------


def _checkpoint_pairs(truth, occasion):
    rows = truth[(truth["group"] == "focus") & truth["kind"].isin(["baseline", "checkpoint"])]
    wide = rows.pivot(index="sid", columns="occasion", values="score")
    wide = wide[["Baseline", occasion]].dropna()
    return wide["Baseline"].to_numpy(), wide[occasion].to_numpy()


def test_under_way_the_panel_shows_progress_from_the_baseline_to_the_latest_checkpoint(
    client, world, panel
):
    """Baseline and three checkpoints in, no final: not "needs two", not a suppression of
    0 students, but growth so far, labelled with the checkpoint it reaches."""
    from efficacy.analysis import prepost_effect

    Score.objects.filter(occasion=panel.occasions[-1]).delete()
    impact = cycle_impact(panel.cycle)
    pre, post = _checkpoint_pairs(panel.truth, "Check 3")
    d = (post - pre).mean() / ((pre.std(ddof=1) + post.std(ddof=1)) / 2)
    assert impact.progress_occasion == "Check 3"
    assert impact.progress.n == len(pre) == 43
    assert impact.progress.d_av == pytest.approx(d, rel=1e-12)
    assert impact.progress.ci == prepost_effect(pre, post).ci
    assert impact.prepost is None
    assert "No focus student has a final score on this measure yet" in impact.notes["prepost"]
    assert impact.progress_hinge is None  # the occasions have no dates

    client.force_login(world.lead_english)
    html = client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode()
    so_far = _section(html, "impact-so-far")
    assert "Progress so far (baseline to Check 3)" in so_far
    assert _figure(so_far, "progress-d")[0] == pytest.approx(d, rel=1e-12)
    assert _figure(so_far, "progress-n") == (43, "43")
    assert _figure(so_far, "progress-ci-low")[0] == pytest.approx(impact.progress.ci.low)
    assert "not its result" in so_far
    assert "expected" not in so_far.lower()  # no dates: no expected growth to read it against
    for name in ("impact-growth", "impact-comparison", "impact-gap", "impact-classes"):
        section = _section(html, name)
        assert "Suppressed" not in section, name
        assert "0 student" not in section, name
    assert "needs two" not in html
    assert "nothing to show by class" in _section(html, "impact-classes")


def test_progress_so_far_reads_against_the_growth_expected_between_the_occasions_dates(panel):
    baseline, check_3 = panel.occasions[0], panel.occasions[3]
    baseline.date, check_3.date = dt.date(2024, 9, 20), dt.date(2024, 11, 15)
    baseline.save()
    check_3.save()
    Score.objects.filter(occasion=panel.occasions[-1]).delete()
    impact = cycle_impact(panel.cycle)
    assert impact.progress_hinge == pytest.approx(0.40 * 8 / 40)  # 56 days: 8 weeks
    assert impact.progress.weeks == 8


def test_under_way_the_goal_says_whether_it_is_on_track_with_n_and_interval(client, world, panel):
    """At Check 3, the share at or above 25 with its Wilson interval, against the 50%
    target for the final: on track, behind or too close to call, by the interval."""
    Score.objects.filter(occasion=panel.occasions[-1]).delete()
    at = panel.truth[(panel.truth["group"] == "focus") & (panel.truth["occasion"] == "Check 3")]
    meeting, n = int((at["score"] >= THRESHOLD).sum()), len(at)
    low, high = proportion_confint(meeting, n, method="wilson")
    impact = cycle_impact(panel.cycle)
    assert impact.goal_share is None
    assert impact.on_track_occasion == "Check 3"
    assert (impact.on_track.successes, impact.on_track.n) == (meeting, n)
    assert impact.on_track.ci.low == pytest.approx(low, abs=1e-12)
    assert impact.on_track.ci.high == pytest.approx(high, abs=1e-12)
    expected = (
        "on_track" if 100 * low >= TARGET else "behind" if 100 * high < TARGET else "undecided"
    )
    assert impact.on_track_status == expected
    client.force_login(world.lead_english)
    goal = _section(client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode(), "impact-goal")
    assert "So far, at Check 3:" in goal
    assert _figure(goal, "ontrack-n") == (n, str(n))
    assert _figure(goal, "ontrack-percent")[0] == pytest.approx(100 * meeting / n)
    assert _figure(goal, "goal-target")[1] == "50"
    assert f"verdict-{expected}" in goal
    assert "Mastery-moment rule without a performance goal" not in goal


@pytest.mark.parametrize(("kept", "status"), [(43, None), (4, "small")])
def test_on_track_from_a_group_below_the_threshold_is_suppressed_without_its_size(
    world, panel, kept, status
):
    Score.objects.filter(occasion=panel.occasions[-1]).delete()
    focus_ids = panel.truth[panel.truth["group"] == "focus"]["sid"].unique()
    Score.objects.filter(occasion=panel.occasions[3], student_id__in=focus_ids[kept:]).delete()
    impact = cycle_impact(panel.cycle)
    if status is None:
        assert not impact.on_track.suppressed
        return
    assert impact.on_track.suppressed
    assert impact.on_track_status is None
    reason = str(impact.reasons["on_track"])
    assert "fewer than 10 focus students at this occasion" in reason
    assert "4" not in reason
    # The progress so far to Check 3 rests on the same four students: suppressed too.
    assert "fewer than 10 focus students with a baseline score and a score at the latest" in str(
        impact.reasons["progress"]
    )


def test_a_class_with_nobody_at_the_final_yet_is_a_note_not_a_suppression(client, world, panel):
    ac = panel.truth[panel.truth["class"] == "EN9-AC"]["sid"].unique()
    Score.objects.filter(occasion=panel.occasions[-1], student_id__in=ac).delete()
    rows = {row["by"]: row for row in cycle_impact(panel.cycle).class_rows()}
    assert rows["EN9-AC"]["missing"]
    assert rows["EN9-AC"]["reason"] == (
        "No student in this class has both a baseline and a final score yet."
    )
    client.force_login(world.lead_english)
    classes = _section(
        client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode(), "impact-classes"
    )
    row = classes[classes.index('data-class="EN9-AC"') :]
    row = row[: row.index("</tr>")]
    assert "impact-suppressed" not in row
    assert "No student in this class has both" in row
    assert "Suppressed" not in row


# --- caveats appear and vanish with their conditions ----------------------------------


def test_without_a_comparison_group_the_growth_says_so_and_nothing_is_compared(world, panel):
    with_comparison = cycle_impact(panel.cycle)
    assert not any(NO_COMPARISON in c for c in with_comparison.caveats["prepost"])
    cycle_update(user=world.lead_english, cycle=panel.cycle, comparison={})
    without = cycle_impact(panel.cycle)
    assert any(NO_COMPARISON in c for c in without.caveats["prepost"])
    assert without.impact is None
    assert without.gap is None
    assert "No comparison group scores" in without.notes["impact"]


def test_a_focus_group_chosen_for_low_scores_brings_regression_to_the_mean(world, panel):
    plain = cycle_impact(panel.cycle)
    assert not any(RTM in c for c in plain.caveats["prepost"] + plain.caveats["gap"])
    cycle_update(user=world.lead_english, cycle=panel.cycle, focus_chosen_for_low_scores=True)
    chosen = cycle_impact(panel.cycle)
    assert any(RTM in c for c in chosen.caveats["prepost"])
    assert any(RTM in c for c in chosen.caveats["gap"])
    assert any(RTM in c for c in chosen.caveats["impact"])


def test_attrition_is_named_with_its_counts_and_vanishes_without_it(panel, settings):
    settings.EFFICACY_MIN_STUDENT_N = 2
    impact = cycle_impact(panel.cycle)
    assert any("2 of the 43 focus students" in c for c in impact.caveats["prepost"])
    settings.EFFICACY_MIN_STUDENT_N = 10
    impact = cycle_impact(panel.cycle)
    # Two leavers are a small group: their number is not given.
    assert any(
        c.startswith("Fewer than 10 of the focus students with a baseline score have no final")
        for c in impact.caveats["prepost"]
    )
    assert not any("2 of the 43" in c for c in impact.caveats["prepost"])
    leavers = _wide(panel.truth, "focus")
    leavers = leavers[leavers["final"].isna()].index
    Score.objects.filter(student_id__in=leavers).delete()
    assert not any("have no final score" in c for c in cycle_impact(panel.cycle).caveats["prepost"])


def test_equivalent_groups_lose_the_baseline_caveat(panel):
    fi, _fo = _paired(panel.truth, "focus")
    ci_, _co = _paired(panel.truth, "comparison")
    comparison = panel.truth[panel.truth["group"] == "comparison"]["sid"].unique()
    Score.objects.filter(student_id__in=comparison).update(
        value=F("value") - (ci_.mean() - fi.mean())
    )
    impact = cycle_impact(panel.cycle)
    assert impact.impact.baseline_g == pytest.approx(0, abs=1e-9)
    assert impact.impact.baseline_equivalence == "satisfied"
    assert not any(NOT_EQUIVALENT in c for c in impact.caveats["impact"])


# --- suppression and other measures -----------------------------------------------------


def test_groups_below_the_reporting_threshold_are_suppressed_with_the_reason(panel, settings):
    settings.EFFICACY_MIN_STUDENT_N = 42
    impact = cycle_impact(panel.cycle)
    assert impact.prepost.suppressed
    reasons = {name: str(reason) for name, reason in impact.reasons.items()}
    assert "fewer than 42 focus students with both scores" in reasons["prepost"]
    assert impact.impact.suppressed
    assert "fewer than 42 focus students with both scores" in reasons["impact"]
    assert "fewer than 42 comparison students with a baseline score" in reasons["gap"]
    assert "fewer than 42 focus students with a final score" in reasons["goal"]
    for reason in reasons.values():  # the size itself is never said
        assert "41" not in reason
        assert "16" not in reason
    assert not impact.goal_shown
    assert impact.goal.suppressed


def test_any_measure_of_the_cycle_can_be_chosen(world, panel):
    lead = world.lead_english
    focus = Student.objects.filter(pk__in=panel.truth[panel.truth["group"] == "focus"]["sid"])[:4]
    for i, student in enumerate(focus):
        for occasion, value in ((panel.occasions[0], 1 + i % 2), (panel.occasions[-1], 3 + i % 2)):
            score_set(
                user=lead, measure=panel.rubric, occasion=occasion, student=student, value=value
            )
    impact = cycle_impact(panel.cycle, measure=panel.rubric)
    assert impact.measure == "Inference rubric"
    assert impact.prepost.suppressed
    assert "No comparison group scores" in impact.notes["impact"]
    # The goal is counted on its own measure whichever measure is shown.
    assert impact.goal_share.n == 41


def test_a_cycle_without_a_measure_says_so(world, cycle):
    impact = cycle_impact(cycle)
    assert impact.measure is None
    assert impact.notes["measure"] == "The cycle has no measure yet."


def test_the_panel_reads_the_evidence_in_a_fixed_number_of_queries(
    world, panel, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        cycle_impact(panel.cycle)
    klass = SchoolClass.objects.get(class_code="EN9-AC")
    more = [_student(world, klass, "applied", f"extra-{i}") for i in range(15)]
    Score.objects.bulk_create(
        Score(measure=panel.points, occasion=o, student=s, school_class=klass, value=20)
        for s in more
        for o in panel.occasions
    )
    with django_assert_max_num_queries(len(first.captured_queries)):
        cycle_impact(panel.cycle)


# --- the page -------------------------------------------------------------------------


def _url(panel, **query):
    url = reverse("cycles:impact_panel", args=[panel.cycle.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _figure(html, name):
    match = re.search(rf'data-figure="{name}" value="([^"]+)">([^<]+)<', html)
    assert match, f"no figure {name}"
    return float(match.group(1)), match.group(2)


def _section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    end = html.find('<section class="impact-figure"', start)
    return html[start : end if end != -1 else len(html)]


def test_htmx_gets_the_partial_and_a_browser_the_full_page(client, world, panel):
    client.force_login(world.lead_english)
    partial = client.get(_url(panel), HTTP_HX_REQUEST="true")
    page = client.get(_url(panel))
    assert partial.status_code == page.status_code == 200
    assert "<html" not in partial.content.decode()
    assert partial.content.decode().lstrip().startswith("<link")
    assert 'id="impact-heading"' in partial.content.decode()
    assert "<html" in page.content.decode()
    assert '<section id="impact"' in page.content.decode()
    assert _figure(page.content.decode(), "prepost-d") == _figure(
        partial.content.decode(), "prepost-d"
    )
    assert "HX-Request" in page["Vary"]


def test_every_figure_shows_its_unrounded_value_and_the_number_as_shown(client, world, panel):
    client.force_login(world.lead_english)
    html = client.get(_url(panel)).content.decode()
    impact = cycle_impact(panel.cycle)
    expected = {
        "prepost-d": impact.prepost.d_av,
        "prepost-ci-low": impact.prepost.ci.low,
        "prepost-n": impact.prepost.n,
        "prepost-hinge": impact.hinge,
        "did-g": impact.impact.did_g,
        "did-ci-high": impact.impact.did_ci.high,
        "ancova-g": impact.impact.ancova_g,
        "ancova-ci-low": impact.impact.ci.low,
        "impact-n-comparison": impact.impact.n_comparison,
        "gap-reduction": impact.gap.reduction_pct,
        "gap-ci-low": impact.gap.ci.low,
        "goal-percent": impact.goal_share.percent,
        "goal-ci-high": 100 * impact.goal_share.ci.high,
        "goal-n": impact.goal_share.n,
    }
    for name, value in expected.items():
        shown_value, text = _figure(html, name)
        assert shown_value == pytest.approx(value, rel=1e-12), name
        places = 0 if float(value).is_integer() and "n" in name.split("-")[-1] else None
        if places is None and name.startswith(("gap-reduction", "gap-ci", "goal-")):
            places = 1
        assert float(text) == round(value, 2 if places is None else places), name


#: The names of methods, which belong on a figure's method line, not in its words.
JARGON = ("d_av", "ANCOVA", "REML", "empirical-Bayes", "Empirical", "Anhøj", "Hedges", "CI ")


def _without_method_lines_and_howto(html):
    html = re.sub(r'<p class="method">.*?</p>', "", html, flags=re.S)
    return re.sub(r"<details.*?</details>", "", html, flags=re.S)


def test_the_headlines_are_plain_words_and_the_methods_sit_on_their_method_lines(
    client, world, panel
):
    client.force_login(world.lead_english)
    html = client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode()
    words = _without_method_lines_and_howto(html)
    for jargon in JARGON:
        assert jargon not in words, jargon
    assert "95% CI" not in html
    assert "Growth:" in _section(html, "impact-growth")
    assert "Compared with similar students" in html
    assert "likely range" in _section(html, "impact-growth")
    methods = " ".join(re.findall(r'<p class="method">(.*?)</p>', html, flags=re.S))
    for method in ("d_av", "ANCOVA", "REML", "empirical-Bayes", "Anhøj", "Hedges' g"):
        assert method in methods, method


def test_the_class_table_says_which_numbers_are_standard_deviations_and_which_points(
    client, world, panel
):
    client.force_login(world.lead_english)
    classes = _section(
        client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode(), "impact-classes"
    )
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', classes)
    assert "Growth (standard deviations)" in headers
    assert "Mean gain, pulled toward all classes (points)" in headers
    assert "Two kinds of number" in classes


@pytest.mark.parametrize(
    ("section", "about"),
    [
        ("impact-growth", "Why a comparison group matters"),
        ("impact-comparison", "Why a comparison group matters"),
        ("impact-gap", "how much of the starting gap closed"),
        ("impact-goal", "on track"),
        ("impact-progress", "too few points for a signal"),
        ("impact-classes", "not a ranking of teachers"),
    ],
)
def test_every_figure_has_a_how_to_read_this_beside_it(client, world, panel, section, about):
    """What the figure means, what its likely range means and why small groups are hidden,
    in a details element a keyboard opens."""
    client.force_login(world.lead_english)
    html = _section(client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode(), section)
    (howto,) = re.findall(r'<details class="howto">(.*?)</details>', html, flags=re.S)
    assert "<summary>How to read this</summary>" in howto
    assert about in howto
    assert "The likely range is the 95% confidence interval" in howto
    assert "Why small groups are hidden: a figure from fewer than 10 students" in howto


def test_progress_so_far_has_its_how_to_read_this(client, world, panel):
    Score.objects.filter(occasion=panel.occasions[-1]).delete()
    client.force_login(world.lead_english)
    so_far = _section(
        client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode(), "impact-so-far"
    )
    assert "a sign of direction, not as the cycle's result" in so_far
    assert "<summary>How to read this</summary>" in so_far


def test_caveats_sit_beside_the_figure_they_qualify(client, world, panel):
    cycle_update(user=world.lead_english, cycle=panel.cycle, focus_chosen_for_low_scores=True)
    client.force_login(world.lead_english)
    html = client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode()
    growth = _section(html, "impact-growth")
    comparison = _section(html, "impact-comparison")
    assert RTM in growth
    assert "Fewer than 10 of the focus students" in growth
    assert "baseline equivalence not satisfied" in comparison
    assert "Fewer than 10 of the focus students" not in comparison
    assert RTM in _section(html, "impact-gap")


def test_the_run_chart_is_an_inline_svg_with_a_table_alternative(client, world, panel):
    client.force_login(world.lead_english)
    html = client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode()
    progress = _section(html, "impact-progress")
    svg = progress[progress.index("<svg") : progress.index("</svg>")]
    assert '<svg class="chart"' in svg
    ids = re.search(r'role="img" aria-labelledby="(chart-\w+)-title (chart-\w+)-desc"', svg)
    assert ids
    assert f'<title id="{ids.group(1)}-title">Run chart' in svg
    assert "chart-data" not in progress  # the table is on the page already
    assert "<caption>The focus group's mean score at each occasion</caption>" in progress
    assert progress.count('<th scope="row">') == 5
    assert progress.count('data-figure="runchart-value"') == 5
    assert "style=" not in html
    assert "<script" not in html


def test_suppressed_rows_show_their_reason_on_the_page(client, world, panel):
    client.force_login(world.lead_english)
    html = client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode()
    classes = _section(html, "impact-classes")
    row = classes[classes.index('data-class="EN9-AB"') :]
    row = row[: row.index("</tr>")]
    assert "fewer than 10 students in this class" in row
    assert '<span class="figure" data-figure="class-n">fewer than 10</span>' in row
    assert ">8<" not in row
    assert "class-d" not in row
    assert classes.count('data-figure="class-d"') == 2


def test_a_figure_that_cannot_be_computed_shows_why(client, world, panel):
    cycle_update(user=world.lead_english, cycle=panel.cycle, comparison={})
    client.force_login(world.lead_english)
    html = client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode()
    assert "No comparison group scores on this measure" in _section(html, "impact-comparison")
    assert 'data-figure="did-g"' not in html
    assert NO_COMPARISON in _section(html, "impact-growth")


def test_the_measure_can_be_switched_and_a_wrong_choice_is_explained(client, world, panel):
    client.force_login(world.lead_english)
    rubric = client.get(_url(panel, measure=panel.rubric.pk)).content.decode()
    assert "Figures on Inference rubric" in rubric
    assert f'<option value="{panel.rubric.pk}" selected>' in rubric
    wrong = client.get(_url(panel, measure=999999)).content.decode()
    assert "That measure is not one of this cycle" in wrong
    assert "Figures on Reading points" in wrong
    other = Measure.objects.exclude(cycle=panel.cycle).first()
    assert other is None or f'value="{other.pk}"' not in wrong


def test_an_analyst_reads_the_aggregates_and_no_student(client, world, panel):
    client.force_login(world.analyst)
    response = client.get(_url(panel))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="prepost-d"' in html
    assert "Zed" not in html
    assert "ID-" not in html


@pytest.mark.parametrize("person", ["teacher_b", "teacher_c"])
def test_another_schools_staff_get_a_404(client, world, panel, person):
    client.force_login(getattr(world, person))
    assert client.get(_url(panel)).status_code == 404


def test_signing_in_comes_first(client, panel):
    response = client.get(_url(panel))
    assert response.status_code == 302
    assert "login" in response["Location"]


def _get(client, cycle):
    return client.get(reverse("cycles:impact_panel", args=[cycle.pk]), HTTP_HX_REQUEST="true")


def test_a_cycle_at_every_early_stage_gets_a_page_that_says_what_is_missing(
    client, world, cycle, rubric, baseline, final
):
    client.force_login(world.lead_english)
    response = _get(client, cycle)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No focus student has a final score on this measure yet" in _section(
        html, "impact-growth"
    )
    assert "Too few points for a signal" in html
    score_set(
        user=world.lead_english, measure=rubric, occasion=baseline, student=world.chloe, value=2
    )
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=2)
    assert _get(client, cycle).status_code == 200


def test_scores_that_never_vary_are_explained_not_a_server_error(client, world, panel):
    Score.objects.filter(measure=panel.points).update(value=20)
    client.force_login(world.lead_english)
    response = _get(client, panel.cycle)
    html = response.content.decode()
    assert response.status_code == 200
    assert "cannot be expressed in standard deviations" in _section(html, "impact-growth")
    assert "the gap cannot be expressed in standard deviations" in _section(html, "impact-gap")


def test_scores_too_large_to_compute_with_are_explained_not_shown_as_zero(client, world, panel):
    # ×1e160 squares to infinity: the growth, the baseline g and each class's d_av were 0.
    Score.objects.filter(measure=panel.points).update(value=F("value") * 1e160)
    client.force_login(world.lead_english)
    response = _get(client, panel.cycle)
    html = response.content.decode()
    assert response.status_code == 200
    said = "Not computed: the scores are too large or too small"
    for section in ("impact-growth", "impact-comparison", "impact-gap", "impact-classes"):
        assert said in _section(html, section), section
    assert "The gains pulled toward all classes could not be estimated: " + said in html


def test_a_focus_group_all_at_the_floor_at_baseline_gets_no_doubled_effect(client, world, panel):
    """Every focus student at 0 at the baseline: (0 + s_final)/2 would double d_av. The
    panel, the class table and the stored summary say why instead (issue 9)."""
    focus = panel.truth.loc[panel.truth["group"] == "focus", "sid"].unique().tolist()
    baseline = panel.occasions[0]
    Score.objects.filter(measure=panel.points, occasion=baseline, student__in=focus).update(value=0)
    impact = cycle_impact(panel.cycle)
    assert impact.prepost.suppressed
    assert impact.reasons["prepost"].code == "flat_occasion"
    assert all(impact.by_class["suppressed"])
    (summary,) = impact_summary_frame([panel.cycle]).to_dict("records")
    assert summary["reason"] == {"code": "flat_occasion"}
    assert math.isnan(summary["effect"])
    assert "same score at the baseline or at the final" in ImpactSummary.reason_message(
        summary["reason"]
    )
    client.force_login(world.lead_english)
    growth = _section(_get(client, panel.cycle).content.decode(), "impact-growth")
    assert "every student had the same score at the baseline or at the final" in growth
    assert "fewer than 10" not in growth
    assert 'data-figure="prepost-d"' not in growth


def test_many_focus_students_at_the_top_of_the_scale_are_said_beside_the_growth(
    client, world, panel
):
    """Reading points run 0-40: the panel passes that range, and a final where more than
    15% of the focus students score 40 gets a plain caveat, in the panel's own words."""
    assert not any("of the scale" in c for c in cycle_impact(panel.cycle).caveats["prepost"])
    final = panel.occasions[-1]
    top = panel.truth.loc[panel.truth["group"] == "focus", "sid"].unique()[::4]
    Score.objects.filter(measure=panel.points, occasion=final, student__in=top).update(value=40)
    truth = panel.truth.copy()
    truth.loc[truth["sid"].isin(top) & (truth["kind"] == "final"), "score"] = 40.0
    impact = cycle_impact(panel.cycle)
    assert (impact.prepost.scale_min, impact.prepost.scale_max) == (0, 40)
    _, post = _paired(truth, "focus")
    assert impact.prepost.ceiling_post == pytest.approx(np.mean(post == 40))
    assert impact.prepost.scale_ends == ("ceiling_post",)
    said = "More than 15% of the focus students were at the top of the scale at the final"
    assert any(c.startswith(said) for c in impact.caveats["prepost"])
    assert not any("top or the bottom of the scale" in c for c in impact.caveats["prepost"])
    client.force_login(world.lead_english)
    growth = _section(_get(client, panel.cycle).content.decode(), "impact-growth")
    assert said in growth


def test_the_chart_draws_one_vertex_per_point_inside_the_plot_on_round_ticks(client, world, panel):
    client.force_login(world.lead_english)
    progress = _section(
        client.get(_url(panel), HTTP_HX_REQUEST="true").content.decode(), "impact-progress"
    )
    vertices = re.search(r'<polyline points="([^"]+)"', progress).group(1).split()
    ys = [float(v.split(",")[1]) for v in vertices]
    assert len(vertices) == 5
    assert all(16 <= y <= 260 - 48 for y in ys)
    # Higher means sit higher on the chart (smaller y), in the table's order.
    values = [
        float(v) for v in re.findall(r'data-figure="runchart-value" value="([^"]+)"', progress)
    ]
    assert np.argsort(ys).tolist() == np.argsort(values)[::-1].tolist()
    ticks = re.findall(r'dominant-baseline="middle">([^<]+)</text>', progress)
    assert ticks == ["0", "10", "20", "30", "40"]


@pytest.mark.parametrize("person", ["analyst", "teacher_a", "leader_a"])
def test_no_small_groups_size_reaches_the_page_whoever_reads_it(client, world, panel, person):
    """Class EN9-AB has 8 focus students with both scores and two students left before
    the final: each reads "fewer than 10", never its number, for every reader."""
    client.force_login(getattr(world, person))
    html = client.get(_url(panel)).content.decode()
    classes = _section(html, "impact-classes")
    row = classes[classes.index('data-class="EN9-AB"') :]
    row = row[: row.index("</tr>")]
    assert "fewer than 10" in row
    assert not re.search(r"\b8\b", row)
    assert "Suppressed: 8" not in html
    growth = _section(html, "impact-growth")
    assert '<span class="figure" data-figure="prepost-unpaired">fewer than 10</span>' in growth
    assert "2 of the 43" not in growth
