"""The district's cycles at a glance: what the district dashboard and its exports read.

Everything here reads stored figures (:class:`~efficacy.cycles.models.ImpactSummary`)
and the cycles' own fields, in a handful of queries whatever the number of schools
and cycles; no score is loaded, except by :func:`district_evidence_frame`, the
analysts' Parquet extract, which runs once per download.

- :func:`district_cycle_facts` describes each cycle by what the dashboard filters
  on: its school, the grades and subjects of its focus group (the definition's
  grades, and the grades and subjects of its classes and courses), its student
  groups (pathways and attributes of the focus definition) and its school year
  (the district's school-year session holding its start date);
- :func:`school_impacts` pools each school's closed cycles
  (:func:`efficacy.cycles.impact.pooled.pooled_impact`, random effects); a school
  with fewer than three effects to pool is listed with its note, never a figure;
- :func:`district_evidence_frame` is the long table ``efficacy analyze`` reads, for
  the groups at or above the reporting threshold only, under a pseudonymous key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from efficacy.cycles.impact.pooled import PooledImpact, pooled_impact
from efficacy.cycles.models import STATUS_ORDER, CycleStatus, ImpactSummary, InquiryCycle, Score
from efficacy.cycles.plan.selectors import COMPARISON, FOCUS, cycle_population
from efficacy.roster.labels import attribute_label, pathway_label
from efficacy.roster.models import AcademicSession, Course, School, SchoolClass

# --- describing and filtering cycles --------------------------------------------------


@dataclass(frozen=True)
class CycleFacts:
    """One cycle as the district dashboard filters and counts it (no student in it)."""

    pk: int
    title: str
    status: str
    school_id: int
    team: str
    start_date: dt.date | None
    grades: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()
    #: ``pathway:<value>`` and ``attribute:<name>=<value>`` of the focus definition.
    groups: frozenset[str] = frozenset()
    year: int | None = None

    @property
    def closed(self) -> bool:
        return self.status == CycleStatus.CLOSED


@dataclass(frozen=True)
class DistrictFilter:
    """What the analyst narrowed the dashboard to; an empty field keeps everything."""

    school: int | None = None
    grade: str = ""
    subject: str = ""
    group: str = ""
    year: int | None = None

    def keeps(self, facts: CycleFacts) -> bool:
        if self.school is not None and facts.school_id != self.school:
            return False
        if self.grade and self.grade not in facts.grades:
            return False
        if self.subject and self.subject not in facts.subjects:
            return False
        if self.group and self.group not in facts.groups:
            return False
        return self.year is None or facts.year == self.year


def school_year_of(
    day: dt.date | None, years: Sequence[tuple[dt.date, dt.date, int]]
) -> int | None:
    """The school year (the year it ends) of the session holding ``day``; without one, the
    year ending the next summer (September to August)."""
    if day is None:
        return None
    for start, end, year in years:
        if start <= day <= end:
            return year
    return day.year + 1 if day.month >= 9 else day.year


def _group_keys(definition: dict[str, Any]) -> set[str]:
    keys = {f"pathway:{p}" for p in definition.get("pathways") or []}
    for name, value in (definition.get("attributes") or {}).items():
        keys.add(f"attribute:{name}={_json_value(value)}")
    return keys


def _json_value(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def group_label(key: str) -> str:
    """A student group key of :class:`CycleFacts` as it reads on a page."""
    kind, _sep, rest = key.partition(":")
    if kind == "pathway":
        return _("Pathway: %(pathway)s") % {"pathway": pathway_label(rest)}
    name, _eq, raw = rest.partition("=")
    value: Any = {"true": True, "false": False}.get(raw, raw)
    return attribute_label(name, value)


def district_cycle_facts(cycles: QuerySet[InquiryCycle]) -> list[CycleFacts]:
    """:class:`CycleFacts` of ``cycles`` (already scoped by the access layer), in four
    queries whatever their number."""
    rows = list(
        cycles.values_list(
            "pk", "title", "status", "team__school_id", "team__school__district_id",
            "team__name", "start_date", "focus",
        ).order_by("team__school__name", "team__name", "start_date", "pk")
    )  # fmt: skip
    class_ids: set[int] = set()
    course_ids: set[int] = set()
    districts: set[int] = set()
    for row in rows:
        focus = row[7] or {}
        class_ids.update(int(c) for c in focus.get("classes") or [])
        course_ids.update(int(c) for c in focus.get("courses") or [])
        districts.add(row[4])
    classes = {
        pk: (grades or [], subjects or [])
        for pk, grades, subjects in SchoolClass.objects.filter(pk__in=class_ids).values_list(
            "pk", "grades", "subjects"
        )
    }
    courses = {
        pk: (grades or [], subjects or [])
        for pk, grades, subjects in Course.objects.filter(pk__in=course_ids).values_list(
            "pk", "grades", "subjects"
        )
    }
    years: dict[int, list[tuple[dt.date, dt.date, int]]] = defaultdict(list)
    sessions = AcademicSession.objects.filter(
        district_id__in=districts, kind=AcademicSession.Kind.SCHOOL_YEAR
    ).values_list("district_id", "start_date", "end_date", "school_year")
    for district_id, start, end, year in sessions:
        years[district_id].append((start, end, year))
    out = []
    for pk, title, status, school_id, district_id, team, start, focus in rows:
        focus = focus or {}
        grades = {str(g) for g in focus.get("grades") or []}
        subjects: set[str] = set()
        picked = [classes.get(int(c)) for c in focus.get("classes") or []]
        picked += [courses.get(int(c)) for c in focus.get("courses") or []]
        for found in picked:
            if found:
                grades.update(str(g) for g in found[0])
                subjects.update(str(s) for s in found[1])
        out.append(
            CycleFacts(
                pk=pk, title=title, status=status, school_id=school_id, team=team,
                start_date=start, grades=frozenset(grades), subjects=frozenset(subjects),
                groups=frozenset(_group_keys(focus)),
                year=school_year_of(start, years.get(district_id, [])),
            )
        )  # fmt: skip
    return out


@dataclass(frozen=True)
class FilterChoices:
    """The values the filters offer: those the district's cycles actually have."""

    grades: list[str]
    subjects: list[str]
    groups: list[tuple[str, str]]
    years: list[int]


def filter_choices(facts: Iterable[CycleFacts]) -> FilterChoices:
    grades: set[str] = set()
    subjects: set[str] = set()
    groups: set[str] = set()
    years: set[int] = set()
    for f in facts:
        grades |= f.grades
        subjects |= f.subjects
        groups |= f.groups
        if f.year is not None:
            years.add(f.year)
    return FilterChoices(
        grades=sorted(grades, key=lambda g: (len(g.lstrip("0")), g.lstrip("0"))),
        subjects=sorted(subjects, key=str.lower),
        groups=sorted(((key, group_label(key)) for key in groups), key=lambda kv: kv[1].lower()),
        years=sorted(years, reverse=True),
    )


# --- impact, per school and for the district ------------------------------------------


#: What the district's figures read of a summary and its cycle (decoding every cycle's
#: group definitions, for a thousand cycles, would cost more than the rest of the page).
SUMMARY_FIELDS = (
    "cycle_id", "measure_name", "effect", "ci_low", "ci_high", "expected_growth", "reason",
    "cycle__title", "cycle__status", "cycle__team__name", "cycle__team__school_id",
    "cycle__team__school__name",
)  # fmt: skip


def closed_summaries(cycle_ids: Iterable[int]) -> list[ImpactSummary]:
    """The stored impact summaries of these cycles that are closed (one query)."""
    return list(
        ImpactSummary.objects.filter(cycle_id__in=list(cycle_ids), cycle__status=CycleStatus.CLOSED)
        .select_related("cycle", "cycle__team", "cycle__team__school")
        .only(*SUMMARY_FIELDS)
    )


def has_interval(summary: ImpactSummary) -> bool:
    """An effect that can be pooled: shown (not suppressed) and with its interval."""
    return summary.effect is not None and summary.ci_low is not None and summary.ci_high is not None


@dataclass(frozen=True)
class SchoolImpact:
    """One school's row: its cycles by stage and its closed cycles' pooled effect."""

    school: School
    cycles: int
    closed: int
    #: Closed cycles whose effect has an interval (those that can be pooled).
    with_effect: int
    pooled: PooledImpact | None
    note: str = ""
    #: (stage label, number of cycles), from planning to closed.
    stages: list[tuple[str, int]] = field(default_factory=list)


def school_impacts(
    schools: Sequence[School],
    facts: Sequence[CycleFacts],
    summaries: Sequence[ImpactSummary],
) -> list[SchoolImpact]:
    """One :class:`SchoolImpact` per school, in the order given. A school pools its closed
    cycles when at least three have an effect with an interval
    (:data:`efficacy.cycles.impact.pooled.MIN_CYCLES`); otherwise its row says why and
    shows no figure."""
    stages: dict[int, Counter[str]] = defaultdict(Counter)
    for f in facts:
        stages[f.school_id][f.status] += 1
    by_school: dict[int, list[ImpactSummary]] = defaultdict(list)
    for summary in summaries:
        by_school[summary.cycle.team.school_id].append(summary)
    labels = dict(CycleStatus.choices)
    pooled_by_school = dict(
        zip(
            (s.pk for s in schools if by_school.get(s.pk)),
            pooled_many([by_school[s.pk] for s in schools if by_school.get(s.pk)]),
            strict=True,
        )
    )
    out = []
    for school in schools:
        counted = stages.get(school.pk, Counter())
        mine = by_school.get(school.pk, [])
        pooled = pooled_by_school.get(school.pk)
        note = pooled.note if pooled is not None else _("No closed cycle yet.")
        out.append(
            SchoolImpact(
                school=school,
                cycles=sum(counted.values()),
                closed=counted[CycleStatus.CLOSED],
                with_effect=sum(1 for s in mine if has_interval(s)),
                pooled=pooled,
                note=note,
                stages=[(str(labels[s]), counted[s]) for s in STATUS_ORDER],
            )
        )
    return out


def district_pooled(summaries: Sequence[ImpactSummary]) -> PooledImpact:
    """The district's pooled estimate over every closed cycle given (random effects)."""
    return pooled_many([summaries])[0]


#: How long a pooled estimate stays in the cache. Its key holds every figure it pools, so
#: a recomputed summary gets a new key: the time only bounds the cache's size.
POOLED_CACHE_SECONDS = 3600


def _pooled_key(summaries: Sequence[ImpactSummary]) -> str:
    figures = sorted(
        (s.cycle_id, s.effect, s.ci_low, s.ci_high, s.expected_growth) for s in summaries
    )
    digest = hashlib.sha256(repr(figures).encode()).hexdigest()
    return f"pooled-impact:{translation.get_language() or ''}:{digest}"


def pooled_many(groups: Sequence[Sequence[ImpactSummary]]) -> list[PooledImpact]:
    """:func:`~efficacy.cycles.impact.pooled.pooled_impact` of each group of summaries,
    read from the cache when the same figures were pooled before (a REML fit per school
    is what a district's dashboard would otherwise spend its time on)."""
    keys = [_pooled_key(group) for group in groups]
    found = cache.get_many(keys)
    fresh = {}
    out = []
    for key, group in zip(keys, groups, strict=True):
        if key not in found:
            found[key] = fresh[key] = pooled_impact(group)
        out.append(found[key])
    if fresh:
        cache.set_many(fresh, POOLED_CACHE_SECONDS)
    return out


# --- the analysts' evidence extract ------------------------------------------------------

#: The columns of :func:`district_evidence_frame`, in order.
EXTRACT_COLUMNS = [
    "cycle",
    "school",
    "measure",
    "occasion",
    "occasion_kind",
    "occasion_order",
    "group",
    "student_key",
    "score",
]


@dataclass(frozen=True)
class DroppedGroup:
    """A cycle's group left out of the extract, below the reporting threshold (no size)."""

    cycle: int
    school: str
    group: str


def student_key(secret: bytes, student_id: int) -> str:
    """A pseudonym for a student, keyed by a secret drawn once per extract: the same student
    has the same key within one file (so scores pair up) and another key in the next one;
    neither the database id nor the roster's ids can be read back from it."""
    digest = hmac.new(secret, str(student_id).encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def district_evidence_frame(
    cycles: QuerySet[InquiryCycle], *, secret: bytes, min_n: int
) -> tuple[pd.DataFrame, list[DroppedGroup]]:
    """The scores of ``cycles`` (closed ones, scoped by the access layer) in the long
    format ``efficacy analyze`` reads (:data:`EXTRACT_COLUMNS`), for the focus and
    comparison groups with at least ``min_n`` scored students. A smaller group and the
    students now in neither group are left out; the smaller groups are listed (never
    their size). No name, grade, pathway, class or attribute is in it."""
    chosen = list(cycles.select_related("team", "team__school").order_by("pk"))
    populations = {c.pk: cycle_population(c) for c in chosen}
    schools = {c.pk: c.team.school.name for c in chosen}
    rows = list(
        Score.objects.filter(measure__cycle__in=[c.pk for c in chosen]).values_list(
            "measure__cycle_id", "measure__name", "occasion__name", "occasion__kind",
            "occasion__order", "student_id", "value",
        )
    )  # fmt: skip
    raw = pd.DataFrame(
        rows,
        columns=["cycle", "measure", "occasion", "occasion_kind", "occasion_order",
                 "student", "score"],
    )  # fmt: skip
    members = pd.DataFrame(
        [(c, s, FOCUS) for c, p in populations.items() for s in p.focus]
        + [(c, s, COMPARISON) for c, p in populations.items() for s in p.comparison],
        columns=["cycle", "student", "group"],
    ).astype({"cycle": "int64", "student": "int64", "group": object})
    raw = raw.astype({"cycle": "int64", "student": "int64"})
    # Students now in neither group drop out here (an inner join on the cycle's groups).
    raw = raw.merge(members, on=["cycle", "student"], how="inner")
    sizes = raw.groupby(["cycle", "group"])["student"].nunique()
    dropped: list[DroppedGroup] = []
    keep: list[tuple[int, str]] = []
    for cycle in chosen:
        for group in (FOCUS, COMPARISON):
            n = int(sizes.get((cycle.pk, group), 0))
            if n >= min_n:
                keep.append((cycle.pk, group))
            elif n > 0:
                dropped.append(DroppedGroup(cycle.pk, schools[cycle.pk], group))
    chosen_groups = pd.DataFrame(keep, columns=["cycle", "group"]).astype(
        {"cycle": "int64", "group": object}
    )
    kept = raw.merge(chosen_groups, on=["cycle", "group"])
    students = kept["student"].unique()
    keys = dict(zip(students, (student_key(secret, int(s)) for s in students), strict=True))
    frame = pd.DataFrame(
        {
            "cycle": kept["cycle"].astype("int64"),
            "school": kept["cycle"].map(schools).astype(object),
            "measure": kept["measure"].astype(object),
            "occasion": kept["occasion"].astype(object),
            "occasion_kind": kept["occasion_kind"].astype(object),
            "occasion_order": kept["occasion_order"].astype("int64"),
            "group": kept["group"].astype(object),
            "student_key": kept["student"].map(keys).astype(object),
            "score": kept["score"].astype("float64"),
        },
        columns=EXTRACT_COLUMNS,
    )
    frame = frame.sort_values(
        ["cycle", "measure", "occasion_order", "group", "student_key"], kind="stable"
    ).reset_index(drop=True)
    return frame, dropped
