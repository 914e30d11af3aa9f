"""The cycles board: each figure against values worked out by hand on the test world."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from efficacy.access.cycles import cycles_for
from efficacy.analysis.verdict import GROWTH_BEYOND_EXPECTED
from efficacy.cycles.evidence.services import score_set
from efficacy.cycles.models import (
    CycleStatus,
    ImpactSummary,
    InquiryCycle,
    MasteryMoment,
    Milestone,
    Occasion,
)
from efficacy.cycles.plan.services import cycle_create, measure_create, occasion_create
from efficacy.dashboards import board
from efficacy.privacy import small_group

TODAY = dt.date(2024, 10, 1)


def _row(rows, cycle):
    return next(r for r in rows if r.cycle_id == cycle.pk)


@pytest.fixture
def dated(world, ready_cycle, baseline, final):
    """The ready cycle with its baseline on 20 September and its final in December."""
    Occasion.objects.filter(pk=baseline.pk).update(date=dt.date(2024, 9, 20))
    Occasion.objects.filter(pk=final.pk).update(date=dt.date(2024, 12, 10))
    return ready_cycle


def test_evidence_completeness_counts_the_focus_and_comparison_students_at_past_occasions(
    world, dated, rubric, baseline
):
    # Focus: ava, ben; comparison: chloe, dev (the retired student is not counted).
    # One measure, one occasion on or before today: 4 scores expected; 3 entered.
    for student in (world.ava, world.ben, world.chloe):
        score_set(
            user=world.lead_english, measure=rubric, occasion=baseline, student=student, value=2
        )
    rows = board.cycle_board(world.leader_a, cycles_for(world.leader_a), today=TODAY)
    row = _row(rows, dated)
    assert row.completeness == pytest.approx(0.75)
    assert row.team == "Grade 9 English"
    assert row.url == f"/cycles/{dated.pk}/"

    # Without the rest of the row (a page that counts the board but does not list it):
    # the same figure, with the cycle's school.
    alone = board.board_completeness(cycles_for(world.leader_a), today=TODAY)
    assert alone[dated.pk] == (dated.team.school_id, pytest.approx(0.75))
    assert alone.keys() == {r.cycle_id for r in rows}
    assert {r.cycle_id: r.completeness for r in rows} == {k: v for k, (_s, v) in alone.items()}


def test_the_groups_sql_is_kept_but_their_students_are_read_afresh(world, dated, rubric, baseline):
    """The SQL of each group definition is kept between boards (it depends on the
    definition and the school only); who it selects is read at each board."""
    from efficacy.roster.models import Status, Student

    for student in (world.ava, world.ben, world.chloe):
        score_set(
            user=world.lead_english, measure=rubric, occasion=baseline, student=student, value=2
        )
    first = board.board_completeness(cycles_for(world.leader_a), today=TODAY)
    assert first[dated.pk][1] == pytest.approx(0.75)
    # Dev, of the comparison group and without a score, leaves: 3 expected, 3 entered.
    Student.objects.filter(pk=world.dev.pk).update(status=Status.RETIRED)
    again = board.board_completeness(cycles_for(world.leader_a), today=TODAY)
    assert again[dated.pk][1] == pytest.approx(1.0)


def test_no_score_is_expected_before_the_first_occasion(world, dated):
    rows = board.cycle_board(world.leader_a, cycles_for(world.leader_a), today=dt.date(2024, 9, 1))
    assert _row(rows, dated).completeness is None


def test_days_left_count_to_the_end_date_and_go_negative_when_overdue(world, dated):
    rows = board.cycle_board(world.leader_a, cycles_for(world.leader_a), today=TODAY)
    assert _row(rows, dated).days_left == 75  # 1 October to 15 December
    late = board.cycle_board(
        world.leader_a, cycles_for(world.leader_a), today=dt.date(2024, 12, 20)
    )
    assert _row(late, dated).overdue
    assert _row(late, dated).days_overdue == 5


def test_overdue_milestones_are_those_not_done_and_due_before_today(world, dated):
    Milestone.objects.create(cycle=dated, title="Late", due_date=dt.date(2024, 9, 25))
    Milestone.objects.create(cycle=dated, title="Done", due_date=dt.date(2024, 9, 20), done=True)
    Milestone.objects.create(cycle=dated, title="Later", due_date=dt.date(2024, 10, 20))
    Milestone.objects.create(cycle=dated, title="Undated")
    rows = board.cycle_board(world.leader_a, cycles_for(world.leader_a), today=TODAY)
    assert _row(rows, dated).overdue_milestones == 1


def test_the_shared_work_flag_is_the_plan_pages_own(world, dated, cycle):
    bare = cycle_create(user=world.lead_english, team=world.team_english, title="Bare")
    rows = board.cycle_board(world.leader_a, cycles_for(world.leader_a), today=TODAY)
    assert _row(rows, dated).shared
    assert not _row(rows, bare).shared
    assert _row(rows, bare).goal_status == board.NO_GOAL


def test_the_headline_effect_and_an_open_cycles_growth_against_the_expected(world, dated):
    ImpactSummary.objects.create(
        cycle=dated,
        effect=0.5,
        ci_low=0.2,
        ci_high=0.8,
        expected_growth=0.1,
        computed_at=timezone.now(),
    )
    row = _row(board.cycle_board(world.leader_a, cycles_for(world.leader_a), today=TODAY), dated)
    assert (row.effect, row.ci_low, row.ci_high, row.expected_growth) == (0.5, 0.2, 0.8, 0.1)
    assert row.effect_reason == ""
    assert row.goal_status == board.ON_TRACK


def test_a_suppressed_effect_carries_its_reason_and_no_size(world, dated):
    ImpactSummary.objects.create(
        cycle=dated,
        n=None,
        reason=small_group(10, "focus_paired").to_dict(),
        computed_at=timezone.now(),
    )
    row = _row(board.cycle_board(world.leader_a, cycles_for(world.leader_a), today=TODAY), dated)
    assert row.effect is None
    assert "fewer than 10" in row.effect_reason
    assert row.goal_status == board.SUPPRESSED
    columns, table = board.board_table_rows([row])
    assert len(columns) == len(table[0])


def test_a_closed_cycle_reads_its_mastery_moment_and_grade(world):
    closed = InquiryCycle.objects.create(
        team=world.team_english, title="Closed", status=CycleStatus.CLOSED
    )
    MasteryMoment.objects.create(
        cycle=closed, goal_met=True, evidence_grade=GROWTH_BEYOND_EXPECTED, rule="x"
    )
    learning = InquiryCycle.objects.create(
        team=world.team_math, title="Learned", status=CycleStatus.CLOSED
    )
    rows = board.cycle_board(world.leader_a, cycles_for(world.leader_a), today=TODAY)
    assert _row(rows, closed).goal_status == board.MET
    assert _row(rows, closed).grade_words.startswith("Suggestive")
    assert _row(rows, learning).goal_status == board.NOT_MET
    assert _row(rows, learning).grade == ""


@pytest.mark.parametrize(
    ("target", "standing"),
    [(20, board.ON_TRACK), (50, board.UNDECIDED), (90, board.BEHIND)],
)
def test_a_performance_goal_stands_as_the_impact_panel_reads_it(
    world, settings, scored, ready_cycle, rubric_goal, target, standing
):
    # 5 of the 8 focus students score 3 or above at the final: 62.5%, Wilson 95% CI
    # about 30.6% to 86.3%.
    settings.EFFICACY_MIN_STUDENT_N = 5
    rubric_goal(ready_cycle, threshold=3, target=target)
    rows = board.cycle_board(world.leader_a, cycles_for(world.leader_a), today=TODAY)
    assert _row(rows, ready_cycle).goal_status == standing


def test_a_goal_standing_on_too_few_students_is_suppressed(world, scored, ready_cycle, rubric_goal):
    rubric_goal(ready_cycle, threshold=3, target=50)  # 8 focus students: below 10
    rows = board.cycle_board(world.leader_a, cycles_for(world.leader_a), today=TODAY)
    assert _row(rows, ready_cycle).goal_status == board.SUPPRESSED


def _more_cycles(world, k):
    for i in range(k):
        extra = cycle_create(
            user=world.lead_english,
            team=world.team_english,
            title=f"Extra {i}",
            focus={"grades": ["09"], "pathways": ["applied"]},
            comparison={"grades": ["09"], "pathways": ["academic"]},
            mastery_goal="Infer.",
        )
        measure_create(user=world.lead_english, cycle=extra, name="M", max_score=4)
        at = occasion_create(
            user=world.lead_english, cycle=extra, name="B", kind="baseline", date=TODAY
        )
        score_set(
            user=world.lead_english,
            measure=extra.measures.get(),
            occasion=at,
            student=world.ava,
            value=2,
        )
        Milestone.objects.create(cycle=extra, title="Late", due_date=dt.date(2024, 9, 1))


def test_the_board_reads_a_bounded_number_of_queries_whatever_the_number_of_cycles(
    world, dated, django_assert_max_num_queries
):
    _more_cycles(world, 1)
    with django_assert_max_num_queries(12) as few:
        board.cycle_board(world.leader_a, cycles_for(world.leader_a), today=TODAY)
    _more_cycles(world, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = board.cycle_board(world.leader_a, cycles_for(world.leader_a), today=TODAY)
    assert len(rows) == 8


def test_the_districts_completeness_is_kept_until_a_score_comes_in(
    world, dated, rubric, baseline, django_assert_max_num_queries
):
    """Kept in the cache under a key of what it is computed from: asked again, it is not
    counted again; a new score makes a new key, and the figure follows it."""
    for student in (world.ava, world.ben):
        score_set(
            user=world.lead_english, measure=rubric, occasion=baseline, student=student, value=2
        )
    first = board.board_completeness(cycles_for(world.leader_a), today=TODAY)
    assert first[dated.pk][1] == pytest.approx(0.5)
    with django_assert_max_num_queries(10):  # the key's queries, not the count again
        assert board.board_completeness(cycles_for(world.leader_a), today=TODAY) == first
    score_set(
        user=world.lead_english, measure=rubric, occasion=baseline, student=world.chloe, value=3
    )
    again = board.board_completeness(cycles_for(world.leader_a), today=TODAY)
    assert again[dated.pk][1] == pytest.approx(0.75)
