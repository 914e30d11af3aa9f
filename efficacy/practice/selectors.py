"""What a cycle's rounds and implementation log add up to.

:func:`round_summary` is what a school leader sees of a team's rounds by default
(counts, coverage and look-for frequencies), and what the team sees at the top of
its rounds page. It names nobody and quotes no note.

:func:`open_actions` and :func:`rounds_to_attend` are a person's own follow-through
for their home page: the meeting actions they own and the rounds they host or observe.
The implementation log: :func:`log_classes` and :func:`log_strategies` are the
rows and columns of a teacher's weekly form, :func:`week_log` what it shows
(this week's ratings, else last week's as a starting point), :func:`coverage`
the heat map of the cycle page (by teacher, by class, or the team as a whole)
and :func:`class_doses` each class's dose for the impact panel: the mean logged
rating and the share of look-fors observers saw in its lessons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db.models import Count, F, Q, Sum

from efficacy.access.practice import actions_for, rounds_for
from efficacy.cycles.models import CycleStatus, CycleStrategy, InquiryCycle, LookFor, Strategy
from efficacy.cycles.plan.groups import group_students
from efficacy.practice.models import (
    Action,
    EngagementTally,
    ImplementationEntry,
    LookForTally,
    Note,
    Observation,
)
from efficacy.roster.models import Enrollment, School, SchoolClass, Status, User


@dataclass(frozen=True)
class LookForFrequency:
    look_for: LookFor
    ticks: int
    observations: int


@dataclass(frozen=True)
class RoundSummary:
    observations: int
    observed: int
    members: int
    hosts: int
    observers: int
    notes: int
    engagement: dict[str, int] = field(default_factory=dict)
    look_fors: list[LookForFrequency] = field(default_factory=list)


def round_summary(cycle: InquiryCycle) -> RoundSummary:
    rounds = Observation.objects.filter(cycle=cycle)
    members = User.objects.filter(
        team_memberships__team=cycle.team, status=Status.ACTIVE, is_active=True
    )
    tallies = LookForTally.objects.filter(observation__cycle=cycle, count__gt=0)
    per_look_for = {
        row["look_for"]: row
        for row in tallies.values("look_for").annotate(
            ticks=Sum("count"), rounds=Count("observation", distinct=True)
        )
    }
    focus = LookFor.objects.filter(strategy__observations__cycle=cycle).distinct()
    look_fors = [
        LookForFrequency(
            look_for=look_for,
            ticks=per_look_for.get(look_for.pk, {}).get("ticks", 0),
            observations=per_look_for.get(look_for.pk, {}).get("rounds", 0),
        )
        for look_for in focus.select_related("strategy")
    ]
    engagement = dict(
        EngagementTally.objects.filter(observation__cycle=cycle)
        .values_list("level")
        .annotate(total=Sum("count"))
    )
    return RoundSummary(
        observations=rounds.count(),
        observed=rounds.filter(notes__isnull=False).distinct().count(),
        members=members.count(),
        hosts=members.filter(hosted_observations__cycle=cycle).distinct().count(),
        observers=members.filter(observations_made__cycle=cycle).distinct().count(),
        notes=Note.objects.filter(observation__cycle=cycle).count(),
        engagement=engagement,
        look_fors=look_fors,
    )


#: The home page lists at most this many of a person's actions, and of their rounds.
MAX_ON_HOME = 20


def open_actions(user: User) -> list[Action]:
    """The actions a person owns that are not done, in open cycles: the earliest due first,
    those without a due date last."""
    return list(
        actions_for(user)
        .filter(owner=user, done=False)
        .exclude(meeting__cycle__status=CycleStatus.CLOSED)
        .select_related("meeting", "meeting__cycle")
        .order_by(F("due_date").asc(nulls_last=True), "meeting__date", "pk")[:MAX_ON_HOME]
    )


def rounds_to_attend(user: User, *, today: dt.date) -> list[Observation]:
    """Upcoming observations (today included) a person hosts or observes."""
    return list(
        rounds_for(user)
        .filter(Q(host=user) | Q(observers=user), date__gte=today)
        .exclude(cycle__status=CycleStatus.CLOSED)
        .select_related("cycle", "host", "school_class")
        .order_by("date", "pk")[:MAX_ON_HOME]
    )


# --- the implementation log ------------------------------------------------------


def week_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week: how the log names a week."""
    return day - dt.timedelta(days=day.weekday())


def this_week(school: School) -> dt.date:
    """The Monday of the week it is at ``school``."""
    return week_of(school.today())


def log_strategies(cycle: InquiryCycle) -> list[Strategy]:
    """The columns of the log: the cycle's strategies, in the order they were chosen."""
    return list(Strategy.objects.filter(cycle_uses__cycle=cycle).order_by("cycle_uses__id"))


def log_classes(user: User, cycle: InquiryCycle) -> list[SchoolClass]:
    """The rows of a teacher's log: the active classes they teach that hold students of
    the cycle's focus group, or every class they teach when none does."""
    taught = SchoolClass.objects.filter(
        enrollments__staff=user,
        enrollments__role=Enrollment.EnrollmentRole.TEACHER,
        enrollments__status=Status.ACTIVE,
        school_id=cycle.team.school_id,
        status=Status.ACTIVE,
    ).distinct()
    focus = group_students(cycle.focus or {}, school=cycle.team.school).values("pk")
    with_focus = taught.filter(
        pk__in=Enrollment.objects.filter(
            role=Enrollment.EnrollmentRole.STUDENT, status=Status.ACTIVE, student__in=focus
        ).values("school_class_id")
    )
    classes = list(with_focus.order_by("title", "pk")) or list(taught.order_by("title", "pk"))
    return classes


@dataclass(frozen=True)
class WeekLog:
    """What the form shows: ratings by (class id, strategy id); ``prefilled_from`` is the
    week they were copied from when this week has none yet."""

    week: dt.date
    ratings: dict[tuple[int, int], int]
    prefilled_from: dt.date | None = None


def week_log(user: User, cycle: InquiryCycle, week: dt.date) -> WeekLog:
    """This week's ratings by ``user``, else last week's as a starting point."""
    earlier = week - dt.timedelta(days=7)
    rows = ImplementationEntry.objects.filter(
        cycle=cycle, teacher=user, week__in=[week, earlier]
    ).values_list("week", "school_class_id", "strategy_id", "rating")
    now: dict[tuple[int, int], int] = {}
    before: dict[tuple[int, int], int] = {}
    for when, class_id, strategy_id, rating in rows:
        (now if when == week else before)[(class_id, strategy_id)] = rating
    if now or not before:
        return WeekLog(week=week, ratings=now)
    return WeekLog(week=week, ratings=before, prefilled_from=earlier)


@dataclass(frozen=True)
class CoverageCell:
    """One teacher's (or class's, or the team's) use of one strategy.

    ``weeks_used``: weeks with a rating of 1 or more, of ``weeks`` (the cycle's weeks
    so far); ``mean_rating`` over every rating logged (None without one); ``level`` its
    rounding, 0 to 3, for the colour (the text says the same).
    """

    weeks_used: int
    weeks: int
    mean_rating: float | None

    @property
    def share(self) -> float | None:
        return self.weeks_used / self.weeks if self.weeks else None

    @property
    def level(self) -> int | None:
        return None if self.mean_rating is None else int(np.clip(round(self.mean_rating), 0, 3))


@dataclass(frozen=True)
class CoverageRow:
    label: str
    cells: list[CoverageCell]


@dataclass(frozen=True)
class Coverage:
    """A heat map: ``rows`` × ``strategies``, over ``weeks`` weeks; ``teachers`` is how
    many teachers logged anything."""

    strategies: list[Strategy]
    weeks: int
    teachers: int
    rows: list[CoverageRow]


def _weeks_so_far(cycle: InquiryCycle, logged: pd.Series) -> int:
    """The cycle's weeks from its start to this week (or its end, if sooner); without a
    start date, the weeks anyone logged."""
    if cycle.start_date is None:
        return int(logged.nunique())
    last = this_week(cycle.team.school)
    if cycle.end_date is not None:
        last = min(last, week_of(cycle.end_date))
    return max((last - week_of(cycle.start_date)).days // 7 + 1, 0)


def coverage(cycle: InquiryCycle, *, by: str) -> Coverage:
    """How often and how fully the cycle's strategies were used, by ``"teacher"``, by
    ``"class"`` or for the ``"team"`` as one row. Two queries: the strategies and the
    entries (with the names of their teachers and classes)."""
    strategies = log_strategies(cycle)
    entries = pd.DataFrame.from_records(
        ImplementationEntry.objects.filter(cycle=cycle).values_list(
            "teacher_id",
            "teacher__first_name",
            "teacher__last_name",
            "teacher__username",
            "school_class_id",
            "school_class__title",
            "week",
            "strategy_id",
            "rating",
        ),
        columns=["teacher", "first", "last", "username", "klass", "title", "week",
                 "strategy", "rating"],
    )  # fmt: skip
    weeks = _weeks_so_far(cycle, entries["week"])
    teachers = int(entries["teacher"].nunique())
    if by == "teacher":
        entries["row"] = entries["teacher"]
        names = (entries["first"] + " " + entries["last"]).str.strip()
        entries["label"] = names.where(names != "", entries["username"])
    elif by == "class":
        entries["row"] = entries["klass"]
        entries["label"] = entries["title"]
    else:
        entries["row"] = 0
        entries["label"] = ""
    rows = []
    for _row, part in entries.sort_values("label").groupby("row", sort=False):
        cells = []
        for strategy in strategies:
            mine = part[part["strategy"] == strategy.pk]
            used = int(mine.loc[mine["rating"] >= 1, "week"].nunique())
            mean = float(mine["rating"].mean()) if len(mine) else None
            cells.append(CoverageCell(weeks_used=used, weeks=weeks, mean_rating=mean))
        rows.append(CoverageRow(label=str(part["label"].iloc[0]), cells=cells))
    return Coverage(strategies=strategies, weeks=weeks, teachers=teachers, rows=rows)


#: The columns of :func:`class_doses`.
DOSE_COLUMNS = ["school_class", "logged_dose", "observed_dose"]


def class_doses(cycle: InquiryCycle) -> pd.DataFrame:
    """Each class's dose, one row per class with either (two queries):

    - ``logged_dose``: the mean of every rating logged for the class (0 not used to
      3 fully), over its teachers, weeks and the cycle's strategies;
    - ``observed_dose``: over the observations of its lessons, the mean share of the
      observation's look-fors that some observer ticked at least once (0 to 1).

    NaN where the class has no such data.
    """
    logged = pd.DataFrame.from_records(
        ImplementationEntry.objects.filter(cycle=cycle)
        .values("school_class_id")
        .annotate(total=Sum("rating"), count=Count("id"))
        .values_list("school_class_id", "total", "count"),
        columns=["school_class", "total", "count"],
    )
    logged["logged_dose"] = logged["total"] / logged["count"]
    seen = pd.DataFrame.from_records(
        Observation.objects.filter(cycle=cycle, school_class__isnull=False)
        .annotate(
            focus=Count("strategies__look_fors", distinct=True),
            seen=Count(
                "look_for_tallies__look_for",
                filter=Q(look_for_tallies__count__gt=0),
                distinct=True,
            ),
        )
        .values_list("school_class_id", "focus", "seen"),
        columns=["school_class", "focus", "seen"],
    )
    seen = seen[seen["focus"] > 0]
    seen["share"] = seen["seen"] / seen["focus"]
    observed = seen.groupby("school_class", as_index=False)["share"].mean()
    observed = observed.rename(columns={"share": "observed_dose"})
    doses = logged[["school_class", "logged_dose"]].merge(observed, on="school_class", how="outer")
    return doses[DOSE_COLUMNS].astype({"school_class": np.int64, "logged_dose": float,
                                       "observed_dose": float})  # fmt: skip


# --- many cycles at once (the dashboards) -------------------------------------------


@dataclass(frozen=True)
class CycleCoverage:
    """A cycle's practice at a glance, for a dashboard's bars.

    ``implementation``: the team row of :func:`coverage` summed up, the share of
    strategy-weeks so far with a rating of 1 or more (each strategy's ``weeks_used``
    over the cycle's ``weeks``, averaged over its strategies); None before a week has
    passed or without a strategy. ``observation``: the share of the team's active
    members who hosted at least one round (:func:`round_summary`'s ``hosts`` over
    ``members``); None without members. ``rounds``: how many rounds were held.
    """

    implementation: float | None
    observation: float | None
    rounds: int


def coverage_summaries(cycles: list[InquiryCycle]) -> dict[int, CycleCoverage]:
    """:class:`CycleCoverage` of every cycle, in four queries whatever their number."""
    ids = [c.pk for c in cycles]
    strategies: dict[int, set[int]] = {}
    for cycle_id, strategy_id in CycleStrategy.objects.filter(cycle_id__in=ids).values_list(
        "cycle_id", "strategy_id"
    ):
        strategies.setdefault(cycle_id, set()).add(strategy_id)
    entries = pd.DataFrame.from_records(
        ImplementationEntry.objects.filter(cycle_id__in=ids)
        .order_by()
        .values_list("cycle_id", "week", "strategy_id", "rating"),
        columns=["cycle", "week", "strategy", "rating"],
    )
    used = (
        entries[entries["rating"] >= 1].groupby(["cycle", "strategy"])["week"].nunique().to_dict()
    )
    members: dict[int, set[int]] = {}
    team_ids = {c.team_id for c in cycles}
    for team_id, user_id in User.objects.filter(
        team_memberships__team_id__in=team_ids, status=Status.ACTIVE, is_active=True
    ).values_list("team_memberships__team_id", "pk"):
        members.setdefault(team_id, set()).add(user_id)
    hosts: dict[int, set[int]] = {}
    rounds: dict[int, int] = {}
    for cycle_id, host_id in Observation.objects.filter(cycle_id__in=ids).values_list(
        "cycle_id", "host_id"
    ):
        hosts.setdefault(cycle_id, set()).add(host_id)
        rounds[cycle_id] = rounds.get(cycle_id, 0) + 1
    out = {}
    for cycle in cycles:
        weeks = _weeks_so_far(cycle, entries.loc[entries["cycle"] == cycle.pk, "week"])
        chosen = strategies.get(cycle.pk, set())
        implementation = (
            float(np.mean([min(used.get((cycle.pk, s), 0) / weeks, 1.0) for s in chosen]))
            if weeks and chosen
            else None
        )
        team = members.get(cycle.team_id, set())
        observation = len(hosts.get(cycle.pk, set()) & team) / len(team) if team else None
        out[cycle.pk] = CycleCoverage(implementation, observation, rounds.get(cycle.pk, 0))
    return out
