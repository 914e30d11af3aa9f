"""The implementation log: who logs for which class, a week saved in one call, coverage
and each class's dose."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from efficacy.access.practice import (
    can_log_for_class,
    can_log_implementation,
    can_see_coverage,
    can_see_coverage_detail,
)
from efficacy.cycles.models import CycleStatus, Strategy
from efficacy.practice.models import ImplementationEntry, LookForTally
from efficacy.practice.selectors import class_doses, coverage, log_classes, week_log
from efficacy.practice.services import implementation_log_save, tally_set
from tests.practice.fixtures import english_round
from tests.practice.log_fixtures import WEEK_1, WEEK_2

pytestmark = pytest.mark.django_db


def _save(world, cycle, who, week, ratings):
    return implementation_log_save(user=who, cycle=cycle, week=week, ratings=ratings)


def test_a_teacher_logs_a_week_for_their_class_in_one_call(world, cycle, two_strategies):
    a, b = two_strategies
    applied = world.english_9_applied.pk
    changed = _save(world, cycle, world.teacher_a, WEEK_1, {(applied, a.pk): 3, (applied, b.pk): 0})
    assert changed == 2
    stored = dict(
        ImplementationEntry.objects.filter(teacher=world.teacher_a).values_list(
            "strategy_id", "rating"
        )
    )
    assert stored == {a.pk: 3, b.pk: 0}


def test_logging_again_changes_only_what_changed(world, cycle, two_strategies):
    a, b = two_strategies
    applied = world.english_9_applied.pk
    _save(world, cycle, world.teacher_a, WEEK_1, {(applied, a.pk): 3, (applied, b.pk): 0})
    changed = _save(world, cycle, world.teacher_a, WEEK_1, {(applied, a.pk): 3, (applied, b.pk): 2})
    assert changed == 1
    assert ImplementationEntry.objects.count() == 2
    assert ImplementationEntry.objects.get(strategy=b).rating == 2


def test_saving_a_week_costs_the_same_queries_for_one_rating_and_for_many(
    world, cycle, two_strategies
):
    a, b = two_strategies
    applied, academic = world.english_9_applied.pk, world.english_9_academic.pk
    # teacher_a teaches the academic class too, for a form of two classes.
    world._enrol(world.english_9_academic, world.teacher_a)
    with CaptureQueriesContext(connection) as one:
        _save(world, cycle, world.teacher_a, WEEK_1, {(applied, a.pk): 1})
    ImplementationEntry.objects.all().delete()
    four = {(c, s.pk): 2 for c in (applied, academic) for s in (a, b)}
    with CaptureQueriesContext(connection) as many:
        _save(world, cycle, world.teacher_a, WEEK_1, four)
    assert len(many) == len(one)
    assert len(many) <= 15


def test_a_teacher_cannot_log_for_a_colleagues_class(world, cycle, two_strategies):
    a, _b = two_strategies
    with pytest.raises(PermissionDenied):
        _save(world, cycle, world.teacher_a, WEEK_1, {(world.english_9_academic.pk, a.pk): 2})
    assert not ImplementationEntry.objects.exists()


@pytest.mark.parametrize("who", ["coach_a", "leader_a", "analyst", "teacher_a2", "retired_user"])
def test_only_team_members_who_teach_a_class_log(world, cycle, two_strategies, who):
    person = getattr(world, who)
    assert not can_log_implementation(person, cycle)
    with pytest.raises(PermissionDenied):
        _save(world, cycle, person, WEEK_1, {(world.english_9_applied.pk, two_strategies[0].pk): 1})


def test_the_lead_logs_for_their_own_class_only(world, cycle, two_strategies):
    assert can_log_for_class(world.lead_english, cycle, world.english_9_academic.pk)
    assert not can_log_for_class(world.lead_english, cycle, world.english_9_applied.pk)


def test_a_closed_cycle_is_read_only(world, cycle, two_strategies):
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    with pytest.raises(ValidationError):
        _save(
            world,
            cycle,
            world.teacher_a,
            WEEK_1,
            {(world.english_9_applied.pk, two_strategies[0].pk): 1},
        )


@pytest.mark.parametrize(
    ("week", "field"),
    [
        (dt.date(2024, 10, 8), "week"),  # a Tuesday
        (dt.date(2024, 9, 2), "week"),  # before the cycle's first week
        (dt.date(2024, 12, 23), "week"),  # after its last
        (dt.date(2999, 1, 5), "week"),  # the future (a Monday)
    ],
)
def test_a_week_is_a_monday_inside_the_cycle_and_not_in_the_future(
    world, cycle, two_strategies, week, field
):
    with pytest.raises(ValidationError) as refused:
        _save(
            world,
            cycle,
            world.teacher_a,
            week,
            {(world.english_9_applied.pk, two_strategies[0].pk): 1},
        )
    assert set(refused.value.message_dict) == {field}


def test_a_strategy_outside_the_cycle_and_a_rating_outside_0_to_3_are_refused(
    world, cycle, two_strategies
):
    other = Strategy.objects.exclude(pk__in=[s.pk for s in two_strategies]).first()
    applied = world.english_9_applied.pk
    with pytest.raises(ValidationError):
        _save(world, cycle, world.teacher_a, WEEK_1, {(applied, other.pk): 1})
    with pytest.raises(ValidationError):
        _save(world, cycle, world.teacher_a, WEEK_1, {(applied, two_strategies[0].pk): 4})
    assert not ImplementationEntry.objects.exists()


def test_the_database_keeps_one_entry_per_teacher_class_week_and_strategy(
    world, cycle, two_strategies
):
    fields = {"cycle": cycle, "teacher": world.teacher_a, "school_class": world.english_9_applied,
              "week": WEEK_1, "strategy": two_strategies[0]}  # fmt: skip
    ImplementationEntry.objects.create(rating=1, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ImplementationEntry.objects.create(rating=2, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ImplementationEntry.objects.create(rating=5, **{**fields, "week": WEEK_2})


def test_the_form_starts_from_last_weeks_ratings(world, cycle, two_strategies):
    a, _b = two_strategies
    applied = world.english_9_applied.pk
    _save(world, cycle, world.teacher_a, WEEK_1, {(applied, a.pk): 2})
    start = week_log(world.teacher_a, cycle, WEEK_2)
    assert start.ratings == {(applied, a.pk): 2}
    assert start.prefilled_from == WEEK_1
    _save(world, cycle, world.teacher_a, WEEK_2, {(applied, a.pk): 3})
    again = week_log(world.teacher_a, cycle, WEEK_2)
    assert (again.ratings, again.prefilled_from) == ({(applied, a.pk): 3}, None)


def test_a_teachers_rows_are_their_classes_with_focus_students(world, cycle):
    assert log_classes(world.teacher_a, cycle) == [world.english_9_applied]
    # The academic class holds no focus student: the lead gets every class they teach.
    assert log_classes(world.lead_english, cycle) == [world.english_9_academic]


@pytest.mark.parametrize(
    ("who", "whole", "detail"),
    [
        ("teacher_a", True, True),
        ("lead_english", True, True),
        ("coach_a", True, True),
        ("leader_a", True, False),
        ("analyst", True, False),
        ("teacher_a2", False, False),
        ("teacher_b", False, False),
        ("retired_user", False, False),
    ],
)
def test_coverage_by_teacher_is_for_the_team_and_the_whole_for_its_readers(
    world, cycle, who, whole, detail
):
    person = getattr(world, who)
    assert can_see_coverage(person, cycle) is whole
    assert can_see_coverage_detail(person, cycle) is detail


def test_coverage_counts_the_weeks_each_strategy_was_used_and_its_mean_rating(
    world, cycle, two_strategies
):
    a, b = two_strategies
    applied, academic = world.english_9_applied.pk, world.english_9_academic.pk
    _save(world, cycle, world.teacher_a, WEEK_1, {(applied, a.pk): 3, (applied, b.pk): 0})
    _save(world, cycle, world.teacher_a, WEEK_2, {(applied, a.pk): 1, (applied, b.pk): 0})
    _save(world, cycle, world.lead_english, WEEK_2, {(academic, a.pk): 2})
    by_teacher = coverage(cycle, by="teacher")
    # The cycle (Sunday 15 September to Sunday 15 December 2024) touches 14 weeks, those
    # of Monday 9 September to Monday 9 December.
    assert by_teacher.weeks == 14
    assert by_teacher.teachers == 2
    rows = {row.label: row.cells for row in by_teacher.rows}
    assert set(rows) == {"Tom Nguyen", "Elif Yilmaz"}
    tom_a, tom_b = rows["Tom Nguyen"]
    assert (tom_a.weeks_used, tom_a.mean_rating, tom_a.level) == (2, 2.0, 2)
    assert (tom_b.weeks_used, tom_b.mean_rating, tom_b.level) == (0, 0.0, 0)
    assert rows["Elif Yilmaz"][1].mean_rating is None
    team = coverage(cycle, by="team")
    assert len(team.rows) == 1
    assert team.rows[0].cells[0].weeks_used == 2
    assert team.rows[0].cells[0].mean_rating == pytest.approx(2.0)
    by_class = {row.label: row.cells for row in coverage(cycle, by="class").rows}
    assert set(by_class) == {"English 9 Applied", "English 9 Academic"}


def test_a_class_dose_is_its_mean_rating_and_the_share_of_look_fors_seen(
    world, cycle, two_strategies
):
    a, b = two_strategies
    applied = world.english_9_applied.pk
    _save(world, cycle, world.teacher_a, WEEK_1, {(applied, a.pk): 3, (applied, b.pk): 0})
    _save(world, cycle, world.teacher_a, WEEK_2, {(applied, a.pk): 2, (applied, b.pk): 1})
    observation = english_round(world, cycle)  # the focus: one strategy and its look-fors
    look_fors = list(observation.look_fors())
    tally_set(user=world.lead_english, observation=observation, look_for=look_fors[0],
              count=2, version=1)  # fmt: skip
    assert LookForTally.objects.count() == 1
    doses = class_doses(cycle).set_index("school_class")
    assert doses.loc[applied, "logged_dose"] == pytest.approx(1.5)
    assert doses.loc[applied, "observed_dose"] == pytest.approx(1 / len(look_fors))
