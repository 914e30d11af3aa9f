"""The write rules of inquiry cycles, on top of the roster access layer.

Reading (which cycles a person may see) is ``efficacy.roster.access``'s job:
views fetch the team with ``access_team`` and then call a service, which
re-checks the *write* rule here, because seeing a team does not mean
changing it. Two levels, as the access layer defines them:

* **edit** (``can_edit_team``: the team's lead or coach, the school leader):
  the cycle itself: goals, groups, plan, strategies, measures, occasions,
  status, closing;
* **contribute** (``can_contribute_to_team``: any member too): evidence,
  reflection, ticking off milestones. A contributor who is not an editor
  enters scores only for students in classes they teach.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from efficacy.roster.access import (
    can_contribute_to_team,
    can_edit_team,
    is_active_account,
    is_administrator,
)
from efficacy.roster.models import Enrollment, Role, School, Status, Team

#: Who may add a strategy to their school's own library.
STRATEGY_AUTHORS = {Role.SCHOOL_LEADER, Role.COACH, Role.TEAM_LEAD}


def require_editor(user: Any, team: Team) -> None:
    if not can_edit_team(user, team):
        raise PermissionDenied(
            _("Only the lead or coach of %(team)s (or the school leader) can change its cycles.")
            % {"team": team}
        )


def require_contributor(user: Any, team: Team) -> None:
    if not can_contribute_to_team(user, team):
        raise PermissionDenied(
            _("Only members of %(team)s can add to its cycles.") % {"team": team}
        )


def can_add_strategy(user: Any, school: School) -> bool:
    """School leaders, coaches and team leads extend their own school's strategy library."""
    return (
        is_active_account(user)
        and user.school_id == school.pk
        and (user.role in STRATEGY_AUTHORS or is_administrator(user))
    )


def own_class_ids(user: Any) -> set[int]:
    """Classes the user teaches (an active teacher enrolment)."""
    return set(
        Enrollment.objects.filter(
            staff=user, role=Enrollment.EnrollmentRole.TEACHER, status=Status.ACTIVE
        ).values_list("school_class_id", flat=True)
    )
