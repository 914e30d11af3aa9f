"""The coverage scheduler's model, solved by OR-Tools CP-SAT.

One yes/no variable per possible visit: a (week, day, period, host, observer) at
which both teach (and share a team, when the request says so). The rules of a
valid schedule are linear constraints over them (see :class:`VisitModel`).

The objective spreads each teacher's visits over the window: it counts the times
a teacher observes, or is observed, a second time in a week in which they
already did, and is 0 when every teacher's visits fall in different weeks (so
there is time between them to try what they saw). The substitute periods a
schedule uses are not worth minimising: every visit takes its observer out of
class for one period, so any valid schedule uses teachers × ``visits_each``.

When the solver proves that no schedule exists, :func:`explain` solves the model
again with each group of rules switched on by an assumption literal, asks CP-SAT
for a set of assumptions that is infeasible on its own
(``sufficient_assumptions_for_infeasibility``), and then shrinks that set one
rule at a time until setting any one aside allows a schedule (or time runs out).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from efficacy.practice.schedule.reasons import Reason, conflict, necessary_conditions
from efficacy.practice.schedule.request import ScheduleRequest

#: CP-SAT's threads: the machines this runs on have two cores.
WORKERS = 2
DEFAULT_SECONDS = 30.0
#: With assumptions, the explanation may also consider visits across teams (to say
#: whether ``same_team`` is part of the conflict) when there are not more than this.
MAX_CROSS_TEAM_VISITS = 200_000

Key = tuple[int, int, int, int, int]
"""A possible visit: (week, day, period, host, observer), host and observer as
indexes into the request's teachers; week, day and period count from 1."""

Rule = tuple[str, int | None]
"""A group of constraints that can be set aside: a name of ``reasons.RULES`` and,
for the per-teacher counts, the teacher's index."""


@dataclass(frozen=True, order=True)
class Visit:
    week: int
    day: int
    period: int
    host: str
    observer: str

    def to_dict(self) -> dict[str, int | str]:
        return {
            "week": self.week,
            "day": self.day,
            "period": self.period,
            "host": self.host,
            "observer": self.observer,
        }


@dataclass(frozen=True)
class Schedule:
    """A valid schedule: its visits sorted by week, day, period, host and observer."""

    visits: tuple[Visit, ...]
    #: The times a teacher observes, or is observed, twice in one week (0 is best).
    objective: int
    #: Whether the solver proved no schedule has a lower objective.
    optimal: bool
    seconds: float
    status = "feasible"

    @property
    def substitute_periods(self) -> int:
        """Periods of substitute cover used: one per visit, for its observer's class."""
        return len(self.visits)


@dataclass(frozen=True)
class Impossible:
    """No valid schedule exists, and why."""

    reasons: tuple[Reason, ...]
    seconds: float
    status = "infeasible"


@dataclass(frozen=True)
class Undecided:
    """The solver found no schedule in the time allowed, and proved none impossible."""

    reasons: tuple[Reason, ...]
    seconds: float
    status = "unknown"


def schedule_rounds(
    request: ScheduleRequest, *, seconds: float = DEFAULT_SECONDS, workers: int = WORKERS
) -> Schedule | Impossible | Undecided:
    """An observation schedule for ``request``, or why there is none.

    Conditions any schedule needs are checked first (:func:`necessary_conditions`);
    when one fails the solver is not started. Otherwise CP-SAT gets ``seconds`` to
    find a schedule and ``workers`` threads; when it proves there is none,
    :func:`explain` gets as long again to say which rules conflict.
    """
    start = time.perf_counter()
    reasons = necessary_conditions(request)
    if reasons:
        return Impossible(tuple(reasons), seconds=time.perf_counter() - start)
    visits = VisitModel(request)
    visits.spread_over_weeks()
    solver = _solver(seconds, workers)
    status = solver.solve(visits.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = sorted(
            Visit(w, d, p, request.teachers[h].id, request.teachers[o].id)
            for (w, d, p, h, o), x in visits.x.items()
            if solver.boolean_value(x)
        )
        return Schedule(
            tuple(chosen),
            objective=round(solver.objective_value),
            optimal=status == cp_model.OPTIMAL,
            seconds=time.perf_counter() - start,
        )
    if status == cp_model.INFEASIBLE:
        reason = explain(request, seconds=seconds, workers=workers)
        return Impossible((reason,), seconds=time.perf_counter() - start)
    return Undecided(
        (
            Reason(
                "undecided",
                f"The solver found no schedule in {seconds:g} seconds and could not prove "
                "that none exists; give it longer (--seconds).",
                {"seconds": seconds},
            ),
        ),
        seconds=time.perf_counter() - start,
    )


def explain(
    request: ScheduleRequest, *, seconds: float = DEFAULT_SECONDS, workers: int = WORKERS
) -> Reason:
    """Which rules conflict, for a request the solver proved has no schedule."""
    deadline = time.perf_counter() + seconds
    visits = VisitModel(request, rules=True)
    literals = visits.rule_literals
    rule_of = {lit.index: rule for rule, lit in literals.items()}

    def attempt(rules: list[Rule]) -> tuple[cp_model.CpSolverStatus, list[Rule]]:
        """The solver's status with only ``rules`` enforced and, when that is
        infeasible, a subset of them that is infeasible on its own."""
        visits.model.clear_assumptions()
        visits.model.add_assumptions([literals[r] for r in rules])
        solver = _solver(max(deadline - time.perf_counter(), 0.01), workers)
        status = solver.solve(visits.model)
        if status != cp_model.INFEASIBLE:
            return status, []
        core = [rule_of[i] for i in solver.sufficient_assumptions_for_infeasibility()]
        return status, core or rules

    status, core = attempt(list(literals))
    if status != cp_model.INFEASIBLE:
        return Reason(
            "conflict_unnamed",
            "The solver proved that no schedule meets every rule, but could not single out "
            f"which rules conflict in {seconds:g} seconds.",
            {"seconds": seconds},
        )
    # Set aside one rule at a time: still infeasible, it goes (with whatever else the new
    # core leaves out); feasible, it is part of the conflict. The teachers' counts go
    # first, so what remains names as few teachers as it can.
    needed: list[Rule] = []
    rest = sorted(core, key=lambda r: (r[1] is None, r))
    minimal = True
    while rest:
        rule, rest = rest[0], rest[1:]
        status, smaller = attempt(needed + rest)
        if status == cp_model.INFEASIBLE:
            kept = set(smaller)
            rest = [r for r in rest if r in kept]
            needed = [r for r in needed if r in kept]
        else:
            needed.append(rule)
            if status not in (cp_model.FEASIBLE, cp_model.OPTIMAL):
                minimal = False  # out of time: kept without knowing it is needed
    return conflict(request, needed, minimal=minimal)


def _solver(seconds: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.random_seed = 1
    # Full presolve spends seconds probing a model this regular for little gain; one
    # light pass finds the same schedules several times sooner.
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.presolve_inclusion_work_limit = 0
    return solver


class VisitModel:
    """The CP-SAT model of a request: one Boolean ``x[key]`` per possible visit.

    With ``rules=True`` every rule but the timetable's is enforced only under its
    literal in ``rule_literals`` (per teacher for the two counts), and visits across
    teams are variables too, kept out by the ``same_team`` rule's literal, so that
    each can be set aside to see which conflict.
    """

    def __init__(self, request: ScheduleRequest, *, rules: bool = False):
        self.request = request
        self.model = cp_model.CpModel()
        self.rules = rules
        self.rule_literals: dict[Rule, cp_model.IntVar] = {}
        across_teams = (
            rules
            and request.same_team
            and request.possible_visits() <= MAX_CROSS_TEAM_VISITS // 2
            and _all_pairs(request) <= MAX_CROSS_TEAM_VISITS
        )
        self.x: dict[Key, cp_model.IntVar] = {}
        cross: list[cp_model.IntVar] = []
        for (day, period), teaching in request.teaching.items():
            for host in teaching:
                for observer in teaching:
                    same = request.may_visit(host, observer)
                    if not same and not (across_teams and host != observer):
                        continue
                    for week in range(1, request.weeks + 1):
                        x = self.model.new_bool_var(f"w{week}d{day}p{period}h{host}o{observer}")
                        self.x[week, day, period, host, observer] = x
                        if not same:
                            cross.append(x)
        if across_teams:
            same_team = self._literal(("same_team", None))
            for x in cross:
                self.model.add_implication(same_team, ~x)
        self._constrain()

    def _literal(self, rule: Rule) -> cp_model.IntVar:
        if rule not in self.rule_literals:
            name, teacher = rule
            self.rule_literals[rule] = self.model.new_bool_var(f"{name}:{teacher}")
        return self.rule_literals[rule]

    def _add(self, constraint: cp_model.Constraint, rule: Rule) -> None:
        if self.rules:
            constraint.only_enforce_if(self._literal(rule))

    def _constrain(self) -> None:
        request, model = self.request, self.model
        visits = request.visits_each
        observes: defaultdict[int, list] = defaultdict(list)
        observed: defaultdict[int, list] = defaultdict(list)
        pair: defaultdict[tuple[int, int], list] = defaultdict(list)
        out: defaultdict[tuple[int, int, int], list] = defaultdict(list)
        daily: defaultdict[tuple[int, int, int], list] = defaultdict(list)
        hosting: defaultdict[tuple[int, int, int, int], list] = defaultdict(list)
        observing: defaultdict[tuple[int, int, int, int], list] = defaultdict(list)
        in_week: defaultdict[int, list] = defaultdict(list)
        for (week, day, period, host, observer), x in self.x.items():
            observes[observer].append(x)
            observed[host].append(x)
            pair[host, observer].append(x)
            out[week, day, period].append(x)
            daily[observer, week, day].append(x)
            hosting[host, week, day, period].append(x)
            observing[observer, week, day, period].append(x)
            in_week[week].append(x)

        # Each teacher observes, and is observed, exactly visits_each times (a teacher
        # with no possible visit cannot: the sum of nothing is 0).
        for teacher in range(len(request.teachers)):
            self._add(model.add(sum(observes[teacher]) == visits), ("observes", teacher))
            self._add(model.add(sum(observed[teacher]) == visits), ("observed", teacher))
        for xs in pair.values():
            self._add(model.add_at_most_one(xs), ("different_hosts", None))
        for xs in daily.values():
            self._add(model.add_at_most_one(xs), ("once_a_day", None))
        for xs in out.values():
            # Each observer out is one substitute: an observer is in one lesson a period.
            if len(xs) > request.substitutes_per_period:
                self._add(
                    model.add(sum(xs) <= request.substitutes_per_period), ("substitutes", None)
                )
        for key, xs in hosting.items():
            if len(xs) > request.max_observers_per_visit:
                self._add(
                    model.add(sum(xs) <= request.max_observers_per_visit),
                    ("max_observers", None),
                )
            watching = observing.get(key)
            if watching:
                # hosted is true when the teacher has an observer in this period; then
                # they are in their own class and observe nobody.
                hosted = model.new_bool_var("")
                for x in xs:
                    model.add_implication(x, hosted)
                self._add(model.add(sum(watching) + hosted <= 1), ("one_place", None))
        # The weeks are interchangeable (the timetable is the same every week): keep
        # only the schedules whose weeks hold ever fewer visits, so that the solver
        # does not explore each schedule in every order of its weeks.
        for week in range(1, request.weeks):
            model.add(sum(in_week[week]) >= sum(in_week[week + 1]))

    def spread_over_weeks(self) -> None:
        """Minimise the times a teacher observes, or is observed, more than once in a
        week (the module's docstring says why)."""
        model, weeks = self.model, defaultdict(list)
        for (week, _d, _p, host, observer), x in self.x.items():
            weeks["observes", observer, week].append(x)
            weeks["observed", host, week].append(x)
        extra = []
        for xs in weeks.values():
            if len(xs) > 1:
                more = model.new_int_var(0, self.request.visits_each, "")
                model.add(more >= sum(xs) - 1)
                extra.append(more)
        model.minimize(sum(extra))


def _all_pairs(request: ScheduleRequest) -> int:
    """Possible visits if any teacher could observe any other."""
    return sum(len(t) * (len(t) - 1) for t in request.teaching.values()) * request.weeks
