"""Inquiry cycles, their measures and occasions, their evidence and their stored impact
summary, with the pages' rules (:mod:`efficacy.access.cycles`).

Evidence is student-level: only a team's members and editors read it (an analyst gets
403, as on the evidence pages), and a plain member only the students they teach
(``evidence_students_for``). The impact summary is the stored one the dashboards read:
a group below the reporting threshold has no size, only its reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from efficacy.access.cycles import (
    access_cycle,
    can_see_student_evidence,
    cycles_for,
    evidence_students_for,
)
from efficacy.api.auth import ApiRequest
from efficacy.api.pagination import Page, PageParams, each, paginate
from efficacy.api.problems import Problem
from efficacy.api.routers.filters import since
from efficacy.api.types import Id
from efficacy.cycles.models import (
    CycleStatus,
    ImpactSummary,
    InquiryCycle,
    Measure,
    Occasion,
    Score,
)

router = Router(tags=["cycles"])


class CycleOut(Schema):
    id: int
    title: str
    team: int
    school: int
    status: str
    mastery_goal: str
    problem_of_practice: str
    start_date: dt.date | None
    end_date: dt.date | None
    updated_at: dt.datetime


class MeasureOut(Schema):
    id: int
    cycle: int
    name: str
    kind: str
    min_score: float
    max_score: float


class OccasionOut(Schema):
    id: int
    cycle: int
    name: str
    kind: str
    date: dt.date | None
    order: int


class ScoreOut(Schema):
    id: int
    student: int
    school_class: int | None
    measure: int
    occasion: int
    value: float
    entered_at: dt.datetime


class ImpactOut(Schema):
    cycle: int
    measure: int | None
    measure_name: str
    n: int | None
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    expected_growth: float | None
    reason: str
    n_comparison: int | None
    ancova_g: float | None
    ancova_ci_low: float | None
    ancova_ci_high: float | None
    did_g: float | None
    did_ci_low: float | None
    did_ci_high: float | None
    baseline_g: float | None
    baseline_equivalence: str
    comparison_reason: str
    computed_at: dt.datetime


def cycle_out(cycle: InquiryCycle) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "title": cycle.title,
        "team": cycle.team_id,
        "school": cycle.team.school_id,
        "status": cycle.status,
        "mastery_goal": cycle.mastery_goal,
        "problem_of_practice": cycle.problem_of_practice,
        "start_date": cycle.start_date,
        "end_date": cycle.end_date,
        "updated_at": cycle.updated_at,
    }


def measure_out(measure: Measure) -> dict[str, Any]:
    return {
        "id": measure.pk,
        "cycle": measure.cycle_id,
        "name": measure.name,
        "kind": measure.kind,
        "min_score": measure.min_score,
        "max_score": measure.max_score,
    }


def occasion_out(occasion: Occasion) -> dict[str, Any]:
    return {
        "id": occasion.pk,
        "cycle": occasion.cycle_id,
        "name": occasion.name,
        "kind": occasion.kind,
        "date": occasion.date,
        "order": occasion.order,
    }


def score_out(score: Score) -> dict[str, Any]:
    return {
        "id": score.pk,
        "student": score.student_id,
        "school_class": score.school_class_id,
        "measure": score.measure_id,
        "occasion": score.occasion_id,
        "value": score.value,
        "entered_at": score.entered_at,
    }


def impact_out(summary: ImpactSummary) -> dict[str, Any]:
    return {
        "cycle": summary.cycle_id,
        "measure": summary.measure_id,
        "measure_name": summary.measure_name,
        # NULL when the group is below the reporting threshold: its size is never shown.
        "n": summary.n,
        "effect": summary.effect,
        "ci_low": summary.ci_low,
        "ci_high": summary.ci_high,
        "expected_growth": summary.expected_growth,
        "reason": summary.reason_text,
        "n_comparison": summary.n_comparison,
        "ancova_g": summary.ancova_g,
        "ancova_ci_low": summary.ancova_ci_low,
        "ancova_ci_high": summary.ancova_ci_high,
        "did_g": summary.did_g,
        "did_ci_low": summary.did_ci_low,
        "did_ci_high": summary.did_ci_high,
        "baseline_g": summary.baseline_g,
        "baseline_equivalence": summary.baseline_equivalence,
        "comparison_reason": summary.comparison_reason_text,
        "computed_at": summary.computed_at,
    }


class CycleFilters(Schema):
    school: Id | None = None
    team: Id | None = None
    status: CycleStatus | None = None
    updated_since: dt.datetime | None = None


@router.get("/cycles/", response=Page[CycleOut], url_name="cycles")
def cycles(
    request: ApiRequest, page: Query[PageParams], filters: Query[CycleFilters]
) -> dict[str, Any]:
    """The inquiry cycles of the teams you may see."""
    items = cycles_for(request.auth).select_related("team")
    if filters.school is not None:
        items = items.filter(team__school_id=filters.school)
    if filters.team is not None:
        items = items.filter(team_id=filters.team)
    if filters.status is not None:
        items = items.filter(status=filters.status)
    items = since(items, "updated_at", filters.updated_since)
    return paginate(request, items, page, each(cycle_out))


@router.get("/cycles/{cycle_id}/", response=CycleOut, url_name="cycle")
def cycle(request: ApiRequest, cycle_id: Id) -> dict[str, Any]:
    return cycle_out(access_cycle(request.auth, cycle_id))


@router.get("/cycles/{cycle_id}/measures/", response=Page[MeasureOut], url_name="measures")
def measures(request: ApiRequest, cycle_id: Id, page: Query[PageParams]) -> dict[str, Any]:
    """What the cycle's evidence is scored on."""
    the_cycle = access_cycle(request.auth, cycle_id)
    return paginate(request, the_cycle.measures.all(), page, each(measure_out))


@router.get("/cycles/{cycle_id}/occasions/", response=Page[OccasionOut], url_name="occasions")
def occasions(request: ApiRequest, cycle_id: Id, page: Query[PageParams]) -> dict[str, Any]:
    """When the cycle's evidence is gathered (baseline, checkpoints, final)."""
    the_cycle = access_cycle(request.auth, cycle_id)
    return paginate(request, the_cycle.occasions.all(), page, each(occasion_out))


class EvidenceFilters(Schema):
    measure: Id | None = None
    occasion: Id | None = None
    school_class: Id | None = None
    student: Id | None = None
    updated_since: dt.datetime | None = None


@router.get("/cycles/{cycle_id}/evidence/", response=Page[ScoreOut], url_name="evidence")
def evidence(
    request: ApiRequest, cycle_id: Id, page: Query[PageParams], filters: Query[EvidenceFilters]
) -> dict[str, Any]:
    """The cycle's scores, one per student, measure and occasion: for the team's members
    (a member reads the students they teach; the lead, coach and leader every student)."""
    the_cycle = access_cycle(request.auth, cycle_id)
    if not can_see_student_evidence(request.auth, the_cycle):
        raise PermissionDenied
    items = Score.objects.filter(
        measure__cycle=the_cycle, student__in=evidence_students_for(request.auth, the_cycle)
    )
    if filters.measure is not None:
        items = items.filter(measure_id=filters.measure)
    if filters.occasion is not None:
        items = items.filter(occasion_id=filters.occasion)
    if filters.school_class is not None:
        items = items.filter(school_class_id=filters.school_class)
    if filters.student is not None:
        items = items.filter(student_id=filters.student)
    items = since(items, "entered_at", filters.updated_since)
    return paginate(request, items, page, each(score_out))


@router.get("/cycles/{cycle_id}/impact/", response=ImpactOut, url_name="impact")
def impact(request: ApiRequest, cycle_id: Id) -> dict[str, Any]:
    """The cycle's impact as last recomputed (what the dashboards show). A suppressed
    figure comes with its reason, never its group's size; a cycle never computed yet
    answers 404 with the code ``not-computed``."""
    the_cycle = access_cycle(request.auth, cycle_id)
    summary = ImpactSummary.objects.filter(cycle=the_cycle).first()
    if summary is None:
        raise Problem(
            404,
            _("This cycle's impact has not been computed yet: it is once its evidence is entered."),
            code="not-computed",
        )
    return impact_out(summary)
