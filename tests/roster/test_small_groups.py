"""Small student groups are suppressed on the school page, and cannot be recovered by subtraction."""

from __future__ import annotations

import pytest

from efficacy.roster.models import District, School, Student
from efficacy.roster.selectors import students_by_grade_and_pathway

pytestmark = pytest.mark.django_db


def school_with(groups: dict[tuple[str, str], int]) -> School:
    school = School.objects.create(district=District.objects.create(name="D"), name="S")
    Student.objects.bulk_create(
        Student(school=school, given_name="S", family_name=str(i), grade=grade, pathway=pathway)
        for (grade, pathway), n in groups.items()
        for i in range(n)
    )
    return school


def shown(school: School) -> dict[tuple[str, str], str]:
    return {(g.grade, g.pathway): str(g.count) for g in students_by_grade_and_pathway(school)}


def test_a_lone_small_group_hides_the_smallest_other_group_too():
    school = school_with({("9", "academic"): 40, ("9", "applied"): 25, ("10", "applied"): 3})

    table = shown(school)

    assert table[("10", "applied")] == "fewer than 10"
    assert table[("9", "applied")] == "hidden to protect a small group"
    assert table[("9", "academic")] == "40"


def test_two_small_groups_cannot_be_recovered_as_their_sum():
    # The school's total (47) is on the district overview: showing 40 would give
    # away that the two small groups hold 7 students between them.
    school = school_with({("9", "academic"): 40, ("9", "applied"): 4, ("10", "applied"): 3})

    table = shown(school)

    assert table == {
        ("9", "academic"): "hidden to protect a small group",
        ("9", "applied"): "fewer than 10",
        ("10", "applied"): "fewer than 10",
    }


def test_two_small_groups_adding_up_to_the_threshold_protect_each_other():
    school = school_with({("9", "academic"): 40, ("9", "applied"): 6, ("10", "applied"): 5})

    table = shown(school)

    assert table == {
        ("9", "academic"): "40",
        ("9", "applied"): "fewer than 10",
        ("10", "applied"): "fewer than 10",
    }


def test_grades_are_listed_in_school_order_not_alphabetically():
    school = school_with({("10", "academic"): 12, ("9", "academic"): 12, ("12", "academic"): 12})

    assert [grade for grade, _ in shown(school)] == ["9", "10", "12"]
