"""The demo district that ``efficacy demo`` (and ``make demo``) builds."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter, defaultdict

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from efficacy.demo.selectors import demo_exists
from efficacy.demo.services import demo_build, demo_delete
from efficacy.roster.models import (
    AcademicSession,
    Course,
    District,
    Enrollment,
    Role,
    School,
    SchoolClass,
    Student,
    Team,
    TeamMembership,
    User,
)
from tests.demo.conftest import BUILT_ON, this_year

# One build shared by the module; tests that rebuild do it inside their own
# transaction, which is rolled back. One xdist worker runs them all.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

MAIN_SCHOOL = "Trillium Heights Secondary School"
# Ontario course codes end with the course type (independent of the demo's catalogue).
SECTION_PATHWAY = {"P": "applied", "D": "academic", "C": "college", "U": "university"}
OPEN_TYPES = {"O", "M"}


@pytest.fixture
def school(demo) -> School:
    return School.objects.get(name=MAIN_SCHOOL, sourced_id__startswith="demo-")


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def printed_sign_ins(output: str) -> tuple[str, list[tuple[str, str]]]:
    """The password and the (role label, username) pairs a run printed."""
    password = re.search(r'password is "([^"]+)"', output).group(1)
    header = output.index("Demo sign-ins")
    lines = output[header:].split("\n\n")[0].splitlines()[1:]
    pairs = []
    for line in lines:
        label, username, _rest = re.split(r"\s{2,}", line.strip(), maxsplit=2)
        pairs.append((label, username))
    return password, pairs


def canonical_dump() -> list[tuple]:
    """Every demo record by its natural keys, without database ids or timestamps."""
    demo = {"sourced_id__startswith": "demo-"}
    rows: list[tuple] = []
    rows += District.objects.filter(**demo).values_list("sourced_id", "name", "identifier")
    rows += AcademicSession.objects.filter(**demo).values_list(
        "sourced_id", "title", "kind", "start_date", "end_date", "parent__sourced_id"
    )
    rows += School.objects.filter(**demo).values_list("sourced_id", "name", "district__sourced_id")
    rows += User.objects.filter(**demo).values_list(
        "sourced_id", "username", "first_name", "last_name", "email", "role",
        "school__sourced_id", "district__sourced_id", "is_active",
    )  # fmt: skip
    rows += [
        (*row[:-1], tuple(sorted(row[-1].items())))
        for row in Student.objects.filter(**demo).values_list(
            "sourced_id",
            "given_name",
            "family_name",
            "identifier",
            "grade",
            "pathway",
            "school__sourced_id",
            "attributes",
        )
    ]
    rows += [
        (*row[:3], tuple(row[3]), tuple(row[4]), row[5])
        for row in Course.objects.filter(**demo).values_list(
            "sourced_id", "title", "course_code", "grades", "subjects", "school__sourced_id"
        )
    ]
    rows += [
        (*row[:4], tuple(row[4]), row[5], row[6])
        for row in SchoolClass.objects.filter(**demo).values_list(
            "sourced_id",
            "title",
            "class_code",
            "location",
            "periods",
            "course__sourced_id",
            "terms__sourced_id",
        )
    ]
    rows += Enrollment.objects.filter(**demo).values_list(
        "sourced_id", "school_class__sourced_id", "role", "student__sourced_id",
        "staff__sourced_id", "primary", "begin_date", "end_date",
    )  # fmt: skip
    rows += Team.objects.filter(school__sourced_id__startswith="demo-").values_list(
        "school__sourced_id", "name", "kind", "description"
    )
    rows += TeamMembership.objects.filter(team__school__sourced_id__startswith="demo-").values_list(
        "team__name", "team__school__sourced_id", "user__sourced_id", "role"
    )
    return sorted(tuple("" if v is None else str(v) for v in row) for row in rows)


# --- the shape of the school ---------------------------------------------------


def test_the_school_has_about_900_students_in_grades_9_to_12(school):
    students = Student.objects.filter(school=school)
    assert 850 <= students.count() <= 950
    per_grade = Counter(students.values_list("grade", flat=True))
    assert set(per_grade) == {"9", "10", "11", "12"}
    assert all(200 <= n <= 260 for n in per_grade.values())


def test_about_three_in_ten_grade_9_and_10_students_are_on_the_applied_pathway(school):
    for grade in ("9", "10"):
        pathways = Counter(
            Student.objects.filter(school=school, grade=grade).values_list("pathway", flat=True)
        )
        assert set(pathways) == {"applied", "academic"}
        assert 0.25 <= pathways["applied"] / pathways.total() <= 0.35
    senior = set(
        Student.objects.filter(school=school, grade__in=["11", "12"]).values_list(
            "pathway", flat=True
        )
    )
    assert senior == {"college", "university"}


def test_students_carry_ell_and_iep_flags_at_plausible_rates(school):
    attributes = list(Student.objects.filter(school=school).values_list("attributes", flat=True))
    assert all(isinstance(a["ell"], bool) and isinstance(a["iep"], bool) for a in attributes)
    assert 0.05 <= sum(a["ell"] for a in attributes) / len(attributes) <= 0.15
    assert 0.05 <= sum(a["iep"] for a in attributes) / len(attributes) <= 0.25


def test_it_has_about_60_staff_and_someone_in_every_role(school, demo):
    staff = User.objects.filter(school=school).count()
    district_staff = User.objects.filter(district__sourced_id="demo-district", school=None)
    assert 50 <= staff + district_staff.count() <= 70
    roles = Counter(User.objects.filter(school=school).values_list("role", flat=True))
    assert roles[Role.SCHOOL_LEADER] == 2  # a principal and a vice-principal
    assert roles[Role.COACH] == 1
    assert roles[Role.ADMINISTRATOR] == 1
    assert roles[Role.TEAM_LEAD] == 5
    assert set(district_staff.values_list("role", flat=True)) == {
        Role.DISTRICT_ANALYST,
        Role.ADMINISTRATOR,
    }


def test_the_district_has_a_second_smaller_school_and_a_year_of_two_semesters(demo):
    schools = School.objects.filter(district__sourced_id="demo-district")
    assert schools.count() == 2
    assert (
        Student.objects.filter(school__in=schools).exclude(school__name=MAIN_SCHOOL).count() < 300
    )
    # This school year, and last year's, where the teams' first cycles ran.
    years = AcademicSession.objects.filter(sourced_id__startswith="demo-", kind="schoolYear")
    last, year = years.order_by("start_date")
    assert last.end_date < year.start_date
    assert (last.title, year.title) == ("2025–2026", "2026–2027")
    for each in (last, year):
        semesters = list(each.children.order_by("start_date"))
        assert [s.kind for s in semesters] == ["semester", "semester"]
        assert semesters[0].start_date == each.start_date
        assert semesters[1].end_date == each.end_date
        assert semesters[0].end_date < semesters[1].start_date


def test_the_school_year_is_the_one_under_way_on_the_day_the_demo_is_built(demo):
    year = this_year()
    assert (year.title, year.start_date, year.end_date) == (
        "2026–2027",
        dt.date(2026, 9, 1),
        dt.date(2027, 6, 30),
    )
    current = year.children.get(start_date__lte=BUILT_ON, end_date__gte=BUILT_ON)
    assert current.title == "2026–2027 Semester 2"
    # Enrollments follow their class's semester.
    assert not Enrollment.objects.filter(sourced_id__startswith="demo-", begin_date=None).exists()
    assert set(
        Enrollment.objects.filter(sourced_id__startswith="demo-").values_list(
            "begin_date", flat=True
        )
    ) == set(
        AcademicSession.objects.filter(sourced_id__startswith="demo-", kind="semester").values_list(
            "start_date", flat=True
        )
    )


def test_the_school_has_five_teams_each_led_by_exactly_one_of_its_teachers(school):
    teams = Team.objects.filter(school=school)
    assert teams.count() == 5
    for team in teams:
        leads = [m.user for m in team.memberships.all() if m.role == TeamMembership.TeamRole.LEAD]
        assert len(leads) == 1, team.name
        assert leads[0].role == Role.TEAM_LEAD
        assert leads[0].school == school
        assert Enrollment.objects.filter(staff=leads[0], role="teacher").exists()
        roles = Counter(team.memberships.values_list("role", flat=True))
        assert roles[TeamMembership.TeamRole.COACH] == 1
        # At least five teachers: above the staff anonymity threshold for surveys.
        assert roles[TeamMembership.TeamRole.LEAD] + roles[TeamMembership.TeamRole.MEMBER] >= 5
    every_demo_team = Team.objects.filter(school__sourced_id__startswith="demo-")
    for team in every_demo_team:
        assert team.memberships.filter(role=TeamMembership.TeamRole.LEAD).count() == 1


# --- the timetable ---------------------------------------------------------------


def test_every_class_has_one_teacher_and_20_to_30_students(demo):
    classes = SchoolClass.objects.filter(sourced_id__startswith="demo-")
    assert classes.count() > 250
    teachers = Counter()
    students = Counter()
    for class_id, role in Enrollment.objects.filter(school_class__in=classes).values_list(
        "school_class", "role"
    ):
        (teachers if role == "teacher" else students)[class_id] += 1
    for class_id in classes.values_list("pk", flat=True):
        assert teachers[class_id] == 1
        assert 20 <= students[class_id] <= 30


def test_applied_students_are_only_in_applied_sections(demo):
    rows = Enrollment.objects.filter(sourced_id__startswith="demo-", role="student").values_list(
        "student__pathway", "school_class__course__course_code"
    )
    applied_sections = 0
    for pathway, code in rows:
        course_type = code[4]
        if course_type in OPEN_TYPES:
            continue
        assert SECTION_PATHWAY[course_type] == pathway, (pathway, code)
        applied_sections += pathway == "applied"
    assert applied_sections > 0


def test_students_take_four_courses_a_semester_and_nobody_is_in_two_places_at_once(demo):
    seats = defaultdict(list)
    teaching = defaultdict(list)
    # This year's timetable (last year's holds only the classes its cycles scored).
    for student, staff, term, periods, code in Enrollment.objects.filter(
        sourced_id__startswith="demo-", school_class__terms__parent=this_year()
    ).values_list(
        "student",
        "staff",
        "school_class__terms",
        "school_class__periods",
        "school_class__course__course_code",
    ):
        if student:
            seats[(student, term)].append((periods[0], code))
        else:
            teaching[(staff, term)].append(periods[0])
    assert Student.objects.filter(sourced_id__startswith="demo-").count() * 2 == len(seats)
    for timetable in seats.values():
        assert len(timetable) == 4
        assert len({period for period, _ in timetable}) == 4
        assert len({code for _, code in timetable}) == 4
    for periods in teaching.values():
        assert len(periods) == len(set(periods)) <= 4
    loads = Counter()
    for (staff, _term), periods in teaching.items():
        loads[staff] += len(periods)
    assert 2.5 <= sum(loads.values()) / len(loads) / 2 <= 3.5  # about three a semester


# --- determinism ------------------------------------------------------------------


def test_two_builds_with_the_same_seed_are_identical(demo):
    first = canonical_dump()
    demo_build(seed=2026, reset=True, today=BUILT_ON)
    assert canonical_dump() == first
    assert len(first) > 9000


def test_a_different_seed_builds_a_different_school_of_the_same_shape(demo):
    first = canonical_dump()
    demo_build(seed=7, reset=True, today=BUILT_ON)
    second = canonical_dump()
    assert second != first
    assert len(second) == len(first)
    assert Student.objects.filter(sourced_id__startswith="demo-").count() == demo.students


# --- the command ---------------------------------------------------------------------


def test_running_the_command_twice_builds_once_and_prints_the_sign_ins_both_times(demo):
    demo_delete()
    first = run_demo()
    students = Student.objects.count()
    second = run_demo()
    assert "Built the demo district" in first
    assert "Reusing the existing demo district" in second
    assert District.objects.filter(sourced_id="demo-district").count() == 1
    assert Student.objects.count() == students
    assert printed_sign_ins(first) == printed_sign_ins(second)
    assert "http://127.0.0.1:8000" in second


def test_every_printed_sign_in_authenticates_with_its_role(demo):
    password, sign_ins = printed_sign_ins(run_demo())
    assert {label for label, _ in sign_ins} == {str(role.label) for role in Role}
    for label, username in sign_ins:
        request = RequestFactory().post("/login/")
        user = authenticate(request, username=username, password=password)
        assert user is not None, username
        assert str(Role(user.role).label) == label
        assert user.password.startswith("argon2")


def test_reset_rebuilds_the_demo(demo):
    before = User.objects.get(username="principal").get_full_name()
    output = run_demo("--reset", "--seed", "7")
    assert "Built the demo district" in output
    assert User.objects.get(username="principal").get_full_name() != before
    assert District.objects.filter(sourced_id="demo-district").count() == 1
    assert Student.objects.filter(sourced_id__startswith="demo-").count() == demo.students


def test_reset_leaves_records_outside_the_demo_alone(demo):
    district = District.objects.create(name="Real district", sourced_id="d-1")
    real = School.objects.create(district=district, name="Real school", sourced_id="s-1")
    Student.objects.create(school=real, given_name="Ana", family_name="Real", sourced_id="st-1")
    User.objects.create_user("someone", password="x-long-password", school=real)
    Team.objects.create(school=real, name="Grade 9 English")
    run_demo("--reset")
    assert Student.objects.filter(sourced_id="st-1").exists()
    assert User.objects.filter(username="someone").exists()
    assert Team.objects.filter(school=real).exists()
    assert demo_exists()


def test_the_command_builds_the_demo_as_of_the_day_it_is_given(demo):
    output = run_demo("--reset", "--today", "2027-10-05")
    assert "Built the demo district" in output
    # Too early in the 2027–2028 year to tell the story: the year just ended.
    year = this_year()
    assert year.title == "2026–2027"
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run_demo("--today", "15/03/2027")


def test_it_refuses_to_build_over_an_account_outside_the_demo(demo):
    demo_delete()
    User.objects.create_user("admin", password="x-long-password")
    with pytest.raises(CommandError, match="admin"):
        run_demo()
    assert not demo_exists()
    assert User.objects.filter(username="admin").count() == 1


def test_reset_refuses_to_delete_a_demo_that_records_outside_it_point_at(demo):
    klass = SchoolClass.objects.filter(sourced_id__startswith="demo-").first()
    student = Student.objects.filter(school=klass.school, sourced_id__startswith="demo-").first()
    Enrollment.objects.create(
        sourced_id="e-outside",
        school_class=klass,
        school=klass.school,
        role="student",
        student=student,
    )
    with pytest.raises(CommandError, match="enrollment"):
        run_demo("--reset")
    # Nothing was deleted: the failed reset rolled back as a whole.
    assert Student.objects.filter(sourced_id__startswith="demo-").count() == demo.students
    assert SchoolClass.objects.filter(sourced_id__startswith="demo-").count() == demo.classes


def test_it_asks_for_migrate_first_on_a_database_that_is_not_migrated(demo, monkeypatch):
    from efficacy.demo.management.commands import demo as command

    monkeypatch.setattr(command, "unapplied_migrations", lambda: True)
    with pytest.raises(CommandError, match="efficacy migrate"):
        run_demo()
