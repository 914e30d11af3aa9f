"""Who may plan, read, write and share instructional rounds (peer observation).

Observations are developmental and walled off from evaluation (DESIGN.md,
principle 7). The rules, one condition per line below:

* **seeing a round** (:func:`rounds_for`): the members of the cycle's team (lead,
  coach, member) and the school leader of the team's school; nobody else, not
  another team, not a district analyst (404);
* **reading its notes** (:func:`can_read_notes`): its host, its observers and the
  team's members, but never a school leader as such: a school leader reads
  counts, coverage and look-for frequencies (:func:`round_summary` in the app),
  and an individual's notes only once the host has shared the observation;
* **planning a round** (:func:`can_plan_round`): whoever edits the cycle's team
  (its lead, its coach, the school leader);
* **writing an observation** (:func:`can_edit_observation`): its host and its
  observers, and only while their accounts are active;
* **sharing it with the school leader** (:func:`can_share`): the host alone;
* **scheduling rounds for a school** (:func:`can_schedule_rounds`): the school
  leader of that school, who alone sees every team's timetable and substitutes;
  a proposed schedule (:func:`round_schedules_for`) is theirs only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from efficacy.access import roster as access
from efficacy.access.roster import (
    ObjectId,
    Person,
    can_edit_team,
    is_active_account,
    is_school_leader,
    team_role_of,
)
from efficacy.cycles.models import InquiryCycle
from efficacy.practice.models import Observation, RoundSchedule
from efficacy.roster.models import School, Status, TeamMembership

# --- reading ------------------------------------------------------------------


def rounds_for(user: Person) -> QuerySet[Observation]:
    """Observations a person may open: their teams' and, for a school leader, their school's."""
    if not is_active_account(user):
        return Observation.objects.none()
    my_teams = TeamMembership.objects.filter(user=user).values("team_id")
    visible = Q(cycle__team__in=my_teams)
    if is_school_leader(user):
        visible |= Q(cycle__team__school_id=user.school_id)
    return Observation.objects.filter(visible, cycle__team__school__status=Status.ACTIVE).distinct()


def access_round(user: Person, observation_id: ObjectId) -> Observation:
    rounds = rounds_for(user).select_related("cycle", "cycle__team", "host", "school_class")
    return access.get_or_404(rounds, observation_id)


def can_see_rounds_of(user: Person, cycle: InquiryCycle) -> bool:
    """The cycle's rounds page: the same people as :func:`rounds_for`."""
    if not is_active_account(user):
        return False
    if team_role_of(user, cycle.team) is not None:
        return True
    return is_school_leader(user) and user.school_id == cycle.team.school_id


def can_read_notes(user: Person, observation: Observation) -> bool:
    """An individual's notes, tallies, photos and debrief, beyond the counts."""
    if not is_active_account(user):
        return False
    if observation.host_id == user.pk or observation.is_observer(user.pk):
        return True
    if is_school_leader(user):
        # The wall: a leader reads what the host chose to share, never more.
        return observation.shared and user.school_id == observation.cycle.team.school_id
    return team_role_of(user, observation.cycle.team) is not None


# --- writing ------------------------------------------------------------------


def can_plan_round(user: Person, cycle: InquiryCycle) -> bool:
    return can_edit_team(user, cycle.team)


def can_edit_observation(user: Person, observation: Observation) -> bool:
    if not is_active_account(user):
        return False
    if observation.host_id == user.pk:
        return True
    return observation.is_observer(user.pk)


def can_share(user: Person, observation: Observation) -> bool:
    return is_active_account(user) and observation.host_id == user.pk


def require_planner(user: Person, cycle: InquiryCycle) -> None:
    if not can_plan_round(user, cycle):
        raise PermissionDenied(
            _("Only the lead or coach of %(team)s (or the school leader) can plan its rounds.")
            % {"team": cycle.team}
        )


def can_schedule_rounds(user: Person, school: School) -> bool:
    if not is_school_leader(user):
        return False
    return user.school_id == school.pk


def require_scheduler(user: Person, school: School) -> None:
    if not can_schedule_rounds(user, school):
        raise PermissionDenied(
            _("Only the school leader of %(school)s schedules its rounds.") % {"school": school}
        )


def round_schedules_for(user: Person) -> QuerySet[RoundSchedule]:
    """Proposed and accepted schedules: the school leader's own school's."""
    if not is_school_leader(user):
        return RoundSchedule.objects.none()
    return RoundSchedule.objects.filter(school=user.school, school__status=Status.ACTIVE)


def access_round_schedule(user: Person, schedule_id: ObjectId) -> RoundSchedule:
    return access.get_or_404(round_schedules_for(user).select_related("school"), schedule_id)


def require_observation_writer(user: Person, observation: Observation) -> None:
    if not can_edit_observation(user, observation):
        raise PermissionDenied(_("Only the host and the observers can write in this observation."))


def require_host(user: Person, observation: Observation) -> None:
    if not can_share(user, observation):
        raise PermissionDenied(_("Only the host decides whether to share this observation."))
