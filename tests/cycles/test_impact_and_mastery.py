from __future__ import annotations

import datetime as dt
import io
import json
import math
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest

from efficacy.analyze_cli import main as analyze_main
from efficacy.cycles.evidence.export import evidence_export_csv, evidence_export_xlsx
from efficacy.cycles.evidence.selectors import EVIDENCE_COLUMNS, cycle_evidence_frame
from efficacy.cycles.evidence.services import score_set
from efficacy.cycles.impact.panel import cycle_impact
from efficacy.cycles.models import CycleStatus, MasteryMoment
from efficacy.cycles.plan.selectors import shared_work_status
from efficacy.cycles.plan.services import cycle_advance, cycle_start, cycle_update
from efficacy.cycles.stories.mastery import goal_met
from efficacy.cycles.stories.services import cycle_close, reflection_save
from efficacy.roster.models import AcademicSession
from tests.cycles.fixtures import COMP_POST, COMP_PRE, FOCUS_POST, FOCUS_PRE

pytestmark = pytest.mark.django_db


def test_the_evidence_frame_has_the_columns_efficacy_analyze_reads(scored):
    frame = cycle_evidence_frame(scored)
    assert list(frame.columns[: len(EVIDENCE_COLUMNS)]) == EVIDENCE_COLUMNS
    assert "ell" in frame.columns
    assert len(frame) == 2 * (len(FOCUS_PRE) + len(COMP_PRE))
    assert frame.groupby("group")["student"].nunique().to_dict() == {"comparison": 6, "focus": 8}
    assert set(frame["class"]) == {"English 9 Applied", "English 9 Academic"}


def test_the_xlsx_export_holds_the_same_table_as_the_csv(scored):
    _name, _type, csv_bytes = evidence_export_csv(scored.created_by, scored)
    _name, _type, xlsx_bytes = evidence_export_xlsx(scored.created_by, scored)
    from_csv = pd.read_csv(io.BytesIO(csv_bytes))
    from_xlsx = pd.read_excel(io.BytesIO(xlsx_bytes))
    assert list(from_csv.columns) == list(from_xlsx.columns)
    assert from_csv["score"].tolist() == from_xlsx["score"].tolist()


def test_efficacy_analyze_prepost_reads_the_export_and_agrees_with_the_cycle_impact(
    scored, tmp_path
):
    _name, _type, content = evidence_export_csv(scored.created_by, scored)
    path = tmp_path / "evidence.csv"
    path.write_bytes(content)
    out = io.StringIO()
    with redirect_stdout(out):
        status = analyze_main(
            [
                "prepost",
                "--data",
                str(path),
                "--id",
                "student",
                "--score",
                "score",
                "--occasion",
                "occasion",
                "--pre",
                "Baseline",
                "--post",
                "Final",
                "--by",
                "group",
                "--min-n",
                "2",
                "--json",
            ]
        )
    assert status == 0
    by_group = {row["by"]: row for row in json.loads(out.getvalue())}
    impact = cycle_impact(scored, min_n=2)
    assert math.isclose(by_group["focus"]["d_av"], impact.prepost.d_av, rel_tol=1e-9)
    # And d_av against its definition, by hand: mean gain / mean of the two SDs.
    pre, post = np.array(FOCUS_PRE, float), np.array(FOCUS_POST, float)
    expected = (post - pre).mean() / ((pre.std(ddof=1) + post.std(ddof=1)) / 2)
    assert math.isclose(impact.prepost.d_av, expected, rel_tol=1e-9)


def test_the_gap_is_comparison_minus_focus_so_a_narrowing_gap_is_a_positive_reduction(scored):
    impact = cycle_impact(scored, min_n=2)
    gap_from = np.mean(COMP_PRE) - np.mean(FOCUS_PRE)
    gap_to = np.mean(COMP_POST) - np.mean(FOCUS_POST)
    assert math.isclose(impact.gap.gap_from, gap_from)
    assert math.isclose(impact.gap.reduction_pct, 100 * (gap_from - gap_to) / gap_from)
    assert impact.impact is not None


def test_small_groups_are_suppressed_at_the_default_threshold(scored):
    impact = cycle_impact(scored)  # 8 focus students < 10
    assert impact.prepost.suppressed


def test_without_a_performance_goal_mastery_needs_growth_beyond_the_expected(scored, settings):
    """Ordinary growth is not a mastery moment: the d_av interval must lie above the
    growth expected over the cycle's 13 weeks (0.40 × 13 / 40 = 0.13)."""
    settings.EFFICACY_MIN_STUDENT_N = 5  # the rule, not the threshold, is under test
    verdict = goal_met(scored)
    pre, post = np.array(FOCUS_PRE, float), np.array(FOCUS_POST, float)
    d_av = (post - pre).mean() / ((pre.std(ddof=1) + post.std(ddof=1)) / 2)
    assert verdict.rule == "prepost_gain"
    assert math.isclose(verdict.summary["expected_growth"], 0.40 * 13 / 40)
    assert math.isclose(verdict.summary["d_av"], d_av)
    assert verdict.summary["ci_low"] > 0.13
    assert verdict.met


def test_a_gain_above_zero_but_within_the_expected_growth_is_not_a_mastery_moment(scored, settings):
    settings.EFFICACY_MIN_STUDENT_N = 5
    settings.EFFICACY_WEEKS_PER_YEAR = 1  # 13 weeks is then 13 years: 5.2 expected
    verdict = goal_met(scored)
    assert verdict.summary["ci_low"] > 0  # the old rule (a gain above zero) would have met it
    assert not verdict.met
    assert verdict.grade == "growth_within_expected"


def test_a_performance_goal_is_met_when_the_target_share_reaches_the_threshold(
    world, scored, rubric_goal, settings
):
    settings.EFFICACY_MIN_STUDENT_N = 5
    # 5 of 8 focus students reach level 3 at the final (3, 3, 3, 4, 3): 62.5%.
    rubric_goal(scored, threshold=3, target=60)
    verdict = goal_met(scored)
    assert (verdict.met, verdict.summary["meeting"], verdict.summary["n"]) == (True, 5, 8)
    cycle_update(user=world.lead_english, cycle=scored, performance_target_percent=70)
    assert not goal_met(scored).met


def _review_and_reflect(world, cycle):
    lead = world.lead_english
    cycle_start(user=lead, cycle=cycle)
    cycle_advance(user=lead, cycle=cycle)
    reflection_save(
        user=world.teacher_a,
        cycle=cycle,
        strategy_impact="Students justified more.",
        understanding="They quote the text.",
        continue_change_stop="Continue the routine.",
        years_growth="More than a year's growth for this group.",
    )


def test_closing_a_cycle_that_met_its_goal_records_a_mastery_moment(world, scored, settings):
    settings.EFFICACY_MIN_STUDENT_N = 5
    _review_and_reflect(world, scored)
    moment = cycle_close(user=world.lead_english, cycle=scored)
    assert isinstance(moment, MasteryMoment)
    # The snapshot is keyed by prompt, never by a prompt's (translated) label.
    assert moment.reflection == {
        "strategy_impact": "Students justified more.",
        "understanding": "They quote the text.",
        "continue_change_stop": "Continue the routine.",
        "years_growth": "More than a year's growth for this group.",
    }
    assert moment.evidence_summary["n"] == len(FOCUS_PRE)
    scored.refresh_from_db()
    assert scored.status == CycleStatus.CLOSED


@pytest.mark.parametrize("goal", [False, True])
def test_no_verdict_is_computed_from_a_group_below_the_threshold(world, scored, rubric_goal, goal):
    """8 focus students met the goal (5 of 8 at level 3, or a clear gain), but the panel
    hides their figures: the verdict refuses them too, and no moment is recorded."""
    if goal:
        rubric_goal(scored, threshold=3, target=60)
    verdict = goal_met(scored)
    assert not verdict.met
    assert verdict.suppressed is not None
    assert "fewer than 10 focus students" in verdict.reason
    assert "8" not in verdict.reason
    impact = cycle_impact(scored)
    assert not impact.goal_shown  # the panel agrees: no verdict shown
    _review_and_reflect(world, scored)
    assert cycle_close(user=world.lead_english, cycle=scored) is None
    assert not MasteryMoment.objects.exists()


def test_closing_a_cycle_that_missed_its_goal_records_no_mastery_moment(world, scored, rubric_goal):
    rubric_goal(scored, threshold=4, target=70)
    _review_and_reflect(world, scored)
    assert cycle_close(user=world.lead_english, cycle=scored) is None
    assert not MasteryMoment.objects.exists()


def test_a_cycle_cannot_close_before_the_reflection_is_written(world, scored):
    cycle_start(user=world.lead_english, cycle=scored)
    cycle_advance(user=world.lead_english, cycle=scored)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        cycle_close(user=world.lead_english, cycle=scored)
    assert "years_growth" in error.value.message_dict


def test_shared_work_asks_for_a_common_measure_and_a_strategy_every_member_uses(
    world, cycle, rubric
):
    status = shared_work_status(cycle)
    assert status.has_common_measure
    assert not status.has_shared_strategy
    assert len(status.missing) == 1


def test_shared_work_names_members_with_no_common_evidence_yet(
    world, ready_cycle, rubric, baseline
):
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=2)
    status = shared_work_status(ready_cycle)
    assert status.members_without_common_evidence == (world.lead_english,)
    assert not status.is_shared
    score_set(
        user=world.lead_english, measure=rubric, occasion=baseline, student=world.chloe, value=2
    )
    assert shared_work_status(ready_cycle).is_shared


def test_shared_work_asks_no_evidence_of_classes_that_do_not_run_during_the_cycle(
    world, ready_cycle, rubric, baseline
):
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=2)
    # The academic class (lead_english's) ran only in the autumn term; the cycle is in spring.
    autumn = AcademicSession.objects.create(
        district=world.district,
        title="Autumn 2024",
        kind=AcademicSession.Kind.TERM,
        start_date=dt.date(2024, 9, 1),
        end_date=dt.date(2025, 1, 31),
        school_year=2025,
        sourced_id="as-autumn",
    )
    world.english_9_academic.terms.set([autumn])
    ready_cycle.start_date, ready_cycle.end_date = dt.date(2025, 2, 3), dt.date(2025, 5, 30)
    ready_cycle.save()
    assert shared_work_status(ready_cycle).members_without_common_evidence == ()
    ready_cycle.start_date = dt.date(2025, 1, 6)
    ready_cycle.save()
    assert shared_work_status(ready_cycle).members_without_common_evidence == (world.lead_english,)
