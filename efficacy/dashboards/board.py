"""The cycles board: one row per inquiry cycle, the same on the school, team and district
dashboards.

Per cycle: its team, title and link, stage, days left, how complete the evidence is,
overdue milestones, the shared-work flag, where the goal stands, and the headline
effect (:class:`~efficacy.cycles.models.ImpactSummary`) with its evidence grade.

Every figure reuses the rule its own page uses:

- **expected scores**: the cycle's focus and comparison students (as
  :func:`~efficacy.cycles.plan.groups.group_students` selects them today, the rule of
  :func:`~efficacy.cycles.plan.selectors.cycle_population` and of the home page's
  :func:`~efficacy.cycles.evidence.selectors.scores_to_enter`) × each measure × each
  occasion dated on or before ``today``; **entered**: those cells that hold a score;
- **shared work**: :func:`~efficacy.cycles.plan.selectors.shared_work_statuses` (a
  common measure and a strategy every member uses; members without evidence are not
  named here: that is the team's own page);
- **goal status**: a closed cycle reads its mastery moment (met, or a learning story:
  not met); an open cycle with a performance goal reads the share of focus students
  at or above the threshold at the latest occasion with scores against the target,
  exactly as the impact panel's "on track" (:func:`efficacy.cycles.impact.panel.goal_standing`);
  an open cycle judged on growth reads its stored pre/post interval against the
  growth expected over its weeks;
- **grade**: :attr:`MasteryMoment.evidence_grade` in words (:func:`grade_words`).

A bounded number of queries, whatever the number of cycles: a handful of aggregates
over all of them, and the group definitions evaluated together, a few hundred per
query (:func:`_populations`). No query runs per cycle.

Privacy: no count of students is shown. Completeness is a share, a suppressed effect
carries its reason (never a size), and a goal standing computed on fewer students than
the reporting threshold is itself suppressed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from efficacy import privacy
from efficacy.cycles.impact.panel import BEHIND, ON_TRACK, UNDECIDED, goal_standing
from efficacy.cycles.models import (
    CycleStatus,
    EvidenceDeletion,
    ImpactSummary,
    InquiryCycle,
    MasteryMoment,
    Measure,
    Milestone,
    Occasion,
    Score,
)
from efficacy.cycles.plan.groups import group_students
from efficacy.cycles.plan.selectors import shared_work_statuses
from efficacy.cycles.stories.mastery import grade_words
from efficacy.roster.models import Enrollment, ImportRun, School, SchoolClass, Status, Student

#: Where a cycle's goal stands (:attr:`BoardRow.goal_status`).
MET = "met"
NOT_MET = "not_met"
NO_GOAL = "no_goal"
NOT_MEASURED = "not_measured"
SUPPRESSED = "suppressed"
# ON_TRACK, BEHIND and UNDECIDED are the impact panel's own codes.

GOAL_WORDS = {
    MET: gettext_lazy("Goal met"),
    NOT_MET: gettext_lazy("Goal not met"),
    ON_TRACK: gettext_lazy("On track"),
    BEHIND: gettext_lazy("Not on track yet"),
    UNDECIDED: gettext_lazy("Too close to call"),
    NO_GOAL: gettext_lazy("No goal yet"),
    NOT_MEASURED: gettext_lazy("Not measured yet"),
    SUPPRESSED: gettext_lazy("Too few students to say"),
}

#: Group definitions per query: SQLite allows 500 selects in one compound statement.
UNION_LIMIT = 400


@dataclass(frozen=True)
class BoardRow:
    """One cycle on the board. Counts of students never appear: shares and reasons only."""

    cycle_id: int
    team_id: int
    team: str
    school_id: int
    title: str
    url: str
    status: str
    stage: str
    end_date: dt.date | None
    #: ``end_date - today`` in days (negative: overdue); None without an end date.
    days_left: int | None
    #: Scores entered / expected, 0 to 1; None while no score is expected yet.
    completeness: float | None
    overdue_milestones: int
    shared: bool
    shared_missing: tuple[str, ...]
    goal_status: str
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    expected_growth: float | None
    #: Why the effect is not shown (translated), "" when it is.
    effect_reason: str
    grade: str
    closed: bool

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0 and not self.closed

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def goal_words(self) -> str:
        return str(GOAL_WORDS[self.goal_status])

    @property
    def grade_words(self) -> str:
        return grade_words(self.grade) if self.grade else ""

    @property
    def completeness_percent(self) -> float | None:
        return None if self.completeness is None else 100 * self.completeness


def board_cycles(cycles: QuerySet[InquiryCycle]) -> QuerySet[InquiryCycle]:
    """The cycles in board order (team, then newest first), with what a row reads."""
    return cycles.select_related("team", "team__school").order_by(
        "team__name", "team_id", "-created_at", "-pk"
    )


def cycle_board(user: Any, cycles: QuerySet[InquiryCycle], *, today: dt.date) -> list[BoardRow]:
    """One :class:`BoardRow` per cycle of ``cycles``, which the caller has scoped with the
    access layer (``efficacy.access.cycles.cycles_for``); ``user`` is who reads the board
    (the rows link to pages the access layer will check again)."""
    listed = list(board_cycles(cycles))
    if not listed:
        return []
    ids = [c.pk for c in listed]
    populations = _populations(listed)
    completeness = _completeness(ids, populations, today)
    overdue = _counts(
        Milestone.objects.filter(cycle_id__in=ids, done=False, due_date__lt=today), "cycle_id"
    )
    shared = shared_work_statuses(listed, name_members=False)
    summaries = {s.cycle_id: s for s in ImpactSummary.objects.filter(cycle_id__in=ids)}
    moments = _latest_moments(ids)
    standings = _goal_standings([c for c in listed if c.is_open and c.has_judged_goal], populations)
    rows = []
    for cycle in listed:
        summary = summaries.get(cycle.pk)
        moment = moments.get(cycle.pk)
        status = shared[cycle.pk]
        effect, low, high, reason = _headline(summary)
        rows.append(
            BoardRow(
                cycle_id=cycle.pk,
                team_id=cycle.team_id,
                team=cycle.team.name,
                school_id=cycle.team.school_id,
                title=cycle.title,
                url=reverse("cycles:detail", args=[cycle.pk]),
                status=cycle.status,
                stage=cycle.get_status_display(),
                end_date=cycle.end_date,
                days_left=(cycle.end_date - today).days if cycle.end_date else None,
                completeness=completeness[cycle.pk],
                overdue_milestones=overdue.get(cycle.pk, 0),
                shared=status.is_shared,
                shared_missing=status.missing,
                goal_status=_goal_status(cycle, moment, standings.get(cycle.pk), summary),
                effect=effect,
                ci_low=low,
                ci_high=high,
                expected_growth=summary.expected_growth if summary else None,
                effect_reason=reason,
                grade=moment.evidence_grade if moment else "",
                closed=not cycle.is_open,
            )
        )
    return rows


def board_completeness(
    cycles: QuerySet[InquiryCycle], *, today: dt.date
) -> dict[int, tuple[int, float | None]]:
    """Each cycle's school and :attr:`BoardRow.completeness`, the same figure as
    :func:`cycle_board`'s, without the rest of the row: what a page that counts the
    board's rows but does not list them still shows (the district's schools' table).

    Counting a district's entered scores against its groups reads some 300,000 rows, so
    the result is kept in the cache under a key of everything it is computed from
    (:func:`_completeness_version`): a new score, a recorded deletion, a roster import, a
    change to a cycle, its measures or its occasions' dates gives a new key, and an entry
    lives :data:`COMPLETENESS_SECONDS` at most."""
    heads = list(cycles.order_by("pk").values_list("pk", "updated_at", "team__school_id"))
    if not heads:
        return {}
    key = _completeness_version(heads, cycles, today)
    stored = cache.get(key)
    if stored is not None:
        return stored
    listed = list(
        cycles.select_related("team__school").only(
            "focus", "comparison", "team__school__district_id", "team__school__name"
        )
    )
    completeness = _completeness([c.pk for c in listed], _populations(listed), today)
    out = {c.pk: (c.team.school_id, completeness[c.pk]) for c in listed}
    cache.set(key, out, COMPLETENESS_SECONDS)
    return out


#: How long a district's evidence completeness is kept at most (a change it does not see,
#: such as a score's class changed by hand in the database, shows after this).
COMPLETENESS_SECONDS = 600


def _roster_version(records: QuerySet) -> list[Any]:
    """How many records are active, the last one added and the last change an export
    dated: a student who leaves, arrives, moves class or changes grade changes one."""
    return list(
        records.aggregate(
            active=Count("pk", filter=Q(status=Status.ACTIVE)),
            last=Max("pk"),
            modified=Max("date_last_modified"),
        ).values()
    )


def _completeness_version(
    heads: list[tuple[int, dt.datetime, int]], cycles: QuerySet[InquiryCycle], today: dt.date
) -> str:
    """A cache key that changes whenever the completeness of the cycles could (``heads``:
    each one's id, last change and school): see :func:`evidence_version`."""
    return version_key("board-completeness", evidence_version(heads, cycles, today))


def evidence_version(
    heads: Sequence[tuple[Any, ...]], cycles: QuerySet[InquiryCycle], today: dt.date
) -> list[Any]:
    """What the evidence of ``cycles`` is computed from, to key a cache with (``heads``,
    one per cycle, starts with its id; the rest of each head, such as its last change, is
    part of the version): the day (occasions fall due), the cycles, their measures and
    occasions with their dates, the last score entered (any new score has a higher id),
    the last deletion of evidence (deletions are recorded), and the roster: its active
    students, enrolments and classes, the last added, the last modified (every import
    writes them) and the last import from the web."""
    # A subquery, not a list of a thousand ids: Django prepares each id of a list one by one.
    ids = cycles.order_by().values("pk")
    occasions = Occasion.objects.filter(cycle_id__in=ids).order_by("pk")
    return [
        today.isoformat(),
        list(heads),
        list(Measure.objects.filter(cycle_id__in=ids).order_by("pk").values_list("pk", flat=True)),
        [(pk, day.isoformat() if day else "") for pk, day in occasions.values_list("pk", "date")],
        Score.objects.aggregate(last=Max("pk"))["last"],
        EvidenceDeletion.objects.aggregate(last=Max("pk"))["last"],
        _roster_version(Student.objects.all()),
        _roster_version(Enrollment.objects.filter(student__isnull=False)),
        _roster_version(SchoolClass.objects.all()),
        list(ImportRun.objects.aggregate(last=Max("pk"), done=Max("finished_at")).values()),
    ]


def version_key(prefix: str, parts: Sequence[Any]) -> str:
    """A short cache key for ``parts`` (anything JSON can write, dates included)."""
    digest = hashlib.blake2b(json.dumps(list(parts), default=str).encode(), digest_size=16)
    return f"{prefix}:{digest.hexdigest()}"


def _completeness(
    ids: list[int], populations: dict[int, tuple[frozenset[int], frozenset[int]]], today: dt.date
) -> dict[int, float | None]:
    """Scores entered / expected (at most 1) per cycle; None while none is expected."""
    measures = _counts(Measure.objects.filter(cycle_id__in=ids), "cycle_id")
    past = _counts(Occasion.objects.filter(cycle_id__in=ids, date__lte=today), "cycle_id")
    entered = _entered(ids, populations, today)
    out: dict[int, float | None] = {}
    for cycle_id in ids:
        focus, comparison = populations.get(cycle_id, (_EMPTY, _EMPTY))
        expected = (
            (len(focus) + len(comparison)) * measures.get(cycle_id, 0) * past.get(cycle_id, 0)
        )
        out[cycle_id] = min(entered.get(cycle_id, 0) / expected, 1.0) if expected else None
    return out


_EMPTY: frozenset[int] = frozenset()


def _counts(queryset: QuerySet, key: str) -> dict[int, int]:
    return dict(queryset.order_by().values(key).annotate(n=Count("pk")).values_list(key, "n"))


def _canonical(definition: dict) -> str:
    return json.dumps(definition or {}, sort_keys=True, default=str)


#: How many group definitions' SQL :func:`_group_statements` keeps, in this process.
GROUP_SQL_KEPT = 50_000
_group_sql: OrderedDict[tuple, tuple[str, tuple] | None] = OrderedDict()
_group_sql_lock = threading.Lock()


def _group_statements(
    groups: Sequence[tuple[dict, School, dict | None]],
) -> list[tuple[str, tuple] | None]:
    """The SQL (and parameters) selecting the ids of the students each (definition,
    school, focus) selects, as :func:`group_students` writes it; None when it selects no
    one. The SQL is a pure function of those inputs (the rows are read when it runs), so
    it is kept, in this process (least recently used out first; the cache of Django's
    default configuration would keep only 300): a district's board has a thousand
    definitions, and building and compiling their querysets costs more than running
    them. A comparison with the focus's students of an earlier term reads the focus's
    courses from the database to write its SQL, so it is written afresh each time."""
    vendor = connection.vendor
    out: list[tuple[str, tuple] | None] = []
    for definition, school, focus in groups:
        key = (
            None if definition.get("earlier_term") else (vendor, school.pk, _canonical(definition))
        )
        if key is not None:
            with _group_sql_lock:  # a server's threads share it
                if key in _group_sql:
                    _group_sql.move_to_end(key)
                    out.append(_group_sql[key])
                    continue
        query = group_students(definition, school=school, focus=focus).order_by().values("pk")
        statement = None if query.query.is_empty() else query.query.sql_with_params()
        if key is not None:
            with _group_sql_lock:
                _group_sql[key] = statement
                if len(_group_sql) > GROUP_SQL_KEPT:
                    _group_sql.popitem(last=False)
        out.append(statement)
    return out


def _populations(
    cycles: Sequence[InquiryCycle],
) -> dict[int, tuple[frozenset[int], frozenset[int]]]:
    """Each cycle's (focus, comparison) student ids, as :func:`cycle_population` decides
    (focus wins a tie). Each distinct definition is evaluated once, and the definitions
    together, :data:`UNION_LIMIT` per query, with the SQL :func:`group_students` writes
    (:func:`_group_statements`)."""
    keys: dict[tuple, tuple[dict, School, dict | None]] = {}
    wanted: dict[int, tuple[tuple, tuple]] = {}
    for cycle in cycles:
        school = cycle.team.school
        focus_key = (school.pk, _canonical(cycle.focus), None)
        earlier = bool((cycle.comparison or {}).get("earlier_term"))
        comparison_key = (
            school.pk,
            _canonical(cycle.comparison),
            _canonical(cycle.focus) if earlier else None,
        )
        keys.setdefault(focus_key, (cycle.focus or {}, school, None))
        keys.setdefault(
            comparison_key, (cycle.comparison or {}, school, cycle.focus if earlier else None)
        )
        wanted[cycle.pk] = (focus_key, comparison_key)
    numbered = list(keys.items())
    members: dict[int, set[int]] = {i: set() for i in range(len(numbered))}
    statements = _group_statements([value for _key, value in numbered])
    for start in range(0, len(numbered), UNION_LIMIT):
        selects: list[str] = []
        params: list[Any] = []
        for index in range(start, min(start + UNION_LIMIT, len(numbered))):
            statement = statements[index]
            if statement is None:  # selects no one (an empty definition)
                continue
            selects.append(f"SELECT {index} AS group_key, g.* FROM ({statement[0]}) g")
            params.extend(statement[1])
        if not selects:
            continue
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            for index, student_id in cursor.fetchall():
                members[index].add(student_id)
    by_key = {key: frozenset(members[i]) for i, (key, _value) in enumerate(numbered)}
    out = {}
    for cycle_id, (focus_key, comparison_key) in wanted.items():
        focus = by_key[focus_key]
        out[cycle_id] = (focus, by_key[comparison_key] - focus)
    return out


def _entered(
    ids: list[int], populations: dict[int, tuple[frozenset[int], frozenset[int]]], today: dt.date
) -> dict[int, int]:
    """Scores of the cycle's students at occasions dated on or before ``today``: one query,
    counted per (cycle, student) in the database and summed over the population here. Its
    rows (a district's running cycles have a hundred thousand) are read as the database
    gives them: three integers need none of the ORM's conversions."""
    if not ids:
        return {}
    per_student = (
        Score.objects.filter(measure__cycle_id__in=ids, occasion__date__lte=today)
        .order_by()
        .values("measure__cycle_id", "student_id")
        .annotate(n=Count("pk"))
        .values_list("measure__cycle_id", "student_id", "n")
    )
    with connection.cursor() as cursor:
        cursor.execute(*per_student.query.sql_with_params())
        rows = cursor.fetchall()
    out: dict[int, int] = {}
    for cycle_id, student_id, n in rows:
        focus, comparison = populations.get(cycle_id, (_EMPTY, _EMPTY))
        if student_id in focus or student_id in comparison:
            out[cycle_id] = out.get(cycle_id, 0) + n
    return out


def _latest_moments(ids: list[int]) -> dict[int, MasteryMoment]:
    out: dict[int, MasteryMoment] = {}
    for moment in MasteryMoment.objects.filter(cycle_id__in=ids).order_by("-created_at", "-pk"):
        out.setdefault(moment.cycle_id, moment)
    return out


def _goal_standings(
    cycles: list[InquiryCycle], populations: dict[int, tuple[frozenset[int], frozenset[int]]]
) -> dict[int, str]:
    """Open cycles with a performance goal: the share of focus students at or above the
    threshold at the latest occasion with their scores (checkpoint or final), against the
    target, as the impact panel reads it. One query for all of them."""
    goals = {c.pk: c.judged_goal() for c in cycles}
    measure_ids = [m for m, _t, _p in goals.values() if m is not None]
    if not measure_ids:
        return {}
    rows = list(
        Score.objects.filter(
            measure_id__in=measure_ids,
            measure__cycle_id__in=list(goals),
            occasion__kind__in=[Occasion.Kind.CHECKPOINT, Occasion.Kind.FINAL],
        )
        .order_by()
        .values_list(
            "measure__cycle_id",
            "occasion__order",
            "occasion__date",
            "occasion_id",
            "student_id",
            "value",
        )
    )
    by_cycle: dict[int, list[tuple]] = {}
    for row in rows:
        by_cycle.setdefault(row[0], []).append(row)
    cycles_by_id = {c.pk: c for c in cycles}
    min_n = privacy.min_student_n()
    out = {}
    for cycle_id, scores in by_cycle.items():
        focus = populations.get(cycle_id, (_EMPTY, _EMPTY))[0]
        scores = [r for r in scores if r[4] in focus]
        if not scores:
            continue
        latest = max((r[1], r[2] or dt.date.min, r[3]) for r in scores)
        values = np.array([r[5] for r in scores if (r[1], r[2] or dt.date.min, r[3]) == latest])
        share, standing = goal_standing(cycles_by_id[cycle_id], values, min_n)
        out[cycle_id] = SUPPRESSED if share.suppressed else standing or UNDECIDED
    return out


def _goal_status(
    cycle: InquiryCycle,
    moment: MasteryMoment | None,
    standing: str | None,
    summary: ImpactSummary | None,
) -> str:
    if cycle.status == CycleStatus.CLOSED:
        return MET if moment is not None and moment.goal_met else NOT_MET
    if cycle.has_judged_goal:
        return standing or NOT_MEASURED
    if not cycle.mastery_goal:
        return NO_GOAL
    _effect, low, high, reason = _headline(summary)
    if reason and summary is not None and (summary.reason or {}).get("code") == privacy.SMALL_GROUP:
        return SUPPRESSED
    if low is None or high is None or summary is None or summary.expected_growth is None:
        return NOT_MEASURED
    if low > summary.expected_growth:
        return ON_TRACK
    if high < summary.expected_growth:
        return BEHIND
    return UNDECIDED


def _headline(
    summary: ImpactSummary | None,
) -> tuple[float | None, float | None, float | None, str]:
    """The stored pre/post effect with its interval, or why it is not shown."""
    if summary is None:
        return None, None, None, _("Not computed yet.")
    if summary.effect is None:
        return None, None, None, summary.reason_text or _("Not computed yet.")
    return summary.effect, summary.ci_low, summary.ci_high, ""


def board_table_rows(rows: Iterable[BoardRow]) -> tuple[list[str], list[list[Any]]]:
    """The board as the columns and rows of an exported table (numbers, not sentences)."""
    columns = [
        _("Team"),
        _("Cycle"),
        _("Stage"),
        _("End date"),
        _("Days left"),
        _("Evidence entered (%)"),
        _("Overdue milestones"),
        _("Shared work"),
        _("Goal"),
        _("Effect (pre/post d)"),
        _("95% CI low"),
        _("95% CI high"),
        _("Expected growth"),
        _("Why no effect"),
        _("Evidence grade"),
    ]
    out = []
    for row in rows:
        out.append(
            [
                row.team,
                row.title,
                row.stage,
                row.end_date,
                row.days_left,
                None if row.completeness is None else round(100 * row.completeness, 1),
                row.overdue_milestones,
                _("yes") if row.shared else _("no"),
                row.goal_words,
                row.effect,
                row.ci_low,
                row.ci_high,
                row.expected_growth,
                row.effect_reason,
                row.grade_words,
            ]
        )
    return columns, out
