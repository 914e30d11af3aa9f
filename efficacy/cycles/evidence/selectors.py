"""Reads of evidence: the evidence frame, the scores frame, the score grid and the
scores a teacher still has to enter.

The evidence frame is the shape the exports and ``efficacy analyze`` read, with
names and attributes. The scores frame is the impact pipeline's reader (the
panel of one cycle and the recompute of thousands): numbers only, which is what
keeps it fast. Both are built from one query over scores and vectorised with
pandas, never a Python loop per student.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Q, QuerySet

from efficacy.access.cycles import own_class_ids
from efficacy.cycles.models import CycleStatus, InquiryCycle, Measure, Occasion, Score
from efficacy.cycles.plan.groups import group_students
from efficacy.cycles.plan.selectors import COMPARISON, FOCUS, OTHER, Population, cycle_population
from efficacy.roster.models import Enrollment, Status, Student, User

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


def cycle_evidence_frame(
    cycle: InquiryCycle,
    *,
    population: Population | None = None,
    students: QuerySet[Student] | None = None,
    attributes_of: QuerySet[Student] | None = None,
) -> pd.DataFrame:
    """Every score of the cycle as a long table (columns: :data:`EVIDENCE_COLUMNS` + attributes).

    ``student`` is the student number (or the roster's sourced id, or the
    database id when neither exists); ``class`` the class code or title.
    ``students``, when given, keeps only their rows; ``attributes_of``, when
    given, keeps the attribute values (IEP, ELL, ...) of those students only
    (the others' are empty, and a column nobody's value reaches is left out).
    Both come from the access layer: who may see which rows and which flags.
    """
    population = population or cycle_population(cycle)
    scores = Score.objects.filter(measure__cycle=cycle)
    if students is not None:
        scores = scores.filter(student__in=students.values("pk"))
    rows = list(
        scores.values_list(
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
    flags = raw[["student_id", "attributes"]]
    if attributes_of is not None:
        allowed = set(
            attributes_of.filter(pk__in=set(raw["student_id"])).values_list("pk", flat=True)
        )
        flags = flags[flags["student_id"].isin(allowed)]
    attributes = _attribute_columns(flags)
    if not attributes.empty:
        joined = raw[["student_id"]].join(attributes, on="student_id").drop(columns="student_id")
        frame = frame.join(joined.astype(object).where(joined.notna(), None))
    return frame.sort_values(
        ["occasion_order", "measure", "class", "student"], kind="stable"
    ).reset_index(drop=True)


#: The columns of :func:`measure_scores_frame`, in order.
SCORE_COLUMNS = ["measure", "student", "school_class", "occasion", "occasion_kind", "score"]


def measure_scores_frame(
    measure_ids: Iterable[int], *, kinds: Iterable[str] | None = None
) -> pd.DataFrame:
    """Every score of ``measure_ids`` (only at occasions of ``kinds`` when given), as numbers.

    Columns :data:`SCORE_COLUMNS`: database ids for ``measure``, ``student`` and
    ``occasion`` (int64), ``school_class`` (float, NaN where the score has no
    class), the occasion's ``occasion_kind`` and the ``score``. Two queries,
    whatever the number of scores: the scores as numbers (decoding names and
    attributes row by row is what makes :func:`cycle_evidence_frame` slow) and
    the kinds of the occasions they were given at.
    """
    scores = Score.objects.filter(measure_id__in=list(measure_ids))
    if kinds is not None:
        scores = scores.filter(occasion__kind__in=list(kinds))
    rows = list(
        scores.values_list("measure_id", "student_id", "school_class_id", "occasion_id", "value")
    )
    table = np.array(rows, dtype=float).reshape(len(rows), 5)
    occasion = table[:, 3].astype(np.int64)
    present = np.unique(occasion)
    kind_of = (
        dict(Occasion.objects.filter(pk__in=present.tolist()).values_list("pk", "kind"))
        if present.size
        else {}
    )
    kinds_present = np.array([kind_of.get(int(pk), "") for pk in present], dtype=object)
    return pd.DataFrame(
        {
            "measure": table[:, 0].astype(np.int64),
            "student": table[:, 1].astype(np.int64),
            "school_class": table[:, 2],
            "occasion": occasion,
            "occasion_kind": kinds_present[np.searchsorted(present, occasion)],
            "score": table[:, 4],
        },
        columns=SCORE_COLUMNS,
    )


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


# --- the evidence grid ------------------------------------------------------


def class_cycle_students(cycle: InquiryCycle, *, school_class_id: int) -> QuerySet[Student]:
    """A class's active students who are in the cycle's focus or comparison group now."""
    return Student.objects.filter(
        pk__in=Enrollment.objects.filter(
            school_class_id=school_class_id,
            role=Enrollment.EnrollmentRole.STUDENT,
            status=Status.ACTIVE,
        ).values("student_id"),
        erasure__isnull=True,  # an erased student's scores stay, but nobody enters theirs
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


# --- scores to enter (the home page) -----------------------------------------

#: The home page looks at this many of the latest past occasions, no more: its cost
#: stays bounded (a few queries plus one per cycle), however long a teacher's history.
MAX_DUE_OCCASIONS = 12


@dataclass(frozen=True)
class ScoresToEnter:
    """One class of the teacher's, one measure, one past occasion: ``missing`` of the
    cycle's students they teach in it have no score yet."""

    cycle: InquiryCycle
    occasion: Occasion
    measure: Measure
    school_class_id: int
    class_title: str
    missing: int


def scores_to_enter(user: User, *, today: dt.date) -> list[ScoresToEnter]:
    """Past occasions of the open cycles of a teacher's teams where students they teach
    (in the cycle's focus or comparison group) have no score on a measure, oldest first."""
    class_ids = own_class_ids(user)
    if not class_ids:
        return []
    occasions = list(
        Occasion.objects.filter(
            cycle__team__memberships__user=user,
            cycle__team__school__status=Status.ACTIVE,
            date__lte=today,
        )
        .exclude(cycle__status=CycleStatus.CLOSED)
        .select_related("cycle", "cycle__team__school")
        .order_by("-date", "-pk")[:MAX_DUE_OCCASIONS]
    )
    if not occasions:
        return []
    cycles = {o.cycle_id: o.cycle for o in occasions}
    measures: dict[int, list[Measure]] = {}
    for measure in Measure.objects.filter(cycle_id__in=cycles).order_by("pk"):
        measures.setdefault(measure.cycle_id, []).append(measure)
    taught = list(
        Enrollment.objects.filter(
            school_class_id__in=class_ids,
            school_class__status=Status.ACTIVE,
            role=Enrollment.EnrollmentRole.STUDENT,
            status=Status.ACTIVE,
        ).values_list("student_id", "school_class_id", "school_class__title")
    )
    taught_ids = {student_id for student_id, _class, _title in taught}
    in_cycle = {
        cycle.pk: _taught_in_cycle(cycle, taught_ids)
        for cycle in cycles.values()
        if measures.get(cycle.pk)
    }
    scored = set(
        Score.objects.filter(occasion__in=occasions, student_id__in=taught_ids).values_list(
            "measure_id", "occasion_id", "student_id"
        )
    )
    due = []
    for occasion in sorted(occasions, key=lambda o: (o.date, o.pk)):
        students = in_cycle.get(occasion.cycle_id, set())
        for measure in measures.get(occasion.cycle_id, []):
            missing: dict[tuple[int, str], int] = {}
            for student_id, class_id, title in taught:
                if student_id in students and (measure.pk, occasion.pk, student_id) not in scored:
                    missing[class_id, title] = missing.get((class_id, title), 0) + 1
            due.extend(
                ScoresToEnter(occasion.cycle, occasion, measure, class_id, title, n)
                for (class_id, title), n in sorted(missing.items(), key=lambda kv: kv[0][1])
            )
    return due


def _taught_in_cycle(cycle: InquiryCycle, taught_ids: set[int]) -> set[int]:
    """Students of the teacher's in the cycle's focus or comparison group: one query."""
    school = cycle.team.school
    groups = Q(pk__in=group_students(cycle.focus, school=school)) | Q(
        pk__in=group_students(cycle.comparison, school=school, focus=cycle.focus)
    )
    return set(Student.objects.filter(groups, pk__in=taught_ids).values_list("pk", flat=True))
