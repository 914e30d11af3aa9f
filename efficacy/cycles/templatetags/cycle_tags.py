"""Template tags of the cycle pages: the team page's list of cycles."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from efficacy.cycles.models import CycleStatus, InquiryCycle
from efficacy.cycles.plan.selectors import SharedWorkStatus, shared_work_statuses

register = template.Library()


@dataclass(frozen=True)
class TeamCycleRow:
    cycle: InquiryCycle
    shared: SharedWorkStatus | None  # None for a closed cycle: nothing left to nudge
    has_moment: bool


@dataclass(frozen=True)
class TeamCycles:
    rows: list[TeamCycleRow]

    @property
    def lacking_shared_work(self) -> int:
        """Open cycles whose work is not yet shared (the team dashboard's count)."""
        return sum(1 for row in self.rows if row.shared is not None and not row.shared.is_shared)


@register.simple_tag
def team_cycles(team) -> TeamCycles:
    """A team's cycles, newest first, each with its shared-work status and mastery moment."""
    cycles = list(team.cycles.prefetch_related("mastery_moments").order_by("-created_at", "-pk"))
    shared = shared_work_statuses(c for c in cycles if c.status != CycleStatus.CLOSED)
    rows = [
        TeamCycleRow(
            cycle=cycle,
            shared=shared.get(cycle.pk),  # None for a closed cycle
            has_moment=bool(cycle.mastery_moments.all()),
        )
        for cycle in cycles
    ]
    return TeamCycles(rows=rows)
