"""What may this user see and change: the one scoping layer (DESIGN.md, principle 3).

Every view, API endpoint, export and task gets roster data through these
functions and nothing else:

* ``<things>_for(user)`` returns a queryset of what ``user`` may see;
* ``access_<thing>(user, id)`` returns one object or raises :class:`Http404`,
  whether the object does not exist or is out of scope, so a guessed id
  reveals nothing;
* ``can_<verb>(user, ...)`` answers whether ``user`` may change something.

The rules, one condition per line below:

* an inactive or retired account sees nothing and may do nothing;
* a teacher sees the classes they teach (an active teacher enrollment) and
  those classes' students, and the teams they belong to;
* a team member (member, lead or coach) sees the team and its members;
* a school leader sees everything of their school;
* a district analyst sees their district's schools and teams, as counts only:
  never an individual student or staff record;
* an administrator manages accounts and imports rosters for their school (or
  the whole district when they have no school) and sees that roster,
  retired records included; they invite, reset, change the role of and
  deactivate the staff of that scope, never themselves and never a retired
  account, and give no role that reaches beyond their scope;
* a retired record is hidden from everyone but administrators;
* an erased student (:mod:`efficacy.rights`) is hidden from everyone: their scores
  stay as an anonymous record that no list, export or page names;
* a roster import from the web creates or changes only records of the
  importer's scope (:func:`roster_import_scope_for`): a school's administrator
  their school, a district's administrator their district; the command line,
  which only a server operator runs, imports anything (``ROSTER_SCOPE_ALL``).

Everyone may see their own staff record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias, TypeGuard, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from efficacy.roster.models import (
    District,
    Enrollment,
    ImportRun,
    Role,
    School,
    SchoolClass,
    Status,
    Student,
    Team,
    TeamMembership,
    User,
)

#: Whoever is asking (``request.user``): a signed-in account or an anonymous visitor.
Person: TypeAlias = User | AnonymousUser
#: An id as it reaches a view: from the URL (int) or from a form or query string (str, or missing).
ObjectId: TypeAlias = int | str | None
M = TypeVar("M", bound=Model)

ACTIVE = Status.ACTIVE
NOTHING = Q(pk__in=[])
#: Students not erased by the data-rights tools (``efficacy.rights.models.Erasure``).
NOT_ERASED = Q(erasure__isnull=True)


# --- who is asking ----------------------------------------------------------


def is_active_account(user: Person | None) -> TypeGuard[User]:
    """A signed-in, active, non-retired account: anything else sees nothing."""
    if user is None:
        return False
    if not getattr(user, "is_authenticated", False):
        return False
    if not user.is_active:
        return False
    return user.status == ACTIVE


def _has_role(user: Person, role: str) -> TypeGuard[User]:
    return is_active_account(user) and user.role == role


def is_school_leader(user: Person) -> TypeGuard[User]:
    return _has_role(user, Role.SCHOOL_LEADER) and user.school_id is not None


def is_leader_of(user: Person, school_id: int | None) -> TypeGuard[User]:
    """The school leader of that school (and no other)."""
    if not is_school_leader(user):
        return False
    return user.school_id == school_id


def is_district_analyst(user: Person) -> TypeGuard[User]:
    return _has_role(user, Role.DISTRICT_ANALYST) and user.district_id is not None


def is_administrator(user: Person) -> TypeGuard[User]:
    """An administrator with a scope: a school, or a district when ``school`` is empty."""
    if not _has_role(user, Role.ADMINISTRATOR):
        return False
    return user.school_id is not None or user.district_id is not None


def _admin_school_q(user: User, prefix: str = "") -> Q:
    """The schools an administrator administers, as a filter on ``<prefix>school``."""
    if user.school_id is not None:
        return Q(**{f"{prefix}pk": user.school_id})
    return Q(**{f"{prefix}district_id": user.district_id})


# --- querysets --------------------------------------------------------------


def schools_for(user: Person) -> QuerySet[School]:
    """Schools whose page the user may open."""
    if not is_active_account(user):
        return School.objects.none()
    if is_administrator(user):
        return School.objects.filter(_admin_school_q(user))
    visible = NOTHING
    if is_school_leader(user):
        visible |= Q(pk=user.school_id)
    if is_district_analyst(user):
        visible |= Q(district_id=user.district_id)
    return School.objects.filter(visible, status=ACTIVE)


def teams_for(user: Person) -> QuerySet[Team]:
    """Teams the user may see: their own, their school's (leaders), their district's (analysts)."""
    if not is_active_account(user):
        return Team.objects.none()
    visible = Q(memberships__user=user)
    if is_school_leader(user):
        visible |= Q(school_id=user.school_id)
    if is_district_analyst(user):
        visible |= Q(school__district_id=user.district_id)
    return Team.objects.filter(visible, school__status=ACTIVE).distinct()


def classes_for(user: Person) -> QuerySet[SchoolClass]:
    """Classes the user may open: the ones they teach, or all of their school's."""
    if not is_active_account(user):
        return SchoolClass.objects.none()
    if is_administrator(user):
        return SchoolClass.objects.filter(_admin_school_q(user, "school__"))
    visible = Q(pk__in=_taught_class_ids(user))
    if is_school_leader(user):
        visible |= Q(school_id=user.school_id)
    return SchoolClass.objects.filter(visible, status=ACTIVE, school__status=ACTIVE)


def students_for(user: Person) -> QuerySet[Student]:
    """Individual students the user may see. Analysts never get one."""
    if not is_active_account(user):
        return Student.objects.none()
    if is_administrator(user):
        return Student.objects.filter(_admin_school_q(user, "school__"), NOT_ERASED)
    taught = Enrollment.objects.filter(
        role=Enrollment.EnrollmentRole.STUDENT,
        status=ACTIVE,
        school_class__in=_taught_class_ids(user),
        school_class__status=ACTIVE,
    ).values("student_id")
    visible = Q(pk__in=taught)
    if is_school_leader(user):
        visible |= Q(school_id=user.school_id)
    return Student.objects.filter(visible, NOT_ERASED, status=ACTIVE, school__status=ACTIVE)


def staff_for(user: Person) -> QuerySet[User]:
    """Individual staff records the user may see. Analysts see only themselves."""
    if not is_active_account(user):
        return User.objects.none()
    if is_administrator(user):
        in_scope = Q(pk=user.pk) | _admin_school_q(user, "school__")
        if user.school_id is None:
            in_scope |= Q(district_id=user.district_id)
        return User.objects.filter(in_scope)
    my_teams = TeamMembership.objects.filter(user=user).values("team_id")
    co_teachers = Enrollment.objects.filter(
        role=Enrollment.EnrollmentRole.TEACHER,
        status=ACTIVE,
        school_class__in=_taught_class_ids(user),
    ).values("staff_id")
    visible = Q(pk=user.pk)
    visible |= Q(team_memberships__team__in=my_teams)
    visible |= Q(pk__in=co_teachers)
    if is_school_leader(user):
        visible |= Q(school_id=user.school_id)
    return User.objects.filter(visible, status=ACTIVE, is_active=True).distinct()


def _taught_class_ids(user: User) -> QuerySet[Enrollment, dict[str, int]]:
    return Enrollment.objects.filter(
        staff=user,
        role=Enrollment.EnrollmentRole.TEACHER,
        status=ACTIVE,
    ).values("school_class_id")


# --- one object, or 404 -----------------------------------------------------


def get_or_404(queryset: QuerySet[M], object_id: ObjectId) -> M:
    """The object of ``queryset`` with that id, or 404 (a malformed id too): leaks nothing."""
    if object_id is None:
        raise Http404
    try:
        pk = int(object_id)
    except ValueError:
        raise Http404 from None
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def access_school(user: Person, school_id: ObjectId) -> School:
    return get_or_404(schools_for(user), school_id)


def access_team(user: Person, team_id: ObjectId) -> Team:
    return get_or_404(teams_for(user).select_related("school"), team_id)


def access_class(user: Person, class_id: ObjectId) -> SchoolClass:
    return get_or_404(classes_for(user).select_related("school", "course"), class_id)


def access_student(user: Person, student_id: ObjectId) -> Student:
    return get_or_404(students_for(user).select_related("school"), student_id)


def access_staff(user: Person, user_id: ObjectId) -> User:
    return get_or_404(staff_for(user).select_related("school"), user_id)


# --- what the user may change -----------------------------------------------


def team_role_of(user: Person, team: Team) -> str | None:
    """The user's role in the team (member, lead, coach), or None."""
    if not is_active_account(user):
        return None
    membership = TeamMembership.objects.filter(team=team, user=user).first()
    return membership.role if membership else None


def can_create_team(user: Person, school: School) -> bool:
    """School leaders build their school's teams; teams do not come from OneRoster."""
    return is_leader_of(user, school.pk)


def can_manage_team_members(user: Person, team: Team) -> bool:
    """Add and remove members, set the lead and the coach."""
    return can_create_team(user, team.school)


#: Roles that never join a team: analysts read counts, administrators run the roster.
NOT_TEAM_ROLES = (Role.DISTRICT_ANALYST, Role.ADMINISTRATOR)


def team_member_candidates(team: Team) -> QuerySet[User]:
    """Who may join ``team``: its school's active staff, not analysts or administrators."""
    return User.objects.filter(school=team.school, status=ACTIVE, is_active=True).exclude(
        role__in=NOT_TEAM_ROLES
    )


def can_join_team(person: User, team: Team) -> bool:
    """The same rule as :func:`team_member_candidates`, for one person."""
    return team_member_candidates(team).filter(pk=person.pk).exists()


def can_edit_team(user: Person, team: Team) -> bool:
    """Run the team's work (its inquiry cycles): its lead, its coach, its school leader."""
    if can_manage_team_members(user, team):
        return True
    lead_or_coach = {TeamMembership.TeamRole.LEAD, TeamMembership.TeamRole.COACH}
    return team_role_of(user, team) in lead_or_coach


def can_contribute_to_team(user: Person, team: Team) -> bool:
    """Add to the team's work (log, evidence, observations): any member, or an editor."""
    return team_role_of(user, team) is not None or can_edit_team(user, team)


def can_set_time_zones(user: Person) -> TypeGuard[User]:
    """Open the Time zones page: administrators, for the schools (and district) of their scope."""
    return is_administrator(user)


def can_set_district_time_zone(user: Person, district: District) -> bool:
    """A district's time zone: its district administrators (not a school's)."""
    if not is_administrator(user):
        return False
    if user.school_id is not None:
        return False
    return user.district_id == district.pk


def can_set_school_time_zone(user: Person, school: School) -> bool:
    """A school's time zone: its administrators and its district's."""
    if not is_administrator(user):
        return False
    if user.school_id is not None:
        return user.school_id == school.pk
    return user.district_id == school.district_id


def can_list_people(user: Person) -> bool:
    """Staff and student lists are for school leaders and administrators."""
    return is_school_leader(user) or is_administrator(user)


def can_manage_accounts(user: Person) -> TypeGuard[User]:
    """Open the Accounts page: administrators, for the staff of their scope."""
    return is_administrator(user)


def accounts_for(user: Person) -> QuerySet[User]:
    """Staff accounts on an administrator's Accounts page: their scope, retired included."""
    if not can_manage_accounts(user):
        return User.objects.none()
    return staff_for(user)


def access_account(user: Person, user_id: ObjectId) -> User:
    return get_or_404(accounts_for(user).select_related("school", "district"), user_id)


def can_manage_account(user: Person, person: User) -> TypeGuard[User]:
    """Invite, reset, change the role of, deactivate or reactivate ``person``."""
    if not can_manage_accounts(user):
        return False
    # Never themselves: an administrator cannot lock themselves out or demote themselves.
    if person.pk == user.pk:
        return False
    # A retired account left the roster: the next import decides, not a person.
    if person.status != ACTIVE:
        return False
    return accounts_for(user).filter(pk=person.pk).exists()


def can_invite(user: Person, person: User) -> bool:
    """Send (or send again) the one-time link that sets a first password."""
    if not can_manage_account(user, person):
        return False
    if not person.is_active:
        return False
    if person.has_password:
        return False
    return bool(person.email)


def can_send_password_reset(user: Person, person: User) -> bool:
    """Send a password reset link to someone who already has a password."""
    if not can_manage_account(user, person):
        return False
    if not person.is_active:
        return False
    if not person.has_password:
        return False
    return bool(person.email)


def can_deactivate(user: Person, person: User) -> bool:
    return can_manage_account(user, person) and person.is_active


def can_reactivate(user: Person, person: User) -> bool:
    return can_manage_account(user, person) and not person.is_active


def can_set_role(user: Person, person: User, role: str) -> bool:
    """Give ``person`` the role ``role``, never reaching beyond the administrator's own scope.

    ``person`` is inside the administrator's scope, so an administrator made of them
    administers their school (or, without a school, their district): never more.
    """
    if not can_manage_account(user, person):
        return False
    if role not in Role.values:
        return False
    if role == Role.DISTRICT_ANALYST:
        # An analyst reads the whole district: only a district administrator reaches that far.
        return user.school_id is None and person.district_id is not None
    if person.school_id is None:
        # District-level staff have no school for a school role to work in.
        return role == Role.ADMINISTRATOR
    return True


def roles_assignable(user: Person, person: User) -> list[str]:
    """The roles ``user`` may give ``person``, in the order of :class:`Role`."""
    return [role for role in Role.values if can_set_role(user, person, role)]


def can_change_own_password(user: Person) -> TypeGuard[User]:
    """Everyone with an active account changes their own password."""
    return is_active_account(user)


def can_import_roster(user: Person) -> TypeGuard[User]:
    return is_administrator(user)


def can_see_district_overview(user: Person) -> bool:
    """The district's schools with counts: analysts and district-level administrators."""
    return is_district_analyst(user) or (is_administrator(user) and user.school_id is None)


def report_schools_for(user: Person) -> QuerySet[School]:
    """Schools whose reports (the impact report, the board summary) a person may ask for:
    whoever opens the school's dashboard (:func:`access_school_dashboard`), since a report
    is made of it. A report shows what its requester sees: an analyst's, aggregates only."""
    return schools_for(user)


def reports_for(user: Person, reports: QuerySet[M]) -> QuerySet[M]:
    """Of ``reports`` (the dashboards' Report records, which this package may not import),
    those ``user`` may read: the ones they asked for, of a school still theirs.

    A report is built as its requester sees the school, so it is theirs alone: a leader's
    report may hold what an analyst of the district must not read.
    """
    if not is_active_account(user):
        return reports.none()
    return reports.filter(requested_by=user, school__in=report_schools_for(user))


def import_runs_for(user: Person) -> QuerySet[ImportRun]:
    """Roster uploads an administrator may follow: their own and those of staff in their scope."""
    if not can_import_roster(user):
        return ImportRun.objects.none()
    return ImportRun.objects.filter(created_by__in=staff_for(user))


def access_import_run(user: Person, run_id: ObjectId) -> ImportRun:
    return get_or_404(import_runs_for(user), run_id)


def can_start_import_again(user: Person, run: ImportRun) -> bool:
    """Run again an upload that failed on something other than its export (a dead worker).

    Whoever may follow the run and import a roster; it runs in their own scope.
    """
    if not can_import_roster(user):
        return False
    if not run.can_start_again:
        return False
    return import_runs_for(user).filter(pk=run.pk).exists()


# --- what a roster import may write -----------------------------------------


@dataclass(frozen=True)
class RosterScope:
    """The records a roster import may create or change.

    ``district_id`` None: every record (the command line). Otherwise that
    district's records only and, when ``school_id`` is set, that school's only:
    a school's administrator may list their district and its academic sessions
    as they are, and add sessions, but changes neither them nor another school.
    ``name`` names the school or district in messages and summaries.
    """

    district_id: int | None = None
    school_id: int | None = None
    name: str = ""

    @property
    def is_everything(self) -> bool:
        return self.district_id is None

    @property
    def kind(self) -> str:
        """everything, district or school: stored with a run's summary, translated when shown."""
        if self.is_everything:
            return "everything"
        return "district" if self.school_id is None else "school"

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "name": self.name}

    def may_read_district(self, district_id: int | None) -> bool:
        """May rows refer to this district (and its academic sessions)?"""
        if self.is_everything:
            return True
        return district_id == self.district_id

    def may_write_district(self, district_id: int | None) -> bool:
        """Create (``None``: a new district) or change a district or one of its sessions."""
        if self.is_everything:
            return True
        if self.school_id is not None:
            return False
        return district_id == self.district_id

    def may_add_session(self, district_id: int | None) -> bool:
        """Add a new academic session to a district: a school's classes need their terms."""
        return self.may_read_district(district_id)

    def may_write_school(self, school_id: int | None, district_id: int | None) -> bool:
        """Create (``school_id`` None) or change a school of ``district_id``, or a record of it."""
        if self.is_everything:
            return True
        if district_id != self.district_id:
            return False
        if self.school_id is not None:
            return school_id == self.school_id
        return True

    def may_write_staff(self, school_id: int | None, district_id: int | None) -> bool:
        """Create or change a staff account working at a school, or district-wide (no school)."""
        if school_id is None:
            return self.may_write_district(district_id)
        return self.may_write_school(school_id, district_id)


#: The command line's scope: a server operator may import anything.
ROSTER_SCOPE_ALL = RosterScope()


def roster_import_scope_for(user: Person) -> RosterScope | None:
    """What a web roster import by ``user`` may write, or None when they may not import."""
    if not can_import_roster(user):
        return None
    school = user.school
    if school is not None:
        return RosterScope(district_id=school.district_id, school_id=school.pk, name=school.name)
    return RosterScope(district_id=user.district_id, name=str(user.district))


# --- dashboards -----------------------------------------------------------------


def access_school_dashboard(user: Person, school_id: ObjectId) -> School:
    """The school whose dashboard a person opens: its leader, its administrators and its
    district's analysts (who read aggregates only), exactly those who may open the
    school (:func:`schools_for`); anyone else gets a 404."""
    return access_school(user, school_id)


def access_team_dashboard(user: Person, team_id: ObjectId) -> Team:
    """The team whose dashboard a person opens: whoever may read the team
    (:func:`teams_for`: its members, the school leader, the district's analysts)."""
    return access_team(user, team_id)


def dashboard_names_people(user: Person, school_id: int | None) -> TypeGuard[User]:
    """Whether a dashboard of that school may name people (who shared a win, who owns an
    action): the school's own staff. A district analyst, or anyone from elsewhere,
    reads aggregates and roles only."""
    if not is_active_account(user):
        return False
    if is_district_analyst(user):
        return False
    return user.school_id is not None and user.school_id == school_id
