"""Stored reasons become codes with parameters, and reflection snapshots JSON keyed by prompt.

- ``ImpactSummary.reason`` and ``comparison_reason`` held English sentences, some
  with a small group's size ("the focus group has 3 student(s)"); they become
  ``{"code": ..., ...}`` dicts (:mod:`efficacy.privacy`, ``ImpactSummary.NOTES``),
  and a size below the reporting threshold is no longer stored (``n`` is NULL).
- ``MasteryMoment.reflection_text`` held each answer under its prompt's label in
  the language of whoever closed the cycle; it becomes ``reflection``,
  ``{prompt: answer}``. A text in which no prompt is recognised is kept whole
  under the key ``""`` (shown untitled).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

# The reflection prompts as they were labelled (Reflection's verbose names).
PROMPTS = {
    "strategy_impact": "What was the impact of each strategy?",
    "understanding": "What do we see that suggests students understand, or do not?",
    "continue_change_stop": "What should we continue, change or stop?",
    "years_growth": "Are we getting a year's growth for a year's input?",
}


def _reason(text: str, *, comparison: bool) -> dict:
    text = (text or "").strip()
    if not text:
        return {}
    if text == "The cycle has no measure yet.":
        return {"code": "no_measure"}
    if text.startswith("No focus-group student has both"):
        return {"code": "no_focus_scores"}
    if text.startswith("No comparison group scores"):
        return {"code": "no_comparison"}
    threshold = re.search(r"reporting threshold of (\d+)", text)
    if threshold:
        # "Suppressed: the focus group has 3 student(s), ..." (the smaller arm's name).
        smaller = re.match(r"Suppressed: the (\w+)", text)
        group = "comparison_paired" if smaller and smaller.group(1) == "comparison" else "focus_paired"
        if not comparison:
            group = "focus_paired"
        return {"code": "small_group", "threshold": int(threshold.group(1)), "group": group}
    if "zero variance" in text:
        return {"code": "no_variance"}
    return {"code": "not_shown"}


def reasons_to_codes(apps, schema_editor):
    ImpactSummary = apps.get_model("cycles", "ImpactSummary")
    for summary in ImpactSummary.objects.all().iterator():
        reason = _reason(summary.reason_text, comparison=False)
        comparison = _reason(summary.comparison_reason_text, comparison=True)
        summary.reason = reason
        summary.comparison_reason = comparison
        threshold = reason.get("threshold") or comparison.get("threshold")
        if threshold:
            if summary.n is not None and 0 < summary.n < threshold:
                summary.n = None
            if summary.n_comparison is not None and 0 < summary.n_comparison < threshold:
                summary.n_comparison = None
        summary.save(update_fields=["reason", "comparison_reason", "n", "n_comparison"])


def _labels() -> dict[str, str]:
    labels = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for name, label in PROMPTS.items():
                labels[translation.gettext(label)] = name
    return labels


def _sections(text: str, labels: dict[str, str]) -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in (text or "").splitlines():
        name = labels.get(line.strip())
        if name is not None:
            current = name
            sections.setdefault(name, [])
        elif current is not None:
            sections[current].append(line)
        elif line.strip():
            current = ""
            sections.setdefault("", []).append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items() if "\n".join(v).strip()}


def reflections_to_json(apps, schema_editor):
    MasteryMoment = apps.get_model("cycles", "MasteryMoment")
    labels = _labels()
    for moment in MasteryMoment.objects.all().iterator():
        moment.reflection = _sections(moment.reflection_text, labels)
        moment.save(update_fields=["reflection"])


class Migration(migrations.Migration):
    dependencies = [
        ("cycles", "0005_impact_summary_did_ci"),
    ]

    operations = [
        # Impact summaries: the old sentences move aside, codes take their place.
        migrations.RenameField("impactsummary", "reason", "reason_text"),
        migrations.RenameField("impactsummary", "comparison_reason", "comparison_reason_text"),
        migrations.AddField(
            model_name="impactsummary",
            name="reason",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="why the pre/post effect is not shown"
            ),
        ),
        migrations.AddField(
            model_name="impactsummary",
            name="comparison_reason",
            field=models.JSONField(
                blank=True, default=dict, verbose_name="why the comparison is not shown"
            ),
        ),
        migrations.AlterField(
            model_name="impactsummary",
            name="n",
            field=models.PositiveIntegerField(
                blank=True, default=0, null=True, verbose_name="focus students with both scores"
            ),
        ),
        migrations.AlterField(
            model_name="impactsummary",
            name="n_comparison",
            field=models.PositiveIntegerField(
                blank=True,
                default=0,
                null=True,
                verbose_name="comparison students with both scores",
            ),
        ),
        migrations.RunPython(reasons_to_codes, migrations.RunPython.noop),
        migrations.RemoveField("impactsummary", "reason_text"),
        migrations.RemoveField("impactsummary", "comparison_reason_text"),
        # Mastery moments: the reflection keyed by prompt.
        migrations.AddField(
            model_name="masterymoment",
            name="reflection",
            field=models.JSONField(blank=True, default=dict, verbose_name="reflection"),
        ),
        migrations.RunPython(reflections_to_json, migrations.RunPython.noop),
        migrations.RemoveField("masterymoment", "reflection_text"),
    ]
