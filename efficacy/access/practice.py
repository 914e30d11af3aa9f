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
* **changing or cancelling a planned round** (:func:`can_change_plan`): whoever may
  plan the cycle's rounds (:func:`can_plan_round`); the service refuses a round that
  has taken place or, to cancel, one in which anything was written;
* **writing an observation** (:func:`can_edit_observation`): its host and its
  observers, and only while their accounts are active;
* **correcting or deleting a note** (:func:`can_change_note`): its author alone,
  while they may still write in the observation; never the host, for someone else's;
* **sharing it with the school leader** (:func:`can_share`): the host alone.

Team meetings are the team's working record, not a report:

* **seeing a meeting** (:func:`meetings_for`): whoever sees the cycle's team as a
  team (its members, the school leader), as :func:`~efficacy.access.cycles.access_cycle`
  would show them the cycle, but never a district analyst;
* **recording one** (:func:`can_record_meeting`): any member of the team
  (``can_contribute_to_team``);
* **ticking an action done** (:func:`can_tick_action`): its owner and the cycle's
  editors (its lead, its coach, the school leader).
The implementation log (how fully each teacher used each strategy, by class and
week) is walled off the same way:

* **logging** (:func:`can_log_implementation`): a member of the cycle's team (or
  an editor) who teaches a class, for the classes they teach
  (:func:`can_log_for_class`), and only while the cycle is open (the service
  calls ``cycle.require_open()``);
* **coverage by teacher and by class** (:func:`can_see_coverage_detail`): the
  team's members (lead, coach, member) only;
* **coverage of the team as a whole** (:func:`can_see_coverage`): whoever reads
  the cycle (``access_cycle``), the school leader and district analysts
  included, as aggregates over the team's teachers, like the impact panel.
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
from efficacy.access.cycles import cycles_for, own_class_ids
from efficacy.access.roster import (
    ObjectId,
    Person,
    can_contribute_to_team,
    can_edit_team,
    is_active_account,
    is_leader_of,
    is_school_leader,
    team_role_of,
)
from efficacy.cycles.models import InquiryCycle
from efficacy.practice.models import Action, Meeting, Note, Observation, RoundSchedule
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


def can_change_plan(user: Person, observation: Observation) -> bool:
    return can_plan_round(user, observation.cycle)


def require_plan_changer(user: Person, observation: Observation) -> None:
    if not can_change_plan(user, observation):
        raise PermissionDenied(
            _("Only the lead or coach of %(team)s (or the school leader) can change its rounds.")
            % {"team": observation.cycle.team}
        )


def can_edit_observation(user: Person, observation: Observation) -> bool:
    if not is_active_account(user):
        return False
    if observation.host_id == user.pk:
        return True
    return observation.is_observer(user.pk)


def can_change_note(user: Person, note: Note) -> bool:
    if note.author_id != user.pk:
        return False
    return can_edit_observation(user, note.observation)


def require_note_changer(user: Person, note: Note) -> None:
    if not can_change_note(user, note):
        raise PermissionDenied(_("Only the note's author can correct or delete it."))


def can_share(user: Person, observation: Observation) -> bool:
    return is_active_account(user) and observation.host_id == user.pk


def require_planner(user: Person, cycle: InquiryCycle) -> None:
    if not can_plan_round(user, cycle):
        raise PermissionDenied(
            _("Only the lead or coach of %(team)s (or the school leader) can plan its rounds.")
            % {"team": cycle.team}
        )


def can_schedule_rounds(user: Person, school: School) -> bool:
    return is_leader_of(user, school.pk)


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


# --- team meetings ------------------------------------------------------------


def meetings_for(user: Person) -> QuerySet[Meeting]:
    """Meetings a person may open: their teams' and, for a school leader, their school's."""
    if not is_active_account(user):
        return Meeting.objects.none()
    my_teams = TeamMembership.objects.filter(user=user).values("team_id")
    visible = Q(cycle__team__in=my_teams)
    if is_school_leader(user):
        visible |= Q(cycle__team__school_id=user.school_id)
    return Meeting.objects.filter(visible, cycle__team__school__status=Status.ACTIVE).distinct()


def access_meeting(user: Person, meeting_id: ObjectId) -> Meeting:
    meetings = meetings_for(user).select_related("cycle", "cycle__team", "cycle__team__school")
    return access.get_or_404(meetings, meeting_id)


def actions_for(user: Person) -> QuerySet[Action]:
    """Actions of the meetings a person may open."""
    return Action.objects.filter(meeting__in=meetings_for(user))


def can_see_meetings_of(user: Person, cycle: InquiryCycle) -> bool:
    """The cycle's meetings page: the same people as :func:`meetings_for`."""
    return can_see_rounds_of(user, cycle)


def can_record_meeting(user: Person, cycle: InquiryCycle) -> bool:
    return can_contribute_to_team(user, cycle.team)


def can_tick_action(user: Person, action: Action) -> bool:
    if not is_active_account(user):
        return False
    if action.owner_id == user.pk:
        return True
    return can_edit_team(user, action.meeting.cycle.team)


def require_meeting_recorder(user: Person, cycle: InquiryCycle) -> None:
    if not can_record_meeting(user, cycle):
        raise PermissionDenied(
            _("Only members of %(team)s can record its meetings.") % {"team": cycle.team}
        )


def require_action_ticker(user: Person, action: Action) -> None:
    if not can_tick_action(user, action):
        raise PermissionDenied(
            _("Only the action's owner and the team's lead or coach can tick it done.")
        )


# --- the implementation log ------------------------------------------------------


def can_log_implementation(user: Person, cycle: InquiryCycle) -> bool:
    """Log how fully one used the cycle's strategies: a team member who teaches a class."""
    if not can_contribute_to_team(user, cycle.team):
        return False
    return bool(own_class_ids(user))


def can_log_for_class(user: Person, cycle: InquiryCycle, class_id: int) -> bool:
    """A teacher logs for the classes they teach, never a colleague's."""
    if not can_log_implementation(user, cycle):
        return False
    return class_id in own_class_ids(user)


def require_implementation_logger(
    user: Person, cycle: InquiryCycle, class_ids: set[int] | frozenset[int]
) -> None:
    if not can_log_implementation(user, cycle):
        raise PermissionDenied(
            _("Only members of %(team)s who teach a class log how they used its strategies.")
            % {"team": cycle.team}
        )
    if not class_ids <= own_class_ids(user):
        raise PermissionDenied(_("You log only for the classes you teach."))


def can_see_coverage(user: Person, cycle: InquiryCycle) -> bool:
    """The team's coverage as a whole: whoever may read the cycle."""
    return cycles_for(user).filter(pk=cycle.pk).exists()


def can_see_coverage_detail(user: Person, cycle: InquiryCycle) -> bool:
    """Coverage by teacher and by class: the team's own members, never as a league table
    for anyone outside it (DESIGN.md, principle 7)."""
    if not is_active_account(user):
        return False
    return team_role_of(user, cycle.team) is not None
