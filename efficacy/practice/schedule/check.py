"""Whether a list of visits is a valid schedule for a request: the solver's rules, checked.

:func:`check_schedule` says, as :class:`Reason` objects, every rule a list of visits
breaks. A schedule the solver returns breaks none; a leader who removes or moves a
visit by hand gets it checked again. The rules are those of
:class:`efficacy.practice.schedule.solver.VisitModel`, read the other way round:

- a visit falls in the window, between two teachers of the request (of the same
  team when the request says so), in a period both teach: the host is observed in
  a lesson, and the observer leaves a class a substitute covers, never their prep
  time (``outside_window``, ``unknown_teacher``, ``self_visit``, ``other_team``,
  ``host_not_teaching``, ``observer_not_teaching``);
- at most ``substitutes_per_period`` observers are out in any period, so no
  substitute is double-booked and the budget holds (``substitutes``);
- a lesson has at most ``max_observers_per_visit`` observers (``max_observers``);
- nobody is in two places at once: an observer in one lesson a period, and not
  while being observed (``one_place``);
- nobody observes the same colleague twice (``different_hosts``), nor more than
  once a day (``once_a_day``);
- each teacher observes, and is observed, ``visits_each`` times
  (``observes_count``, ``observed_count``: the only rules removing a visit breaks,
  so :data:`COUNTS` keeps them apart).

Pure Python: no Django, no database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from efficacy.practice.schedule.reasons import Reason, names
from efficacy.practice.schedule.request import ScheduleRequest
from efficacy.practice.schedule.solver import Visit

#: The codes of the two counts: a schedule that breaks only these is short of visits,
#: not wrong in any visit it has.
COUNTS = frozenset({"observes_count", "observed_count"})


def _at(visit: Visit) -> str:
    return f"week {visit.week}, day {visit.day}, period {visit.period}"


def check_schedule(request: ScheduleRequest, visits: Iterable[Visit]) -> list[Reason]:
    """Every rule of a valid schedule that ``visits`` break, one :class:`Reason` each
    (an empty list: the schedule is valid)."""
    visits = sorted(visits)
    index = {t.id: i for i, t in enumerate(request.teachers)}
    teaches = {t.id: set(t.teaches) for t in request.teachers}
    reasons: list[Reason] = []
    valid: list[Visit] = []
    for visit in visits:
        where = {"visit": visit.to_dict()}
        if not (
            1 <= visit.week <= request.weeks
            and 1 <= visit.day <= request.days
            and 1 <= visit.period <= request.periods_per_day
        ):
            reasons.append(
                Reason(
                    "outside_window",
                    f"{visit.observer} observing {visit.host} at {_at(visit)} is outside the "
                    f"window of {request.weeks} weeks, {request.days} days a week and "
                    f"{request.periods_per_day} periods a day.",
                    {
                        **where,
                        "weeks": request.weeks,
                        "days": request.days,
                        "periods_per_day": request.periods_per_day,
                    },
                )
            )
            continue
        unknown = [t for t in (visit.host, visit.observer) if t not in index]
        if unknown:
            reasons.append(
                Reason(
                    "unknown_teacher",
                    f"{names(unknown)} at {_at(visit)} {'is' if len(unknown) == 1 else 'are'} "
                    "not in the timetable.",
                    {**where, "unknown": unknown},
                )
            )
            continue
        if visit.host == visit.observer:
            reasons.append(
                Reason("self_visit", f"{visit.host} cannot observe their own lesson.", where)
            )
            continue
        if not request.may_visit(index[visit.host], index[visit.observer]):
            reasons.append(
                Reason(
                    "other_team",
                    f"{visit.observer} and {visit.host} are not in the same team, and host and "
                    "observer must share a team.",
                    where,
                )
            )
        slot = (visit.day, visit.period)
        if slot not in teaches[visit.host]:
            reasons.append(
                Reason(
                    "host_not_teaching",
                    f"{visit.host} does not teach at {_at(visit)}, so there is no lesson for "
                    f"{visit.observer} to observe.",
                    where,
                )
            )
        if slot not in teaches[visit.observer]:
            reasons.append(
                Reason(
                    "observer_not_teaching",
                    f"{visit.observer} does not teach at {_at(visit)}: observing then would "
                    "take their prep time.",
                    where,
                )
            )
        valid.append(visit)

    out: Counter[tuple[int, int, int]] = Counter()
    lesson: Counter[tuple[int, int, int, str]] = Counter()
    observing: defaultdict[tuple[int, int, int, str], list[Visit]] = defaultdict(list)
    pairs: defaultdict[tuple[str, str], list[Visit]] = defaultdict(list)
    daily: defaultdict[tuple[str, int, int], list[Visit]] = defaultdict(list)
    for v in valid:
        out[v.week, v.day, v.period] += 1
        lesson[v.week, v.day, v.period, v.host] += 1
        observing[v.week, v.day, v.period, v.observer].append(v)
        pairs[v.host, v.observer].append(v)
        daily[v.observer, v.week, v.day].append(v)
    for (week, day, period), n in sorted(out.items()):
        if n > request.substitutes_per_period:
            reasons.append(
                Reason(
                    "substitutes",
                    f"{n} observers are out of class at week {week}, day {day}, period "
                    f"{period}, but there are {request.substitutes_per_period} substitutes "
                    "a period.",
                    {
                        "week": week,
                        "day": day,
                        "period": period,
                        "out": n,
                        "substitutes": request.substitutes_per_period,
                    },
                )
            )
    for (week, day, period, host), n in sorted(lesson.items()):
        if n > request.max_observers_per_visit:
            reasons.append(
                Reason(
                    "max_observers",
                    f"{host}'s lesson at week {week}, day {day}, period {period} has {n} "
                    f"observers; a lesson has at most {request.max_observers_per_visit}.",
                    {
                        "host": host,
                        "week": week,
                        "day": day,
                        "period": period,
                        "observers": n,
                        "max_observers": request.max_observers_per_visit,
                    },
                )
            )
    for (week, day, period, teacher), seen in sorted(observing.items()):
        hosting = lesson.get((week, day, period, teacher), 0)
        if len(seen) > 1 or hosting:
            what = (
                "observes two lessons"
                if len(seen) > 1
                else "observes a colleague while being observed"
            )
            reasons.append(
                Reason(
                    "one_place",
                    f"{teacher} {what} at week {week}, day {day}, period {period}: nobody is "
                    "in two places at once.",
                    {
                        "teacher": teacher,
                        "week": week,
                        "day": day,
                        "period": period,
                        "lessons": len(seen),
                    },
                )
            )
    for (host, observer), seen in sorted(pairs.items()):
        if len(seen) > 1:
            reasons.append(
                Reason(
                    "different_hosts",
                    f"{observer} observes {host} {len(seen)} times; nobody observes the same "
                    "colleague twice.",
                    {"host": host, "observer": observer, "times": len(seen)},
                )
            )
    for (observer, week, day), seen in sorted(daily.items()):
        if len(seen) > 1:
            reasons.append(
                Reason(
                    "once_a_day",
                    f"{observer} observes {len(seen)} times on day {day} of week {week}; a "
                    "teacher observes at most once a day.",
                    {"teacher": observer, "week": week, "day": day, "times": len(seen)},
                )
            )

    observes = Counter(v.observer for v in valid)
    observed = Counter(v.host for v in valid)
    wanted = request.visits_each
    for code, counts, verb in (
        ("observes_count", observes, "observes"),
        ("observed_count", observed, "is observed"),
    ):
        for member in request.teachers:
            n = counts[member.id]
            if n != wanted:
                reasons.append(
                    Reason(
                        code,
                        f"{member.id} {verb} {_count(n)}; the team asked for {_count(wanted)}.",
                        {"teacher": member.id, "count": n, "wanted": wanted},
                    )
                )
    return reasons


def _count(n: int) -> str:
    return "never" if n == 0 else "once" if n == 1 else "twice" if n == 2 else f"{n} times"
