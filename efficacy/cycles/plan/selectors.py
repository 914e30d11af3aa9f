"""Reads of a cycle's plan: its population, readiness, strategies and shared work."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from efficacy.cycles.models import CycleStrategy, InquiryCycle, Measure, Score, Strategy
from efficacy.cycles.plan.groups import group_is_empty, group_students
from efficacy.roster.models import Enrollment, School, Status, TeamMembership

FOCUS = "focus"
COMPARISON = "comparison"
#: Evidence of a student who is no longer in either group (the roster changed).
OTHER = "other"


@dataclass(frozen=True)
class Population:
    """The students a cycle is about, as database ids."""

    focus: frozenset[int]
    comparison: frozenset[int]

    def group_of(self, student_id: int) -> str | None:
        if student_id in self.focus:
            return FOCUS
        if student_id in self.comparison:
            return COMPARISON
        return None

    def __contains__(self, student_id: int) -> bool:
        return student_id in self.focus or student_id in self.comparison

    @property
    def students(self) -> frozenset[int]:
        return self.focus | self.comparison


def cycle_population(cycle: InquiryCycle) -> Population:
    """Focus and comparison students as the roster stands now (focus wins a tie)."""
    school = cycle.team.school
    focus = frozenset(group_students(cycle.focus, school=school).values_list("pk", flat=True))
    comparison = frozenset(
        group_students(cycle.comparison, school=school, focus=cycle.focus).values_list(
            "pk", flat=True
        )
    )
    return Population(focus=focus, comparison=comparison - focus)


def purposeful_practice_problems(cycle: InquiryCycle) -> dict[str, str]:
    """What stops the cycle from starting: field → why it matters. Empty when ready."""
    problems: dict[str, str] = {}
    if not cycle.mastery_goal or group_is_empty(cycle.focus):
        problems["mastery_goal"] = _(
            "A narrow goal: name the skill your focus students will gain and choose the focus "
            "group. A narrow goal lets the team see whether its work made a difference."
        )
    if not cycle.specific_focus:
        problems["specific_focus"] = _(
            "A specific focus: say exactly what part of the skill you will work on. Focus keeps "
            "the whole team practising the same thing, so you can learn from each other."
        )
    if not cycle.plan or not cycle.cycle_strategies.exists():
        problems["plan"] = _(
            "A clear plan: write the plan and choose at least one strategy. A plan turns good "
            "intentions into practice everyone can carry out and observe."
        )
    if not cycle.monitoring or not cycle.measures.exists():
        problems["monitoring"] = _(
            "A means of monitoring progress: describe how you will check progress and define at "
            "least one measure. Without evidence the team cannot link what it did to what students learned."
        )
    if not cycle.prediction:
        problems["prediction"] = _(
            "A prediction: write what you expect to see and why, so that at the end you can "
            "compare it with what happened."
        )
    return problems


# --- strategies -------------------------------------------------------------


def strategies_for_school(school: School) -> QuerySet[Strategy]:
    """The active strategies a school's teams may choose: the library and its own."""
    return (
        Strategy.objects.filter(Q(school__isnull=True) | Q(school=school), active=True)
        .prefetch_related("look_fors")
        .order_by("school_id", "name")
    )


# --- shared work ------------------------------------------------------------


@dataclass(frozen=True)
class SharedWorkStatus:
    """Whether the team's work in a cycle is interdependent, and what is missing.

    ``missing`` holds plain sentences for the nudge; ``members_without_common_evidence``
    names teaching members in none of whose classes a common measure has a score
    yet (only once some evidence exists, so a new cycle is not nagged for it).
    """

    has_common_measure: bool
    has_shared_strategy: bool
    members_without_common_evidence: tuple[Any, ...] = field(default=())
    missing: tuple[str, ...] = field(default=())

    @property
    def is_shared(self) -> bool:
        return not self.missing


def shared_work_status(cycle: InquiryCycle) -> SharedWorkStatus:
    return shared_work_statuses([cycle])[cycle.pk]


def shared_work_statuses(
    cycles: Iterable[InquiryCycle], *, name_members: bool = True
) -> dict[int, SharedWorkStatus]:
    """:func:`shared_work_status` of many cycles (the team page's list), cycle id → status.

    Three queries for all of them; a cycle whose common measures already have
    scores adds the queries that name its members without evidence, unless
    ``name_members`` is False (the dashboards' board: a flag per cycle, in a bounded
    number of queries, and no teacher named to the school's leaders).
    """
    cycles = list(cycles)
    ids = [c.pk for c in cycles]
    common: dict[int, list[int]] = {}
    for measure_id, cycle_id in Measure.objects.filter(cycle_id__in=ids, common=True).values_list(
        "pk", "cycle_id"
    ):
        common.setdefault(cycle_id, []).append(measure_id)
    shared = set(
        CycleStrategy.objects.filter(cycle_id__in=ids, used_by_every_member=True).values_list(
            "cycle_id", flat=True
        )
    )
    scored: dict[int, set[int]] = {}
    for cycle_id, class_id in (
        Score.objects.filter(measure__cycle_id__in=ids, measure__common=True)
        .exclude(school_class=None)
        .values_list("measure__cycle_id", "school_class_id")
        .distinct()
    ):
        scored.setdefault(cycle_id, set()).add(class_id)
    return {
        c.pk: _shared_work_status(
            c,
            has_common_measure=c.pk in common,
            has_shared_strategy=c.pk in shared,
            scored_classes=scored.get(c.pk, set()) if name_members else set(),
        )
        for c in cycles
    }


def _shared_work_status(
    cycle: InquiryCycle,
    *,
    has_common_measure: bool,
    has_shared_strategy: bool,
    scored_classes: set[int],
) -> SharedWorkStatus:
    missing: list[str] = []
    if not has_common_measure:
        missing.append(
            _(
                "Add a common measure that every member uses in their classes, so the team "
                "can compare evidence and learn from each other."
            )
        )
    if not has_shared_strategy:
        missing.append(
            _(
                "Choose at least one strategy that every member uses: collective efficacy grows "
                "where the team's work depends on each other."
            )
        )
    lagging: tuple[Any, ...] = ()
    if scored_classes:
        lagging = _members_without_evidence(cycle, scored_classes)
        if lagging:
            names = ", ".join(str(u) for u in lagging)
            missing.append(
                _("No common-measure scores yet from the classes of: %(names)s.") % {"names": names}
            )
    return SharedWorkStatus(
        has_common_measure=has_common_measure,
        has_shared_strategy=has_shared_strategy,
        members_without_common_evidence=lagging,
        missing=tuple(missing),
    )


def _members_without_evidence(cycle: InquiryCycle, scored_classes: set[int]) -> tuple[Any, ...]:
    """Teaching members (not coaches) whose classes in the cycle have no common-measure score."""
    population = cycle_population(cycle)
    enrollments = Enrollment.objects.filter(
        student_id__in=population.students,
        role=Enrollment.EnrollmentRole.STUDENT,
        status=Status.ACTIVE,
    )
    if cycle.start_date and cycle.end_date:
        # Only classes running during the cycle: a semester-1 teacher owes no
        # evidence to a semester-2 cycle. Classes without terms are kept.
        enrollments = enrollments.filter(
            Q(school_class__terms=None)
            | Q(
                school_class__terms__start_date__lte=cycle.end_date,
                school_class__terms__end_date__gte=cycle.start_date,
            )
        )
    cycle_classes = set(enrollments.values_list("school_class_id", flat=True))
    teaching = (
        Enrollment.objects.filter(
            school_class_id__in=cycle_classes,
            role=Enrollment.EnrollmentRole.TEACHER,
            status=Status.ACTIVE,
            staff__team_memberships__team=cycle.team,
        )
        .exclude(staff__team_memberships__role=TeamMembership.TeamRole.COACH)
        .values_list("staff_id", "school_class_id")
    )
    classes_by_member: dict[int, set[int]] = {}
    for staff_id, class_id in teaching:
        classes_by_member.setdefault(staff_id, set()).add(class_id)
    lagging_ids = [
        sid for sid, classes in classes_by_member.items() if not classes & scored_classes
    ]
    users = {u.pk: u for u in cycle.team.members.filter(pk__in=lagging_ids, status=Status.ACTIVE)}
    return tuple(users[i] for i in sorted(users))
