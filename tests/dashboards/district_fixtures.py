"""Closed and running cycles of both schools of the world's district, with stored impact
summaries whose figures are easy to check by hand.

Every stored effect has the same interval half-width (SE 0.1), so a random-effects
pooled estimate is the plain mean of the effects, whatever τ²:

- Northview (school A): closed cycles with effects 0.3, 0.5 and 0.1 (pooled 0.3), a
  closed cycle whose effect is suppressed (small group), and one in planning;
- Southgate (school B): one closed cycle with effect 0.7 (too few to pool) and one
  implementing;
- the district pools the four effects: 0.4.
- Hillcrest (another district) has a closed cycle that must never show.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from efficacy.cycles.models import CycleStatus, ImpactSummary, InquiryCycle

Z = 1.959963984540054
SE = 0.1


def make_cycle(team, title, *, status=CycleStatus.CLOSED, effect=None, focus=None,
               start=dt.date(2024, 9, 15), reason=None) -> InquiryCycle:  # fmt: skip
    cycle = InquiryCycle.objects.create(
        team=team, title=title, status=status, focus=focus or {}, start_date=start,
        end_date=start + dt.timedelta(days=90),
    )  # fmt: skip
    if status == CycleStatus.CLOSED:
        shown = effect is not None
        ImpactSummary.objects.create(
            cycle=cycle, measure_name="Rubric", n=None if reason else 12, effect=effect,
            ci_low=effect - Z * SE if shown else None, ci_high=effect + Z * SE if shown else None,
            expected_growth=0.1, reason=reason or {}, computed_at=timezone.now(),
        )  # fmt: skip
    return cycle


def district_cycles(world) -> dict[str, InquiryCycle]:
    english, math, b = world.team_english, world.team_math, world.team_b
    world.math_10.subjects = ["Mathematics"]
    world.math_10.save()
    small = {"code": "small_group", "threshold": 10, "group": "focus_paired"}
    return {
        "a1": make_cycle(english, "Inference", effect=0.3,
                         focus={"grades": ["09"], "pathways": ["applied"]}),
        "a2": make_cycle(english, "Vocabulary", effect=0.5,
                         focus={"grades": ["09"], "attributes": {"ell": True}}),
        "a3": make_cycle(math, "Fractions", effect=0.1, focus={"classes": [world.math_10.pk]},
                         start=dt.date(2023, 10, 1)),
        "a_small": make_cycle(english, "Tiny group", reason=small,
                              focus={"grades": ["09"], "pathways": ["applied"]}),
        "a_plan": make_cycle(math, "Planning ahead", status=CycleStatus.PLANNING),
        "b1": make_cycle(b, "Reading aloud", effect=0.7, focus={"grades": ["09"]}),
        "b_run": make_cycle(b, "Running now", status=CycleStatus.IMPLEMENTING),
        "c1": make_cycle(world.team_c, "Elsewhere", effect=2.0),
    }  # fmt: skip
