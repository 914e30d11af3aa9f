"""A stored reason that called an empty group a privacy suppression says it is empty.

A cycle under way (baseline and checkpoints in, no final) has nobody with both scores.
The recompute stored that as a small group ("Suppressed: fewer than 10 ..."), which
it is not: it is a missing occasion. Such a row is told apart by its stored size, 0
(a group below the threshold has no stored size): its reason becomes
``no_focus_scores``, or for the comparison ``no_comparison_pairs``.
"""

from __future__ import annotations

from django.db import migrations


def _small(reason: dict) -> bool:
    return (reason or {}).get("code") == "small_group"


def empty_is_not_small(apps, schema_editor):
    ImpactSummary = apps.get_model("cycles", "ImpactSummary")
    for summary in ImpactSummary.objects.filter(n=0).iterator():
        summary.reason = {"code": "no_focus_scores"} if _small(summary.reason) else summary.reason
        if _small(summary.comparison_reason):
            summary.comparison_reason = {"code": "no_focus_scores"}
        summary.save(update_fields=["reason", "comparison_reason"])
    empty_comparison = ImpactSummary.objects.filter(n_comparison=0).exclude(n=0)
    for summary in empty_comparison.iterator():
        if _small(summary.comparison_reason) and summary.n is not None:
            summary.comparison_reason = {"code": "no_comparison_pairs"}
            summary.save(update_fields=["comparison_reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("cycles", "0009_impact_summary_expected_growth"),
    ]

    operations = [
        migrations.RunPython(empty_is_not_small, migrations.RunPython.noop),
    ]
