"""Importing whole OneRoster exports: counts, idempotence, deltas and bulk retirement."""

from __future__ import annotations

import csv

import pytest

from efficacy.access.roster import ROSTER_SCOPE_ALL
from efficacy.roster.models import (
    AcademicSession,
    Course,
    District,
    Enrollment,
    Role,
    School,
    SchoolClass,
    Student,
    User,
)
from efficacy.roster.oneroster import roster_import
from efficacy.roster.oneroster.generate import district_generate
from efficacy.tabular.formulas import is_dangerous

pytestmark = pytest.mark.django_db

SIZE = {"students": 40, "staff": 8, "classes": 6, "enrollments": 120, "schools": 2}


def counts_of(summary, kind):
    return summary.counts[kind]


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_small_export_imports_with_the_right_counts(tmp_path, version):
    source = district_generate(tmp_path / "export", version=version, **SIZE)

    summary = roster_import(scope=ROSTER_SCOPE_ALL, source=source)

    assert summary.version == version
    # 1 district + 2 schools; 3 sessions; 2 schools x 4 grades x 8 subjects courses.
    assert summary.counts["orgs"] == {"created": 3, "updated": 0, "unchanged": 0, "retired": 0}
    assert summary.counts["academicSessions"]["created"] == 3
    assert summary.counts["courses"]["created"] == 64
    assert summary.counts["classes"]["created"] == 6
    assert summary.counts["users"]["created"] == 48
    assert summary.counts["enrollments"]["created"] == 126  # 120 students + 6 teachers
    assert summary.counts["demographics"]["created"] == 40
    assert District.objects.count() == 1
    assert School.objects.filter(district__sourced_id="d-1").count() == 2
    assert AcademicSession.objects.get(sourced_id="t-1").parent.sourced_id == "y-2026"
    assert Course.objects.count() == 64
    assert SchoolClass.objects.count() == 6
    assert Student.objects.count() == 40
    assert User.objects.filter(sourced_id__isnull=False).count() == 8
    assert Enrollment.objects.filter(role="student").count() == 120
    assert Enrollment.objects.filter(role="teacher").count() == 6
    if version == "1.2":
        assert summary.counts["roles"]["created"] == 48


def test_staff_get_an_efficacy_role_and_no_usable_password(tmp_path):
    roster_import(scope=ROSTER_SCOPE_ALL, source=district_generate(tmp_path / "export", **SIZE))

    admin = User.objects.get(sourced_id="u-admin")
    assert admin.role == Role.ADMINISTRATOR
    assert admin.district.sourced_id == "d-1"
    assert admin.school is None
    assert not admin.has_usable_password()
    teacher = User.objects.get(sourced_id="u-t4")
    assert teacher.role == Role.TEACHER
    assert teacher.school.sourced_id == "s-2"
    assert teacher.district.sourced_id == "d-1"


def test_students_carry_grade_pathway_and_demographics(tmp_path):
    roster_import(scope=ROSTER_SCOPE_ALL, source=district_generate(tmp_path / "export", **SIZE))

    student = Student.objects.get(sourced_id="u-s1")
    assert student.grade == "10"
    assert student.pathway in {"applied", "academic"}
    assert student.school.sourced_id == "s-1"
    assert set(student.attributes) >= {
        "sex",
        "birthDate",
        "hispanicOrLatinoEthnicity",
        "white",
        "ell",
    }
    assert isinstance(student.attributes["white"], bool)


def test_reimporting_the_same_export_changes_nothing(tmp_path, django_assert_max_num_queries):
    source = district_generate(tmp_path / "export", version="1.2", **SIZE)
    roster_import(scope=ROSTER_SCOPE_ALL, source=source)
    before = {
        model: list(model.objects.order_by("pk").values())
        for model in (
            District,
            School,
            AcademicSession,
            Course,
            SchoolClass,
            Student,
            User,
            Enrollment,
        )
    }

    summary = roster_import(scope=ROSTER_SCOPE_ALL, source=source)

    for name, counts in summary.counts.items():
        assert counts["created"] == counts["updated"] == counts["retired"] == 0, name
        assert counts["unchanged"] > 0, name
    after = {model: list(model.objects.order_by("pk").values()) for model in before}
    assert after == before


def test_a_written_export_holds_no_live_formula_and_imports_the_values_as_given(files, write):
    files["users"][0]["givenName"] = '=HYPERLINK("http://evil.example","Ada")'
    files["users"][1]["familyName"] = "-Okafor"
    source = write(files)

    roster_import(scope=ROSTER_SCOPE_ALL, source=source)

    with (source / "users.csv").open(encoding="utf-8", newline="") as users:
        cells = [cell for row in csv.reader(users) for cell in row]
    assert not [cell for cell in cells if is_dangerous(cell)]
    assert User.objects.get(sourced_id="t1").first_name == '=HYPERLINK("http://evil.example","Ada")'
    assert Student.objects.get(sourced_id="p1").family_name == "-Okafor"
