"""The gap between two groups of a school's students, term by term, with its interval.

For the school dashboard: a leader chooses two groups of students (a pathway, or a
student attribute such as English-language learners, and its complement) and sees,
for each term, how far apart their results were at the end of the term's cycles.

How it is computed:

1. The scores: every **final**-occasion score of the school's cycles (any measure),
   read by :func:`~efficacy.cycles.evidence.selectors.measure_scores_frame`, each
   **standardised within its measure × occasion** (z = (score − mean) / SD, over all
   the students scored there), so that measures on different scales can be put
   together.
2. The term: the academic session (terms, else semesters, else school years of the
   district) whose dates hold the final occasion's date, or the cycle's end date when
   the occasion has none. A score with neither date is left out.
3. The groups: each is a group definition (:mod:`efficacy.cycles.plan.groups`),
   evaluated by :func:`~efficacy.cycles.plan.groups.group_students`, the rule of every
   cycle's focus and comparison groups. A student in both groups counts in neither.
4. One row per student and term (the mean of their standardised scores that term, so
   a student scored in two cycles counts once), and the gap per term is the
   standardised mean difference of group A against group B, Hedges' g with its 95%
   interval (:func:`efficacy.analysis.effect_size_by`, independent groups): above 0,
   group A scored higher.

Privacy: a term where either group has fewer students than the reporting threshold
is suppressed with its reason, and no size is returned at all (the result holds no n).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from efficacy import privacy
from efficacy.analysis import effect_size_by
from efficacy.analysis.results import TOO_FEW
from efficacy.cycles.evidence.selectors import measure_scores_frame
from efficacy.cycles.models import Measure, Occasion
from efficacy.cycles.plan.groups import group_students
from efficacy.roster.labels import attribute_label, pathway_label
from efficacy.roster.models import AcademicSession, School, Status, Student

#: Which sessions count as terms, finest first: the first kind the district has is used.
TERM_KINDS = (
    AcademicSession.Kind.TERM,
    AcademicSession.Kind.SEMESTER,
    AcademicSession.Kind.SCHOOL_YEAR,
)
A, B = "a", "b"


@dataclass(frozen=True)
class StudentGroup:
    """A group a leader may choose: ``key`` is what the form sends."""

    key: str
    label: str
    definition: dict


@dataclass(frozen=True)
class TermGap:
    """One term's gap (A − B, in SD units) with its 95% interval, or why it is not shown."""

    term: str
    start_date: dt.date
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    reason: privacy.SuppressionReason | None = None
    note: str = ""

    @property
    def shown(self) -> bool:
        return self.estimate is not None


@dataclass(frozen=True)
class GapTrend:
    group_a: StudentGroup
    group_b: StudentGroup
    terms: tuple[TermGap, ...]
    method: str = ""


def student_groups(school: School) -> list[StudentGroup]:
    """The groups the school's active students fall into: each pathway present, and each
    true-or-false attribute present, both ways (e.g. "IEP: yes", "IEP: no")."""
    students = Student.objects.filter(school=school, status=Status.ACTIVE).order_by()
    pathways = sorted(
        {p for p in students.values_list("pathway", flat=True).distinct() if p},
        key=lambda p: pathway_label(p).lower(),
    )
    flags: set[str] = set()
    for attributes in students.exclude(attributes={}).values_list("attributes", flat=True):
        if isinstance(attributes, dict):
            flags |= {k for k, v in attributes.items() if isinstance(v, bool)}
    groups = [StudentGroup(f"pathway:{p}", pathway_label(p), {"pathways": [p]}) for p in pathways]
    for name in sorted(flags):
        for value in (True, False):
            groups.append(
                StudentGroup(
                    f"attribute:{name}:{'yes' if value else 'no'}",
                    attribute_label(name, value),
                    {"attributes": {name: value}},
                )
            )
    return groups


def _terms(school: School) -> list[AcademicSession]:
    sessions = list(AcademicSession.objects.filter(district_id=school.district_id).order_by())
    for kind in TERM_KINDS:
        chosen = sorted((s for s in sessions if s.kind == kind), key=lambda s: s.start_date)
        if chosen:
            return chosen
    return []


def gap_by_term(
    school: School, group_a: StudentGroup, group_b: StudentGroup, *, min_n: int | None = None
) -> GapTrend:
    """The gap between ``group_a`` and ``group_b`` in each term of the school (module
    docstring). A bounded number of queries, whatever the number of cycles and scores."""
    min_n = privacy.min_student_n() if min_n is None else min_n
    terms = _terms(school)
    empty = GapTrend(group_a, group_b, ())
    if not terms:
        return empty
    measure_ids = list(
        Measure.objects.filter(cycle__team__school=school).values_list("pk", flat=True)
    )
    scores = measure_scores_frame(measure_ids, kinds=[Occasion.Kind.FINAL])
    if scores.empty:
        return GapTrend(group_a, group_b, tuple(_no_scores(t) for t in terms))
    dates = {
        pk: day or end
        for pk, day, end in Occasion.objects.filter(pk__in=scores["occasion"].unique().tolist())
        .order_by()
        .values_list("pk", "date", "cycle__end_date")
    }
    scores = scores.assign(
        day=scores["occasion"].map(dates),
        z=_standardised(scores),
    )
    scores = scores[scores["day"].notna() & scores["z"].notna()]
    scores = scores.assign(term=_term_of(scores["day"], terms))
    scores = scores[scores["term"] >= 0]
    in_a = _ids(group_a, school)
    in_b = _ids(group_b, school)
    both = in_a & in_b
    student = scores["student"].to_numpy()
    label = np.where(
        np.isin(student, list(in_a - both)),
        A,
        np.where(np.isin(student, list(in_b - both)), B, ""),
    )
    scores = scores.assign(group=label)
    scores = scores[scores["group"] != ""]
    per_student = scores.groupby(["term", "student", "group"], as_index=False)["z"].mean()
    if per_student.empty:
        return GapTrend(group_a, group_b, tuple(_no_scores(t) for t in terms))
    table = effect_size_by(
        per_student, by="term", score="z", group="group", treatment=A, control=B, min_n=min_n
    ).set_index("by")
    out = []
    for position, term in enumerate(terms):
        if position not in table.index:
            out.append(_no_scores(term))
            continue
        row = table.loc[position]
        if bool(row["suppressed"]) or not np.isfinite(row["hedges_g"]):
            out.append(_suppressed(term, row, min_n))
            continue
        out.append(
            TermGap(
                term.title,
                term.start_date,
                estimate=float(row["hedges_g"]),
                ci_low=float(row["ci_low"]),
                ci_high=float(row["ci_high"]),
            )
        )
    # Terms before the first and after the last with scores say nothing: leave them out.
    shown = [i for i, gap in enumerate(out) if gap.shown or gap.reason is not None]
    out = out[shown[0] : shown[-1] + 1] if shown else []
    return GapTrend(group_a, group_b, tuple(out), method=_("Hedges' g, two independent groups"))


def _standardised(scores: pd.DataFrame) -> pd.Series:
    """Each score as a z-score within its measure × occasion (NaN where nothing varies)."""
    grouped = scores.groupby(["measure", "occasion"])["score"]
    mean = grouped.transform("mean")
    sd = grouped.transform("std")
    return (scores["score"] - mean) / sd.where(sd > 0)


def _term_of(days: pd.Series, terms: list[AcademicSession]) -> np.ndarray:
    """The position of the first term whose dates hold each day, -1 for none (vectorised:
    one comparison per term, never a loop per score)."""
    out = np.full(len(days), -1, dtype=np.int64)
    values = pd.to_datetime(days).to_numpy(dtype="datetime64[D]")
    for position in range(len(terms) - 1, -1, -1):
        term = terms[position]
        start, end = np.datetime64(term.start_date, "D"), np.datetime64(term.end_date, "D")
        out[(values >= start) & (values <= end)] = position
    return out


def _ids(group: StudentGroup, school: School) -> set[int]:
    return set(
        group_students(group.definition, school=school).order_by().values_list("pk", flat=True)
    )


def _no_scores(term: AcademicSession) -> TermGap:
    return TermGap(term.title, term.start_date, note=_("No final scores from both groups."))


def _suppressed(term: AcademicSession, row: pd.Series, min_n: int) -> TermGap:
    if row["reason_code"] == TOO_FEW:
        return TermGap(term.title, term.start_date, reason=privacy.small_group(min_n))
    return TermGap(
        term.title, term.start_date, reason=privacy.SuppressionReason(privacy.NO_VARIANCE)
    )
