"""What the system holds about one person: a registry of collectors, one per kind of record.

A collector takes the person (a :class:`~efficacy.roster.models.Student` or a staff
:class:`~efficacy.roster.models.User`) and returns rows (plain dicts of JSON values);
the export writes each kind as one CSV and all of them in one JSON file. An app that
holds more about people registers its own collectors in a ``rights_collectors`` module
(found when the app starts), e.g. the API's tokens::

    register(STAFF, "api_tokens", _("..."))(lambda user: rows(user.api_tokens.all(), exclude={"hash"}))

Domain data is read with the ORM here: who may ask for an export is decided by
:mod:`efficacy.access.rights`, before a collector runs.

Anonymous survey answers and exit-ticket answers have no column that says whose they
are (by design), so no collector can find them: the export's README says so.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from efficacy.audit.models import AuditEvent
from efficacy.cycles.models import InquiryCycle, MasteryMoment, Milestone, Reflection, Score
from efficacy.practice.models import (
    Action,
    ImplementationEntry,
    Meeting,
    Note,
    Observation,
    ObserverDebrief,
)
from efficacy.rights.models import Correction
from efficacy.roster.models import AccountEvent, Enrollment, Student, TeamMembership, User
from efficacy.voice.models.surveys import SurveyInvitation
from efficacy.voice.models.trust import Booking, CheckIn, Commitment, Win

STUDENT = "student"
STAFF = "staff"
Row = dict[str, Any]


@dataclass(frozen=True)
class Collector:
    subject: str  # STUDENT or STAFF
    kind: str  # the CSV's name, e.g. "scores"
    description: str | Promise
    collect: Callable[[Any], Iterable[Row]]


_REGISTRY: dict[tuple[str, str], Collector] = {}


def register(
    subject: str, kind: str, description: str | Promise
) -> Callable[[Callable[[Any], Iterable[Row]]], Callable[[Any], Iterable[Row]]]:
    """Register ``collect(person) -> rows`` as the ``kind`` records of a ``subject``."""
    if subject not in (STUDENT, STAFF):
        raise ValueError(f"subject must be {STUDENT!r} or {STAFF!r}, not {subject!r}")

    def decorate(collect: Callable[[Any], Iterable[Row]]) -> Callable[[Any], Iterable[Row]]:
        _REGISTRY[(subject, kind)] = Collector(subject, kind, description, collect)
        return collect

    return decorate


def collectors_for(subject: str) -> list[Collector]:
    return [c for (s, _kind), c in sorted(_REGISTRY.items()) if s == subject]


def value(raw: Any) -> Any:
    """A field's value as JSON can hold it (dates as ISO 8601, files as their name)."""
    if isinstance(raw, (dt.date, dt.datetime, dt.time)):
        return raw.isoformat()
    if isinstance(raw, (decimal.Decimal, uuid.UUID)):
        return str(raw)
    if isinstance(raw, FieldFile):
        return raw.name or ""
    if isinstance(raw, (bytes, memoryview)):
        return None
    return raw


def row(obj: models.Model, *, exclude: Iterable[str] = (), **extra: Any) -> Row:
    """Every concrete column of ``obj`` (foreign keys as ids), but ``exclude``, plus ``extra``."""
    skip = set(exclude)
    out = {
        f.attname: value(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.name not in skip and f.attname not in skip
    }
    out.update({k: value(v) for k, v in extra.items()})
    return out


def rows(queryset: Iterable[models.Model], *, exclude: Iterable[str] = ()) -> list[Row]:
    return [row(obj, exclude=exclude) for obj in queryset]


# --- a student --------------------------------------------------------------


@register(STUDENT, "student", _("The student's record: names, student number, grade, pathway and attributes (the groups a cycle can aim at)."))  # fmt: skip
def _student(student: Student) -> list[Row]:
    return [row(student, school_name=student.school.name)]


@register(STUDENT, "enrolments", _("The classes the student is or was enrolled in."))
def _enrolments(student: Student) -> list[Row]:
    enrolments = Enrollment.objects.filter(student=student).select_related("school_class")
    return [row(e, class_title=e.school_class.title) for e in enrolments.order_by("pk")]


@register(STUDENT, "scores", _("Every score of the student, with its cycle, measure and occasion."))
def _scores(student: Student) -> list[Row]:
    scores = Score.objects.filter(student=student).select_related("measure__cycle", "occasion")
    return [
        row(
            s,
            cycle=s.measure.cycle.title,
            measure=str(s.measure),
            occasion=str(s.occasion),
        )
        for s in scores.order_by("pk")
    ]


@register(STUDENT, "corrections", _("Corrections an administrator made to the student's record, before and after."))  # fmt: skip
def _student_corrections(student: Student) -> list[Row]:
    return rows(Correction.objects.filter(student=student).order_by("pk"))


# --- a staff member ---------------------------------------------------------


@register(STAFF, "account", _("The account: names, e-mail, username, role, school and district (never the password)."))  # fmt: skip
def _account(user: User) -> list[Row]:
    return [row(user, exclude={"password"}, school_name=user.school.name if user.school else "")]


@register(STAFF, "team_memberships", _("The teams the person belongs to, and their role in each."))
def _teams(user: User) -> list[Row]:
    memberships = TeamMembership.objects.filter(user=user).select_related("team")
    return [row(m, team_name=m.team.name) for m in memberships.order_by("pk")]


@register(STAFF, "classes_taught", _("The classes the person teaches or taught (teacher enrolments)."))  # fmt: skip
def _classes(user: User) -> list[Row]:
    enrolments = Enrollment.objects.filter(staff=user).select_related("school_class")
    return [row(e, class_title=e.school_class.title) for e in enrolments.order_by("pk")]


@register(STAFF, "account_events", _("What was done to the account: invitations, password changes, role changes."))  # fmt: skip
def _account_events(user: User) -> list[Row]:
    return rows(AccountEvent.objects.filter(account=user).order_by("pk"))


@register(STAFF, "corrections", _("Corrections an administrator made to the account, before and after."))  # fmt: skip
def _staff_corrections(user: User) -> list[Row]:
    return rows(Correction.objects.filter(account=user).order_by("pk"))


@register(STAFF, "cycles_created", _("Inquiry cycles the person created."))
def _cycles(user: User) -> list[Row]:
    return rows(InquiryCycle.objects.filter(created_by=user).order_by("pk"))


@register(STAFF, "milestones", _("Cycle milestones the person owns."))
def _milestones(user: User) -> list[Row]:
    return rows(Milestone.objects.filter(owner=user).order_by("pk"))


@register(STAFF, "reflections", _("Cycle reflections the person last wrote."))
def _reflections(user: User) -> list[Row]:
    return rows(Reflection.objects.filter(updated_by=user).order_by("pk"))


@register(STAFF, "mastery_moments", _("Mastery moments and learning stories of the cycles the person created."))  # fmt: skip
def _moments(user: User) -> list[Row]:
    return rows(MasteryMoment.objects.filter(cycle__created_by=user).order_by("pk"))


@register(STAFF, "rounds_hosted", _("Observation rounds in the person's lessons."))
def _hosted(user: User) -> list[Row]:
    return rows(Observation.objects.filter(host=user).order_by("pk"))


@register(STAFF, "rounds_observed", _("Observation rounds the person observed."))
def _observed(user: User) -> list[Row]:
    return rows(Observation.objects.filter(observers=user).order_by("pk"))


@register(STAFF, "observation_notes", _("The person's own descriptive notes from rounds."))
def _notes(user: User) -> list[Row]:
    return rows(Note.objects.filter(author=user).order_by("pk"))


@register(STAFF, "observer_debriefs", _("The person's own debriefs as an observer."))
def _debriefs(user: User) -> list[Row]:
    return rows(ObserverDebrief.objects.filter(observer=user).order_by("pk"))


@register(STAFF, "meetings_attended", _("Team meetings the person attended."))
def _meetings(user: User) -> list[Row]:
    return rows(Meeting.objects.filter(attendees=user).order_by("pk"))


@register(STAFF, "actions", _("Meeting actions the person owns."))
def _actions(user: User) -> list[Row]:
    return rows(Action.objects.filter(owner=user).order_by("pk"))


@register(STAFF, "implementation_log", _("The person's implementation log entries."))
def _implementation(user: User) -> list[Row]:
    return rows(ImplementationEntry.objects.filter(teacher=user).order_by("pk"))


@register(STAFF, "wins", _("Wins the person shared."))
def _wins(user: User) -> list[Row]:
    return rows(Win.objects.filter(author=user).order_by("pk"))


@register(STAFF, "check_ins", _("Check-ins a leader held with the person."))
def _check_ins(user: User) -> list[Row]:
    return rows(CheckIn.objects.filter(staff=user).order_by("pk"))


@register(STAFF, "commitments", _("Commitments the person made as a leader."))
def _commitments(user: User) -> list[Row]:
    return rows(Commitment.objects.filter(made_by=user).order_by("pk"))


@register(STAFF, "office_hour_bookings", _("Office-hour bookings the person made."))
def _bookings(user: User) -> list[Row]:
    return rows(Booking.objects.filter(booked_by=user).order_by("pk"))


@register(STAFF, "survey_invitations", _("Survey windows the person was invited to (never their answers, which are anonymous)."))  # fmt: skip
def _invitations(user: User) -> list[Row]:
    return rows(SurveyInvitation.objects.filter(user=user).order_by("pk"))


@register(STAFF, "audit_events", _("What the audit log recorded the person doing: sign-ins, changes, student-level data read or exported."))  # fmt: skip
def _audit_events(user: User) -> list[Row]:
    return rows(AuditEvent.objects.filter(actor=user).order_by("pk"))
