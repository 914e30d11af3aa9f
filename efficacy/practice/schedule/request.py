"""What the coverage scheduler is asked: the window, the substitutes, the timetable.

:func:`read_request` turns decoded JSON into a :class:`ScheduleRequest`, or raises
:class:`InvalidRequest` listing every problem at once, each with where it is
(``teachers[3].teaches[2]``, counting from 0), what is wrong and how to fix it,
as the importers do. A request that is not valid is never solved.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

#: The largest request the scheduler takes (``efficacy schedule-rounds`` says so).
MAX_TEACHERS = 2_000
MAX_DAYS = 7
MAX_PERIODS = 16
MAX_WEEKS = 20
MAX_VISITS_EACH = 20
MAX_OBSERVERS = 20
MAX_ID_LENGTH = 100
#: Every (week, day, period, host, observer) the timetable allows is one yes/no choice
#: for the solver; past this many, building the model alone takes too long and too much
#: memory to be worth starting.
MAX_POSSIBLE_VISITS = 500_000

DEFAULT_MAX_OBSERVERS = 3

#: The request's keys: required ones map to True.
KEYS = {
    "days": True,
    "periods_per_day": True,
    "weeks": True,
    "substitutes_per_period": True,
    "visits_each": True,
    "max_observers_per_visit": False,
    "same_team": False,
    "teachers": True,
}
#: A teacher's keys: "team" is required when hosts and observers share a team.
TEACHER_KEYS = {"id": True, "team": False, "teaches": True}

Slot = tuple[int, int]
"""A teaching period in the week: (day, period), both counting from 1."""


@dataclass(frozen=True)
class InputProblem:
    """One thing wrong with a request: where (``teachers[3].teaches[2]``, or ``""``
    for the whole request), what, and how to fix it."""

    where: str
    message: str
    hint: str = ""


class InvalidRequest(ValueError):
    """The request cannot be solved as written; ``problems`` lists every reason."""

    def __init__(self, problems: list[InputProblem]):
        super().__init__(f"the request has {len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class Teacher:
    id: str
    team: str
    #: The periods this teacher teaches, the same every week, sorted.
    teaches: tuple[Slot, ...]


@dataclass(frozen=True)
class ScheduleRequest:
    """An observation window to schedule. See ``efficacy schedule-rounds`` in the README."""

    days: int
    periods_per_day: int
    weeks: int
    #: How many observers can be out of their classes at the same time.
    substitutes_per_period: int
    #: Each teacher observes this many times, and is observed this many times.
    visits_each: int
    teachers: tuple[Teacher, ...]
    max_observers_per_visit: int = DEFAULT_MAX_OBSERVERS
    #: Host and observer share a team.
    same_team: bool = True
    #: For each teaching period of the week, the teachers teaching then (indexes into
    #: ``teachers``).
    teaching: Mapping[Slot, tuple[int, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        teaching: defaultdict[Slot, list[int]] = defaultdict(list)
        for index, teacher in enumerate(self.teachers):
            for slot in teacher.teaches:
                teaching[slot].append(index)
        object.__setattr__(self, "teaching", {s: tuple(ts) for s, ts in sorted(teaching.items())})

    def may_visit(self, host: int, observer: int) -> bool:
        """Whether ``observer`` may observe ``host`` at all (a colleague, of the same
        team when the request says so), whatever the timetable."""
        if host == observer:
            return False
        return not self.same_team or self.teachers[host].team == self.teachers[observer].team

    def colleagues(self, teacher: int, slot: Slot) -> list[int]:
        """Who teaches at ``slot`` and may observe, or be observed by, ``teacher``."""
        return [t for t in self.teaching.get(slot, ()) if self.may_visit(t, teacher)]

    def possible_visits(self) -> int:
        """How many (week, day, period, host, observer) the timetable allows: the size
        of the solver's model."""
        per_week = 0
        for teachers in self.teaching.values():
            groups = Counter(self.teachers[t].team if self.same_team else "" for t in teachers)
            per_week += sum(k * (k - 1) for k in groups.values())
        return per_week * self.weeks


def read_request(data: object) -> ScheduleRequest:
    """The request in ``data`` (decoded JSON), checked whole.

    Raises :class:`InvalidRequest` with every problem found: a missing or unknown
    key, a number out of range, a period outside the day, a teacher listed twice,
    a team of one teacher when hosts and observers must share a team, a request
    larger than the scheduler takes.
    """
    problems: list[InputProblem] = []
    if not isinstance(data, dict):
        raise InvalidRequest(
            [
                InputProblem(
                    "",
                    f"the request must be a JSON object, not {_json_kind(data)}",
                    'start from {"days": 5, "periods_per_day": 8, "weeks": 4, ...}',
                )
            ]
        )
    problems += _keys(data, KEYS, "")
    days = _whole(data, "days", 1, MAX_DAYS, problems)
    periods = _whole(data, "periods_per_day", 1, MAX_PERIODS, problems)
    weeks = _whole(data, "weeks", 1, MAX_WEEKS, problems)
    substitutes = _whole(data, "substitutes_per_period", 0, MAX_TEACHERS, problems)
    visits = _whole(data, "visits_each", 1, MAX_VISITS_EACH, problems)
    observers = _whole(
        data, "max_observers_per_visit", 1, MAX_OBSERVERS, problems, DEFAULT_MAX_OBSERVERS
    )
    same_team = data.get("same_team", True)
    if not isinstance(same_team, bool):
        problems.append(
            InputProblem("same_team", f"must be true or false, not {_json_kind(same_team)}")
        )
        same_team = True
    teachers = _teachers(data.get("teachers"), days, periods, same_team, problems)
    if problems:
        raise InvalidRequest(problems)
    request = ScheduleRequest(
        days=days,
        periods_per_day=periods,
        weeks=weeks,
        substitutes_per_period=substitutes,
        visits_each=visits,
        max_observers_per_visit=observers,
        same_team=same_team,
        teachers=tuple(teachers),
    )
    size = request.possible_visits()
    if size > MAX_POSSIBLE_VISITS:
        raise InvalidRequest(
            [
                InputProblem(
                    "",
                    f"the timetable allows {size:,} possible visits (week, period, host and "
                    f"observer); the scheduler takes at most {MAX_POSSIBLE_VISITS:,}",
                    "schedule fewer weeks at a time, or each team on its own",
                )
            ]
        )
    return request


def _teachers(
    value: object, days: int, periods: int, same_team: bool, problems: list
) -> list[Teacher]:
    """The valid entries of ``value``; ``days`` and ``periods`` are 0 when not known."""
    if value is None:
        return []  # reported as a missing key
    if not isinstance(value, list) or not value:
        problems.append(
            InputProblem(
                "teachers",
                "must be a list of at least one teacher",
                'e.g. [{"id": "t01", "team": "g9-english", "teaches": [[1, 1], [1, 3]]}]',
            )
        )
        return []
    if len(value) > MAX_TEACHERS:
        problems.append(
            InputProblem(
                "teachers",
                f"lists {len(value):,} teachers; the scheduler takes at most {MAX_TEACHERS:,}",
                "schedule one group of teams at a time",
            )
        )
        return []
    teachers: list[Teacher] = []
    first_at: dict[str, int] = {}
    for index, entry in enumerate(value):
        where = f"teachers[{index}]"
        if not isinstance(entry, dict):
            problems.append(
                InputProblem(where, f"must be an object, not {_json_kind(entry)}", _TEACHER_HINT)
            )
            continue
        problems += _keys(entry, {**TEACHER_KEYS, "team": same_team}, where)
        id_ = _name(entry, "id", where, problems)
        team = _name(entry, "team", where, problems, required=same_team)
        teaches = _teaches(entry.get("teaches"), f"{where}.teaches", days, periods, problems)
        if id_ is not None:
            if id_ in first_at:
                problems.append(
                    InputProblem(
                        f"{where}.id",
                        f"teacher {id_!r} is listed twice (first at teachers[{first_at[id_]}])",
                        "give each teacher one entry holding all of their teaching periods",
                    )
                )
            else:
                first_at[id_] = index
        if id_ is not None and team is not None and teaches is not None:
            teachers.append(Teacher(id_, team, teaches))
    if same_team:
        team_of = [entry.get("team") if isinstance(entry, dict) else None for entry in value]
        members = Counter(team for team in team_of if isinstance(team, str))
        for index, team in enumerate(team_of):
            if isinstance(team, str) and members[team] == 1:
                problems.append(
                    InputProblem(
                        f"teachers[{index}].team",
                        f"team {team!r} has one teacher: with same_team nobody can observe "
                        "them or be observed by them",
                        "list the team's other members, correct the team's name, "
                        "or set same_team to false",
                    )
                )
    return teachers


_TEACHER_HINT = '{"id": "t01", "team": "g9-english", "teaches": [[1, 1], [1, 3]]}'


def _teaches(
    value: object, where: str, days: int, periods: int, problems: list
) -> tuple[Slot, ...] | None:
    if value is None:
        return None  # reported as a missing key
    if not isinstance(value, list):
        problems.append(
            InputProblem(
                where,
                f"must be a list of [day, period] pairs, not {_json_kind(value)}",
                "e.g. [[1, 1], [1, 3], [2, 2]]",
            )
        )
        return None
    if len(value) > MAX_DAYS * MAX_PERIODS:
        problems.append(
            InputProblem(
                where,
                f"lists {len(value):,} periods; a week has at most "
                f"{MAX_DAYS * MAX_PERIODS} (days × periods_per_day)",
            )
        )
        return None
    slots: list[Slot] = []
    valid = True
    first_at: dict[Slot, int] = {}
    for index, pair in enumerate(value):
        here = f"{where}[{index}]"
        if not (isinstance(pair, list) and len(pair) == 2 and all(_is_whole(n) for n in pair)):
            problems.append(
                InputProblem(
                    here,
                    f"must be a [day, period] pair of whole numbers, not {_json_text(pair)}",
                    "e.g. [2, 5] for the fifth period of the second day",
                )
            )
            valid = False
            continue
        day, period = pair
        if days and not 1 <= day <= days:
            problems.append(
                InputProblem(here, f"day {day} is outside the week", f"days run from 1 to {days}")
            )
            valid = False
        if periods and not 1 <= period <= periods:
            problems.append(
                InputProblem(
                    here,
                    f"period {period} is outside the day",
                    f"periods run from 1 to {periods}",
                )
            )
            valid = False
        if (day, period) in first_at:
            problems.append(
                InputProblem(
                    here,
                    f"[{day}, {period}] is listed twice (first at {where}[{first_at[day, period]}])",
                    "list each teaching period once",
                )
            )
            valid = False
        else:
            first_at[day, period] = index
        slots.append((day, period))
    return tuple(sorted(slots)) if valid else None


def _keys(entry: dict, known: dict[str, bool], where: str) -> list[InputProblem]:
    problems = []
    prefix = f"{where}." if where else ""
    for key in entry:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"the keys are {', '.join(known)}"
            problems.append(
                InputProblem(f"{prefix}{key}", "is not a key the scheduler knows", hint)
            )
    for key, required in known.items():
        if required and key not in entry:
            problems.append(InputProblem(f"{prefix}{key}", "is missing"))
    return problems


def _whole(
    data: dict,
    key: str,
    low: int,
    high: int,
    problems: list[InputProblem],
    default: int | None = None,
) -> int:
    """``data[key]``, or 0 (not a valid value of any key) after recording why not."""
    value = data.get(key, default)
    if value is None:
        return 0  # reported as a missing key
    if not _is_whole(value) or not low <= value <= high:
        problems.append(
            InputProblem(
                key,
                f"must be a whole number from {low} to {high}, not {_json_text(value)}",
            )
        )
        return 0
    return int(value)


def _name(
    entry: dict, key: str, where: str, problems: list[InputProblem], *, required: bool = True
) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return ""
    if value is None:
        return None  # reported as a missing key
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_LENGTH:
        problems.append(
            InputProblem(
                f"{where}.{key}",
                f"must be a text of 1 to {MAX_ID_LENGTH} characters, not {_json_text(value)}",
            )
        )
        return None
    return value


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    kinds = {dict: "an object", list: "a list", str: "a text", int: "a number", float: "a number"}
    return kinds.get(type(value), type(value).__name__)


def _json_text(value: object) -> str:
    """A value as it would look in the file, shortened."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."
