"""What is due for one person: the one list the home page and the weekly digest show.

:func:`todo_for` gathers, through the domain apps' selectors and the rules of
:mod:`efficacy.access`, everything waiting for a person:

* scores to enter (a past occasion of an open cycle, students they teach without a score);
* rounds to host or attend (upcoming observations);
* actions a meeting gave them that are not done;
* milestones of an open cycle they own, overdue or due within :data:`MILESTONE_HORIZON`;
* an exit ticket to open: a class they teach that holds focus students of an
  implementing cycle of their team, and has had no ticket this week;
* open staff survey windows they are invited to and have not answered (their own
  invitations only: this list is theirs and shown to nobody else).

Each item keeps codes and data; its words (:attr:`TodoItem.words`) are written when
shown, in the language active then, so the digest can be written in the reader's
language. Every source is capped, so the queries do not grow with the number of items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from efficacy.access import roster as access
from efficacy.access.cycles import cycles_for
from efficacy.access.surveys import survey_windows_for
from efficacy.access.tickets import ticket_classes_for, ticket_cycles_for
from efficacy.cycles.evidence.selectors import scores_to_enter
from efficacy.cycles.models import CycleStatus, Milestone
from efficacy.cycles.plan.groups import group_students
from efficacy.practice.selectors import open_actions, rounds_to_attend, week_of
from efficacy.roster import selectors as roster_selectors
from efficacy.roster.models import Enrollment, SchoolClass, Status, Team, User
from efficacy.voice.models import ExitTicket
from efficacy.voice.services.surveys import survey_own_invitations

#: Milestones due within this many days are listed with the overdue ones.
MILESTONE_HORIZON = dt.timedelta(days=14)
#: At most this many of a kind (milestones, cycles to suggest a ticket for, survey windows).
MAX_OF_A_KIND = 20

SCORES = "scores"
ROUND = "round"
ACTION = "action"
MILESTONE = "milestone"
TICKET = "ticket"
SURVEY = "survey"


@dataclass(frozen=True)
class TodoItem:
    """One thing to do: its kind (one of the constants above), where to do it, when it
    is due (or ``None``) and the data its words are written from."""

    kind: str
    url: str
    due: dt.date | None
    data: dict[str, Any] = field(default_factory=dict)

    def is_overdue(self, today: dt.date) -> bool:
        return self.due is not None and self.due < today

    @property
    def words(self) -> str:
        """What to do, in plain words, in the language active now."""
        d = self.data
        if self.kind == SCORES:
            return ngettext(
                "Enter the %(occasion)s scores on %(measure)s for %(class)s: "
                "%(n)d student has none yet",
                "Enter the %(occasion)s scores on %(measure)s for %(class)s: "
                "%(n)d students have none yet",
                d["missing"],
            ) % {
                "occasion": d["occasion"],
                "measure": d["measure"],
                "class": d["class"],
                "n": d["missing"],
            }
        if self.kind == ROUND:
            if d["hosting"]:
                if d["class"]:
                    return _("Host a round in your class %(class)s") % d
                return _("Host a round in your class")
            if d["class"]:
                return _("Observe %(host)s's class %(class)s") % d
            return _("Observe %(host)s's class") % d
        if self.kind == ACTION:
            return _("Your action from a team meeting: %(text)s") % d
        if self.kind == MILESTONE:
            return _("Complete the milestone: %(title)s") % d
        if self.kind == TICKET:
            return _("Open an exit ticket for %(class)s this week") % d
        if self.kind == SURVEY:
            return _("Answer the staff survey “%(title)s” (anonymous)") % d
        raise ValueError(self.kind)

    @property
    def context(self) -> str:
        """Where it comes from (the cycle's title), or empty."""
        return str(self.data.get("cycle", ""))

    @property
    def when(self) -> str:
        """The due date in words: "due 5 May 2025", "no due date", "this week"."""
        if self.kind == TICKET:
            return _("this week")
        if self.due is None:
            return _("no due date")
        date = formats.date_format(self.due, "DATE_FORMAT")
        if self.kind == ROUND:
            return _("on %(date)s") % {"date": date}
        if self.kind == SURVEY:
            return _("open until %(date)s") % {"date": date}
        return _("due %(date)s") % {"date": date}


@dataclass(frozen=True)
class Todo:
    """A person's to-do (:attr:`items`: overdue first, then by due date, undated last),
    and their classes and teams."""

    today: dt.date
    items: list[TodoItem]
    classes: Sequence[SchoolClass] = ()
    teams: Sequence[Team] = ()

    @property
    def overdue(self) -> list[TodoItem]:
        return [item for item in self.items if item.is_overdue(self.today)]

    def __bool__(self) -> bool:
        return bool(self.items)


def todo_for(user: User, *, today: dt.date, with_places: bool = True) -> Todo:
    """Everything due for ``user`` on ``today`` (see the module's docstring). With
    ``with_places``, their classes and teams too (the home page lists them)."""
    if not access.is_active_account(user):
        return Todo(today=today, items=[])
    items = [
        *_scores(user, today),
        *_rounds(user, today),
        *_actions(user),
        *_milestones(user, today),
        *_tickets(user, today),
        *_surveys(user, today),
    ]
    items.sort(key=lambda item: (item.due is None, item.due or today))
    if not with_places:
        return Todo(today=today, items=items)
    return Todo(
        today=today,
        items=items,
        classes=list(roster_selectors.classes_with_counts(access.classes_for(user))),
        teams=list(roster_selectors.teams_with_counts(access.teams_for(user))),
    )


# --- the sources ------------------------------------------------------------------


def _scores(user: User, today: dt.date) -> list[TodoItem]:
    return [
        TodoItem(
            SCORES,
            reverse("cycles:grid", args=[due.cycle.pk])
            + f"?class={due.school_class_id}&measure={due.measure.pk}",
            due.occasion.date,
            {
                "occasion": due.occasion.name,
                "measure": due.measure.name,
                "class": due.class_title,
                "missing": due.missing,
                "cycle": due.cycle.title,
            },
        )
        for due in scores_to_enter(user, today=today)
    ]


def _rounds(user: User, today: dt.date) -> list[TodoItem]:
    return [
        TodoItem(
            ROUND,
            reverse("practice:observation", args=[o.pk]),
            o.date,
            {
                "hosting": o.host_id == user.pk,
                "host": o.host.get_full_name() or o.host.username,
                "class": o.school_class.title if o.school_class else "",
                "cycle": o.cycle.title,
            },
        )
        for o in rounds_to_attend(user, today=today)
    ]


def _actions(user: User) -> list[TodoItem]:
    return [
        TodoItem(
            ACTION,
            reverse("practice:meeting", args=[a.meeting_id]) + "#actions",
            a.due_date,
            {"text": a.text, "cycle": a.meeting.cycle.title},
        )
        for a in open_actions(user)
    ]


def _milestones(user: User, today: dt.date) -> list[TodoItem]:
    milestones = (
        Milestone.objects.filter(
            cycle__in=cycles_for(user),
            owner=user,
            done=False,
            due_date__lte=today + MILESTONE_HORIZON,
        )
        .exclude(cycle__status=CycleStatus.CLOSED)
        .select_related("cycle")
        .order_by("due_date", "pk")[:MAX_OF_A_KIND]
    )
    return [
        TodoItem(
            MILESTONE,
            reverse("cycles:detail", args=[m.cycle_id]) + "#plan",
            m.due_date,
            {"title": m.title, "cycle": m.cycle.title},
        )
        for m in milestones
    ]


def _tickets(user: User, today: dt.date) -> list[TodoItem]:
    """A class of theirs holding focus students of an implementing cycle of their team,
    with no exit ticket opened this week: one query per such cycle (a handful)."""
    cycles = list(
        ticket_cycles_for(user)
        .filter(status=CycleStatus.IMPLEMENTING)
        .select_related("team__school")
        .order_by("pk")[:MAX_OF_A_KIND]
    )
    if not cycles:
        return []
    classes: QuerySet[SchoolClass] = ticket_classes_for(user)
    this_week = ExitTicket.objects.filter(opened_on__gte=week_of(today)).values("school_class_id")
    waiting = classes.exclude(pk__in=this_week)
    items: list[TodoItem] = []
    suggested: set[int] = set()
    for cycle in cycles:
        focus = group_students(cycle.focus or {}, school=cycle.team.school).values("pk")
        with_focus = Enrollment.objects.filter(
            role=Enrollment.EnrollmentRole.STUDENT, status=Status.ACTIVE, student__in=focus
        ).values("school_class_id")
        for school_class in waiting.filter(
            school_id=cycle.team.school_id, pk__in=with_focus
        ).order_by("title", "pk"):
            if school_class.pk in suggested:
                continue
            suggested.add(school_class.pk)
            items.append(
                TodoItem(
                    TICKET,
                    reverse("voice:ticket_new") + f"?class={school_class.pk}&cycle={cycle.pk}",
                    None,
                    {"class": school_class.title, "cycle": cycle.title},
                )
            )
    return items


def _surveys(user: User, today: dt.date) -> list[TodoItem]:
    """Open windows the person is invited to and has not answered, through the windows
    they may see and still answer (on the window's school's staff)."""
    waiting = [
        window for window, answered in survey_own_invitations(user=user).items() if not answered
    ]
    if not waiting or user.school_id is None:
        return []
    windows = (
        survey_windows_for(user)
        .filter(pk__in=waiting, school_id=user.school_id, opens_on__lte=today)
        .order_by("closes_on", "pk")[:MAX_OF_A_KIND]
    )
    return [
        TodoItem(
            SURVEY,
            reverse("voice:survey_answer", args=[w.pk]),
            w.last_day,
            {"title": w.title},
        )
        for w in windows
        if w.is_open(today)
    ]
