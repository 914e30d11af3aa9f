from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from efficacy.cycles.evidence.services import evidence_delete, score_set
from efficacy.cycles.models import EvidenceDeletion, Score
from efficacy.cycles.plan.selectors import cycle_population
from efficacy.cycles.plan.services import cycle_update
from efficacy.roster.models import AcademicSession, Enrollment, SchoolClass, Status, Student

pytestmark = pytest.mark.django_db


def test_the_population_is_reevaluated_from_the_definitions(world, cycle):
    population = cycle_population(cycle)
    assert population.focus == {world.ava.pk, world.ben.pk}  # the retired student is not counted
    assert population.comparison == {world.chloe.pk, world.dev.pk}
    newcomer = Student.objects.create(
        school=world.school_a, given_name="New", family_name="Kid", grade="09", pathway="applied"
    )
    assert newcomer.pk in cycle_population(cycle).focus


def test_a_student_in_both_definitions_counts_only_in_the_focus_group(world, cycle):
    cycle_update(user=world.lead_english, cycle=cycle, comparison={"grades": ["09"]})
    population = cycle_population(cycle)
    assert population.comparison == {world.chloe.pk, world.dev.pk}


def test_the_comparison_can_be_the_same_courses_students_in_an_earlier_term(world, cycle):
    last_year = AcademicSession.objects.create(
        district=world.district,
        title="2023-2024",
        kind="schoolYear",
        start_date=dt.date(2023, 9, 1),
        end_date=dt.date(2024, 6, 30),
        school_year=2024,
    )
    old_class = SchoolClass.objects.create(
        school=world.school_a, course=world.english_9_applied.course, title="English 9 Applied 2023"
    )
    old_class.terms.add(last_year)
    alumna = Student.objects.create(
        school=world.school_a, given_name="Old", family_name="Timer", grade="10", pathway="applied"
    )
    Enrollment.objects.create(
        school_class=old_class,
        school=world.school_a,
        role="student",
        student=alumna,
        status=Status.RETIRED,
    )
    academic = Student.objects.create(
        school=world.school_a, given_name="Aca", family_name="Demic", grade="10", pathway="academic"
    )
    Enrollment.objects.create(
        school_class=old_class, school=world.school_a, role="student", student=academic
    )
    cycle_update(
        user=world.lead_english,
        cycle=cycle,
        focus={"classes": [world.english_9_applied.pk], "pathways": ["applied"]},
        comparison={"earlier_term": last_year.pk},
    )
    population = cycle_population(cycle)
    assert population.focus == {world.ava.pk, world.ben.pk}
    # Last year's applied students of the same course, although now in grade 10.
    assert population.comparison == {alumna.pk}


def test_a_teacher_enters_a_score_for_a_student_in_their_class(world, rubric, baseline):
    score = score_set(
        user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value="3"
    )
    assert (score.value, score.school_class, score.entered_by) == (
        3.0,
        world.english_9_applied,
        world.teacher_a,
    )


def test_a_teacher_cannot_enter_a_score_for_a_student_outside_their_classes(
    world, rubric, baseline
):
    with pytest.raises(PermissionDenied):
        score_set(
            user=world.teacher_a, measure=rubric, occasion=baseline, student=world.chloe, value=3
        )
    assert not Score.objects.exists()


def test_the_team_lead_may_enter_scores_for_any_student_of_the_cycle(world, rubric, baseline):
    score_set(
        user=world.lead_english, measure=rubric, occasion=baseline, student=world.ava, value=2
    )
    assert Score.objects.get().school_class == world.english_9_applied


def test_a_student_outside_the_focus_and_comparison_groups_is_refused(world, rubric, baseline):
    with pytest.raises(ValidationError) as error:
        score_set(
            user=world.lead_english, measure=rubric, occasion=baseline, student=world.eli, value=2
        )
    assert "student" in error.value.message_dict


def test_someone_outside_the_team_cannot_enter_scores(world, rubric, baseline):
    with pytest.raises(PermissionDenied):
        score_set(
            user=world.lead_math, measure=rubric, occasion=baseline, student=world.ava, value=2
        )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", "outside the range"),
        ("0", "outside the range"),
        ("2.5", "not a rubric level"),
        ("three", "not a number"),
    ],
)
def test_a_score_must_fit_the_measure(world, rubric, baseline, value, expected):
    with pytest.raises(ValidationError) as error:
        score_set(
            user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=value
        )
    assert expected in error.value.message_dict["value"][0]
    assert not Score.objects.exists()


def test_entering_a_cell_again_replaces_the_score(world, rubric, baseline):
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=2)
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=4)
    assert list(Score.objects.values_list("value", flat=True)) == [4.0]


def test_clearing_a_cell_deletes_the_score_and_records_it(world, rubric, baseline):
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=2)
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value="")
    assert not Score.objects.exists()
    deletion = EvidenceDeletion.objects.get()
    assert (deletion.count, deletion.deleted_by) == (1, world.teacher_a)


def test_deleting_evidence_is_recorded_with_who_what_and_how_many(world, cycle, rubric, baseline):
    for student in (world.ava, world.ben, world.chloe):
        score_set(
            user=world.lead_english, measure=rubric, occasion=baseline, student=student, value=2
        )
    count = evidence_delete(
        user=world.lead_english,
        cycle=cycle,
        scores=Score.objects.filter(occasion=baseline),
        what="all baseline scores",
        reason="wrong test given",
    )
    assert count == 3
    deletion = EvidenceDeletion.objects.get()
    assert (deletion.count, deletion.what, deletion.deleted_by) == (
        3,
        "all baseline scores",
        world.lead_english,
    )


def test_a_member_cannot_delete_scores_from_someone_elses_class(world, cycle, rubric, baseline):
    score_set(
        user=world.lead_english, measure=rubric, occasion=baseline, student=world.chloe, value=2
    )
    with pytest.raises(PermissionDenied):
        evidence_delete(user=world.teacher_a, cycle=cycle, scores=Score.objects.all(), what="all")
    assert Score.objects.count() == 1
    assert not EvidenceDeletion.objects.exists()
