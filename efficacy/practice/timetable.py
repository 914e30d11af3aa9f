"""The timetable a school leader uploads for the coverage scheduler, checked whole.

One line per teaching period of the week (the same every week)::

    teacher,day,period,team
    lead_english,1,2,
    u-teacher_a,Tuesday,3,Grade 9 English

- ``teacher``: the teacher's username or staff id (their roster ``sourced_id``), an
  active member of staff of the school;
- ``day``: 1 to the days of the week, or the day's English name (``Monday``, ``Mon``);
- ``period``: 1 to the periods of a day;
- ``team`` (optional): which of the school's teams the teacher is scheduled with.
  A teacher is scheduled with their one team; a teacher in several teams must
  name one of them here (on any of their lines, the same on all), since the
  scheduler pairs each teacher with the colleagues of one team and their visits
  become rounds of that team's cycle. A teacher in no team is a problem.

Every problem is listed as ``file:line:column`` (:class:`efficacy.tabular.Problem`),
among them a teacher in two places at once (the same day and period twice) and a
teacher the school does not know. Nothing is solved unless there is none.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from efficacy.roster.models import School, Status, Team, TeamMembership, User
from efficacy.tabular import Limits, Problem, Problems, read_table

COLUMNS = ("teacher", "day", "period", "team")
REQUIRED = ("teacher", "day", "period")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: A week of 16 periods for 2,000 teachers (the scheduler's largest request).
LIMITS = Limits(
    file_bytes=5_000_000,
    unzipped_bytes=50_000_000,
    rows=40_000,
    columns=20,
    cell_chars=300,
    line_bytes=10_000,
)


@dataclass(frozen=True)
class Timetable:
    """Each teacher's username, team name and teaching periods, in the file's order."""

    teachers: list[tuple[str, str, list[tuple[int, int]]]]

    def teacher_entries(self) -> list[dict]:
        """The ``teachers`` of a scheduler request."""
        return [
            {"id": username, "team": team, "teaches": [list(slot) for slot in sorted(slots)]}
            for username, team, slots in self.teachers
        ]


def _day(value: str, days: int) -> int | None:
    text = value.strip().lower()
    if text.isdigit():
        day = int(text)
        return day if 1 <= day <= days else None
    for index, name in enumerate(DAY_NAMES[:days], start=1):
        if len(text) >= 3 and name.startswith(text):
            return index
    return None


def timetable_read(
    *, school: School, data: bytes, file: str, days: int, periods: int
) -> Timetable | Problems:
    """The timetable in ``data``, or every problem with it."""
    problems = Problems()
    table = read_table(
        io.BytesIO(data),
        file,
        problems=problems,
        limits=LIMITS,
        columns=COLUMNS,
        required=REQUIRED,
        aliases={"staff_id": "teacher", "username": "teacher"},
        header_hint=_("the first line names the columns: teacher,day,period (and team)"),
    )
    if table is None:
        return problems
    names = {str(row.get("teacher", "")).strip() for _line, row in table.rows if row.get("teacher")}
    staff = User.objects.filter(
        Q(username__in=names) | Q(sourced_id__in=names),
        school=school,
        status=Status.ACTIVE,
        is_active=True,
    )
    by_name: dict[str, User] = {}
    for user in staff:
        by_name[user.username] = user
        if user.sourced_id:
            by_name.setdefault(user.sourced_id, user)
    teams: defaultdict[int, dict[str, Team]] = defaultdict(dict)
    for membership in TeamMembership.objects.filter(
        user__in=staff, team__school=school
    ).select_related("team"):
        teams[membership.user_id][membership.team.name] = membership.team

    slots: dict[int, dict[tuple[int, int], int]] = defaultdict(dict)
    chosen: dict[int, tuple[str, int]] = {}  # user → (team named, first line naming it)
    first_line: dict[int, int] = {}
    order: list[User] = []
    for line, row in table.rows:
        name = str(row["teacher"]).strip()
        user = by_name.get(name)
        if not name:
            problems.append(Problem(file, line, "teacher", _("the teacher is missing")))
        elif user is None:
            problems.append(
                Problem(
                    file,
                    line,
                    "teacher",
                    _("%(teacher)s is not an active member of staff of %(school)s")
                    % {"teacher": name, "school": school},
                    _("use the teacher's username or staff id, as the roster has it"),
                )
            )
        day = _day(str(row["day"]), days)
        if day is None:
            problems.append(
                Problem(
                    file,
                    line,
                    "day",
                    _("%(value)r is not a day of the week") % {"value": row["day"]},
                    _("a number from 1 to %(days)d, or the day's name (Monday)") % {"days": days},
                )
            )
        period_text = str(row["period"]).strip()
        period = int(period_text) if period_text.isdigit() else 0
        if not 1 <= period <= periods:
            problems.append(
                Problem(
                    file,
                    line,
                    "period",
                    _("%(value)r is not a period of the day") % {"value": row["period"]},
                    _("a number from 1 to %(periods)d") % {"periods": periods},
                )
            )
        team = str(row.get("team") or "").strip()
        if user is not None and team:
            if team not in teams[user.pk]:
                problems.append(
                    Problem(
                        file,
                        line,
                        "team",
                        _("%(teacher)s is not a member of a team named %(team)s")
                        % {"teacher": name, "team": team},
                        _("their teams: %(teams)s") % {"teams": ", ".join(sorted(teams[user.pk]))}
                        if teams[user.pk]
                        else "",
                    )
                )
            elif user.pk in chosen and chosen[user.pk][0] != team:
                problems.append(
                    Problem(
                        file,
                        line,
                        "team",
                        _("%(teacher)s is scheduled with %(team)s on line %(line)d")
                        % {"teacher": name, "team": chosen[user.pk][0], "line": chosen[user.pk][1]},
                        _("a teacher is scheduled with one team: name the same on each line"),
                    )
                )
            else:
                chosen.setdefault(user.pk, (team, line))
        if user is None or day is None or not 1 <= period <= periods:
            continue
        if user.pk not in first_line:
            first_line[user.pk] = line
            order.append(user)
        earlier = slots[user.pk].get((day, period))
        if earlier is not None:
            problems.append(
                Problem(
                    file,
                    line,
                    "period",
                    _(
                        "%(teacher)s is in two places at once: day %(day)d, period %(period)d is "
                        "also on line %(line)d"
                    )
                    % {"teacher": name, "day": day, "period": period, "line": earlier},
                    _("a teacher teaches one class a period: correct the day or the period"),
                )
            )
        else:
            slots[user.pk][day, period] = line

    teachers = []
    for user in order:
        theirs = teams[user.pk]
        if user.pk in chosen:
            team = chosen[user.pk][0]
        elif len(theirs) == 1:
            team = next(iter(theirs))
        else:
            problems.append(
                Problem(
                    file,
                    first_line[user.pk],
                    "team",
                    _("%(teacher)s is in no team of %(school)s")
                    % {"teacher": user.username, "school": school}
                    if not theirs
                    else _("%(teacher)s is in several teams: %(teams)s")
                    % {"teacher": user.username, "teams": ", ".join(sorted(theirs))},
                    _("add them to a team first")
                    if not theirs
                    else _("say which in the team column"),
                )
            )
            continue
        teachers.append((user.username, team, list(slots[user.pk])))
    if problems.total:
        return problems
    return Timetable(teachers)
