"""Requests for the scheduler's tests: a seeded school and a few hand-made teams."""

from __future__ import annotations

import random


def school(
    *,
    teachers: int = 12,
    team_size: int = 4,
    days: int = 3,
    periods: int = 4,
    taught: int = 3,
    seed: int = 1,
    **options: object,
) -> dict:
    """Teams of ``team_size``, each teacher teaching ``taught`` random periods of each day."""
    rng = random.Random(seed)
    request = {
        "days": days,
        "periods_per_day": periods,
        "weeks": 2,
        "substitutes_per_period": 2,
        "visits_each": 2,
        "teachers": [
            {
                "id": f"t{i:02d}",
                "team": f"team-{i // team_size}",
                "teaches": [
                    [day, period]
                    for day in range(1, days + 1)
                    for period in sorted(rng.sample(range(1, periods + 1), taught))
                ],
            }
            for i in range(teachers)
        ],
    }
    return {**request, **options}


def trio(*, weeks: int = 1) -> dict:
    """A team of three where ann and bob teach at the same time only in day 1, period 1.

    With visits_each 2 everyone must observe both others, so ann observes bob and bob
    observes ann in that one period: impossible in one week (nobody observes while being
    observed), possible in two. Every cheap condition holds, so only the solver can tell.
    """
    return {
        "days": 4,
        "periods_per_day": 2,
        "weeks": weeks,
        "substitutes_per_period": 2,
        "visits_each": 2,
        "teachers": [
            {"id": "ann", "team": "x", "teaches": [[1, 1], [2, 1], [3, 1], [4, 1]]},
            {"id": "bob", "team": "x", "teaches": [[1, 1], [2, 2], [3, 2], [4, 2]]},
            {
                "id": "cy",
                "team": "x",
                "teaches": [[2, 1], [3, 1], [4, 1], [2, 2], [3, 2], [4, 2]],
            },
        ],
    }
