"""Which cycles and mastery moments a person may read.

Built only from :mod:`efficacy.roster.access`, so the role rules stay in that
one place: a cycle is visible to whoever may see its team (members, the school
leader, the district's analysts); a *published* mastery moment is visible to
every active staff member of the team's school, because spreading the practice
to the whole faculty is what publishing is for. Anything else is a 404.

Student-level evidence (the grid, the export) needs more than reading:
``can_contribute_to_team`` (members and editors), never an analyst.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from efficacy.cycles.models import InquiryCycle, MasteryMoment
from efficacy.roster import access


def cycles_for(user: Any) -> QuerySet[InquiryCycle]:
    return InquiryCycle.objects.filter(team__in=access.teams_for(user))


def access_cycle(user: Any, cycle_id: Any) -> InquiryCycle:
    return access.get_or_404(cycles_for(user).select_related("team", "team__school"), cycle_id)


def moments_for(user: Any) -> QuerySet[MasteryMoment]:
    if not access.is_active_account(user):
        return MasteryMoment.objects.none()
    visible = Q(cycle__team__in=access.teams_for(user))
    if user.school_id is not None:
        visible |= Q(published=True, cycle__team__school_id=user.school_id)
    return MasteryMoment.objects.filter(visible).distinct()


def access_moment(user: Any, moment_id: Any) -> MasteryMoment:
    moments = moments_for(user).select_related("cycle", "cycle__team", "cycle__team__school")
    return access.get_or_404(moments, moment_id)


def can_see_student_evidence(user: Any, cycle: InquiryCycle) -> bool:
    """The grid and the student-level export: team members and editors only."""
    return access.can_contribute_to_team(user, cycle.team)
