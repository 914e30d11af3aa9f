"""The implementation log of the English team's cycle: two strategies, weeks of October 2024.

teacher_a teaches English 9 Applied (the focus class); lead_english teaches English 9
Academic; coach_a teaches no class.
"""

from __future__ import annotations

import datetime as dt

import pytest

from efficacy.cycles.models import Strategy
from efficacy.cycles.plan.services import cycle_strategies_set

#: Mondays inside the cycle fixture's dates (15 September to 15 December 2024).
WEEK_1 = dt.date(2024, 10, 7)
WEEK_2 = dt.date(2024, 10, 14)


@pytest.fixture
def two_strategies(world, cycle):
    strategies = list(Strategy.objects.filter(school=None, look_fors__isnull=False).distinct()[:2])
    cycle_strategies_set(
        user=world.lead_english, cycle=cycle, strategy_ids=[s.pk for s in strategies]
    )
    return strategies
