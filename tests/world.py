"""The named people and places every test can use (the ``world`` fixture).

One district (Lakeshore) with two schools, and a second district so that
"another district" can be tried too::

    Lakeshore District
      Northview Secondary (school A)
        leader_a         school leader
        admin_a          administrator of school A
        coach_a          coach; coach of team_english
        lead_english     team lead of team_english; teaches english_9_academic
        teacher_a        teacher; member of team_english; teaches english_9_applied
        lead_math        team lead of team_math; teaches math_10
        teacher_a2       teacher; member of team_math; teaches math_10 with lead_math
        retired_user     a former teacher (status retired), still enrolled as teacher
                         of english_9_applied and member of team_english
        team_english     grade-level team: lead_english (lead), teacher_a, coach_a (coach)
        team_math        department team: lead_math (lead), teacher_a2
        english_9_applied   grade 9 applied: ava, ben, retired_student
        english_9_academic  grade 9 academic: chloe, dev
        math_10             grade 10 academic: eli (a student of another teacher)
        retired_class       a class that left the roster (status retired) with ava in it
      Southgate Secondary (school B)
        teacher_b, team_b (teacher_b is its lead), class_b with student_b
      analyst          district analyst (district, no school)
      district_admin   administrator of the whole district (no school)
    Hillcrest District
      Hillcrest Secondary (school C): teacher_c, class_c, student_c, team_c

Every person signs in with ``world.password``.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.contrib.auth.hashers import make_password

from efficacy.roster.models import (
    AcademicSession,
    Course,
    District,
    Enrollment,
    Role,
    School,
    SchoolClass,
    Status,
    Student,
    Team,
    TeamMembership,
    User,
)

PASSWORD = "Northview-teams-2025"


@cache
def _password_hash() -> str:
    # Argon2 is slow on purpose; hash once per test process, not once per person.
    return make_password(PASSWORD)


class World:
    """Attributes are the named objects listed in the module docstring; a test adds
    students of its own with :meth:`enrolled_student`."""

    password = PASSWORD

    def __init__(self) -> None:
        self._build_places()
        self._build_people()
        self._build_classes()
        self._build_teams()

    # --- places ---------------------------------------------------------------
    def _build_places(self) -> None:
        self.district = District.objects.create(name="Lakeshore District", sourced_id="d-lake")
        self.school_a = School.objects.create(
            district=self.district, name="Northview Secondary", sourced_id="s-north"
        )
        self.school_b = School.objects.create(
            district=self.district, name="Southgate Secondary", sourced_id="s-south"
        )
        self.other_district = District.objects.create(
            name="Hillcrest District", sourced_id="d-hill"
        )
        self.school_c = School.objects.create(
            district=self.other_district, name="Hillcrest Secondary", sourced_id="s-hill"
        )
        self.year = AcademicSession.objects.create(
            district=self.district,
            title="2024-2025",
            kind=AcademicSession.Kind.SCHOOL_YEAR,
            start_date=dt.date(2024, 9, 1),
            end_date=dt.date(2025, 6, 30),
            school_year=2025,
            sourced_id="as-2025",
        )

    # --- people ---------------------------------------------------------------
    def _person(self, username: str, first: str, last: str, role: str, school, **extra) -> User:
        district = extra.pop("district", None) or (school.district if school else None)
        return User.objects.create(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org",
            role=role,
            school=school,
            district=district,
            password=_password_hash(),
            sourced_id=f"u-{username}",
            **extra,
        )

    def _build_people(self) -> None:
        a, b = self.school_a, self.school_b
        self.leader_a = self._person("leader_a", "Lena", "Okafor", Role.SCHOOL_LEADER, a)
        self.admin_a = self._person("admin_a", "Adam", "Roy", Role.ADMINISTRATOR, a)
        self.coach_a = self._person("coach_a", "Carmen", "Diaz", Role.COACH, a)
        self.lead_english = self._person("lead_english", "Elif", "Yilmaz", Role.TEAM_LEAD, a)
        self.teacher_a = self._person("teacher_a", "Tom", "Nguyen", Role.TEACHER, a)
        self.lead_math = self._person("lead_math", "Maya", "Singh", Role.TEAM_LEAD, a)
        self.teacher_a2 = self._person("teacher_a2", "Theo", "Martin", Role.TEACHER, a)
        self.retired_user = self._person(
            "retired_user", "Rita", "Old", Role.TEACHER, a, status=Status.RETIRED
        )
        self.teacher_b = self._person("teacher_b", "Bea", "Larsen", Role.TEACHER, b)
        self.analyst = self._person(
            "analyst", "Ana", "Lytic", Role.DISTRICT_ANALYST, None, district=self.district
        )
        self.district_admin = self._person(
            "district_admin", "Dan", "Ward", Role.ADMINISTRATOR, None, district=self.district
        )
        self.teacher_c = self._person("teacher_c", "Cal", "Hill", Role.TEACHER, self.school_c)

    # --- classes and students -------------------------------------------------
    def _class(self, school: School, course: Course, title: str, grade: str) -> SchoolClass:
        school_class = SchoolClass.objects.create(
            school=school,
            course=course,
            title=title,
            grades=[grade],
            sourced_id=f"c-{title.lower().replace(' ', '-')}",
        )
        school_class.terms.add(self.year)
        return school_class

    def _student(self, school: School, given: str, family: str, grade: str, pathway: str, **extra):
        return Student.objects.create(
            school=school,
            given_name=given,
            family_name=family,
            identifier=f"{given[:3].upper()}{len(family)}",
            grade=grade,
            pathway=pathway,
            sourced_id=f"st-{given.lower()}",
            **extra,
        )

    def enrolled_student(self, school_class: SchoolClass, **fields) -> Student:
        """A new student of ``school_class``'s school, enrolled in it; ``fields`` are the
        student's (given_name, family_name, grade, pathway, ...)."""
        student = Student.objects.create(school=school_class.school, **fields)
        self._enrol(school_class, student)
        return student

    def _enrol(self, school_class: SchoolClass, person, **extra) -> Enrollment:
        is_student = isinstance(person, Student)
        return Enrollment.objects.create(
            school_class=school_class,
            school=school_class.school,
            role=Enrollment.EnrollmentRole.STUDENT
            if is_student
            else Enrollment.EnrollmentRole.TEACHER,
            student=person if is_student else None,
            staff=None if is_student else person,
            **extra,
        )

    def _build_classes(self) -> None:
        a, b, c = self.school_a, self.school_b, self.school_c
        english = Course.objects.create(school=a, title="English 9", sourced_id="co-en9")
        math = Course.objects.create(school=a, title="Mathematics 10", sourced_id="co-ma10")
        self.english_9_applied = self._class(a, english, "English 9 Applied", "09")
        self.english_9_academic = self._class(a, english, "English 9 Academic", "09")
        self.math_10 = self._class(a, math, "Math 10", "10")
        self.retired_class = self._class(a, english, "English 9 Summer", "09")
        self.retired_class.status = Status.RETIRED
        self.retired_class.save()
        self.class_b = self._class(
            b, Course.objects.create(school=b, title="English 9 B"), "B English", "09"
        )
        self.class_c = self._class(
            c, Course.objects.create(school=c, title="English 9 C"), "C English", "09"
        )

        self.ava = self._student(a, "Ava", "Brown", "09", "applied")
        self.ben = self._student(a, "Ben", "Clark", "09", "applied")
        self.chloe = self._student(a, "Chloe", "Dupont", "09", "academic")
        self.dev = self._student(a, "Dev", "Patel", "09", "academic")
        self.eli = self._student(a, "Eli", "Moreau", "10", "academic")
        self.retired_student = self._student(
            a, "Rory", "Gone", "09", "applied", status=Status.RETIRED
        )
        self.student_b = self._student(b, "Bo", "Berg", "09", "applied")
        self.student_c = self._student(c, "Cy", "Cole", "09", "academic")

        for student in (self.ava, self.ben, self.retired_student):
            self._enrol(self.english_9_applied, student)
        for student in (self.chloe, self.dev):
            self._enrol(self.english_9_academic, student)
        self._enrol(self.math_10, self.eli)
        self._enrol(self.retired_class, self.ava)
        self._enrol(self.class_b, self.student_b)
        self._enrol(self.class_c, self.student_c)

        self._enrol(self.english_9_applied, self.teacher_a)
        self._enrol(self.english_9_applied, self.retired_user)
        self._enrol(self.english_9_academic, self.lead_english)
        self._enrol(self.math_10, self.lead_math)
        self._enrol(self.math_10, self.teacher_a2)
        self._enrol(self.retired_class, self.teacher_a)
        self._enrol(self.class_b, self.teacher_b)
        self._enrol(self.class_c, self.teacher_c)

    # --- teams ----------------------------------------------------------------
    def _build_teams(self) -> None:
        role = TeamMembership.TeamRole
        self.team_english = Team.objects.create(
            school=self.school_a, name="Grade 9 English", kind=Team.Kind.GRADE
        )
        self.team_math = Team.objects.create(
            school=self.school_a, name="Mathematics", kind=Team.Kind.DEPARTMENT
        )
        self.team_b = Team.objects.create(school=self.school_b, name="Southgate Literacy")
        self.team_c = Team.objects.create(school=self.school_c, name="Hillcrest Literacy")
        for team, user, team_role in (
            (self.team_english, self.lead_english, role.LEAD),
            (self.team_english, self.teacher_a, role.MEMBER),
            (self.team_english, self.coach_a, role.COACH),
            (self.team_english, self.retired_user, role.MEMBER),
            (self.team_math, self.lead_math, role.LEAD),
            (self.team_math, self.teacher_a2, role.MEMBER),
            (self.team_b, self.teacher_b, role.LEAD),
            (self.team_c, self.teacher_c, role.LEAD),
        ):
            TeamMembership.objects.create(team=team, user=user, role=team_role)

    def people(self) -> dict[str, User]:
        """Every named person, by attribute name."""
        return {name: value for name, value in vars(self).items() if isinstance(value, User)}
