"""One demo school: its staff, students, courses, timetable and enrollments.

Everything is planned in memory as unsaved model instances, drawn from one
``random.Random`` so the same seed always gives the same school; the service
saves the plan with ``bulk_create``.

The timetable is semestered, as in most Ontario secondary schools: four periods
a day, a student takes four courses a semester (eight a year) and a teacher
teaches three sections a semester (the fourth period is preparation time).
Students of one grade and pathway move through their four courses of a semester
together in groups of 20 to 30 (a Latin square over the periods, so no group
and no teacher is in two places at once); the groups are drawn anew each
semester. Sections of streamed courses hold only students of that pathway.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from efficacy.demo.catalogue import COURSES, DEPARTMENTS, GRADES, PATHWAYS, PROGRAMS, CourseInfo
from efficacy.demo.district import PREFIX, DistrictPlan
from efficacy.demo.names import pick_name
from efficacy.roster.models import (
    AcademicSession,
    Course,
    Enrollment,
    Role,
    School,
    SchoolClass,
    Student,
    User,
)

PERIODS = 4
SECTIONS_PER_TEACHER = 3
CLASS_SIZE = (20, 30)
TARGET_CLASS_SIZE = 25
# A program this large is split in two cohorts that take its halves in opposite
# semesters, so that its courses run in both semesters.
SPLIT_AT = 120

# Rates in the range Ontario reports for secondary schools; students with an IEP
# are over-represented in the applied and college pathways.
ELL_RATE = 0.10
IEP_RATE = {"applied": 0.25, "college": 0.20, "academic": 0.08, "university": 0.07}


@dataclass(frozen=True)
class SchoolSpec:
    key: str
    name: str
    identifier: str
    grade_sizes: dict[str, int]
    # Share of each grade on the first (smaller) pathway of ``PATHWAYS``.
    minority_share: dict[str, float]
    vice_principal: bool = False
    coach: bool = False
    office_administrator: bool = False
    # Teachers of a small school teach across departments.
    generalists: bool = False
    teams: tuple[str, ...] = ()


@dataclass
class Teacher:
    user: User
    department: str
    room: str
    index: int
    busy: set[tuple[int, int]] = field(default_factory=set)  # (semester, period)
    load: list[int] = field(default_factory=lambda: [0, 0])  # sections per semester
    courses: set[str] = field(default_factory=set)
    departments: Counter[str] = field(default_factory=Counter)


@dataclass
class Section:
    semester: int  # 0 or 1
    course: CourseInfo
    period: int  # 1..PERIODS
    students: list[Student]
    order: int
    teacher: Teacher | None = None


@dataclass
class SchoolPlan:
    spec: SchoolSpec
    school: School
    principal: User
    vice_principal: User | None
    coach: User | None
    office_administrator: User | None
    teachers: list[Teacher]
    students: list[Student]
    courses: list[Course]
    classes: list[tuple[SchoolClass, AcademicSession]]
    enrollments: list[Enrollment]

    @property
    def staff(self) -> list[User]:
        leaders = [self.principal, self.vice_principal, self.coach, self.office_administrator]
        return [u for u in leaders if u is not None] + [t.user for t in self.teachers]


def plan_school(spec: SchoolSpec, rng: random.Random, district: DistrictPlan) -> SchoolPlan:
    """Unsaved records of one school, drawn from ``rng``."""
    school = School(
        district=district.district,
        name=spec.name,
        identifier=spec.identifier,
        sourced_id=f"{PREFIX}{spec.key}-school",
    )

    def staff(role: str, key: str) -> User:
        given, family = pick_name(rng)
        return User(
            first_name=given,
            last_name=family,
            role=role,
            district=district.district,
            school=school,
            sourced_id=f"{PREFIX}{spec.key}-staff-{key}",
        )

    principal = staff(Role.SCHOOL_LEADER, "principal")
    vice_principal = staff(Role.SCHOOL_LEADER, "vice-principal") if spec.vice_principal else None
    coach = staff(Role.COACH, "coach") if spec.coach else None
    office = staff(Role.ADMINISTRATOR, "office") if spec.office_administrator else None

    students = _plan_students(spec, rng, school)
    sections = _plan_timetable(spec, rng, students)
    teachers = _assign_teachers(
        sections, lambda n: staff(Role.TEACHER, f"{n:03d}"), generalists=spec.generalists
    )
    courses, classes, enrollments = _plan_classes(spec, school, sections, district.semesters)
    return SchoolPlan(
        spec=spec,
        school=school,
        principal=principal,
        vice_principal=vice_principal,
        coach=coach,
        office_administrator=office,
        teachers=teachers,
        students=students,
        courses=courses,
        classes=classes,
        enrollments=enrollments,
    )


def _plan_students(spec: SchoolSpec, rng: random.Random, school: School) -> list[Student]:
    students: list[Student] = []
    for grade in GRADES:
        size = spec.grade_sizes[grade]
        minority, majority = PATHWAYS[grade]
        # Exact counts, shuffled: the shape of the school does not depend on the seed.
        on_minority = round(size * spec.minority_share[grade])
        pathways = [minority] * on_minority + [majority] * (size - on_minority)
        rng.shuffle(pathways)
        for pathway in pathways:
            given, family = pick_name(rng)
            students.append(
                Student(
                    school=school,
                    given_name=given,
                    family_name=family,
                    grade=grade,
                    pathway=pathway,
                    attributes={
                        "ell": rng.random() < ELL_RATE,
                        "iep": rng.random() < IEP_RATE[pathway],
                    },
                    sourced_id=f"{PREFIX}{spec.key}-student-{len(students) + 1:04d}",
                )
            )
    numbers = rng.sample(range(300_000_000, 400_000_000), len(students))
    for student, number in zip(students, numbers, strict=True):
        student.identifier = str(number)
    return students


def _plan_timetable(spec: SchoolSpec, rng: random.Random, students: list[Student]) -> list[Section]:
    sections: list[Section] = []
    offset = 0
    for grade_index, grade in enumerate(GRADES):
        for pathway_index, pathway in enumerate(PATHWAYS[grade]):
            program = PROGRAMS[(grade, pathway)]
            group = [s for s in students if s.grade == grade and s.pathway == pathway]
            if len(group) >= SPLIT_AT:
                middle = len(group) // 2
                cohorts = [(group[:middle], (0, 1)), (group[middle:], (1, 0))]
            else:
                # Alternate which half comes first so each semester has a fair share.
                first = (grade_index + pathway_index) % 2
                cohorts = [(group, (first, 1 - first))]
            for cohort, order in cohorts:
                for semester, half in enumerate(order):
                    for chunk_index, chunk in enumerate(_split(cohort, rng, spec)):
                        for course_index, code in enumerate(program[half]):
                            period = (chunk_index + course_index + offset) % PERIODS + 1
                            sections.append(
                                Section(semester, COURSES[code], period, chunk, len(sections))
                            )
                    offset += 1
    return sections


def _split(cohort: list[Student], rng: random.Random, spec: SchoolSpec) -> list[list[Student]]:
    members = list(cohort)
    rng.shuffle(members)
    count = max(1, round(len(members) / TARGET_CLASS_SIZE))
    chunks = [members[i::count] for i in range(count)]
    low, high = CLASS_SIZE
    if any(not low <= len(chunk) <= high for chunk in chunks):
        # A configuration mistake in a SchoolSpec, never a user's input.
        raise ValueError(
            f"{spec.name}: a cohort of {len(members)} cannot form classes of {low}–{high}"
        )
    return chunks


def _assign_teachers(
    sections: list[Section], new_teacher_user: Callable[[int], User], *, generalists: bool
) -> list[Teacher]:
    if generalists:
        pools = [sections]
    else:
        pools = [[s for s in sections if s.course.department == d] for d in DEPARTMENTS]
    teachers: list[Teacher] = []
    for pool_index, pool in enumerate(p for p in pools if p):
        staff = [
            Teacher(
                user=new_teacher_user(len(teachers) + i + 1),
                department="",
                room=f"Room {pool_index + 1}{i + 1:02d}",
                index=i,
            )
            for i in range(_teachers_needed(pool))
        ]
        teachers += staff
        for section in sorted(pool, key=lambda s: (s.semester, s.period, s.course.code, s.order)):
            slot = (section.semester, section.period)
            free = [t for t in staff if slot not in t.busy]
            # Fill to three sections, keeping a teacher on the subject and the
            # courses they already teach.
            teacher = min(
                free,
                key=lambda t: (
                    t.load[section.semester] >= SECTIONS_PER_TEACHER,
                    bool(t.departments) and section.course.department not in t.departments,
                    section.course.code not in t.courses,
                    t.load[section.semester],
                    t.index,
                ),
            )
            teacher.busy.add(slot)
            teacher.load[section.semester] += 1
            teacher.courses.add(section.course.code)
            teacher.departments[section.course.department] += 1
            section.teacher = teacher
    for teacher in teachers:
        # A teacher belongs to the department they teach most in.
        teacher.department = max(
            DEPARTMENTS, key=lambda d: (teacher.departments[d], -DEPARTMENTS.index(d))
        )
    return teachers


def _teachers_needed(pool: list[Section]) -> int:
    """Enough teachers for three sections each and one per section in any period."""
    needed = 1
    for semester in (0, 1):
        this_semester = [s for s in pool if s.semester == semester]
        per_period = Counter(s.period for s in this_semester)
        needed = max(
            needed,
            math.ceil(len(this_semester) / SECTIONS_PER_TEACHER),
            max(per_period.values(), default=0),
        )
    return needed


def _plan_classes(
    spec: SchoolSpec,
    school: School,
    sections: list[Section],
    semesters: list[AcademicSession],
) -> tuple[list[Course], list[tuple[SchoolClass, AcademicSession]], list[Enrollment]]:
    courses: dict[str, Course] = {}
    for code in sorted({s.course.code for s in sections}):
        info = COURSES[code]
        courses[code] = Course(
            school=school,
            title=info.title,
            course_code=code,
            grades=[info.grade],
            subjects=[info.department],
            sourced_id=f"{PREFIX}{spec.key}-course-{code}",
        )
    classes: list[tuple[SchoolClass, AcademicSession]] = []
    enrollments: list[Enrollment] = []
    numbers: dict[str, int] = defaultdict(int)

    def enroll(school_class: SchoolClass, term: AcademicSession, **who) -> None:
        enrollments.append(
            Enrollment(
                school_class=school_class,
                school=school,
                begin_date=term.start_date,
                end_date=term.end_date,
                sourced_id=f"{PREFIX}{spec.key}-enrollment-{len(enrollments) + 1:05d}",
                **who,
            )
        )

    for section in sorted(sections, key=lambda s: (s.course.code, s.semester, s.period, s.order)):
        info = section.course
        numbers[info.code] += 1
        class_code = f"{info.code}-{numbers[info.code]:02d}"
        term = semesters[section.semester]
        school_class = SchoolClass(
            school=school,
            course=courses[info.code],
            title=f"{info.title} ({class_code})",
            class_code=class_code,
            location=section.teacher.room,
            grades=[info.grade],
            subjects=[info.department],
            periods=[str(section.period)],
            sourced_id=f"{PREFIX}{spec.key}-class-{class_code}",
        )
        classes.append((school_class, term))
        enroll(
            school_class,
            term,
            role=Enrollment.EnrollmentRole.TEACHER,
            staff=section.teacher.user,
            primary=True,
        )
        for student in sorted(section.students, key=lambda s: s.sourced_id):
            enroll(school_class, term, role=Enrollment.EnrollmentRole.STUDENT, student=student)
    return list(courses.values()), classes, enrollments


# The school of the research story: a 900-student secondary school where about
# three in ten grade 9 and 10 students take applied courses.
TRILLIUM_HEIGHTS = SchoolSpec(
    key="th",
    name="Trillium Heights Secondary School",
    identifier="THSS",
    grade_sizes={"9": 240, "10": 230, "11": 220, "12": 210},
    minority_share={"9": 0.30, "10": 0.30, "11": 0.35, "12": 0.35},
    vice_principal=True,
    coach=True,
    office_administrator=True,
    teams=("grade-9-english", "grade-9-mathematics", "science", "literacy", "student-success"),
)

# A small rural school, so that district views have a second school to compare.
PINE_LAKE = SchoolSpec(
    key="pl",
    name="Pine Lake District High School",
    identifier="PLDHS",
    grade_sizes={"9": 50, "10": 50, "11": 50, "12": 50},
    minority_share={"9": 0.40, "10": 0.40, "11": 0.40, "12": 0.40},
    generalists=True,
    teams=("grade-9",),
)

DEMO_SCHOOLS = (TRILLIUM_HEIGHTS, PINE_LAKE)
