"""The evidence section of the cycle page: how much evidence there is, per measure and occasion."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count

from efficacy.cycles.models import InquiryCycle, Score

register = template.Library()


@register.simple_tag
def evidence_overview(cycle: InquiryCycle) -> dict[str, Any]:
    """Counts of scores (aggregates only, no student) as rows of measures × occasions.

    ``{"occasions": [...], "rows": [{"measure": m, "counts": [n, ...], "total": n}], "total": n}``
    """
    occasions = list(cycle.occasions.all())
    counts = {
        (row["measure_id"], row["occasion_id"]): row["n"]
        for row in Score.objects.filter(measure__cycle=cycle)
        .values("measure_id", "occasion_id")
        .annotate(n=Count("pk"))
    }
    rows = []
    for measure in cycle.measures.all():
        cells = [counts.get((measure.pk, o.pk), 0) for o in occasions]
        rows.append({"measure": measure, "counts": cells, "total": sum(cells)})
    return {"occasions": occasions, "rows": rows, "total": sum(counts.values())}
