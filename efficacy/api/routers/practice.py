"""Instructional rounds and team meetings, with the pages' rules
(:mod:`efficacy.access.practice`). Rounds are walled off from evaluation: a round's
notes are read only by those :func:`~efficacy.access.practice.can_read_notes` lets
(its host, its observers, its team; a school leader only what the host shared);
everyone else who sees the round gets its counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch
from ninja import Query, Router, Schema

from efficacy.access.practice import (
    access_meeting,
    access_round,
    can_read_notes,
    meetings_for,
    rounds_for,
)
from efficacy.api.auth import ApiRequest
from efficacy.api.pagination import Page, PageParams, each, paginate
from efficacy.api.types import Id
from efficacy.practice.models import Action, Meeting, Observation

router = Router(tags=["practice"])


class NoteOut(Schema):
    id: int
    author: int
    kind: str
    text: str
    noted_at: dt.datetime


class RoundOut(Schema):
    id: int
    cycle: int
    host: int
    school_class: int | None
    date: dt.date
    period: str
    observers: list[int]
    strategies: list[int]
    shared: bool
    note_count: int


class RoundDetailOut(RoundOut):
    pre_brief: str | None
    notes: list[NoteOut] | None


class ActionOut(Schema):
    id: int
    text: str
    owner: int | None
    due_date: dt.date | None
    done: bool


class MeetingOut(Schema):
    id: int
    cycle: int
    date: dt.date
    attendees: list[int]
    evidence: str
    decisions: str
    actions: list[ActionOut]


def _rounds(items: Any) -> Any:
    return items.annotate(note_total=Count("notes", distinct=True)).prefetch_related(
        "observers", "strategies"
    )


def round_out(observation: Observation) -> dict[str, Any]:
    return {
        "id": observation.pk,
        "cycle": observation.cycle_id,
        "host": observation.host_id,
        "school_class": observation.school_class_id,
        "date": observation.date,
        "period": observation.period,
        "observers": sorted(person.pk for person in observation.observers.all()),
        "strategies": sorted(strategy.pk for strategy in observation.strategies.all()),
        "shared": observation.shared,
        "note_count": observation.note_total,  # type: ignore[attr-defined]
    }


def round_detail_out(user: Any, observation: Observation) -> dict[str, Any]:
    readable = can_read_notes(user, observation)
    notes = [
        {
            "id": note.pk,
            "author": note.author_id,
            "kind": note.kind,
            "text": note.text,
            "noted_at": note.noted_at,
        }
        for note in observation.notes.all()
    ]
    return {
        **round_out(observation),
        "pre_brief": observation.pre_brief if readable else None,
        "notes": notes if readable else None,
    }


def action_out(action: Action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "text": action.text,
        "owner": action.owner_id,
        "due_date": action.due_date,
        "done": action.done,
    }


def meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "cycle": meeting.cycle_id,
        "date": meeting.date,
        "attendees": sorted(person.pk for person in meeting.attendees.all()),
        "evidence": meeting.evidence,
        "decisions": meeting.decisions,
        "actions": [action_out(action) for action in meeting.actions.all()],
    }


class RoundFilters(Schema):
    cycle: Id | None = None
    since: dt.date | None = None


@router.get("/rounds/", response=Page[RoundOut], url_name="rounds")
def rounds(
    request: ApiRequest, page: Query[PageParams], filters: Query[RoundFilters]
) -> dict[str, Any]:
    """The rounds (peer observations) of your teams, or of your school for a leader:
    counts only; a round's own address gives its notes to those who may read them."""
    items = rounds_for(request.auth)
    if filters.cycle is not None:
        items = items.filter(cycle_id=filters.cycle)
    if filters.since is not None:
        items = items.filter(date__gte=filters.since)
    return paginate(request, _rounds(items), page, each(round_out))


@router.get("/rounds/{round_id}/", response=RoundDetailOut, url_name="round")
def observation(request: ApiRequest, round_id: Id) -> dict[str, Any]:
    found = access_round(request.auth, round_id)
    annotated = _rounds(Observation.objects.filter(pk=found.pk)).select_related("cycle__team")
    return round_detail_out(request.auth, annotated.get())


class MeetingFilters(Schema):
    cycle: Id | None = None
    since: dt.date | None = None


def _meetings(items: Any) -> Any:
    return items.prefetch_related(
        "attendees", Prefetch("actions", queryset=Action.objects.order_by("id"))
    )


@router.get("/meetings/", response=Page[MeetingOut], url_name="meetings")
def meetings(
    request: ApiRequest, page: Query[PageParams], filters: Query[MeetingFilters]
) -> dict[str, Any]:
    """Your teams' meetings (your school's for a leader), with their next actions."""
    items = meetings_for(request.auth)
    if filters.cycle is not None:
        items = items.filter(cycle_id=filters.cycle)
    if filters.since is not None:
        items = items.filter(date__gte=filters.since)
    return paginate(request, _meetings(items), page, each(meeting_out))


@router.get("/meetings/{meeting_id}/", response=MeetingOut, url_name="meeting")
def meeting(request: ApiRequest, meeting_id: Id) -> dict[str, Any]:
    found = access_meeting(request.auth, meeting_id)
    return meeting_out(_meetings(Meeting.objects.filter(pk=found.pk)).get())
