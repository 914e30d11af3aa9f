"""Who may open, answer and manage staff survey windows (and, below, read their results).

A staff survey is anonymous by construction (DESIGN.md, principle 3): nobody, the
school leader included, ever sees who answered what, nor who has or has not
answered. The rules, one condition per line below:

* **seeing a window** (:func:`survey_windows_for`, :func:`access_window`): the
  school leader of its school; the staff invited to it; a district analyst, for
  the district's windows (to read their results; they answer and manage none).
  Anyone else gets a 404, as for a window that does not exist;
* **opening a window** (:func:`can_open_window`): the school's leader, for the
  whole school or one of its teams;
* **managing a window** (:func:`can_manage_window`: closing it early, sending
  reminders): the leader of its school. A reminder goes to whoever has not
  answered without the leader learning who or how many;
* **answering** (:func:`can_answer`): an active account invited to the window, still
  on its school's staff
  (a ledger row); the service checks the window is open and not yet answered;
* **instruments a window may use** (:func:`instruments_for_school`): those
  Efficacy ships and those of the school's district;
* **running counts** (:func:`can_see_running_counts`): nobody while the window
  is open, not even the number of answers; the results pages take over once it
  has closed.

Results (the section at the end of this module):

* results exist only for a **closed** window (``window.is_closed(today)``): while
  a window is open nobody sees anything of it, not even a count (404);
* **who reads a window's results** (:func:`result_windows_for`): the school
  leader of its school; a district analyst of its district (aggregates, as every
  result is); and the staff who were invited to answer it (the ledger,
  :class:`~efficacy.voice.models.SurveyInvitation`), so that the results go back
  to the people who gave them;
* **which team's figures** (:func:`can_see_team_results`): the school leader
  and the district's analysts see every team's; an invited member of staff sees
  their own teams' only, beside the school's figure;
* **the group of respondents who named no team** (:func:`can_see_results_without_team`):
  the school leader and the district's analysts;
* **a cycle's verdict beside its team's index** comes through
  :func:`efficacy.access.cycles.cycles_for`, as on the cycle's page.

Nobody ever sees a response row: the pages and exports show aggregates only,
and only above the anonymity threshold (:mod:`efficacy.privacy`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from efficacy.access import roster as access
from efficacy.access.instruments import instruments_of_district
from efficacy.access.roster import (
    ObjectId,
    Person,
    is_active_account,
    is_district_analyst,
    is_leader_of,
    is_school_leader,
)
from efficacy.roster.models import School, Status, Team, TeamMembership
from efficacy.voice.models import Instrument, SurveyInvitation, SurveyWindow

# --- seeing -------------------------------------------------------------------


def survey_windows_for(user: Person) -> QuerySet[SurveyWindow]:
    """Windows a person may open: their school's (leader), theirs to answer, their
    district's (analyst)."""
    if not is_active_account(user):
        return SurveyWindow.objects.none()
    invited = SurveyInvitation.objects.filter(user=user).values("window_id")
    visible = Q(pk__in=invited)
    if is_school_leader(user):
        visible |= Q(school_id=user.school_id)
    if is_district_analyst(user):
        visible |= Q(school__district_id=user.district_id)
    return SurveyWindow.objects.filter(visible, school__status=Status.ACTIVE)


def access_window(user: Person, window_id: ObjectId) -> SurveyWindow:
    windows = survey_windows_for(user).select_related("school", "team", "instrument")
    return access.get_or_404(windows, window_id)


def can_see_running_counts(user: Person, window: SurveyWindow, today: dt.date) -> bool:
    """How many have answered: never while the window is open, for anyone."""
    if window.is_open(today):
        return False
    return survey_windows_for(user).filter(pk=window.pk).exists()


# --- opening and managing -------------------------------------------------------


def can_open_window(user: Person, school: School, team: Team | None = None) -> bool:
    if not is_leader_of(user, school.pk):
        return False
    return team is None or team.school_id == school.pk


def require_window_opener(user: Person, school: School, team: Team | None = None) -> None:
    if not can_open_window(user, school, team):
        raise PermissionDenied(
            _("Only the school leader of %(school)s opens its survey windows.") % {"school": school}
        )


def can_manage_window(user: Person, window: SurveyWindow) -> bool:
    """Close it early, send reminders: the leader of its school."""
    return is_leader_of(user, window.school_id)


def require_window_manager(user: Person, window: SurveyWindow) -> None:
    if not can_manage_window(user, window):
        raise PermissionDenied(
            _("Only the school leader of %(school)s manages its survey windows.")
            % {"school": window.school}
        )


def instruments_for_school(school: School) -> QuerySet[Instrument]:
    """The instruments Efficacy ships and the school's district's own."""
    return instruments_of_district(school.district)


# --- answering ----------------------------------------------------------------


def can_answer(user: Person, window: SurveyWindow) -> bool:
    """An active account with an invitation (a ledger row) to this window, still on the
    staff of its school (someone who moved school no longer speaks for this one)."""
    if not is_active_account(user):
        return False
    if user.school_id != window.school_id:
        return False
    return SurveyInvitation.objects.filter(window=window, user=user).exists()


def require_respondent(user: Person, window: SurveyWindow) -> None:
    if not can_answer(user, window):
        raise PermissionDenied(_("This survey was not sent to you."))


# --- results ----------------------------------------------------------------------


def result_windows_for(user: Person, *, today: dt.date) -> QuerySet[SurveyWindow]:
    """Closed windows whose results ``user`` may read: the windows they see, once closed."""
    return survey_windows_for(user).filter(SurveyWindow.closed_q(today))


def access_window_results(user: Person, window_id: ObjectId, *, today: dt.date) -> SurveyWindow:
    """A closed window whose results ``user`` may read, or 404 (an open one too)."""
    windows = result_windows_for(user, today=today).select_related("school", "team", "instrument")
    return access.get_or_404(windows, window_id)


def sees_every_team(user: Person, window: SurveyWindow) -> bool:
    """The school leader and the district's analysts read every team's figures."""
    if is_school_leader(user) and user.school_id == window.school_id:
        return True
    return is_district_analyst(user) and user.district_id == window.school.district_id


def can_see_team_results(user: Person, window: SurveyWindow, team: Team) -> bool:
    """A team's figures in ``window``: every team for those who see them all, else the
    reader's own teams, and only when they were invited to the window."""
    if not is_active_account(user):
        return False
    if team.school_id != window.school_id:
        return False
    if sees_every_team(user, window):
        return True
    if not SurveyInvitation.objects.filter(window=window, user=user).exists():
        return False
    return TeamMembership.objects.filter(team=team, user=user).exists()


def can_see_results_without_team(user: Person, window: SurveyWindow) -> bool:
    """The respondents who named no team, as a group of their own."""
    return sees_every_team(user, window)


def can_see_group_results(user: Person, window: SurveyWindow, team: Team | None) -> bool:
    """One group's figures in ``window``: a team's, or (``team`` None) those of the
    respondents who named no team. The results page, its export and the API ask this."""
    if team is None:
        return can_see_results_without_team(user, window)
    return can_see_team_results(user, window, team)
