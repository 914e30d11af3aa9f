"""A roster import from the web writes only inside the importer's scope (issue 8, defect 1).

An administrator of a school imports that school; an administrator of a district
that district. A row that matches or attaches a record outside the scope is a
problem like any other, and nothing is written. The command line imports anything.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from efficacy.access import roster as access
from efficacy.roster.models import (
    AcademicSession,
    Course,
    District,
    Enrollment,
    School,
    SchoolClass,
    Status,
    Student,
    User,
)
from efficacy.roster.oneroster import RosterImportInvalid, roster_import
from tests.roster.conftest import staff_row, student_row

pytestmark = pytest.mark.django_db


def import_as(user, write, files, **options):
    scope = access.roster_import_scope_for(user)
    return roster_import(source=write(files, **options), scope=scope)


def problems_importing(user, write, files, **options) -> list[str]:
    with pytest.raises(RosterImportInvalid) as caught:
        import_as(user, write, files, **options)
    return [str(problem) for problem in caught.value.problems]


def only_problem(user, write, files, **options) -> str:
    problems = problems_importing(user, write, files, **options)
    assert len(problems) == 1, problems
    return problems[0]


# --- the scope the access layer gives ----------------------------------------


def test_a_school_administrator_imports_for_their_school_and_a_district_one_for_their_district(
    world,
):
    school = access.roster_import_scope_for(world.admin_a)
    assert (school.kind, school.school_id, school.district_id) == (
        "school",
        world.school_a.pk,
        world.district.pk,
    )
    district = access.roster_import_scope_for(world.district_admin)
    assert (district.kind, district.school_id, district.district_id) == (
        "district",
        None,
        world.district.pk,
    )
    assert access.roster_import_scope_for(world.leader_a) is None
    assert access.roster_import_scope_for(world.teacher_a) is None


# --- what a school's administrator may not do ---------------------------------


def test_a_school_administrator_cannot_disable_another_schools_staff_member(world, write):
    files = {
        "users": [staff_row("u-teacher_b", "s-south", username="teacher_b", enabledUser="false")]
    }

    problem = only_problem(world.admin_a, write, files)

    assert problem.startswith("users.csv:2:sourcedId: 'u-teacher_b' is a record outside your scope")
    assert "(Northview Secondary)" in problem
    world.teacher_b.refresh_from_db()
    assert world.teacher_b.is_active
    assert world.teacher_b.first_name == "Bea"


def test_a_school_administrator_cannot_move_another_schools_teacher_into_their_school(world, write):
    files = {"users": [staff_row("u-teacher_b", "s-north", username="teacher_b")]}

    problem = only_problem(world.admin_a, write, files)

    assert problem.startswith("users.csv:2:sourcedId:")
    world.teacher_b.refresh_from_db()
    assert world.teacher_b.school == world.school_b
    assert world.teacher_b not in access.staff_for(world.admin_a)


def test_a_school_administrator_cannot_change_another_schools_username(world, write):
    files = {"users": [staff_row("u-teacher_b", "s-south", username="taken_over")]}

    assert only_problem(world.admin_a, write, files).startswith("users.csv:2:sourcedId:")
    assert User.objects.filter(username="teacher_b").exists()


def test_a_new_account_cannot_take_a_username_of_another_school(world, write):
    files = {"users": [staff_row("u-new", "s-north", username="teacher_b")]}

    problem = only_problem(world.admin_a, write, files)

    assert problem.startswith("users.csv:2:username: username 'teacher_b' already belongs")
    assert not User.objects.filter(sourced_id="u-new").exists()


def test_a_school_administrator_cannot_rename_or_retire_another_schools_students(world, write):
    files = {
        "users": [student_row("st-bo", "s-south"), {"sourcedId": "st-cy", "status": "tobedeleted"}]
    }

    problems = problems_importing(world.admin_a, write, files, modes={"users": "delta"})

    assert [p.split(" ")[0] for p in problems] == [
        "users.csv:2:sourcedId:",
        "users.csv:3:sourcedId:",
    ]
    world.student_b.refresh_from_db()
    world.student_c.refresh_from_db()
    assert world.student_b.given_name == "Bo"
    assert world.student_c.status == Status.ACTIVE


def test_a_school_administrator_cannot_put_a_student_in_another_school(world, write):
    files = {"users": [student_row("st-new", "s-south")]}

    assert only_problem(world.admin_a, write, files).startswith(
        "users.csv:2:orgSourcedIds: 's-south' is a record outside your scope"
    )
    assert not Student.objects.filter(sourced_id="st-new").exists()


def test_a_school_administrator_cannot_create_a_district_wide_administrator(world, write):
    files = {"users": [staff_row("u-boss", "d-lake", role="administrator")]}

    assert only_problem(world.admin_a, write, files).startswith(
        "users.csv:2:orgSourcedIds: puts 'u-boss' outside your scope"
    )
    assert not User.objects.filter(sourced_id="u-boss").exists()


def test_a_school_administrator_cannot_retire_or_change_another_schools_classes(world, write):
    Course.objects.filter(pk=world.class_b.course_id).update(sourced_id="co-b")
    files = {
        "classes": [
            {"sourcedId": world.class_b.sourced_id, "status": "tobedeleted"},
            {
                "sourcedId": "c-new",
                "title": "Borrowed course",
                "courseSourcedId": "co-b",
                "classType": "scheduled",
                "schoolSourcedId": "s-north",
                "termSourcedIds": "as-2025",
            },
        ]
    }

    problems = problems_importing(world.admin_a, write, files, modes={"classes": "delta"})

    assert [p.split(" ")[0] for p in problems] == [
        "classes.csv:2:sourcedId:",
        "classes.csv:3:courseSourcedId:",
    ]
    world.class_b.refresh_from_db()
    assert world.class_b.status == Status.ACTIVE
    assert not SchoolClass.objects.filter(sourced_id="c-new").exists()


def test_a_school_administrator_cannot_change_another_schools_course(world, write):
    Course.objects.filter(pk=world.class_b.course_id).update(sourced_id="co-b")
    files = {"courses": [{"sourcedId": "co-b", "title": "Mine now", "orgSourcedId": "s-north"}]}

    assert only_problem(world.admin_a, write, files).startswith("courses.csv:2:sourcedId:")
    assert Course.objects.get(sourced_id="co-b").title == "English 9 B"


def test_enrollments_cannot_attach_records_of_another_school(world, write):
    files = {
        "enrollments": [
            {  # another school's teacher into one of ours
                "sourcedId": "e-in",
                "classSourcedId": world.english_9_applied.sourced_id,
                "schoolSourcedId": "s-north",
                "userSourcedId": "u-teacher_b",
                "role": "teacher",
            },
            {  # one of our students into another school's class
                "sourcedId": "e-out",
                "classSourcedId": world.class_b.sourced_id,
                "schoolSourcedId": "s-south",
                "userSourcedId": "st-ava",
                "role": "student",
            },
        ]
    }

    problems = problems_importing(world.admin_a, write, files, modes={"enrollments": "delta"})

    assert [p.split(" ")[0] for p in problems] == [
        "enrollments.csv:2:userSourcedId:",
        "enrollments.csv:3:schoolSourcedId:",
        "enrollments.csv:3:classSourcedId:",
    ]
    assert not Enrollment.objects.filter(sourced_id__in=["e-in", "e-out"]).exists()


def test_another_schools_enrollment_cannot_be_retired(world, write):
    enrollment = Enrollment.objects.get(school_class=world.class_b, student=world.student_b)
    Enrollment.objects.filter(pk=enrollment.pk).update(sourced_id="e-b")
    files = {"enrollments": [{"sourcedId": "e-b", "status": "tobedeleted"}]}

    problems = problems_importing(world.admin_a, write, files, modes={"enrollments": "delta"})

    assert [p.split(" ")[0] for p in problems] == ["enrollments.csv:2:sourcedId:"]
    assert Enrollment.objects.get(pk=enrollment.pk).status == Status.ACTIVE


def test_another_schools_students_demographics_cannot_be_changed(world, write):
    files = {"demographics": [{"sourcedId": "st-bo", "sex": "female"}]}

    assert only_problem(world.admin_a, write, files, modes={"demographics": "delta"}).startswith(
        "demographics.csv:2:sourcedId:"
    )
    world.student_b.refresh_from_db()
    assert "sex" not in world.student_b.attributes


def test_a_school_administrator_cannot_rename_another_school_nor_add_one(world, write):
    files = {
        "orgs": [
            {
                "sourcedId": "s-south",
                "name": "Taken",
                "type": "school",
                "parentSourcedId": "d-lake",
            },
            {"sourcedId": "s-new", "name": "New", "type": "school", "parentSourcedId": "d-lake"},
        ]
    }

    problems = problems_importing(world.admin_a, write, files, modes={"orgs": "delta"})

    assert problems[0].startswith("orgs.csv:2:sourcedId: 's-south' is a record outside your scope")
    assert problems[1].startswith("orgs.csv:3:sourcedId: adds a new school")
    assert School.objects.get(sourced_id="s-south").name == "Southgate Secondary"
    assert not School.objects.filter(sourced_id="s-new").exists()


def test_a_school_administrator_cannot_change_the_district_nor_its_sessions(world, write):
    files = {
        "orgs": [{"sourcedId": "d-lake", "name": "Renamed District", "type": "district"}],
        "academicSessions": [
            {
                "sourcedId": "as-2025",
                "title": "2024-2025",
                "type": "schoolYear",
                "startDate": "2024-09-01",
                "endDate": "2024-09-02",
                "schoolYear": "2025",
            }
        ],
    }

    problems = problems_importing(world.admin_a, write, files)

    assert [p.split(" ")[0] for p in problems] == [
        "orgs.csv:2:sourcedId:",
        "academicSessions.csv:2:sourcedId:",
    ]
    assert District.objects.get(sourced_id="d-lake").name == "Lakeshore District"
    assert AcademicSession.objects.get(sourced_id="as-2025").end_date.month == 6


def test_a_school_administrator_imports_their_own_school_with_its_district_as_it_is(world, write):
    files = {
        "orgs": [
            {"sourcedId": "d-lake", "name": "Lakeshore District", "type": "district"},
            {
                "sourcedId": "s-north",
                "name": "Northview Secondary",
                "type": "school",
                "parentSourcedId": "d-lake",
            },
        ],
        "academicSessions": [
            {
                "sourcedId": "as-2025",
                "title": "2024-2025",
                "type": "schoolYear",
                "startDate": "2024-09-01",
                "endDate": "2025-06-30",
                "schoolYear": "2025",
            },
            {
                "sourcedId": "as-new-term",
                "title": "Term 1",
                "type": "term",
                "startDate": "2024-09-01",
                "endDate": "2025-01-31",
                "schoolYear": "2025",
                "parentSourcedId": "as-2025",
            },
        ],
        "users": [
            student_row("st-ava", "s-north"),
            student_row("st-new", "s-north"),
            staff_row("u-teacher_a", "s-north", username="teacher_a", enabledUser="false"),
        ],
    }

    summary = import_as(world.admin_a, write, files, modes={"users": "delta"})

    assert summary.scope == {"kind": "school", "name": "Northview Secondary"}
    assert summary.counts["orgs"]["unchanged"] == 2
    world.ava.refresh_from_db()
    assert world.ava.given_name == "Renamed"
    assert Student.objects.get(sourced_id="st-new").school == world.school_a
    assert AcademicSession.objects.get(sourced_id="as-new-term").district == world.district
    world.teacher_a.refresh_from_db()
    assert not world.teacher_a.is_active


# --- a district's administrator -----------------------------------------------


def test_a_district_administrator_cannot_change_an_account_in_another_district(world, write):
    files = {
        "users": [staff_row("u-teacher_c", "s-hill", username="teacher_c", enabledUser="false")]
    }

    problem = only_problem(world.district_admin, write, files)

    assert problem.startswith("users.csv:2:sourcedId: 'u-teacher_c' is a record outside your scope")
    assert "(Lakeshore District)" in problem
    assert "efficacy import-roster" in problem
    world.teacher_c.refresh_from_db()
    assert world.teacher_c.is_active


def test_a_district_administrator_cannot_add_a_school_to_another_district_nor_a_district(
    world, write
):
    files = {
        "orgs": [
            {"sourcedId": "s-new", "name": "New", "type": "school", "parentSourcedId": "d-hill"},
            {"sourcedId": "d-new", "name": "Elsewhere", "type": "district"},
        ]
    }

    problems = problems_importing(world.district_admin, write, files, modes={"orgs": "delta"})

    assert problems[0].startswith("orgs.csv:2:sourcedId: adds a new school")
    assert problems[1].startswith("orgs.csv:3:sourcedId: adds a new district")
    assert not School.objects.filter(sourced_id="s-new").exists()
    assert not District.objects.filter(sourced_id="d-new").exists()


def test_a_district_administrator_cannot_use_another_districts_terms(world, write):
    AcademicSession.objects.create(
        district=world.other_district,
        title="Hillcrest year",
        kind=AcademicSession.Kind.SCHOOL_YEAR,
        start_date="2024-09-01",
        end_date="2025-06-30",
        school_year=2025,
        sourced_id="as-hill",
    )
    files = {
        "classes": [
            {
                "sourcedId": "c-new",
                "title": "New class",
                "courseSourcedId": "co-en9",
                "classType": "scheduled",
                "schoolSourcedId": "s-north",
                "termSourcedIds": "as-hill",
            }
        ]
    }

    assert only_problem(world.district_admin, write, files).startswith(
        "classes.csv:2:termSourcedIds: 'as-hill' is a record outside your scope"
    )


def test_a_district_administrator_manages_their_districts_schools_and_sessions(world, write):
    files = {
        "orgs": [
            {"sourcedId": "d-lake", "name": "Lakeshore Schools", "type": "district"},
            {
                "sourcedId": "s-south",
                "name": "Southgate",
                "type": "school",
                "parentSourcedId": "d-lake",
            },
            {
                "sourcedId": "s-new",
                "name": "Westview",
                "type": "school",
                "parentSourcedId": "d-lake",
            },
        ],
        "users": [staff_row("u-teacher_b", "s-new", username="teacher_b")],
    }

    summary = import_as(world.district_admin, write, files, modes={"users": "delta"})

    assert summary.scope == {"kind": "district", "name": "Lakeshore District"}
    assert District.objects.get(sourced_id="d-lake").name == "Lakeshore Schools"
    world.teacher_b.refresh_from_db()
    assert world.teacher_b.school.name == "Westview"


def test_version_1_2_roles_cannot_reach_another_school(world, write):
    files = {
        "users": [
            {
                "sourcedId": "u-new",
                "enabledUser": "true",
                "username": "newbie",
                "givenName": "New",
                "familyName": "Person",
            }
        ],
        "roles": [
            {
                "sourcedId": "r-1",
                "userSourcedId": "u-new",
                "roleType": "primary",
                "role": "teacher",
                "orgSourcedId": "s-south",
            },
            {
                "sourcedId": "r-2",
                "userSourcedId": "u-teacher_b",
                "roleType": "primary",
                "role": "teacher",
                "orgSourcedId": "s-north",
            },
        ],
    }

    problems = problems_importing(world.admin_a, write, files, version="1.2")

    assert [p.split(" ")[0] for p in problems] == [
        "roles.csv:2:orgSourcedId:",
        "roles.csv:3:userSourcedId:",
        "users.csv:2::",
    ]
    assert not User.objects.filter(sourced_id="u-new").exists()


# --- the command line ----------------------------------------------------------


def test_the_command_line_imports_anything_and_says_so(world, write):
    files = {
        "orgs": [
            {"sourcedId": "s-new", "name": "New", "type": "school", "parentSourcedId": "d-hill"}
        ],
        "users": [
            staff_row("u-teacher_b", "s-north", username="teacher_b", enabledUser="false"),
            staff_row("u-teacher_c", "s-hill", username="teacher_c", enabledUser="false"),
        ],
    }
    out = StringIO()

    call_command("import_roster", str(write(files, modes={"orgs": "delta"})), stdout=out)

    assert "Scope: every district and school" in out.getvalue()
    world.teacher_b.refresh_from_db()
    assert world.teacher_b.school == world.school_a
    assert not world.teacher_b.is_active
    assert not User.objects.get(sourced_id="u-teacher_c").is_active
    assert School.objects.get(sourced_id="s-new").district == world.other_district
