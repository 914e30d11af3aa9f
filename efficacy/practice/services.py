"""Every write to a round (planning it, observing, the debrief and sharing) and to a
team meeting (recording it, ticking its actions done).

Each service takes the acting ``user`` and re-checks the write rule of
:mod:`efficacy.access.practice`, raising ``PermissionDenied``; bad input raises
``ValidationError`` keyed by field. Observing is idempotent, because a phone
that lost its network sends again what it is not sure was received:

* a note or a photo carries the UUID its browser gave it: sent twice, it is
  stored once (:func:`note_add`, :func:`photo_add` return ``created=False``);
* a tally is the absolute count with the version the browser reached: a
  repeated or older version changes nothing (:func:`tally_set`).

The implementation log is saved a week at a time (:func:`implementation_log_save`):
every rating of the form in one call, with a fixed number of queries however many
classes and strategies it holds.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from efficacy.access.practice import (
    require_action_ticker,
    require_host,
    require_implementation_logger,
    require_meeting_recorder,
    require_note_changer,
    require_observation_writer,
    require_plan_changer,
    require_planner,
)
from efficacy.cycles.models import InquiryCycle, LookFor, Measure, Occasion, Strategy
from efficacy.practice.models import (
    Action,
    Debrief,
    EngagementLevel,
    EngagementTally,
    ImplementationEntry,
    LookForTally,
    Meeting,
    Note,
    Observation,
    ObserverDebrief,
    Photo,
)
from efficacy.practice.photos import photo_clean
from efficacy.practice.selectors import this_week, week_of
from efficacy.roster.models import SchoolClass, Status, Team, User

#: The longest note one tap of "Add" sends: a paragraph, not an essay.
MAX_NOTE_CHARS = 2000
#: More than this many ticks of one look-for in one lesson is a slip of the thumb.
MAX_TALLY = 999


def _team_members(cycle: InquiryCycle) -> set[int]:
    return set(
        User.objects.filter(
            team_memberships__team=cycle.team, status=Status.ACTIVE, is_active=True
        ).values_list("pk", flat=True)
    )


# --- planning -----------------------------------------------------------------


def _plan_problems(
    cycle: InquiryCycle, *, host: User, observers: list[User], strategies: list[Strategy]
) -> dict[str, list[str]]:
    """What is wrong with a round's people and focus, by field: the same for a plan and
    a change of plan."""
    members = _team_members(cycle)
    errors: dict[str, list[str]] = {}
    if host.pk not in members:
        errors["host"] = [_("The host must be a member of %(team)s.") % {"team": cycle.team}]
    if not observers:
        errors["observers"] = [_("Choose at least one observer.")]
    elif any(o.pk not in members for o in observers):
        errors["observers"] = [_("Observers must be members of %(team)s.") % {"team": cycle.team}]
    elif any(o.pk == host.pk for o in observers):
        errors["observers"] = [_("The host does not observe their own lesson.")]
    cycle_strategies = set(cycle.cycle_strategies.values_list("strategy_id", flat=True))
    if not strategies:
        errors["strategies"] = [_("Choose the cycle's strategies this observation looks for.")]
    elif any(s.pk not in cycle_strategies for s in strategies):
        errors["strategies"] = [_("The focus is one of the cycle's strategies.")]
    return errors


@transaction.atomic
def observation_plan(
    *,
    user: User,
    cycle: InquiryCycle,
    host: User,
    observers: Iterable[User],
    date: dt.date,
    period: str = "",
    strategies: Iterable[Strategy],
    school_class: SchoolClass | None = None,
    pre_brief: str = "",
) -> Observation:
    """Schedule an observation of ``host``'s lesson by some of their team."""
    require_planner(user, cycle)
    cycle.require_open()
    observers = list(observers)
    strategies = list(strategies)
    errors = _plan_problems(cycle, host=host, observers=observers, strategies=strategies)
    if school_class is not None and school_class.school_id != cycle.team.school_id:
        errors["school_class"] = [
            _("Choose a class of %(school)s.") % {"school": cycle.team.school}
        ]
    if errors:
        raise ValidationError(errors)
    observation = Observation.objects.create(
        cycle=cycle,
        host=host,
        school_class=school_class,
        date=date,
        period=period.strip(),
        pre_brief=pre_brief.strip(),
        planned_by=user,
    )
    observation.observers.set(observers)
    observation.strategies.set(strategies)
    return observation


def _require_not_started(observation: Observation, today: dt.date) -> None:
    if not observation.is_ahead(today):
        raise ValidationError(
            _("This observation has taken place: its plan is kept as it happened.")
        )


@transaction.atomic
def observation_replan(
    *,
    user: User,
    observation: Observation,
    date: dt.date,
    observers: Iterable[User],
    strategies: Iterable[Strategy],
    period: str = "",
    pre_brief: str = "",
    today: dt.date | None = None,
) -> Observation:
    """Change a round before it happens: its date, period, observers, focus and pre-brief.
    The host and the class stay: another host is another observation."""
    require_plan_changer(user, observation)
    observation.cycle.require_open()
    today = today or observation.cycle.team.school.today()
    _require_not_started(observation, today)
    if observation.has_records():
        raise ValidationError(
            _("Notes, photos or tallies are already written in this observation: its plan stays.")
        )
    observers, strategies = list(observers), list(strategies)
    errors = _plan_problems(
        observation.cycle, host=observation.host, observers=observers, strategies=strategies
    )
    if date is None or date < today:
        errors["date"] = [_("Choose today or a later day.")]
    if errors:
        raise ValidationError(errors)
    observation.date = date
    observation.period = period.strip()
    observation.pre_brief = pre_brief.strip()
    observation.save(update_fields=["date", "period", "pre_brief"])
    observation.observers.set(observers)
    observation.strategies.set(strategies)
    return observation


@transaction.atomic
def observation_cancel(
    *, user: User, observation: Observation, today: dt.date | None = None
) -> None:
    """Cancel a round before it happens: it is deleted, so it leaves the rounds list and
    everyone's "Rounds to attend". A round in which anything was written (a note, a
    photo, a tally, a debrief) is refused, so nothing an observer wrote is lost."""
    require_plan_changer(user, observation)
    observation.cycle.require_open()
    _require_not_started(observation, today or observation.cycle.team.school.today())
    if observation.has_records():
        raise ValidationError(
            _(
                "This observation already has notes, photos, tallies or a debrief: it cannot be "
                "cancelled, so that nothing written in it is lost. Change its date instead."
            )
        )
    observation.delete()


def observation_pre_brief_set(*, user: User, observation: Observation, pre_brief: str) -> None:
    """The host's short pre-brief: what to watch for, what the class is working on."""
    require_host(user, observation)
    observation.pre_brief = pre_brief.strip()
    observation.save(update_fields=["pre_brief"])


# --- observing ----------------------------------------------------------------


def _client_uuid(value: object) -> uuid_module.UUID:
    try:
        return uuid_module.UUID(str(value))
    except ValueError:
        raise ValidationError(
            {"uuid": [_("This note has no valid id; reload the page.")]}
        ) from None


def _note_text(text: str, kind: str) -> str:
    """The note's text, stripped, or a ValidationError: the same for a new note and a
    corrected one."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("Write what you saw or heard.")]})
    if len(text) > MAX_NOTE_CHARS:
        raise ValidationError(
            {
                "text": [
                    _("A note is at most %(n)s characters: split it in two.")
                    % {"n": MAX_NOTE_CHARS}
                ]
            }
        )
    if kind not in Note.Kind.values:
        raise ValidationError({"kind": [_("Choose what kind of note this is.")]})
    return text


def note_add(
    *,
    user: User,
    observation: Observation,
    uuid: object,
    text: str,
    kind: str = Note.Kind.SEEN,
    noted_at: dt.datetime | None = None,
) -> tuple[Note, bool]:
    """Store a note once, whatever the number of times it is sent: (note, created)."""
    require_observation_writer(user, observation)
    key = _client_uuid(uuid)
    existing = Note.objects.filter(uuid=key).first()
    if existing is not None:
        return _same_sender(existing, user, observation), False
    text = _note_text(text, kind)
    now = timezone.now()
    # A browser's clock may be wrong; a note is never dated in the future.
    when = min(noted_at, now) if noted_at is not None else now
    try:
        with transaction.atomic():
            note = Note.objects.create(
                observation=observation, author=user, uuid=key, kind=kind, text=text, noted_at=when
            )
    except IntegrityError:
        # The same note arrived twice at once: the other request stored it.
        return _same_sender(Note.objects.get(uuid=key), user, observation), False
    return note, True


def note_correct(*, user: User, note: Note, text: str, kind: str) -> Note:
    """Its author corrects a note: its text and kind. Nobody else does, the host neither."""
    require_note_changer(user, note)
    note.text = _note_text(text, kind)
    note.kind = kind
    note.save(update_fields=["text", "kind"])
    return note


def note_delete(*, user: User, note: Note) -> None:
    """Its author deletes a note for good (a slip, a note in the wrong round). Nobody else."""
    require_note_changer(user, note)
    note.delete()


def _same_sender(note: Note, user: User, observation: Observation) -> Note:
    if note.author_id != user.pk or note.observation_id != observation.pk:
        raise ValidationError({"uuid": [_("This note has no valid id; reload the page.")]})
    return note


def tally_set(
    *,
    user: User,
    observation: Observation,
    count: int,
    version: int,
    look_for: LookFor | None = None,
    level: str | None = None,
) -> LookForTally | EngagementTally:
    """Set the observer's count of one look-for (or engagement level), if ``version`` is newer."""
    require_observation_writer(user, observation)
    if not 0 <= count <= MAX_TALLY:
        raise ValidationError(
            {"count": [_("A tally is a count from 0 to %(n)s.") % {"n": MAX_TALLY}]}
        )
    with transaction.atomic():
        if look_for is not None:
            if not observation.strategies.filter(pk=look_for.strategy_id).exists():
                raise ValidationError(
                    {"look_for": [_("This look-for is not in the observation's focus.")]}
                )
            tally: LookForTally | EngagementTally
            tally, _created = LookForTally.objects.select_for_update().get_or_create(
                observation=observation, observer=user, look_for=look_for
            )
        elif level in EngagementLevel.values:
            tally, _created = EngagementTally.objects.select_for_update().get_or_create(
                observation=observation, observer=user, level=level
            )
        else:
            raise ValidationError({"look_for": [_("Choose a look-for or an engagement level.")]})
        if version > tally.version:
            tally.count = count
            tally.version = version
            tally.save(update_fields=["count", "version", "updated_at"])
    return tally


def photo_add(
    *, user: User, observation: Observation, uuid: object, upload: UploadedFile
) -> tuple[Photo, bool]:
    """Store a checked, metadata-free copy of a photo or PDF of student work, once."""
    require_observation_writer(user, observation)
    key = _client_uuid(uuid)
    existing = Photo.objects.filter(uuid=key).first()
    if existing is not None:
        if existing.author_id != user.pk or existing.observation_id != observation.pk:
            raise ValidationError({"uuid": [_("This photo has no valid id; reload the page.")]})
        return existing, False
    try:
        clean = photo_clean(upload)
    except ValidationError as error:
        raise ValidationError({"photo": error.messages}) from None
    photo = Photo(
        observation=observation,
        author=user,
        uuid=key,
        content_type=clean.content_type,
        size=len(clean.content),
    )
    photo.file.save(f"{key}{photo.extension}", ContentFile(clean.content), save=False)
    try:
        with transaction.atomic():
            photo.save()
    except IntegrityError:
        photo.file.delete(save=False)
        return Photo.objects.get(uuid=key), False
    return photo, True


# --- the debrief and sharing --------------------------------------------------


def debrief_save(*, user: User, observation: Observation, **answers: str) -> Debrief:
    """The team's debrief, by the protocol's four prompts."""
    require_observation_writer(user, observation)
    unknown = set(answers) - set(Debrief.PROMPTS)
    if unknown:
        raise TypeError(f"unknown prompts: {', '.join(sorted(unknown))}")
    debrief, _created = Debrief.objects.get_or_create(observation=observation)
    for prompt, text in answers.items():
        setattr(debrief, prompt, text.strip())
    debrief.updated_by = user
    debrief.save()
    return debrief


def observer_debrief_save(
    *, user: User, observation: Observation, will_try: str, for_host: str
) -> ObserverDebrief:
    """An observer's own take-away: what they will try in their classroom, and for the host."""
    require_observation_writer(user, observation)
    if observation.host_id == user.pk:
        raise ValidationError(_("The host reads the observers' feedback; they write the debrief."))
    mine, _created = ObserverDebrief.objects.update_or_create(
        observation=observation,
        observer=user,
        defaults={"will_try": will_try.strip(), "for_host": for_host.strip()},
    )
    return mine


def observation_share(*, user: User, observation: Observation, shared: bool) -> None:
    """The host shares the observation (notes, debrief) with the school leader, or stops."""
    require_host(user, observation)
    observation.shared = shared
    observation.shared_at = timezone.now() if shared else None
    observation.save(update_fields=["shared", "shared_at"])


# --- team meetings ------------------------------------------------------------


@dataclass(frozen=True)
class ActionDraft:
    """A next action as typed at the meeting: only its text is needed."""

    text: str
    owner: User | None = None
    due_date: dt.date | None = None


#: The longest action: a sentence someone can act on.
MAX_ACTION_CHARS = 300


@transaction.atomic
def meeting_record(
    *,
    user: User,
    cycle: InquiryCycle,
    date: dt.date,
    attendees: Iterable[User],
    evidence: str = "",
    measures: Iterable[Measure] = (),
    occasions: Iterable[Occasion] = (),
    decisions: str = "",
    actions: Sequence[ActionDraft] = (),
) -> Meeting:
    """Record a team meeting: only its date and who came are required."""
    require_meeting_recorder(user, cycle)
    cycle.require_open()
    attendees, measures, occasions = list(attendees), list(measures), list(occasions)
    members = _team_members(cycle)
    errors: dict[str, list[str]] = {}
    if date is None:
        errors["date"] = [_("Give the date of the meeting.")]
    if not attendees:
        errors["attendees"] = [_("Tick who came.")]
    elif any(person.pk not in members for person in attendees):
        errors["attendees"] = [_("Attendees are members of %(team)s.") % {"team": cycle.team}]
    if any(measure.cycle_id != cycle.pk for measure in measures):
        errors["measures"] = [_("Choose measures of this cycle.")]
    if any(occasion.cycle_id != cycle.pk for occasion in occasions):
        errors["occasions"] = [_("Choose occasions of this cycle.")]
    action_errors = [
        message
        for row, draft in enumerate(actions, start=1)
        for message in _action_problems(draft, row=row, members=members, team=cycle.team)
    ]
    if action_errors:
        errors["actions"] = action_errors
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        cycle=cycle,
        date=date,
        evidence=evidence.strip(),
        decisions=decisions.strip(),
        created_by=user,
    )
    meeting.attendees.set(attendees)
    meeting.measures.set(measures)
    meeting.occasions.set(occasions)
    Action.objects.bulk_create(
        Action(meeting=meeting, text=d.text.strip(), owner=d.owner, due_date=d.due_date)
        for d in actions
    )
    return meeting


def _action_problems(draft: ActionDraft, *, row: int, members: set[int], team: Team) -> list[str]:
    problems = []
    text = draft.text.strip()
    if not text:
        problems.append(_("Action %(row)s: say what is to be done.") % {"row": row})
    elif len(text) > MAX_ACTION_CHARS:
        problems.append(
            _("Action %(row)s: at most %(n)s characters; split it in two.")
            % {"row": row, "n": MAX_ACTION_CHARS}
        )
    if draft.owner is not None and draft.owner.pk not in members:
        problems.append(
            _("Action %(row)s: the owner is a member of %(team)s.") % {"row": row, "team": team}
        )
    return problems


def action_set_done(*, user: User, action: Action, done: bool) -> Action:
    """The owner (or the team's lead or coach) ticks an action done, or back."""
    require_action_ticker(user, action)
    action.meeting.cycle.require_open()
    if bool(done) != action.done:
        action.done = bool(done)
        action.done_at = timezone.now() if done else None
        action.done_by = user if done else None
        action.save(update_fields=["done", "done_at", "done_by"])
    return action


# --- the implementation log -------------------------------------------------------


def _check_week(cycle: InquiryCycle, week: dt.date, *, today: dt.date | None = None) -> None:
    """A week is named by its Monday, is not in the future, and falls within the cycle."""
    if week.weekday() != 0:
        raise ValidationError({"week": [_("A week is named by its Monday.")]})
    if week > (this_week(cycle.team.school) if today is None else week_of(today)):
        raise ValidationError({"week": [_("This week has not started yet: log it when it has.")]})
    if cycle.start_date is not None and week < week_of(cycle.start_date):
        raise ValidationError({"week": [_("This week is before the cycle started.")]})
    if cycle.end_date is not None and week > week_of(cycle.end_date):
        raise ValidationError({"week": [_("This week is after the cycle ended.")]})


@transaction.atomic
def implementation_log_save(
    *,
    user: User,
    cycle: InquiryCycle,
    week: dt.date,
    ratings: Mapping[tuple[int, int], int],
    today: dt.date | None = None,
) -> int:
    """Save a teacher's ratings for one week: ``ratings`` maps (class id, strategy id) to
    0 (not used) to 3 (fully). New ratings are created and changed ones updated, in
    bulk; a cell left out is left as it was. Returns how many entries changed.

    Refuses (``PermissionDenied``) anyone but a member of the team who teaches every
    class named, and (``ValidationError``) a closed cycle, a week that is not a
    Monday, in the future or outside the cycle, a strategy not the cycle's and a
    rating outside 0 to 3. ``today`` is the day it is logged (the local date by
    default): the demo logs its story's weeks as of the day it is built.
    """
    require_implementation_logger(user, cycle, frozenset(c for c, _s in ratings))
    cycle.require_open()
    _check_week(cycle, week, today=today)
    strategies = set(cycle.cycle_strategies.values_list("strategy_id", flat=True))
    if any(s not in strategies for _c, s in ratings):
        raise ValidationError({"ratings": [_("Rate only the cycle's strategies.")]})
    if any(r not in ImplementationEntry.Rating.values for r in ratings.values()):
        raise ValidationError(
            {"ratings": [_("A rating is 0 (not used), 1 (a little), 2 (mostly) or 3 (fully).")]}
        )
    stored = {
        (e.school_class_id, e.strategy_id): e
        for e in ImplementationEntry.objects.filter(cycle=cycle, teacher=user, week=week)
    }
    now = timezone.now()
    new, changed = [], []
    for (class_id, strategy_id), rating in ratings.items():
        entry = stored.get((class_id, strategy_id))
        if entry is None:
            entry = ImplementationEntry(cycle=cycle, teacher=user, school_class_id=class_id,
                                        week=week, strategy_id=strategy_id, rating=rating)  # fmt: skip
            new.append(entry)
        elif entry.rating != rating:
            entry.rating = rating
            entry.updated_at = now  # bulk_update does not apply auto_now
            changed.append(entry)
    ImplementationEntry.objects.bulk_create(new)
    ImplementationEntry.objects.bulk_update(changed, ["rating", "updated_at"])
    return len(new) + len(changed)
