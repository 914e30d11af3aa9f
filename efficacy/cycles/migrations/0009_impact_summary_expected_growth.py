"""Stored summaries keep the growth expected over the cycle, not "years of growth".

``years_growth`` was d_av divided by the expected growth (0.40 a school year, prorated
to the cycle's weeks): a pace that reads as years ("8.22 years" for a 13-week cycle).
The summary now stores the expected growth itself, beside ``effect``. It is worked out
from the two stored figures (effect / years); where that cannot be done (no effect, or
an effect of 0) it stays empty until the next recompute fills it.
"""

from __future__ import annotations

import math

from django.db import migrations, models


def years_to_expected(apps, schema_editor):
    ImpactSummary = apps.get_model("cycles", "ImpactSummary")
    rows = ImpactSummary.objects.exclude(effect=None).exclude(years_growth=None)
    for summary in rows.exclude(years_growth=0).iterator():
        expected = summary.effect / summary.years_growth
        if math.isfinite(expected) and expected > 0:
            summary.expected_growth = expected
            summary.save(update_fields=["expected_growth"])


def expected_to_years(apps, schema_editor):
    ImpactSummary = apps.get_model("cycles", "ImpactSummary")
    rows = ImpactSummary.objects.exclude(effect=None).exclude(expected_growth=None)
    for summary in rows.exclude(expected_growth=0).iterator():
        summary.years_growth = summary.effect / summary.expected_growth
        summary.save(update_fields=["years_growth"])


class Migration(migrations.Migration):
    dependencies = [
        ("cycles", "0008_goal_frozen_and_evidence_grade"),
    ]

    operations = [
        migrations.AddField(
            model_name="impactsummary",
            name="expected_growth",
            field=models.FloatField(
                blank=True, null=True, verbose_name="growth expected over the cycle"
            ),
        ),
        migrations.RunPython(years_to_expected, expected_to_years),
        migrations.RemoveField(model_name="impactsummary", name="years_growth"),
    ]
