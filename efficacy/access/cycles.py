"""Who may read and change inquiry cycles and mastery moments.

Built only from :mod:`efficacy.access.roster`, so the role rules stay in that
one package.

Reading: a cycle is visible to whoever may see its team (members, the school
leader, the district's analysts); a *published* mastery moment is visible to
every active staff member of the team's school, because spreading the practice
to the whole faculty is what publishing is for. Anything else is a 404.
Student-level evidence (the grid, the export) needs more than reading:
``can_contribute_to_team`` (members and editors), never an analyst.

Writing: views fetch the cycle with ``access_cycle`` and then call a service,
which re-checks the *write* rule here, because seeing a team does not mean
changing it. Two levels, as the roster rules define them:

* **edit** (``can_edit_team``: the team's lead or coach, the school leader):
  the cycle itself: goals, groups, plan, strategies, measures, occasions,
  status, closing;
* **contribute** (``can_contribute_to_team``: any member too): evidence,
  reflection, ticking off milestones. A contributor who is not an editor
  enters scores only for students in classes they teach.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from efficacy.access import roster as access
from efficacy.access.roster import (
    ObjectId,
    Person,
    can_contribute_to_team,
    can_edit_team,
    is_active_account,
    is_administrator,
)
from efficacy.cycles.models import InquiryCycle, MasteryMoment
from efficacy.roster.models import Enrollment, Role, School, Status, Team

#: Who may add a strategy to their school's own library.
STRATEGY_AUTHORS = {Role.SCHOOL_LEADER, Role.COACH, Role.TEAM_LEAD}


# --- reading ------------------------------------------------------------------


def cycles_for(user: Person) -> QuerySet[InquiryCycle]:
    return InquiryCycle.objects.filter(team__in=access.teams_for(user))


def access_cycle(user: Person, cycle_id: ObjectId) -> InquiryCycle:
    return access.get_or_404(cycles_for(user).select_related("team", "team__school"), cycle_id)


def moments_for(user: Person) -> QuerySet[MasteryMoment]:
    if not is_active_account(user):
        return MasteryMoment.objects.none()
    visible = Q(cycle__team__in=access.teams_for(user))
    if user.school_id is not None:
        visible |= Q(published=True, cycle__team__school_id=user.school_id)
    return MasteryMoment.objects.filter(visible).distinct()


def access_moment(user: Person, moment_id: ObjectId) -> MasteryMoment:
    moments = moments_for(user).select_related("cycle", "cycle__team", "cycle__team__school")
    return access.get_or_404(moments, moment_id)


def can_see_student_evidence(user: Person, cycle: InquiryCycle) -> bool:
    """The grid and the student-level export: team members and editors only."""
    return can_contribute_to_team(user, cycle.team)


# --- writing ------------------------------------------------------------------
def require_editor(user: Person, team: Team) -> None:
    if not can_edit_team(user, team):
        raise PermissionDenied(
            _("Only the lead or coach of %(team)s (or the school leader) can change its cycles.")
            % {"team": team}
        )


def require_contributor(user: Person, team: Team) -> None:
    if not can_contribute_to_team(user, team):
        raise PermissionDenied(
            _("Only members of %(team)s can add to its cycles.") % {"team": team}
        )


def can_add_strategy(user: Person, school: School) -> bool:
    """School leaders, coaches and team leads extend their own school's strategy library."""
    return (
        is_active_account(user)
        and user.school_id == school.pk
        and (user.role in STRATEGY_AUTHORS or is_administrator(user))
    )


def own_class_ids(user: Person) -> set[int]:
    """Classes the user teaches (an active teacher enrolment)."""
    if not is_active_account(user):
        return set()
    return set(
        Enrollment.objects.filter(
            staff=user, role=Enrollment.EnrollmentRole.TEACHER, status=Status.ACTIVE
        ).values_list("school_class_id", flat=True)
    )
