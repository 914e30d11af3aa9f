"""Background work of the cycles: recomputing the stored impact of many cycles.

A worker runs these (``efficacy db_worker``); a page or a nightly schedule
enqueues them, e.g. after a large evidence import.
"""

from __future__ import annotations

from django_tasks import task

from efficacy.cycles.impact.recompute import cycles_in_scope, impact_recompute


@task()
def impact_recompute_task(*, school_id: int | None = None, district_id: int | None = None) -> dict:
    """Recompute the impact of a school's or a district's cycles (all, given neither)."""
    summary = impact_recompute(cycles=cycles_in_scope(school=school_id, district=district_id))
    return {
        "cycles": summary.cycles,
        "with_effect": summary.with_effect,
        "with_comparison": summary.with_comparison,
    }
