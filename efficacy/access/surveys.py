"""Who may run staff survey windows and read their results.

Results (the section at the end of this module):

* results exist only for a **closed** window (``window.has_closed(today)``): while
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

from django.db.models import Q, QuerySet

from efficacy.access import roster as access
from efficacy.access.roster import (
    ObjectId,
    Person,
    is_active_account,
    is_district_analyst,
    is_school_leader,
)
from efficacy.roster.models import Status, Team, TeamMembership
from efficacy.voice.models import SurveyInvitation, SurveyWindow

# --- results ----------------------------------------------------------------------


def result_windows_for(user: Person, *, today: dt.date) -> QuerySet[SurveyWindow]:
    """Closed windows whose results ``user`` may read (see the module docstring)."""
    if not is_active_account(user):
        return SurveyWindow.objects.none()
    invited = SurveyInvitation.objects.filter(user=user).values("window_id")
    visible = Q(pk__in=invited)
    if is_school_leader(user):
        visible |= Q(school_id=user.school_id)
    if is_district_analyst(user):
        visible |= Q(school__district_id=user.district_id)
    closed = SurveyWindow.closed_q(today)
    return SurveyWindow.objects.filter(visible, closed, school__status=Status.ACTIVE)


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
