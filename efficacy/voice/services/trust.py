"""Every write of the trust-building tools, and the lists their pages read.

Each service takes the acting ``user`` and re-checks the write rule of
:mod:`efficacy.access.trust`, raising ``PermissionDenied``; bad input raises
``ValidationError`` keyed by field, so a form shows it beside what was typed.

Free text is stored as the person wrote it and escaped when shown; text that
looks scripted (an HTML tag, a control character) or longer than
:data:`MAX_TEXT` is refused with a message instead (:func:`efficacy.voice.text.free_text_problem`).

A suggestion is anonymous by construction (:func:`suggestion_post`): the row
holds the box, the text, the day and a random id; the person appears only as a
keyed hash in the rate limiter's counter, which is deleted within the hour.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from efficacy.access.cycles import cycles_for, moments_for
from efficacy.access.roster import Person, team_role_of
from efficacy.access.trust import (
    bookings_for,
    check_in_staff,
    commitment_askers,
    commitments_for,
    require_booker,
    require_booking_owner,
    require_box_opener,
    require_celebrant,
    require_check_in_author,
    require_check_in_holder,
    require_commitment_maker,
    require_office_hour_manager,
    require_office_hour_offerer,
    require_receipt_recorder,
    require_suggester,
    require_suggestion_reader,
    require_win_author,
    require_win_sharer,
    wins_for,
)
from efficacy.cycles.models import InquiryCycle, MasteryMoment
from efficacy.roster.models import School, Team, User
from efficacy.voice import ratelimit
from efficacy.voice.models import (
    Booking,
    CheckIn,
    Commitment,
    OfficeHour,
    Receipt,
    Reply,
    Suggestion,
    SuggestionBox,
    Win,
)
from efficacy.voice.text import free_text_problem

#: The longest free text a form takes: a paragraph or two, not an essay.
MAX_TEXT = 2000
#: Suggestions one person may post in an hour (a flood, not a voice, beyond it).
SUGGESTIONS_PER_HOUR = 5
#: An office hour longer than this is a typo in the end time.
LONGEST_OFFICE_HOUR = dt.timedelta(hours=8)


def _check_texts(**texts: tuple[str, bool] | tuple[str, bool, int]) -> None:
    """Raise one ValidationError naming every field whose text is refused; each text
    is ``(text, required)`` or ``(text, required, limit)`` for a column shorter than
    :data:`MAX_TEXT`."""
    errors: dict[str, list[str]] = {}
    for field, (text, required, *limit) in texts.items():
        problem = free_text_problem(text, required=required, limit=limit[0] if limit else MAX_TEXT)
        if problem:
            errors[field] = [problem]
    if errors:
        raise ValidationError(errors)


# --- wins -------------------------------------------------------------------


def win_share(*, user: User, school: School, text: str, team: Team | None = None) -> Win:
    """Answer this week's prompt: shared with the school's staff."""
    require_win_sharer(user, school)
    text = text.strip()
    _check_texts(text=(text, True))
    if team is not None and team_role_of(user, team) is None:
        raise ValidationError({"team": [_("Choose one of your own teams.")]})
    week = Win.week_of(school.today())
    return Win.objects.create(school=school, author=user, team=team, week=week, text=text)


def win_edit(*, user: User, win: Win, text: str) -> Win:
    require_win_author(user, win)
    text = text.strip()
    _check_texts(text=(text, True))
    win.text = text
    win.save(update_fields=["text"])
    return win


def win_delete(*, user: User, win: Win) -> None:
    require_win_author(user, win)
    win.delete()


def win_celebrate(
    *,
    user: User,
    win: Win,
    celebration: str,
    mastery_moment: MasteryMoment | None = None,
    cycle: InquiryCycle | None = None,
) -> Win:
    """A leader's short note on a win, with what is behind it (a moment, or a cycle)."""
    require_celebrant(user, win)
    celebration = celebration.strip()
    _check_texts(celebration=(celebration, True))
    errors: dict[str, list[str]] = {}
    if mastery_moment is not None and mastery_moment not in celebration_moments(user, win.school):
        errors["mastery_moment"] = [_("Choose a mastery moment of this school.")]
    if cycle is not None and cycle not in celebration_cycles(user, win.school):
        errors["cycle"] = [_("Choose an inquiry cycle of this school.")]
    if errors:
        raise ValidationError(errors)
    win.celebration = celebration
    win.celebrated_by = user
    win.celebrated_at = timezone.now()
    win.mastery_moment = mastery_moment
    win.cycle = cycle
    win.save(
        update_fields=["celebration", "celebrated_by", "celebrated_at", "mastery_moment", "cycle"]
    )
    return win


def celebration_moments(user: Person, school: School) -> QuerySet[MasteryMoment]:
    """The mastery moments a leader may link to a win: their school's, as they see them."""
    return moments_for(user).filter(cycle__team__school=school).select_related("cycle")


def celebration_cycles(user: Person, school: School) -> QuerySet[InquiryCycle]:
    return cycles_for(user).filter(team__school=school).select_related("team")


def win_of_this_week(user: User, today: dt.date) -> Win | None:
    """The person's answer to this week's prompt, if they gave one."""
    return wins_for(user).filter(author=user, week=Win.week_of(today)).first()


# --- check-ins --------------------------------------------------------------


def check_in_record(
    *,
    user: User,
    school: School,
    staff: User,
    held_on: dt.date,
    note: str = "",
    follow_up: str = "",
    follow_up_due: dt.date | None = None,
) -> CheckIn:
    """A leader's private note of a conversation (they alone will ever read it)."""
    require_check_in_holder(user, school)
    note, follow_up = note.strip(), follow_up.strip()
    _check_texts(note=(note, False), follow_up=(follow_up, False))
    errors: dict[str, list[str]] = {}
    if not check_in_staff(user, school).filter(pk=staff.pk).exists():
        errors["staff"] = [_("Choose a member of your school's staff.")]
    if held_on > school.today():
        errors["held_on"] = [_("A check-in is noted after the conversation, not before.")]
    if follow_up_due is not None and not follow_up:
        errors["follow_up"] = [_("Say what the follow-up is, or leave its date empty.")]
    if follow_up_due is not None and follow_up_due < held_on:
        errors["follow_up_due"] = [_("The follow-up comes after the conversation.")]
    if errors:
        raise ValidationError(errors)
    return CheckIn.objects.create(
        school=school, leader=user, staff=staff, held_on=held_on, note=note,
        follow_up=follow_up, follow_up_due=follow_up_due,
    )  # fmt: skip


def check_in_follow_up_done(*, user: User, check_in: CheckIn, done: bool = True) -> CheckIn:
    require_check_in_author(user, check_in)
    check_in.follow_up_done_on = check_in.school.today() if done else None
    check_in.save(update_fields=["follow_up_done_on"])
    return check_in


@dataclass(frozen=True)
class PersonCheckIns:
    """One member of staff on the check-ins page: their notes, newest first."""

    staff: User
    check_ins: list[CheckIn]
    open_follow_ups: int
    overdue: int


def check_ins_by_person(check_ins: QuerySet[CheckIn], today: dt.date) -> list[PersonCheckIns]:
    """A leader's notes grouped by person: those with overdue follow-ups first, then by name."""
    grouped: dict[int, list[CheckIn]] = {}
    people: dict[int, User] = {}
    for check_in in check_ins.select_related("staff"):
        grouped.setdefault(check_in.staff_id, []).append(check_in)
        people[check_in.staff_id] = check_in.staff
    rows = [
        PersonCheckIns(
            staff=people[pk],
            check_ins=notes,
            open_follow_ups=sum(c.has_open_follow_up for c in notes),
            overdue=sum(c.is_overdue(today) for c in notes),
        )
        for pk, notes in grouped.items()
    ]
    return sorted(rows, key=lambda r: (-r.overdue, r.staff.last_name, r.staff.first_name))


# --- office hours -----------------------------------------------------------


def office_hour_offer(
    *, user: User, school: School, starts_at: dt.datetime, ends_at: dt.datetime, place: str = ""
) -> OfficeHour:
    require_office_hour_offerer(user, school)
    place = place.strip()
    _check_texts(place=(place, False, 200))
    errors: dict[str, list[str]] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The office hour ends after it starts.")]
    elif ends_at - starts_at > LONGEST_OFFICE_HOUR:
        errors["ends_at"] = [_("An office hour lasts at most 8 hours: check the end time.")]
    if starts_at <= timezone.now():
        errors["starts_at"] = [_("Offer a time in the future.")]
    if errors:
        raise ValidationError(errors)
    return OfficeHour.objects.create(
        school=school, leader=user, starts_at=starts_at, ends_at=ends_at, place=place
    )


@transaction.atomic
def office_hour_cancel(*, user: User, office_hour: OfficeHour) -> None:
    """Cancel a slot; its booking, if any, is cancelled with it (the booker sees so)."""
    require_office_hour_manager(user, office_hour)
    now = timezone.now()
    office_hour.cancelled_at = now
    office_hour.save(update_fields=["cancelled_at"])
    office_hour.bookings.filter(cancelled_at__isnull=True).update(cancelled_at=now)


def booking_make(*, user: User, office_hour: OfficeHour, topic: str = "") -> Booking:
    """Book a free slot: one booking a slot, refused with its reason otherwise."""
    require_booker(user, office_hour)
    topic = topic.strip()
    problem = free_text_problem(topic, limit=300)
    if problem:
        raise ValidationError({"topic": [problem]})
    if office_hour.is_cancelled:
        raise ValidationError(_("This office hour was cancelled: choose another."))
    if office_hour.has_started(timezone.now()):
        raise ValidationError(_("This office hour has already started: choose another."))
    try:
        with transaction.atomic():
            return Booking.objects.create(office_hour=office_hour, booked_by=user, topic=topic)
    except IntegrityError:  # the constraint: someone booked it first
        raise ValidationError(
            _("Someone has just booked this office hour: choose another.")
        ) from None


def booking_cancel(*, user: User, booking: Booking) -> None:
    require_booking_owner(user, booking)
    if booking.is_cancelled:
        return
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["cancelled_at"])


def upcoming_bookings(user: User, now: dt.datetime) -> QuerySet[Booking]:
    """The person's own active bookings still to come (for their home page)."""
    return (
        bookings_for(user)
        .filter(booked_by=user, cancelled_at__isnull=True, office_hour__ends_at__gt=now)
        .select_related("office_hour", "office_hour__leader")
    )


# --- commitments ------------------------------------------------------------


def commitment_make(
    *,
    user: User,
    school: School,
    what: str,
    due_on: dt.date,
    asked_by: User | None = None,
    suggestion: Suggestion | None = None,
) -> Commitment:
    """Record a promise to look into something, with its due date and who asked."""
    require_commitment_maker(user, school)
    what = what.strip()
    _check_texts(what=(what, True))
    errors: dict[str, list[str]] = {}
    if asked_by is not None and not commitment_askers(user, school).filter(pk=asked_by.pk).exists():
        errors["asked_by"] = [_("Choose a member of your school's staff.")]
    if suggestion is not None and suggestion.box.school_id != school.pk:
        errors["suggestion"] = [_("The suggestion belongs to another school.")]
    if due_on < school.today():
        errors["due_on"] = [_("A promise is due today or later.")]
    if errors:
        raise ValidationError(errors)
    return Commitment.objects.create(
        school=school, made_by=user, asked_by=asked_by, suggestion=suggestion, what=what,
        due_on=due_on,
    )  # fmt: skip


@transaction.atomic
def receipt_record(
    *, user: User, commitment: Commitment, text: str, link: str = "", status: str | None = None
) -> Receipt:
    """What was done about a commitment (even "the answer is no, because ..."), and
    where it now stands: open, done or answered no."""
    require_receipt_recorder(user, commitment)
    text = text.strip()
    _check_texts(text=(text, True))
    if status is not None and status not in Commitment.Status.values:
        raise ValidationError({"status": [_("Choose open, done or answered no.")]})
    receipt = Receipt.objects.create(
        commitment=commitment, recorded_by=user, text=text, link=link.strip()
    )
    if status is not None and status != commitment.status:
        commitment.status = status
        commitment.save(update_fields=["status"])
    return receipt


def my_commitments(user: User) -> QuerySet[Commitment]:
    """Commitments the person made or asked for (not those of the published replies)."""
    return (
        commitments_for(user)
        .filter(Q(made_by=user) | Q(asked_by=user))
        .select_related("made_by", "asked_by")
    )


# --- the suggestion box -----------------------------------------------------


def suggestion_box_open(
    *, user: User, school: School, title: str, prompt: str = ""
) -> SuggestionBox:
    require_box_opener(user, school)
    title, prompt = title.strip(), prompt.strip()
    _check_texts(title=(title, True, 200), prompt=(prompt, False))
    return SuggestionBox.objects.create(
        school=school, title=title, prompt=prompt, opened_by=user, opened_on=school.today()
    )


def suggestion_box_close(*, user: User, box: SuggestionBox) -> None:
    require_box_opener(user, box.school)
    if box.is_open:
        box.closed_on = box.school.today()
        box.save(update_fields=["closed_on"])


class RateLimited(Exception):
    """The person posted too often; nothing was stored."""


def suggestion_post(*, user: User, box: SuggestionBox, text: str) -> None:
    """Post an anonymous suggestion.

    Nothing that refers to ``user`` is stored with it, and nothing is returned,
    so no caller can keep the link either: the row has the box, the text, the
    day (never the time) and a random id. ``user`` is needed only to check
    that they may post and to count their posts (the limiter stores a keyed
    hash of their id, for the current hour only).
    """
    require_suggester(user, box)
    if not box.is_open:
        raise ValidationError(_("This suggestion box is closed: it no longer takes suggestions."))
    text = text.strip()
    _check_texts(text=(text, True))
    if not ratelimit.hit(
        scope="suggestion", subject=str(user.pk), limit=SUGGESTIONS_PER_HOUR, per=3600
    ):
        raise RateLimited
    Suggestion.objects.create(box=box, text=text, received_on=box.school.today())


def suggestion_consider(*, user: User, suggestion: Suggestion) -> None:
    """Mark a new suggestion as being looked into."""
    require_suggestion_reader(user, suggestion.box)
    if suggestion.status == Suggestion.Status.NEW:
        suggestion.status = Suggestion.Status.CONSIDERING
        suggestion.save(update_fields=["status"])


@transaction.atomic
def reply_publish(
    *,
    user: User,
    suggestion: Suggestion,
    you_said: str,
    we_did: str,
    commitment_what: str = "",
    commitment_due: dt.date | None = None,
) -> Reply:
    """Publish "you said, we did" (the suggestion paraphrased, so no one is
    recognised, and what was done), optionally with a commitment to follow it."""
    require_suggestion_reader(user, suggestion.box)
    you_said, we_did, commitment_what = you_said.strip(), we_did.strip(), commitment_what.strip()
    _check_texts(you_said=(you_said, True), we_did=(we_did, True),
                 commitment_what=(commitment_what, False))  # fmt: skip
    if commitment_what and commitment_due is None:
        raise ValidationError({"commitment_due": [_("A commitment needs its due date.")]})
    if commitment_due is not None and not commitment_what:
        raise ValidationError({"commitment_what": [_("Say what you will look into.")]})
    reply, _created = Reply.objects.update_or_create(
        suggestion=suggestion,
        defaults={"you_said": you_said, "we_did": we_did, "replied_by": user,
                  "published_on": suggestion.box.school.today()},
    )  # fmt: skip
    suggestion.status = Suggestion.Status.ANSWERED
    suggestion.save(update_fields=["status"])
    if commitment_what and commitment_due is not None:
        try:
            commitment_make(user=user, school=suggestion.box.school, what=commitment_what,
                            due_on=commitment_due, suggestion=suggestion)  # fmt: skip
        except ValidationError as error:
            raise ValidationError({"commitment_due": error.message_dict.get("due_on", [])}
                                  if "due_on" in error.message_dict else error) from None  # fmt: skip
    return reply
