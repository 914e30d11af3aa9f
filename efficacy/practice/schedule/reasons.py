"""Why no schedule exists, in plain words with the numbers and teachers involved.

:func:`necessary_conditions` checks, in one pass over the timetable, conditions
every schedule must meet (enough covered periods for the visits, enough
colleagues teaching at the same time as each teacher, a team large enough for
distinct hosts, ...). Each one that fails is certain proof that no schedule
exists, and says so as a :class:`Reason`. When all of them hold and the solver
still proves there is no schedule, :func:`conflict` names the requirements it
found conflicting (see :mod:`efficacy.practice.schedule.solver`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from efficacy.practice.schedule.request import ScheduleRequest


@dataclass(frozen=True)
class Reason:
    """One reason no schedule exists: a stable ``code``, the numbers and names it is
    about (``params``), and the English sentence (``text``) built from them.

    ``params`` holds every number, name and choice ``text`` uses, so that the web app
    can word the reason in the reader's language from ``code`` and ``params`` alone
    (:mod:`efficacy.practice.reason_words`); the command line prints ``text``."""

    code: str
    text: str
    params: Mapping[str, object] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        return self.text


def names(ids: Sequence[str], *, shown: int = 8) -> str:
    """``t01``, ``t01 and t02``, ``t01, t02 and t03``, ``t01, ..., t08 and 12 others``."""
    ids = list(ids)
    if len(ids) > shown:
        return f"{', '.join(ids[:shown])} and {len(ids) - shown} others"
    if len(ids) <= 1:
        return "".join(ids)
    return f"{', '.join(ids[:-1])} and {ids[-1]}"


def _times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def observers_at_once(teaching: int, max_observers: int) -> int:
    """The most observers out at once among ``teaching`` teachers teaching in the same
    period: each observer needs a host, and a host has at most ``max_observers``."""
    return teaching * max_observers // (max_observers + 1)


def necessary_conditions(request: ScheduleRequest) -> list[Reason]:
    """Every condition a schedule needs that the request fails, as plain sentences.

    Each check is a necessary condition (a schedule cannot exist when one fails),
    so an empty list proves nothing; the solver decides then.
    """
    reasons: list[Reason] = []
    teachers = request.teachers
    visits = request.visits_each
    explained: set[int] = set()  # teachers already named by a reason

    groups: dict[str, list[int]] = defaultdict(list)
    for index, teacher in enumerate(teachers):
        groups[teacher.team if request.same_team else ""].append(index)
    for team, members in groups.items():
        if len(members) <= visits:
            explained.update(members)
            reasons.append(_group_too_small(request, team, len(members)))

    for index, teacher in enumerate(teachers):
        if index in explained:
            continue
        if not teacher.teaches:
            reasons.append(
                Reason(
                    "teaches_nothing",
                    f"{teacher.id} teaches no period, so cannot observe or be observed "
                    f"(both happen in teaching periods, and each teacher does each "
                    f"{_times(visits)}).",
                    {"teacher": teacher.id, "visits_each": visits},
                )
            )
            continue
        reason = _teacher_reason(request, index)
        if reason is not None:
            reasons.append(reason)

    reasons += _budget_reasons(request)
    return reasons


def _group_too_small(request: ScheduleRequest, team: str, size: int) -> Reason:
    visits = request.visits_each
    whom = f"team {team}" if request.same_team else "the school"
    colleagues = "colleagues of the team" if request.same_team else "colleagues"
    return Reason(
        "team_too_small",
        f"{whom[0].upper()}{whom[1:]} has {_plural(size, 'teacher')}: each must observe "
        f"{visits} different {colleagues}, so it needs at least {visits + 1}.",
        {
            "team": team,
            "same_team": request.same_team,
            "size": size,
            "visits_each": visits,
            "needed": visits + 1,
        },
    )


def _teacher_reason(request: ScheduleRequest, index: int) -> Reason | None:
    """The first condition one teacher fails: enough colleagues teaching when they
    teach, enough days to observe on, enough shared periods for all their visits."""
    teacher = request.teachers[index]
    visits, weeks = request.visits_each, request.weeks
    shared = {slot: request.colleagues(index, slot) for slot in teacher.teaches}
    shared = {slot: who for slot, who in shared.items() if who}
    colleagues = sorted({t for who in shared.values() for t in who})
    of_team = " of their team" if request.same_team else ""
    if len(colleagues) < visits:
        ids = [request.teachers[t].id for t in colleagues]
        who = (
            f"no colleague{of_team} teaches"
            if not ids
            else f"only {names(ids)} {'teaches' if len(ids) == 1 else 'teach'}"
        )
        return Reason(
            "too_few_colleagues",
            f"{teacher.id} must observe {visits} different colleagues{of_team} and be "
            f"observed by {visits}, but {who} at a time when {teacher.id} teaches too.",
            {
                "teacher": teacher.id,
                "colleagues": ids,
                "visits_each": visits,
                "same_team": request.same_team,
            },
        )
    days = len({day for day, _ in shared}) * weeks
    if days < visits:
        return Reason(
            "too_few_days",
            f"{teacher.id} can observe on only {_plural(days, 'day')} in "
            f"{_plural(weeks, 'week')} (the days they teach at the same time as a "
            f"colleague{of_team}), and a teacher observes at most once a day, but they "
            f"must observe {_times(visits)}.",
            {
                "teacher": teacher.id,
                "days": days,
                "weeks": weeks,
                "visits_each": visits,
                "same_team": request.same_team,
            },
        )
    # Being observed takes the teacher's lessons with room for the most observers
    # first; observing needs as many other periods again.
    room = sorted(
        (min(len(who), request.max_observers_per_visit) for who in shared.values()),
        reverse=True,
    )
    hosting, seats = 0, 0
    for period_room in room * weeks:  # the same lessons every week
        if seats >= visits:
            break
        hosting, seats = hosting + 1, seats + period_room
    periods = len(shared) * weeks
    if periods < visits + hosting:
        return Reason(
            "too_few_periods",
            f"{teacher.id} teaches at the same time as a colleague{of_team} in only "
            f"{_plural(periods, 'period')} over {_plural(weeks, 'week')}; being observed "
            f"{_times(visits)} takes at least {hosting} of them "
            f"(at most {request.max_observers_per_visit} observers a lesson, and only "
            f"colleagues teaching then can come) and observing {_times(visits)} "
            f"{visits} more, since nobody observes while being observed.",
            {
                "teacher": teacher.id,
                "periods": periods,
                "needed": visits + hosting,
                "weeks": weeks,
                "visits_each": visits,
                "hosting": hosting,
                "max_observers": request.max_observers_per_visit,
                "same_team": request.same_team,
            },
        )
    return None


def _budget_reasons(request: ScheduleRequest) -> list[Reason]:
    """The substitutes' cover against what the visits need: for the whole school, then
    (when hosts and observers share a team) for each team."""
    substitutes, weeks, visits = request.substitutes_per_period, request.weeks, request.visits_each
    needed = len(request.teachers) * visits
    if substitutes == 0:
        return [
            Reason(
                "no_substitutes",
                f"substitutes_per_period is 0, so no observer can leave their class, but "
                f"the visits need {needed:,} periods of substitute cover.",
                {"needed": needed},
            )
        ]
    team_of = [t.team if request.same_team else "" for t in request.teachers]
    team_cover: Counter[str] = Counter()
    school_cover = 0
    for teaching in request.teaching.values():
        out = {
            team: observers_at_once(k, request.max_observers_per_visit)
            for team, k in Counter(team_of[t] for t in teaching).items()
        }
        for team, k in out.items():
            team_cover[team] += min(substitutes, k) * weeks
        school_cover += min(substitutes, sum(out.values())) * weeks
    if school_cover < needed:
        return [
            Reason(
                "not_enough_cover",
                f"The visits need {needed:,} periods of substitute cover "
                f"({_plural(len(request.teachers), 'teacher')} × {visits}), but at most "
                f"{school_cover:,} are possible over {_plural(weeks, 'week')}: "
                f"{_plural(substitutes, 'observer')} out at a time, and only in periods when "
                "the teachers who could observe one another are teaching.",
                {
                    "needed": needed,
                    "offered": school_cover,
                    "weeks": weeks,
                    "teachers": len(request.teachers),
                    "visits_each": visits,
                    "substitutes": substitutes,
                },
            )
        ]
    reasons = []
    members = Counter(team_of)
    for team in sorted(members) if request.same_team else ():
        team_needed = members[team] * visits
        if team_cover[team] < team_needed:
            reasons.append(
                Reason(
                    "not_enough_team_cover",
                    f"Team {team}'s visits need {team_needed:,} periods of substitute cover "
                    f"({_plural(members[team], 'teacher')} × {visits}), but at most "
                    f"{team_cover[team]:,} are possible over {_plural(weeks, 'week')}: "
                    f"{_plural(substitutes, 'observer')} out at a time, and only in periods "
                    "when two of its members teach.",
                    {
                        "team": team,
                        "needed": team_needed,
                        "offered": team_cover[team],
                        "weeks": weeks,
                        "teachers": members[team],
                        "visits_each": visits,
                        "substitutes": substitutes,
                    },
                )
            )
    return reasons


#: The requirements the solver can set aside one by one to find which conflict, in
#: plain words ({v}: visits_each, {s}: substitutes_per_period, {m}: max observers).
RULES = {
    "observes": "{teachers} each observe {v_times}",
    "observed": "{teachers} are each observed {v_times}",
    "substitutes": "at most {s} observers are out of class in any one period",
    "different_hosts": "nobody observes the same colleague twice",
    "once_a_day": "a teacher observes at most once a day",
    "max_observers": "a lesson has at most {m} observers",
    "one_place": "nobody observes while being observed",
    "same_team": "host and observer share a team",
}
#: The order the rules are named in a sentence.
ORDER = list(RULES)


def conflict(
    request: ScheduleRequest, rules: Iterable[tuple[str, int | None]], *, minimal: bool
) -> Reason:
    """The sentence for a set of requirements that cannot all hold: ``rules`` are
    (rule, teacher index or None) as :data:`RULES` names them; ``minimal`` when
    setting any one of them aside would allow a schedule."""
    by_rule: dict[str, list[str]] = defaultdict(list)
    for rule, teacher in rules:
        by_rule[rule].append("" if teacher is None else request.teachers[teacher].id)
    parts = []
    for rule in sorted(by_rule, key=ORDER.index):
        ids = sorted(by_rule[rule])
        text = RULES[rule].format(
            teachers=names(ids),
            v_times=_times(request.visits_each),
            s=request.substitutes_per_period,
            m=request.max_observers_per_visit,
        )
        if rule in ("observes", "observed") and len(ids) == 1:
            text = text.replace(" are each ", " is ").replace(" each observe ", " observes ")
        parts.append(text)
    text = f"No schedule meets all of these at once: {'; '.join(parts)}."
    if minimal:
        text += " Setting any one of them aside would allow a schedule."
    return Reason(
        "conflict",
        text,
        {
            "rules": sorted(by_rule),
            "teachers": {r: sorted(ids) for r, ids in by_rule.items()},
            "visits_each": request.visits_each,
            "substitutes": request.substitutes_per_period,
            "max_observers": request.max_observers_per_visit,
            "minimal": minimal,
        },
    )
