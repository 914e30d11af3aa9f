"""Every write to a coverage schedule: propose it, edit a visit, accept it; and its exports.

The school leader uploads the timetable (:mod:`efficacy.practice.timetable`) and
the window; :func:`round_schedule_propose` solves it with the scheduler of
:mod:`efficacy.practice.schedule` in the request, bounded by
:data:`SOLVE_SECONDS` (and as long again to explain an impossible request), and
stores what it said as a :class:`RoundSchedule`. A visit removed or moved by hand
is checked again with :func:`check_schedule`: a move that breaks a rule of a valid
schedule (prep time, a substitute double-booked, the budget, two places at once,
...) is refused; a removal leaves teachers short of their visits, which the page
says and acceptance allows.

Accepting turns the visits into planned rounds, once: the visits of one lesson
(week, day, period, host) become one :class:`Observation` with their observers,
in the open cycle of the host's team (:func:`_cycle_for`), focused on all of the
cycle's strategies. If any team has no such cycle, nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from efficacy.access.practice import require_scheduler
from efficacy.cycles.models import InquiryCycle
from efficacy.practice.models import Observation, RoundSchedule
from efficacy.practice.reason_words import reason_text
from efficacy.practice.schedule import (
    COUNTS,
    InvalidRequest,
    Reason,
    Schedule,
    Visit,
    check_schedule,
    read_request,
    schedule_rounds,
)
from efficacy.practice.services import observation_plan
from efficacy.practice.timetable import timetable_read
from efficacy.roster.models import School, Status, Team, User
from efficacy.tabular import Problem, Problems, write_csv

#: The solver's time in the request; proving a request impossible and saying why
#: takes at most as long again, so a page answers within about 20 seconds.
SOLVE_SECONDS = 10.0
CSV_COLUMNS = ("week", "date", "day", "period", "host", "observer", "team")


class TimetableProblems(Exception):
    """The timetable or the window cannot be scheduled as given: every problem."""

    def __init__(self, problems: Problems):
        super().__init__(f"{problems.total} problem(s)")
        self.problems = problems


def _reason_dict(reason: Reason) -> dict:
    return {"code": reason.code, "text": reason.text, "params": dict(reason.params)}


def visits_of(schedule: RoundSchedule) -> list[Visit]:
    return [Visit(**v) for v in schedule.result.get("visits", [])]


def visit_date(schedule: RoundSchedule, visit: Visit) -> dt.date:
    return schedule.start_date + dt.timedelta(weeks=visit.week - 1, days=visit.day - 1)


def schedule_problems(schedule: RoundSchedule) -> list[Reason]:
    """Every rule the schedule's visits break now (after edits), counts included."""
    return check_schedule(read_request(schedule.request), visits_of(schedule))


# Not atomic: the solver's seconds would hold a transaction open; one row is written.
def round_schedule_propose(
    *,
    user: User,
    school: School,
    timetable: bytes,
    file_name: str,
    start_date: dt.date,
    weeks: int,
    days: int,
    periods_per_day: int,
    substitutes_per_period: int,
    visits_each: int,
    max_observers_per_visit: int,
    same_team: bool,
    seconds: float = SOLVE_SECONDS,
) -> RoundSchedule:
    """Solve the timetable's window and keep what the scheduler said.

    Raises :class:`TimetableProblems` when the timetable (or the request it makes)
    is not valid: nothing is solved or stored then.
    """
    require_scheduler(user, school)
    if start_date.weekday() != 0:
        raise ValidationError({"start_date": [_("The window starts on a Monday.")]})
    read = timetable_read(
        school=school, data=timetable, file=file_name, days=days, periods=periods_per_day
    )
    if isinstance(read, Problems):
        raise TimetableProblems(read)
    data = {
        "days": days,
        "periods_per_day": periods_per_day,
        "weeks": weeks,
        "substitutes_per_period": substitutes_per_period,
        "visits_each": visits_each,
        "max_observers_per_visit": max_observers_per_visit,
        "same_team": same_team,
        "teachers": read.teacher_entries(),
    }
    try:
        request = read_request(data)
    except InvalidRequest as invalid:
        raise TimetableProblems(
            Problems(
                Problem(file_name, None, p.where or None, p.message, p.hint)
                for p in invalid.problems
            )
        ) from None
    outcome = schedule_rounds(request, seconds=seconds)
    result: dict = {"status": outcome.status, "seconds": round(outcome.seconds, 2)}
    if isinstance(outcome, Schedule):
        result["visits"] = [v.to_dict() for v in outcome.visits]
        result["optimal"] = outcome.optimal
        result["objective"] = outcome.objective
    else:
        result["visits"] = []
        result["reasons"] = [_reason_dict(r) for r in outcome.reasons]
    return RoundSchedule.objects.create(
        school=school,
        start_date=start_date,
        timetable=timetable.decode("utf-8", errors="replace"),
        timetable_name=file_name,
        request=data,
        result=result,
        created_by=user,
    )


def _require_proposed(schedule: RoundSchedule) -> None:
    if not schedule.is_proposed:
        raise ValidationError(_("This schedule is accepted: its visits are planned rounds now."))


def _locked(schedule: RoundSchedule) -> RoundSchedule:
    return RoundSchedule.objects.select_for_update().get(pk=schedule.pk)


@transaction.atomic
def round_schedule_visit_remove(*, user: User, schedule: RoundSchedule, index: int) -> None:
    """Take one visit out (its teachers may then be short of visits: the page says so)."""
    require_scheduler(user, schedule.school)
    schedule = _locked(schedule)
    _require_proposed(schedule)
    visits = visits_of(schedule)
    if not 0 <= index < len(visits):
        raise ValidationError(_("That visit is no longer in the schedule; reload the page."))
    del visits[index]
    schedule.result = {**schedule.result, "visits": [v.to_dict() for v in visits], "edited": True}
    schedule.save(update_fields=["result"])


@transaction.atomic
def round_schedule_visit_move(
    *, user: User, schedule: RoundSchedule, index: int, week: int, day: int, period: int
) -> None:
    """Move one visit to another week, day and period, if the schedule stays valid."""
    require_scheduler(user, schedule.school)
    schedule = _locked(schedule)
    _require_proposed(schedule)
    visits = visits_of(schedule)
    if not 0 <= index < len(visits):
        raise ValidationError(_("That visit is no longer in the schedule; reload the page."))
    request = read_request(schedule.request)
    before = {r.text for r in check_schedule(request, visits) if r.code not in COUNTS}
    visit = visits[index]
    visits[index] = Visit(week, day, period, visit.host, visit.observer)
    broken = [
        reason_text(r)
        for r in check_schedule(request, visits)
        if r.code not in COUNTS and r.text not in before
    ]
    if broken:
        raise ValidationError([_("The visit cannot move there:"), *broken])
    schedule.result = {
        **schedule.result,
        "visits": [v.to_dict() for v in sorted(visits)],
        "edited": True,
    }
    schedule.save(update_fields=["result"])


@dataclass(frozen=True, order=True)
class _Lesson:
    week: int
    day: int
    period: int
    host: str


def _cycle_for(team: Team, date: dt.date) -> InquiryCycle | str:
    """The cycle a round of ``team`` on ``date`` belongs to, or why there is none.

    The team's open cycle (not closed); when it has several, the one whose dates
    include ``date``. None, or several that include it: the leader decides first.
    """
    open_cycles = [c for c in InquiryCycle.objects.filter(team=team) if c.is_open]
    if len(open_cycles) > 1:
        open_cycles = [
            c
            for c in open_cycles
            if (c.start_date is None or c.start_date <= date)
            and (c.end_date is None or date <= c.end_date)
        ]
    if not open_cycles:
        return _("%(team)s has no open inquiry cycle for its rounds on %(date)s.") % {
            "team": team,
            "date": date.isoformat(),
        }
    if len(open_cycles) > 1:
        return _(
            "%(team)s has several open inquiry cycles on %(date)s (%(cycles)s): close one, "
            "or set their dates so that one includes the day."
        ) % {
            "team": team,
            "date": date.isoformat(),
            "cycles": ", ".join(c.title for c in open_cycles),
        }
    cycle = open_cycles[0]
    if not cycle.cycle_strategies.exists():
        return _(
            "The cycle %(cycle)s of %(team)s has no strategies yet: its rounds look for "
            "them, so choose them first."
        ) % {"cycle": cycle.title, "team": team}
    return cycle


@transaction.atomic
def round_schedule_accept(*, user: User, schedule: RoundSchedule) -> list[Observation]:
    """Plan every visit as a round, once; nothing is written if any cannot be."""
    require_scheduler(user, schedule.school)
    schedule = _locked(schedule)
    _require_proposed(schedule)
    if schedule.result.get("status") != "feasible" or not schedule.result.get("visits"):
        raise ValidationError(_("This schedule has no visits to accept."))
    wrong = [reason_text(r) for r in schedule_problems(schedule) if r.code not in COUNTS]
    if wrong:
        raise ValidationError([_("This schedule breaks its rules:"), *wrong])
    team_of = {t["id"]: t["team"] for t in schedule.request["teachers"]}
    people = {
        u.username: u
        for u in User.objects.filter(
            school=schedule.school, username__in=team_of, status=Status.ACTIVE, is_active=True
        )
    }
    teams = {
        t.name: t
        for t in Team.objects.filter(school=schedule.school, name__in=set(team_of.values()))
    }
    lessons: defaultdict[_Lesson, list[str]] = defaultdict(list)
    for visit in visits_of(schedule):
        lessons[_Lesson(visit.week, visit.day, visit.period, visit.host)].append(visit.observer)
    refusals: list[str] = []
    plans = []
    for lesson, observers in sorted(lessons.items()):
        missing = [u for u in (lesson.host, *observers) if u not in people]
        if missing:
            refusals.append(
                _("%(people)s no longer teach at %(school)s.")
                % {"people": ", ".join(missing), "school": schedule.school}
            )
            continue
        team = teams.get(team_of[lesson.host])
        date = schedule.start_date + dt.timedelta(weeks=lesson.week - 1, days=lesson.day - 1)
        if team is None:
            refusals.append(
                _("The team %(team)s no longer exists.") % {"team": team_of[lesson.host]}
            )
            continue
        cycle = _cycle_for(team, date)
        if isinstance(cycle, str):
            refusals.append(cycle)
            continue
        plans.append((cycle, lesson, date, [people[o] for o in observers]))
    if refusals:
        raise ValidationError(list(dict.fromkeys(refusals)))
    observations = []
    for cycle, lesson, date, observers in plans:
        try:
            observations.append(
                observation_plan(
                    user=user,
                    cycle=cycle,
                    host=people[lesson.host],
                    observers=observers,
                    date=date,
                    period=str(lesson.period),
                    strategies=[
                        cs.strategy for cs in cycle.cycle_strategies.select_related("strategy")
                    ],
                )
            )
        except ValidationError as error:
            raise ValidationError(
                [_("The visit to %(host)s on %(date)s cannot be planned:")
                 % {"host": lesson.host, "date": date.isoformat()}, *error.messages]
            ) from None  # fmt: skip
    schedule.status = RoundSchedule.ScheduleStatus.ACCEPTED
    schedule.accepted_by = user
    schedule.accepted_at = timezone.now()
    schedule.save(update_fields=["status", "accepted_by", "accepted_at"])
    return observations


# --- exports --------------------------------------------------------------------


def _rows(schedule: RoundSchedule) -> list[tuple]:
    team_of = {t["id"]: t["team"] for t in schedule.request["teachers"]}
    return [
        (
            v.week,
            visit_date(schedule, v),
            v.day,
            v.period,
            v.host,
            v.observer,
            team_of.get(v.host, ""),
        )
        for v in visits_of(schedule)
    ]


def round_schedule_csv(schedule: RoundSchedule) -> bytes:
    """One line per visit, through the formula-safe writer."""
    return write_csv(CSV_COLUMNS, _rows(schedule))


def round_schedule_ical(schedule: RoundSchedule) -> bytes:
    """One all-day VEVENT per visit (the roster has no period times), named for its
    period, host and observer; its UID is stable, so importing again updates it."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Efficacy//coverage schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Peer observation schedule"))
    stamp = schedule.accepted_at or schedule.created_at
    for week, date, day, period, host, observer, team in _rows(schedule):
        event = Event()
        event.add(
            "uid",
            f"round-schedule-{schedule.pk}-w{week}d{day}p{period}-{host}-{observer}@efficacy",
        )
        event.add("dtstamp", stamp)
        event.add("dtstart", date)
        event.add("dtend", date + dt.timedelta(days=1))
        event.add(
            "summary",
            _("Period %(period)s: %(observer)s observes %(host)s")
            % {"period": period, "observer": observer, "host": host},
        )
        event.add("description", _("Peer observation, team %(team)s.") % {"team": team})
        event.add("categories", ["peer observation"])
        calendar.add_component(event)
    return calendar.to_ical()
