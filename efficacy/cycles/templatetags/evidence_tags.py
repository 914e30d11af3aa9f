"""The evidence section of the cycle page: how much evidence there is, per measure and occasion."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count

from efficacy import privacy
from efficacy.cycles.models import InquiryCycle, Score

register = template.Library()


@register.simple_tag
def evidence_overview(cycle: InquiryCycle) -> dict[str, Any]:
    """Counts of scores (aggregates only, no student) as rows of measures × occasions.

    ``{"occasions": [...], "rows": [{"measure": m, "counts": [size, ...], "total": size}],
    "total": size, "entered": bool, "suppressed": bool, "min_n": threshold}``, each size a
    :class:`~efficacy.privacy.GroupSize`: the scores of a measure at an occasion are
    those of as many students, so a count under the reporting threshold reads "fewer
    than 10", and :func:`~efficacy.privacy.suppress_table` hides more so that none can
    be worked out from a measure's total or the caption's. ``entered``: whether any
    score is (no count); ``suppressed``: whether any count is hidden.
    """
    occasions = list(cycle.occasions.all())
    counts = {
        (row["measure_id"], row["occasion_id"]): row["n"]
        for row in Score.objects.filter(measure__cycle=cycle)
        .values("measure_id", "occasion_id")
        .annotate(n=Count("pk"))
    }
    measures = list(cycle.measures.all())
    min_n = privacy.min_student_n()
    table = privacy.suppress_table(
        [[counts.get((m.pk, o.pk), 0) for o in occasions] for m in measures], min_n
    )
    rows = [
        {"measure": measure, "counts": cells, "total": total}
        for measure, cells, total in zip(measures, table.cells, table.row_totals, strict=True)
    ]
    sizes = [*(n for row in table.cells for n in row), *table.row_totals, table.total]
    return {
        "occasions": occasions,
        "rows": rows,
        "total": table.total,
        "entered": bool(counts),
        "suppressed": any(size.suppressed for size in sizes),
        "min_n": min_n,
    }
