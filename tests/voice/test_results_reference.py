"""The voice-level wiring of the statistics against independent references: reversed items
recoded, subscales with their own items, complete cases for reliability, the index's t
interval on the respondents' means (scipy, pingouin)."""

from __future__ import annotations

import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from efficacy.voice.models import SurveyResponse
from efficacy.voice.services.results import window_results
from tests.voice import results_world as rw

pytestmark = pytest.mark.django_db


def stored_answers(window) -> tuple[pd.DataFrame, list]:
    rows = list(SurveyResponse.objects.filter(window=window).values_list("team_id", "answers"))
    return pd.DataFrame([a for _, a in rows])[rw.ITEMS].astype(float), [t for t, _ in rows]


def recoded(items: pd.DataFrame) -> pd.DataFrame:
    out = items.copy()
    for key in rw.REVERSED:
        out[key] = 7 - out[key]  # min + max − x on 1..6
    return out


@pytest.fixture
def answered(world):
    answers = rw.answers_for(world.team_english, 14, 4.0, seed=11)
    answers += rw.answers_for(world.team_math, 17, 3.0, seed=12)
    # Two respondents skipped an item: in the index, not in reliability (complete cases).
    del answers[0][1]["ta2"]
    del answers[20][1]["gc1"]
    return rw.window(world.school_a, answers=answers)


def test_the_school_index_is_scipys_t_interval_on_the_recoded_respondent_means(answered):
    items, _ = stored_answers(answered)
    means = recoded(items).mean(axis=1, skipna=True)
    got = window_results(window=answered, language="en").whole.overall.index
    low, high = stats.t.interval(0.95, len(means) - 1, means.mean(), stats.sem(means))
    assert got.n == 31
    assert got.mean == pytest.approx(means.mean())
    assert (got.ci.low, got.ci.high) == pytest.approx((low, high))


def test_each_team_and_subscale_index_uses_its_own_respondents_and_items(answered, world):
    items, teams = stored_answers(answered)
    results = window_results(window=answered, language="en")
    by_team = {g.team.pk: g for g in results.teams}
    data = recoded(items).assign(team=teams)
    for team_id, group in by_team.items():
        mine = data[data.team == team_id]
        for key, _name, figure in group.subscales:
            columns = [
                k for k in rw.ITEMS if k.startswith("gc" if key == "group_competence" else "ta")
            ]
            scores = mine[columns].mean(axis=1, skipna=True)
            assert figure.index.mean == pytest.approx(scores.mean())
            low, _high = stats.t.interval(0.95, len(scores) - 1, scores.mean(), stats.sem(scores))
            assert figure.index.ci.low == pytest.approx(low)


def test_reliability_is_pingouins_alpha_on_complete_recoded_cases_for_each_part(answered):
    items, _ = stored_answers(answered)
    rows = window_results(window=answered, language="en").reliability
    parts = [rw.ITEMS, rw.ITEMS[:3], rw.ITEMS[3:]]
    assert [row.label for row in rows] == ["The whole instrument", "Group competence",
                                           "Task analysis"]  # fmt: skip
    for row, columns, n in zip(rows, parts, [29, 30, 30], strict=True):
        complete = recoded(items)[columns].dropna()  # complete cases of the part's own items
        alpha, ci = pg.cronbach_alpha(data=complete)
        assert row.result.n == len(complete) == n
        assert row.result.alpha == pytest.approx(alpha)
        assert row.result.alpha_ci.low == pytest.approx(ci[0], abs=5e-4)
        assert row.result.alpha_ci.high == pytest.approx(ci[1], abs=5e-4)
