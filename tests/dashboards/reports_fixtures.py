"""School A with closed cycles to report on (imported by the report tests).

Two closed cycles of the English team and one of the maths team have a stored impact
(effects with their intervals, 24 focus students each); a fourth closed cycle's focus
group is below the reporting threshold, so its effect is suppressed and its size unknown.
The English team's first cycle met its goal and its mastery moment is published.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from efficacy.cycles.models import CycleStatus, ImpactSummary, MasteryMoment
from efficacy.cycles.plan.services import cycle_create
from efficacy.privacy import small_group

#: (team attribute, title, effect, ci_low, ci_high)
CLOSED = [
    ("team_english", "Inference in grade 9 applied English", 0.62, 0.21, 1.03),
    ("team_english", "Vocabulary in grade 9 applied English", 0.35, -0.05, 0.75),
    ("team_math", "Fractions in grade 10 mathematics", 0.48, 0.12, 0.84),
]
SMALL_TITLE = "Spelling with a very small group"


def _closed(world, team_name: str, title: str):
    team = getattr(world, team_name)
    lead = world.lead_english if team_name == "team_english" else world.lead_math
    cycle = cycle_create(
        user=lead,
        team=team,
        title=title,
        focus={"grades": ["09"], "pathways": ["applied"]},
        start_date=dt.date(2024, 9, 15),
        end_date=dt.date(2024, 12, 15),
    )
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    return cycle


def closed_cycles(world):
    cycles = []
    for team_name, title, effect, low, high in CLOSED:
        cycle = _closed(world, team_name, title)
        ImpactSummary.objects.create(
            cycle=cycle, measure_name="Rubric", n=24, effect=effect, ci_low=low, ci_high=high,
            expected_growth=0.12, computed_at=timezone.now(),
        )  # fmt: skip
        cycles.append(cycle)
    small = _closed(world, "team_math", SMALL_TITLE)
    ImpactSummary.objects.create(
        cycle=small,
        measure_name="Rubric",
        n=None,
        reason=small_group(10).to_dict(),
        computed_at=timezone.now(),
    )
    MasteryMoment.objects.create(
        cycle=cycles[0], reflection={"cause": "Ava Brown quoted line 4."},
        rule="prepost_gain", published=True,
        evidence_summary={"rule": "prepost_gain", "n": 24, "d_av": 0.62, "ci_low": 0.21,
                          "ci_high": 1.03, "expected_growth": 0.12, "measure": "Rubric"},
    )  # fmt: skip
    return [*cycles, small]
