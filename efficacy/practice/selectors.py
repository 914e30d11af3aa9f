"""What a cycle's rounds add up to, without any one person's notes.

:func:`round_summary` is what a school leader sees of a team's rounds by default
(counts, coverage and look-for frequencies), and what the team sees at the top of
its rounds page. It names nobody and quotes no note.

:func:`open_actions` and :func:`rounds_to_attend` are a person's own follow-through
for their home page: the meeting actions they own and the rounds they host or observe.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum

from efficacy.access.practice import actions_for, rounds_for
from efficacy.cycles.models import CycleStatus, InquiryCycle, LookFor
from efficacy.practice.models import Action, EngagementTally, LookForTally, Note, Observation
from efficacy.roster.models import Status, User


@dataclass(frozen=True)
class LookForFrequency:
    look_for: LookFor
    ticks: int
    observations: int


@dataclass(frozen=True)
class RoundSummary:
    observations: int
    observed: int
    members: int
    hosts: int
    observers: int
    notes: int
    engagement: dict[str, int] = field(default_factory=dict)
    look_fors: list[LookForFrequency] = field(default_factory=list)


def round_summary(cycle: InquiryCycle) -> RoundSummary:
    rounds = Observation.objects.filter(cycle=cycle)
    members = User.objects.filter(
        team_memberships__team=cycle.team, status=Status.ACTIVE, is_active=True
    )
    tallies = LookForTally.objects.filter(observation__cycle=cycle, count__gt=0)
    per_look_for = {
        row["look_for"]: row
        for row in tallies.values("look_for").annotate(
            ticks=Sum("count"), rounds=Count("observation", distinct=True)
        )
    }
    focus = LookFor.objects.filter(strategy__observations__cycle=cycle).distinct()
    look_fors = [
        LookForFrequency(
            look_for=look_for,
            ticks=per_look_for.get(look_for.pk, {}).get("ticks", 0),
            observations=per_look_for.get(look_for.pk, {}).get("rounds", 0),
        )
        for look_for in focus.select_related("strategy")
    ]
    engagement = dict(
        EngagementTally.objects.filter(observation__cycle=cycle)
        .values_list("level")
        .annotate(total=Sum("count"))
    )
    return RoundSummary(
        observations=rounds.count(),
        observed=rounds.filter(notes__isnull=False).distinct().count(),
        members=members.count(),
        hosts=members.filter(hosted_observations__cycle=cycle).distinct().count(),
        observers=members.filter(observations_made__cycle=cycle).distinct().count(),
        notes=Note.objects.filter(observation__cycle=cycle).count(),
        engagement=engagement,
        look_fors=look_fors,
    )


#: The home page lists at most this many of a person's actions, and of their rounds.
MAX_ON_HOME = 20


def open_actions(user: User) -> list[Action]:
    """The actions a person owns that are not done, in open cycles: the earliest due first,
    those without a due date last."""
    return list(
        actions_for(user)
        .filter(owner=user, done=False)
        .exclude(meeting__cycle__status=CycleStatus.CLOSED)
        .select_related("meeting", "meeting__cycle")
        .order_by(F("due_date").asc(nulls_last=True), "meeting__date", "pk")[:MAX_ON_HOME]
    )


def rounds_to_attend(user: User, *, today: dt.date) -> list[Observation]:
    """Upcoming observations (today included) a person hosts or observes."""
    return list(
        rounds_for(user)
        .filter(Q(host=user) | Q(observers=user), date__gte=today)
        .exclude(cycle__status=CycleStatus.CLOSED)
        .select_related("cycle", "host", "school_class")
        .order_by("date", "pk")[:MAX_ON_HOME]
    )
