"""What a cycle's rounds add up to, without any one person's notes.

:func:`round_summary` is what a school leader sees of a team's rounds by default
(counts, coverage and look-for frequencies), and what the team sees at the top of
its rounds page. It names nobody and quotes no note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Sum

from efficacy.cycles.models import InquiryCycle, LookFor
from efficacy.practice.models import EngagementTally, LookForTally, Note, Observation
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
