"""Background work of the cycles: recomputing the stored impact of cycles.

A worker runs these (``efficacy worker``). Every service that writes evidence
(a score entered or cleared, an upload, a gradebook import, "Save all", a
deletion) queues :func:`impact_refresh_task` for its cycle once its transaction
commits (:func:`impact_refresh_on_commit`), so the stored summary follows the
evidence; :func:`impact_recompute_task` recomputes a school's or a district's.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from efficacy.cycles.impact.recompute import cycles_in_scope, impact_recompute
from efficacy.cycles.models import InquiryCycle


@task()
def impact_recompute_task(*, school_id: int | None = None, district_id: int | None = None) -> dict:
    """Recompute the impact of a school's or a district's cycles (all, given neither)."""
    summary = impact_recompute(cycles=cycles_in_scope(school=school_id, district=district_id))
    return {
        "cycles": summary.cycles,
        "with_effect": summary.with_effect,
        "with_comparison": summary.with_comparison,
    }


@task()
def impact_refresh_task(*, cycle_id: int) -> dict:
    """Recompute one cycle's stored impact summary after its evidence changed."""
    summary = impact_recompute(cycles=InquiryCycle.objects.filter(pk=cycle_id))
    return {"cycles": summary.cycles, "with_effect": summary.with_effect}


def impact_refresh_on_commit(cycle: InquiryCycle) -> None:
    """Queue :func:`impact_refresh_task` for ``cycle`` once the current transaction commits.

    Called once per evidence-writing service call (never per score), so a "Save
    all" of fifty cells or an upload of a thousand rows queues one recompute.
    """
    cycle_id = cycle.pk
    transaction.on_commit(lambda: impact_refresh_task.enqueue(cycle_id=cycle_id))
