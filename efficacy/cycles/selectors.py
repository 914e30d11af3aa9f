"""Reads of inquiry cycles: populations, the evidence frame, shared work, the grid.

The evidence frame is the one shape every later step reads: the impact panel,
the exports and ``efficacy analyze``. It is built from one query over scores
and vectorised with pandas, never a Python loop per student.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from efficacy.cycles.models import CycleStrategy, InquiryCycle, Measure, Score, Strategy
from efficacy.cycles.plan.groups import group_students
from efficacy.roster.models import Enrollment, School, Status, Student, TeamMembership

FOCUS = "focus"
COMPARISON = "comparison"
#: Evidence of a student who is no longer in either group (the roster changed).
OTHER = "other"

#: The columns of :func:`cycle_evidence_frame`, in order; student attribute
#: columns follow, named by the attribute.
EVIDENCE_COLUMNS = [
    "student",
    "class",
    "group",
    "grade",
    "pathway",
    "measure",
    "occasion",
    "occasion_kind",
    "occasion_order",
    "score",
]


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


def cycle_evidence_frame(
    cycle: InquiryCycle, *, population: Population | None = None
) -> pd.DataFrame:
    """Every score of the cycle as a long table (columns: :data:`EVIDENCE_COLUMNS` + attributes).

    ``student`` is the student number (or the roster's sourced id, or the
    database id when neither exists); ``class`` the class code or title.
    """
    population = population or cycle_population(cycle)
    rows = list(
        Score.objects.filter(measure__cycle=cycle).values_list(
            "student_id",
            "student__identifier",
            "student__sourced_id",
            "student__grade",
            "student__pathway",
            "student__attributes",
            "school_class__class_code",
            "school_class__title",
            "measure__name",
            "occasion__name",
            "occasion__kind",
            "occasion__order",
            "value",
        )
    )
    raw = pd.DataFrame(
        rows,
        columns=[
            "student_id",
            "identifier",
            "sourced_id",
            "grade",
            "pathway",
            "attributes",
            "class_code",
            "class_title",
            "measure",
            "occasion",
            "occasion_kind",
            "occasion_order",
            "score",
        ],
    )
    frame = pd.DataFrame(
        {
            "student": _first_non_blank(
                raw["identifier"], raw["sourced_id"], raw["student_id"].astype(str)
            ),
            "class": _first_non_blank(raw["class_code"], raw["class_title"]),
            "group": _groups(raw["student_id"], population),
            "grade": raw["grade"].astype(object),
            "pathway": raw["pathway"].astype(object),
            "measure": raw["measure"].astype(object),
            "occasion": raw["occasion"].astype(object),
            "occasion_kind": raw["occasion_kind"].astype(object),
            "occasion_order": raw["occasion_order"].astype("int64"),
            "score": raw["score"].astype("float64"),
        },
        columns=EVIDENCE_COLUMNS,
    )
    attributes = _attribute_columns(raw[["student_id", "attributes"]])
    if not attributes.empty:
        frame = frame.join(
            raw[["student_id"]].join(attributes, on="student_id").drop(columns="student_id")
        )
    return frame.sort_values(
        ["occasion_order", "measure", "class", "student"], kind="stable"
    ).reset_index(drop=True)


def _first_non_blank(*series: pd.Series) -> pd.Series:
    out = series[-1].astype(object)
    for s in reversed(series[:-1]):
        s = s.astype(object)
        out = s.where(s.notna() & (s != ""), out)
    return out.fillna("").astype(object)


def _groups(student_ids: pd.Series, population: Population) -> pd.Series:
    ids = student_ids.to_numpy()
    focus = np.isin(ids, np.fromiter(population.focus, dtype="int64", count=len(population.focus)))
    comparison = np.isin(
        ids, np.fromiter(population.comparison, dtype="int64", count=len(population.comparison))
    )
    return pd.Series(
        np.where(focus, FOCUS, np.where(comparison, COMPARISON, OTHER)),
        index=student_ids.index,
        dtype=object,
    )


def _attribute_columns(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per student, one column per attribute; names never shadow a fixed column."""
    unique = raw.drop_duplicates("student_id")
    records = [a if isinstance(a, dict) else {} for a in unique["attributes"]]
    table = pd.DataFrame.from_records(records, index=unique["student_id"].to_numpy())
    if table.empty or not len(table.columns):
        return pd.DataFrame()
    table.columns = [f"attribute_{c}" if c in EVIDENCE_COLUMNS else str(c) for c in table.columns]
    return table[sorted(table.columns)]


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
    common_ids = list(cycle.measures.filter(common=True).values_list("pk", flat=True))
    has_shared_strategy = CycleStrategy.objects.filter(
        cycle=cycle, used_by_every_member=True
    ).exists()
    missing: list[str] = []
    if not common_ids:
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
    if common_ids:
        scored_classes = set(
            Score.objects.filter(measure_id__in=common_ids)
            .exclude(school_class=None)
            .values_list("school_class_id", flat=True)
            .distinct()
        )
        if scored_classes:
            lagging = _members_without_evidence(cycle, scored_classes)
            if lagging:
                names = ", ".join(str(u) for u in lagging)
                missing.append(
                    _("No common-measure scores yet from the classes of: %(names)s.")
                    % {"names": names}
                )
    return SharedWorkStatus(
        has_common_measure=bool(common_ids),
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


# --- the evidence grid ------------------------------------------------------


def class_cycle_students(cycle: InquiryCycle, *, school_class_id: int) -> QuerySet[Student]:
    """A class's active students who are in the cycle's focus or comparison group now."""
    return Student.objects.filter(
        pk__in=Enrollment.objects.filter(
            school_class_id=school_class_id,
            role=Enrollment.EnrollmentRole.STUDENT,
            status=Status.ACTIVE,
        ).values("student_id")
    ).filter(pk__in=cycle_population(cycle).students)


def score_grid(cycle: InquiryCycle, *, school_class_id: int, measure: Measure) -> pd.DataFrame:
    """One class's roster (cycle students only) × the cycle's occasions for one measure.

    Index: student id; columns: ``name`` then one column per occasion id, NaN
    where no score was entered. The grid page renders it row by row.
    """
    students = list(
        class_cycle_students(cycle, school_class_id=school_class_id).values_list(
            "pk", "family_name", "given_name"
        )
    )
    occasions = list(cycle.occasions.values_list("pk", flat=True))
    grid = pd.DataFrame(
        {"name": [f"{family}, {given}" for _pk, family, given in students]},
        index=pd.Index([pk for pk, _f, _g in students], name="student_id"),
    )
    scores = pd.DataFrame(
        list(
            Score.objects.filter(measure=measure, student_id__in=grid.index.tolist()).values_list(
                "student_id", "occasion_id", "value"
            )
        ),
        columns=["student_id", "occasion_id", "value"],
    )
    wide = scores.pivot(index="student_id", columns="occasion_id", values="value")
    return grid.join(wide.reindex(columns=occasions).astype("float64"))
