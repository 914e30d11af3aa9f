"""Reads for the roster pages. Callers pass querysets already scoped by ``access``.

Student counts are returned as :class:`efficacy.privacy.GroupSize`, so no page
can show the size of a group below the reporting threshold (DESIGN.md, principle 3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy

from efficacy import privacy
from efficacy.privacy import GroupSize, student_count
from efficacy.roster import time
from efficacy.roster.models import (
    HAS_PASSWORD,
    AccountEvent,
    District,
    Enrollment,
    School,
    SchoolClass,
    Status,
    Student,
    Team,
    TeamMembership,
    User,
)
from efficacy.roster.tokens import invitation_lifetime


@dataclass(frozen=True)
class GroupRow:
    grade: str
    pathway: str
    count: GroupSize


def students_by_grade_and_pathway(school: School) -> list[GroupRow]:
    """Active students of a school grouped by grade and pathway, small groups suppressed."""
    rows = (
        Student.objects.filter(school=school, status=Status.ACTIVE)
        .values("grade", "pathway")
        .annotate(n=Count("pk"))
    )
    # The school's total is published (the district overview), so a hidden group
    # must not be recoverable by subtraction.
    counts = privacy.suppress([r["n"] for r in rows], privacy.min_student_n()).groups
    groups = [GroupRow(r["grade"], r["pathway"], c) for r, c in zip(rows, counts, strict=True)]
    return sorted(groups, key=lambda g: (grade_sort_key(g.grade), g.pathway))


def grade_sort_key(grade: str) -> tuple[int, int | str]:
    """Grades in school order: numbers by value ("9" before "10"), then any others (e.g. "PK")."""
    return (0, int(grade)) if grade.isdigit() else (1, grade)


@dataclass(frozen=True)
class SchoolCounts:
    school: School
    students: GroupSize
    staff: int
    classes: int
    teams: int


def school_counts(schools: QuerySet[School]) -> list[SchoolCounts]:
    """Counts of active students, staff, classes and teams for each school, in four queries."""
    schools = list(schools)
    ids = [s.pk for s in schools]

    def tally(queryset: QuerySet, field: str = "school_id") -> dict[int, int]:
        rows = queryset.filter(**{f"{field}__in": ids}).values(field).annotate(n=Count("pk"))
        return {r[field]: r["n"] for r in rows}

    students = tally(Student.objects.filter(status=Status.ACTIVE))
    staff = tally(User.objects.filter(status=Status.ACTIVE, is_active=True))
    classes = tally(SchoolClass.objects.filter(status=Status.ACTIVE))
    teams = tally(Team.objects.all())
    return [
        SchoolCounts(
            school=s,
            students=student_count(students.get(s.pk, 0)),
            staff=staff.get(s.pk, 0),
            classes=classes.get(s.pk, 0),
            teams=teams.get(s.pk, 0),
        )
        for s in schools
    ]


def teams_with_counts(teams: QuerySet[Team]) -> QuerySet[Team]:
    """The teams with their member count. ``teams`` may be filtered on the viewer's own
    membership (``access.teams_for``): counting on that join would count only the viewer,
    so the count runs on the teams' ids."""
    return (
        Team.objects.filter(pk__in=teams.values("pk"))
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("name")
    )


def team_memberships(team: Team, visible_staff: QuerySet[User]) -> QuerySet[TeamMembership]:
    """The team's memberships whose person the viewer may see, leads and coaches first."""
    order = {"lead": 0, "coach": 1, "member": 2}
    memberships = team.memberships.filter(user__in=visible_staff).select_related("user")
    return sorted(memberships, key=lambda m: (order.get(m.role, 3), m.user.last_name))


def classes_with_counts(classes: QuerySet[SchoolClass]) -> QuerySet[SchoolClass]:
    active_students = Q(
        enrollments__role=Enrollment.EnrollmentRole.STUDENT,
        enrollments__status=Status.ACTIVE,
        enrollments__student__status=Status.ACTIVE,
    )
    return (
        classes.select_related("course")
        .annotate(student_total=Count("enrollments", filter=active_students, distinct=True))
        .order_by("title")
    )


def class_teachers(school_class: SchoolClass, visible_staff: QuerySet[User]) -> QuerySet[User]:
    return visible_staff.filter(
        enrollments__school_class=school_class,
        enrollments__role=Enrollment.EnrollmentRole.TEACHER,
        enrollments__status=Status.ACTIVE,
    ).distinct()


def class_students(
    school_class: SchoolClass, visible_students: QuerySet[Student]
) -> QuerySet[Student]:
    return visible_students.filter(
        enrollments__school_class=school_class,
        enrollments__role=Enrollment.EnrollmentRole.STUDENT,
        enrollments__status=Status.ACTIVE,
    ).distinct()


def classes_of_student(student: Student, visible_classes: QuerySet[SchoolClass]):
    return visible_classes.filter(
        enrollments__student=student, enrollments__status=Status.ACTIVE
    ).distinct()


def classes_taught_by(person: User, visible_classes: QuerySet[SchoolClass]):
    return visible_classes.filter(
        enrollments__staff=person,
        enrollments__role=Enrollment.EnrollmentRole.TEACHER,
        enrollments__status=Status.ACTIVE,
    ).distinct()


def search_students(
    students: QuerySet[Student], *, q: str = "", grade: str = "", pathway: str = ""
) -> QuerySet[Student]:
    q = q.strip()
    if q:
        students = students.filter(
            Q(given_name__icontains=q) | Q(family_name__icontains=q) | Q(identifier__iexact=q)
        )
    if grade:
        students = students.filter(grade=grade)
    if pathway:
        students = students.filter(pathway=pathway)
    return students.order_by("family_name", "given_name", "pk")


def search_staff(staff: QuerySet[User], *, q: str = "") -> QuerySet[User]:
    q = q.strip()
    if q:
        staff = staff.filter(
            Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(username__iexact=q)
        )
    return staff.order_by("last_name", "first_name", "pk")


def grade_and_pathway_choices(school: School) -> tuple[list[str], list[str]]:
    active = Student.objects.filter(school=school, status=Status.ACTIVE)
    grades = sorted(
        set(active.exclude(grade="").values_list("grade", flat=True)), key=grade_sort_key
    )
    pathways = sorted(set(active.exclude(pathway="").values_list("pathway", flat=True)))
    return grades, pathways


# --- accounts (the administrator's Accounts page) ---------------------------


class AccountState(TextChoices):
    """Where an account stands for signing in, in the order a filter offers them."""

    PASSWORD = "password", gettext_lazy("Has a password")
    INVITED = "invited", gettext_lazy("Invitation pending")
    EXPIRED = "expired", gettext_lazy("Invitation expired")
    NONE = "none", gettext_lazy("No password yet")
    DEACTIVATED = "deactivated", gettext_lazy("Deactivated")
    RETIRED = "retired", gettext_lazy("Retired (left the roster)")


def accounts_with_state(staff: QuerySet[User], *, q: str = "", state: str = "") -> QuerySet[User]:
    """``staff`` (scoped by ``access.accounts_for``) annotated with ``state`` (an
    :class:`AccountState`) and ``last_invited``, searched and filtered."""
    cutoff = timezone.now() - invitation_lifetime()
    invited = AccountEvent.objects.filter(
        account=OuterRef("pk"), action=AccountEvent.Action.INVITED
    ).order_by("-at")
    annotated = staff.annotate(last_invited=Subquery(invited.values("at")[:1])).annotate(
        state=Case(
            When(status=Status.RETIRED, then=Value(AccountState.RETIRED)),
            When(is_active=False, then=Value(AccountState.DEACTIVATED)),
            When(HAS_PASSWORD, then=Value(AccountState.PASSWORD)),
            When(last_invited__gte=cutoff, then=Value(AccountState.INVITED)),
            When(last_invited__isnull=False, then=Value(AccountState.EXPIRED)),
            default=Value(AccountState.NONE),
            output_field=CharField(),
        )
    )
    if state in AccountState.values:
        annotated = annotated.filter(state=state)
    return search_staff(annotated.select_related("school"), q=q)


def account_history(account: User) -> QuerySet[AccountEvent]:
    return account.account_events.select_related("by")


def time_zone_of(person: object) -> str:
    """The time zone of a person's pages: their school's (its own, else its district's),
    else their district's for district staff, else the site's. One query at most."""
    school_id = getattr(person, "school_id", None)
    district_id = getattr(person, "district_id", None)
    if school_id is not None:
        row = School.objects.filter(pk=school_id).values_list("time_zone", "district__time_zone")
        found = row.first()
        if found is not None:
            return found[0] or found[1] or time.default_time_zone()
    if district_id is not None:
        name = District.objects.filter(pk=district_id).values_list("time_zone", flat=True).first()
        if name:
            return name
    return time.default_time_zone()


def today_for(person: object) -> dt.date:
    """The date it is now where ``person`` works (see :func:`time_zone_of`): for code that
    serves a person without a page of theirs (the API, a mail to them)."""
    return time.today_in(time_zone_of(person))
