"""Migration 0006 turns stored sentences into codes: impact summaries' reasons (and no
small group's size), and mastery moments' reflection text into answers keyed by prompt."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("cycles", "0005_impact_summary_did_ci")]
AFTER = [("cycles", "0006_codes_not_sentences")]

SMALL = (
    "Suppressed: the focus group has 3 student(s), fewer than the reporting threshold of 10, "
    "so the result would be unreliable and could identify students."
)
COMPARISON_SMALL = (
    "Suppressed: the comparison group has 4 student(s), fewer than the reporting threshold of "
    "10, so the result would be unreliable and could identify students."
)
FLAT = (
    "Suppressed: no score varies at either occasion (zero variance), so a standardised "
    "effect cannot be computed."
)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_stored_sentences_become_codes_and_small_sizes_are_dropped():
    old = _migrate(BEFORE)
    try:
        district = old.get_model("roster", "District").objects.create(name="D")
        school = old.get_model("roster", "School").objects.create(district=district, name="S")
        team = old.get_model("roster", "Team").objects.create(school=school, name="T")
        cycle_model = old.get_model("cycles", "InquiryCycle")
        summary = old.get_model("cycles", "ImpactSummary")
        moment = old.get_model("cycles", "MasteryMoment")
        now = timezone.now()
        rows = {
            "small": (SMALL, SMALL, 3, 20),
            "comparison": ("", COMPARISON_SMALL, 40, 4),
            "flat": (
                FLAT,
                "No comparison group scores: only the pre/post effect can be shown.",
                30,
                0,
            ),
            "none": ("The cycle has no measure yet.", "", 0, 0),
            "fine": ("", "", 25, 30),
        }
        cycles = {}
        for title, (reason, comparison, n, n_comparison) in rows.items():
            cycles[title] = cycle_model.objects.create(team=team, title=title)
            summary.objects.create(
                cycle=cycles[title],
                reason=reason,
                comparison_reason=comparison,
                n=n,
                n_comparison=n_comparison,
                computed_at=now,
            )
        moment.objects.create(
            cycle=cycles["fine"],
            rule="prepost_gain",
            reflection_text=(
                "What was the impact of each strategy?\nStudents justified more.\n\n"
                "Que devrions-nous poursuivre, modifier ou cesser?\nContinuer la routine."
            ),
        )
        moment.objects.create(
            cycle=cycles["small"], rule="prepost_gain", reflection_text="Free text"
        )

        new = _migrate(AFTER)
        stored = {s.cycle.title: s for s in new.get_model("cycles", "ImpactSummary").objects.all()}
        assert stored["small"].reason == {
            "code": "small_group",
            "threshold": 10,
            "group": "focus_paired",
        }
        assert stored["small"].n is None
        assert stored["small"].n_comparison == 20
        assert stored["comparison"].comparison_reason == {
            "code": "small_group",
            "threshold": 10,
            "group": "comparison_paired",
        }
        assert (stored["comparison"].n, stored["comparison"].n_comparison) == (40, None)
        assert stored["flat"].reason == {"code": "no_variance"}
        assert stored["flat"].comparison_reason == {"code": "no_comparison"}
        assert stored["none"].reason == {"code": "no_measure"}
        assert (stored["fine"].reason, stored["fine"].n) == ({}, 25)
        moments = {m.cycle.title: m for m in new.get_model("cycles", "MasteryMoment").objects.all()}
        assert moments["fine"].reflection == {
            "strategy_impact": "Students justified more.",
            "continue_change_stop": "Continuer la routine.",
        }
        assert moments["small"].reflection == {"": "Free text"}
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _summaries_of(apps, rows):
    """One cycle and impact summary per row of field values, in a new school."""
    district = apps.get_model("roster", "District").objects.create(name="D")
    school = apps.get_model("roster", "School").objects.create(district=district, name="S")
    team = apps.get_model("roster", "Team").objects.create(school=school, name="T")
    cycle_model = apps.get_model("cycles", "InquiryCycle")
    summary = apps.get_model("cycles", "ImpactSummary")
    for title, values in rows.items():
        cycle = cycle_model.objects.create(team=team, title=title)
        summary.objects.create(cycle=cycle, computed_at=timezone.now(), **values)


@pytest.mark.django_db(transaction=True)
def test_stored_years_of_growth_become_the_growth_expected_over_the_cycle():
    """Migration 0009: d_av / years = the expected growth; none where it cannot be told."""
    old = _migrate([("cycles", "0008_goal_frozen_and_evidence_grade")])
    try:
        _summaries_of(
            old,
            {
                "thirteen weeks": {"effect": 1.07, "years_growth": 1.07 / (0.40 * 13 / 40)},
                "no effect": {"effect": None, "years_growth": None},
                "flat": {"effect": 0.0, "years_growth": 0.0},
            },
        )
        new = _migrate([("cycles", "0009_impact_summary_expected_growth")])
        stored = {s.cycle.title: s for s in new.get_model("cycles", "ImpactSummary").objects.all()}
        assert stored["thirteen weeks"].expected_growth == pytest.approx(0.40 * 13 / 40)
        assert stored["thirteen weeks"].effect == 1.07
        assert stored["no effect"].expected_growth is None
        assert stored["flat"].expected_growth is None
        assert not hasattr(stored["flat"], "years_growth")
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_stored_empty_group_is_no_longer_called_a_suppression():
    """Migration 0010: a size of 0 with a small-group reason was a final not yet entered."""
    small = {"code": "small_group", "threshold": 10, "group": "focus_paired"}
    small_comparison = {"code": "small_group", "threshold": 10, "group": "comparison_paired"}
    old = _migrate([("cycles", "0009_impact_summary_expected_growth")])
    try:
        _summaries_of(
            old,
            {
                "under way": {"n": 0, "reason": small, "comparison_reason": small_comparison},
                "no comparison final": {
                    "n": 30,
                    "n_comparison": 0,
                    "comparison_reason": small_comparison,
                },
                "small": {"n": None, "reason": small, "comparison_reason": small},
                "small comparison": {
                    "n": 30,
                    "n_comparison": None,
                    "comparison_reason": small_comparison,
                },
            },
        )
        new = _migrate([("cycles", "0010_missing_scores_are_not_suppressions")])
        stored = {s.cycle.title: s for s in new.get_model("cycles", "ImpactSummary").objects.all()}
        assert stored["under way"].reason == {"code": "no_focus_scores"}
        assert stored["under way"].comparison_reason == {"code": "no_focus_scores"}
        assert stored["no comparison final"].comparison_reason == {"code": "no_comparison_pairs"}
        assert stored["small"].reason == small  # a real small group stays suppressed
        assert stored["small comparison"].comparison_reason == small_comparison
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
