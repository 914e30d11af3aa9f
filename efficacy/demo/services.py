"""Build and delete the demo district (``efficacy demo``).

Every demo record carries a ``sourced_id`` starting with ``demo-`` (teams and
memberships belong to demo schools), so the demo can be deleted without
touching anything else in the database.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from efficacy.cycles.impact.recompute import impact_recompute
from efficacy.cycles.models import InquiryCycle
from efficacy.demo.accounts import DEMO_PASSWORD, SIGN_INS, assign_usernames
from efficacy.demo.cycles import demo_cycles_build
from efficacy.demo.district import PREFIX, DistrictPlan, plan_district
from efficacy.demo.last_year import demo_last_year
from efficacy.demo.practice import demo_practice
from efficacy.demo.school import DEMO_SCHOOLS, SchoolPlan, plan_school
from efficacy.demo.selectors import DemoSummary, demo_exists, demo_summary
from efficacy.demo.teams import TeamPlan, plan_teams
from efficacy.demo.timeline import SchoolYear, demo_timeline
from efficacy.demo.voice import demo_voice, demo_voice_delete
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

DEFAULT_SEED = 2026
EMAIL_DOMAIN = "riverbend.example"  # .example never delivers mail


class DemoError(Exception):
    """The demo cannot be built or deleted; the message says why and what to do."""


def demo_build(
    *, seed: int = DEFAULT_SEED, reset: bool = False, today: dt.date | None = None
) -> DemoSummary:
    """Build the demo district from ``seed``, or reuse it if it already exists.

    Its dates are placed relative to ``today`` (the local date by default) in the
    school year under way (:mod:`efficacy.demo.timeline`): the same seed and the
    same ``today`` build the same demo. With ``reset``, the existing demo is deleted
    and built again. Either way the whole build is one transaction: a failure leaves
    the database as it was.
    """
    timeline = demo_timeline(today or timezone.localdate())
    with transaction.atomic():
        if demo_exists() and not reset:
            return demo_summary(built=False)
        # Also clears what a half-deleted demo may have left behind.
        demo_delete()
        _save(*_plan(seed, timeline.year))
        demo_cycles_build(
            seed=seed, timeline=timeline, practice=demo_practice(seed=seed, timeline=timeline)
        )
        demo_voice(seed=seed, timeline=timeline)
        # After the voice, which finds each team's cycle of this year by its team.
        demo_last_year(seed=seed, timeline=timeline)
        # The dashboards read each closed cycle's stored impact: compute it, as the
        # task queued by entering scores would (the demo writes its scores in bulk).
        impact_recompute(
            cycles=InquiryCycle.objects.filter(team__school__sourced_id__startswith=PREFIX)
        )
    return demo_summary(built=True)


def demo_delete() -> None:
    """Delete every demo record, and nothing else."""
    demo = {"sourced_id__startswith": PREFIX}
    try:
        with transaction.atomic():
            # Voice first: its answers protect teams, its tickets classes, its
            # commitments and replies the staff who made them.
            demo_voice_delete(PREFIX)
            # Cycles next: a cycle protects its team, and its scores their students.
            InquiryCycle.objects.filter(team__school__sourced_id__startswith=PREFIX).delete()
            Enrollment.objects.filter(**demo).delete()
            Team.objects.filter(school__sourced_id__startswith=PREFIX).delete()
            SchoolClass.terms.through.objects.filter(
                schoolclass__sourced_id__startswith=PREFIX
            ).delete()
            SchoolClass.objects.filter(**demo).delete()
            Course.objects.filter(**demo).delete()
            Student.objects.filter(**demo).delete()
            User.objects.filter(**demo).delete()
            AcademicSession.objects.filter(**demo).update(parent=None)
            AcademicSession.objects.filter(**demo).delete()
            School.objects.filter(**demo).delete()
            District.objects.filter(**demo).delete()
    except (ProtectedError, RestrictedError) as error:
        raise DemoError(
            _(
                "The demo cannot be deleted: other records point at it (%(what)s). "
                "Delete them first, or start from an empty database "
                "(a new EFFICACY_DATA_DIR or DATABASE_URL)."
            )
            % {
                "what": ", ".join(
                    sorted({str(type(o)._meta.verbose_name) for o in _blockers(error)})
                )
            }
        ) from error


def _blockers(error: ProtectedError | RestrictedError) -> set:
    if isinstance(error, ProtectedError):
        return error.protected_objects
    return error.restricted_objects


def _plan(seed: int, year: SchoolYear) -> tuple[DistrictPlan, list[SchoolPlan], list[TeamPlan]]:
    rng = random.Random(seed)
    district = plan_district(rng, year)
    schools = [plan_school(spec, rng, district) for spec in DEMO_SCHOOLS]
    teams = [team for school in schools for team in plan_teams(school, rng)]
    _name_sign_ins(district, schools[0], teams)
    users = [district.analyst, district.administrator]
    users += [u for school in schools for u in school.staff]
    assign_usernames(users, password_hash=make_password(DEMO_PASSWORD), domain=EMAIL_DOMAIN)
    # Staff were there when last school year started (their teams' first cycles ran
    # then: efficacy.demo.last_year), not on the day of the build.
    for user in users:
        user.date_joined = _year_opens(SchoolYear.starting(year.start.year - 1).start)
    return district, schools, teams


def _year_opens(start: dt.date) -> dt.datetime:
    """The morning the school year starts."""
    return timezone.make_aware(dt.datetime.combine(start, dt.time(8, 0)))


def _name_sign_ins(district: DistrictPlan, school: SchoolPlan, teams: list[TeamPlan]) -> None:
    english = teams[0].memberships
    lead = next(m.user for m in english if m.role == TeamMembership.TeamRole.LEAD)
    teacher = next(
        m.user
        for m in english
        if m.role == TeamMembership.TeamRole.MEMBER and m.user.role == Role.TEACHER
    )
    people = {
        Role.SCHOOL_LEADER: school.principal,
        Role.COACH: school.coach,
        Role.TEAM_LEAD: lead,
        Role.TEACHER: teacher,
        Role.DISTRICT_ANALYST: district.analyst,
        Role.ADMINISTRATOR: district.administrator,
    }
    for role, username in SIGN_INS:
        people[role].username = username


def _save(district: DistrictPlan, schools: list[SchoolPlan], teams: list[TeamPlan]) -> None:
    users = [district.analyst, district.administrator]
    users += [u for school in schools for u in school.staff]
    taken = sorted(
        User.objects.filter(username__in=[u.username for u in users]).values_list(
            "username", flat=True
        )
    )
    if taken:
        raise DemoError(
            _(
                "The demo needs the usernames %(names)s, which accounts outside the demo "
                "already use. Build the demo in its own database (a new EFFICACY_DATA_DIR "
                "or DATABASE_URL)."
            )
            % {"names": ", ".join(taken)}
        )
    district.district.save()
    district.year.save()
    AcademicSession.objects.bulk_create(district.semesters)
    School.objects.bulk_create([s.school for s in schools])
    User.objects.bulk_create(users)
    Student.objects.bulk_create([st for s in schools for st in s.students])
    Course.objects.bulk_create([c for s in schools for c in s.courses])
    classes = [pair for s in schools for pair in s.classes]
    SchoolClass.objects.bulk_create([school_class for school_class, _term in classes])
    Terms = SchoolClass.terms.through
    Terms.objects.bulk_create(
        [Terms(schoolclass_id=cls.pk, academicsession_id=term.pk) for cls, term in classes]
    )
    Enrollment.objects.bulk_create([e for s in schools for e in s.enrollments])
    Team.objects.bulk_create([t.team for t in teams])
    # auto_now_add stamps the moment of the build: the teams formed as the year started.
    opens = _year_opens(district.year.start_date)
    Team.objects.filter(pk__in=[t.team.pk for t in teams]).update(created_at=opens)
    TeamMembership.objects.bulk_create([m for t in teams for m in t.memberships])
