"""Dose and impact on the impact panel: the slope of the focus classes' mean gains on how
fully they used the strategies (the log) and on the look-fors observers saw, against
statsmodels; small classes left out and counted; the plain caution; a bounded cost.

The ``panel`` fixture (tests/cycles/test_impact_panel.py) has four focus classes:
English 9 Applied (10 students with both scores), EN9-AB (8, below the threshold of
10), EN9-AC (12) and EN9-AD (11), whose mean gains grow about 6, 2, 3.5 and 4.5 points.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
import statsmodels.api as sm
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from efficacy.cycles.impact.panel import cycle_impact
from efficacy.practice.models import ImplementationEntry
from efficacy.practice.services import implementation_log_save, observation_plan, tally_set
from efficacy.roster.models import SchoolClass
from tests.cycles.test_impact_panel import panel  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

CAUTION = (
    "this is a correlation between how fully classes used the strategies and how much they "
    "gained, not proof that the strategies caused the gains"
)
#: The log's rating of each focus class, every week of October 2024.
RATINGS = {"English 9 Applied": 3, "EN9-AB": 0, "EN9-AC": 1, "EN9-AD": 2}
#: How many of the strategy's look-fors the observer of each class's lesson ticked.
TICKED = {"English 9 Applied": 3, "EN9-AC": 1, "EN9-AD": 2}
MONDAYS = [dt.date(2024, 10, 7), dt.date(2024, 10, 14), dt.date(2024, 10, 21)]


def _class(label):
    return SchoolClass.objects.get(title=label) if label == "English 9 Applied" else (
        SchoolClass.objects.get(class_code=label))  # fmt: skip


@pytest.fixture
def logged(world, panel):  # noqa: F811
    """teacher_a teaches every focus class and logs each at its rating for three weeks."""
    strategy = panel.cycle.cycle_strategies.get().strategy
    for label in RATINGS:
        if label != "English 9 Applied":
            world._enrol(_class(label), world.teacher_a)
    for week in MONDAYS:
        implementation_log_save(
            user=world.teacher_a,
            cycle=panel.cycle,
            week=week,
            ratings={(_class(label).pk, strategy.pk): r for label, r in RATINGS.items()},
        )
    return panel


@pytest.fixture
def observed(world, logged):
    strategy = logged.cycle.cycle_strategies.get().strategy
    look_fors = list(strategy.look_fors.all())
    for label, ticks in TICKED.items():
        observation = observation_plan(user=world.lead_english, cycle=logged.cycle,
                                       host=world.teacher_a, observers=[world.lead_english],
                                       date=dt.date(2024, 10, 9), strategies=[strategy],
                                       school_class=_class(label))  # fmt: skip
        for look_for in look_fors[:ticks]:
            tally_set(user=world.lead_english, observation=observation, look_for=look_for,
                      count=1, version=1)  # fmt: skip
    return logged, len(look_fors)


def _class_gains(truth):
    """Per focus class, from the scores as the test wrote them: n, mean gain, SD²/n."""
    rows = truth[(truth["group"] == "focus") & truth["kind"].isin(["baseline", "final"])]
    wide = rows.pivot_table(index=["class", "sid"], columns="kind", values="score").dropna()
    gains = (wide["final"] - wide["baseline"]).groupby(level="class")
    return gains.size(), gains.mean(), gains.var(ddof=1) / gains.size()


def _wls_reference(dose_by_class, truth, tau2):
    """statsmodels' WLS of the three large classes' mean gains on their dose, weights
    1/(v + τ²), Hartung–Knapp (its estimated scale) floored at the z interval."""
    n, mean, var = _class_gains(truth)
    large = [c for c in n.index if n[c] >= 10]
    design = sm.add_constant(np.array([dose_by_class[c] for c in large], dtype=float))
    weights = 1 / (var[large].to_numpy() + tau2)
    hk = sm.WLS(mean[large].to_numpy(), design, weights=weights).fit()
    z = sm.WLS(mean[large].to_numpy(), design, weights=weights).fit(cov_type="fixed scale")
    return hk.params[1], max(hk.bse[1], z.bse[1]), len(large)


def test_the_logged_dose_slope_is_statsmodels_weighted_regression_of_class_gains(logged):
    impact = cycle_impact(logged.cycle)
    ours = impact.dose["logged"]
    slope, se, k = _wls_reference(RATINGS, logged.truth, ours.tau2)
    assert (ours.k, ours.n_suppressed, ours.n_no_dose) == (k, 1, 0) == (3, 1, 0)
    assert ours.slope == pytest.approx(slope, rel=1e-9)
    assert ours.se == pytest.approx(se, rel=1e-9)
    assert ours.slope > 0


def test_the_observed_dose_is_the_share_of_look_fors_seen(observed):
    panel_, total = observed
    impact = cycle_impact(panel_.cycle)
    ours = impact.dose["observed"]
    shares = {label: ticks / total for label, ticks in TICKED.items()}
    slope, se, _k = _wls_reference(shares, panel_.truth, ours.tau2)
    assert ours.k == 3
    assert ours.slope == pytest.approx(slope, rel=1e-9)
    assert ours.se == pytest.approx(se, rel=1e-9)


def _dose_section(client, cycle):
    html = client.get(
        reverse("cycles:impact_panel", args=[cycle.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    start = html.index('aria-labelledby="impact-dose"')
    return html[start : html.index("</section>", start)]


def test_the_panel_shows_the_slope_its_range_its_classes_and_the_caution(client, world, logged):
    ours = cycle_impact(logged.cycle).dose["logged"]
    client.force_login(world.lead_english)
    section = _dose_section(client, logged.cycle)
    assert CAUTION in section
    slope = re.search(r'data-figure="dose-logged-slope" value="([^"]+)"', section)
    assert float(slope.group(1)) == pytest.approx(ours.slope)
    assert 'data-figure="dose-logged-ci-low"' in section
    assert re.search(r'data-figure="dose-logged-classes" value="3">3</data>', section)
    assert "n = " in section
    # The left-out class is counted, never sized.
    assert "classes with fewer than 10 focus students with both scores are left out" in section
    assert not re.search(r"\b8\b", re.sub(r"<[^>]+>", " ", section))
    # No observation yet: the observed dose says why it is empty.
    assert "No lesson of a focus class has been observed" in section


def test_an_analyst_reads_the_figure_as_an_aggregate(client, world, logged):
    client.force_login(world.analyst)
    section = _dose_section(client, logged.cycle)
    assert 'data-figure="dose-logged-slope"' in section
    assert "Tom" not in section


def test_without_a_log_the_panel_says_what_is_missing(client, world, panel):  # noqa: F811
    client.force_login(world.lead_english)
    section = _dose_section(client, panel.cycle)
    assert CAUTION in section
    assert "No focus class has an implementation log yet" in section
    assert "dose-logged-slope" not in section


def test_too_few_large_classes_are_a_suppression_with_its_reason(client, world, logged, settings):
    settings.EFFICACY_MIN_STUDENT_N = 11
    impact = cycle_impact(logged.cycle)
    assert impact.dose["logged"].suppressed
    assert impact.reasons["dose_logged"].group == "class_paired"
    client.force_login(world.lead_english)
    section = _dose_section(client, logged.cycle)
    assert "fewer than 11" in section
    assert "dose-logged-slope" not in section


def test_dose_and_impact_cost_a_few_queries_whatever_the_size_of_the_log(
    client,
    world,
    panel,  # noqa: F811
    logged,
):
    def cost():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                reverse("cycles:impact_panel", args=[panel.cycle.pk]), HTTP_HX_REQUEST="true"
            )
        assert response.status_code == 200
        return len(queries)

    client.force_login(world.lead_english)
    with_log = cost()
    ImplementationEntry.objects.filter(week__gt=MONDAYS[0]).delete()
    assert cost() == with_log
    # Without any log nor observation the classes' labels are not even looked up.
    ImplementationEntry.objects.all().delete()
    assert cost() == with_log - 1
    # The doses are two queries and the classes' labels one, on top of the panel's own.
    assert with_log <= 20
