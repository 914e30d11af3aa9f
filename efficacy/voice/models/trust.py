"""Where collective efficacy starts: wins, check-ins, office hours, commitments, suggestions.

::

    School ─< Win                     (a professional win; a leader may celebrate it)
    School ─< CheckIn                 (a leader's private note of a conversation, and its follow-up)
    School ─< OfficeHour ─< Booking   (a leader's open time, booked by staff)
    School ─< Commitment ─< Receipt   (a promise with a due date, and what was done about it)
    School ─< SuggestionBox ─< Suggestion ── Reply   (anonymous; published as "you said, we did")

A suggestion, like a survey answer, has no column that refers to a person, no
time finer than the day and a random id.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from efficacy.cycles.models import InquiryCycle, MasteryMoment
from efficacy.roster.models import School, Team
from efficacy.voice.models.keys import RandomKeyField

USER = settings.AUTH_USER_MODEL


class Win(models.Model):
    """An answer to the weekly prompt "What's one professional win from the past week?"."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="wins")
    author = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="wins")
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="wins",
    )  # fmt: skip
    #: The Monday of the week the win answers for.
    week = models.DateField()
    text = models.TextField(_("your win"))
    created_at = models.DateTimeField(auto_now_add=True)
    #: A leader's celebration: who, when, what they said, and what is behind the win.
    celebrated_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    celebrated_at = models.DateTimeField(null=True, blank=True)
    celebration = models.TextField(_("what you celebrate"), blank=True)
    mastery_moment = models.ForeignKey(
        MasteryMoment, null=True, blank=True, on_delete=models.SET_NULL, related_name="wins"
    )
    cycle = models.ForeignKey(
        InquiryCycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="wins"
    )

    class Meta:
        ordering = ["-week", "-created_at"]

    def __str__(self) -> str:
        return self.text[:60]

    @staticmethod
    def week_of(day: dt.date) -> dt.date:
        """The Monday of ``day``'s week: the week a win answers for."""
        return day - dt.timedelta(days=day.weekday())

    @property
    def is_celebrated(self) -> bool:
        return self.celebrated_at is not None


class CheckIn(models.Model):
    """A leader's brief private note of a conversation with a member of staff."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="check_ins")
    leader = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="check_ins_held")
    staff = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="check_ins")
    held_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_due = models.DateField(_("follow up by"), null=True, blank=True)
    follow_up_done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"check-in on {self.held_on}"

    @property
    def has_open_follow_up(self) -> bool:
        return bool(self.follow_up) and self.follow_up_done_on is None

    def is_overdue(self, today: dt.date) -> bool:
        """A follow-up not done by its date."""
        if not self.has_open_follow_up or self.follow_up_due is None:
            return False
        return self.follow_up_due < today


class OfficeHour(models.Model):
    """Time a leader offers; each slot is booked by one person at most."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="office_hours")
    leader = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="office_hours")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="office_hour_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"office hour at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def active_booking(self) -> Booking | None:
        """The booking that holds the slot, if any (a cancelled one frees it)."""
        return self.bookings.filter(cancelled_at__isnull=True).select_related("booked_by").first()

    def has_started(self, now: dt.datetime) -> bool:
        return self.starts_at <= now


class Booking(models.Model):
    """A member of staff's booking of an office hour."""

    office_hour = models.ForeignKey(OfficeHour, on_delete=models.CASCADE, related_name="bookings")
    booked_by = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="bookings")
    topic = models.CharField(_("what you would like to talk about"), max_length=300, blank=True)
    booked_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["office_hour__starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["office_hour"],
                condition=models.Q(cancelled_at__isnull=True),
                name="one_booking_per_office_hour",
            )
        ]

    def __str__(self) -> str:
        return f"booking of office hour {self.office_hour_id}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Commitment(models.Model):
    """A leader's promise to look into something, with a due date and its follow-through."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        DECLINED = "declined", _("answered no")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="commitments")
    made_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="commitments_made")
    #: Whoever asked; empty when it answers an anonymous suggestion.
    asked_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments_asked"
    )
    suggestion = models.ForeignKey(
        "Suggestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments"
    )
    what = models.TextField(_("what you will look into"))
    due_on = models.DateField(_("due"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.what[:60]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, today: dt.date) -> bool:
        """Still open after its due date."""
        return self.is_open and self.due_on < today


class Receipt(models.Model):
    """What was done about a commitment, even when the answer is no."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="receipts")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField(_("what was done"))
    #: A link to what shows it (a timetable, a message sent, a purchase order), if any.
    link = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class SuggestionBox(models.Model):
    """A school's anonymous suggestion box; what it leads to is published."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="suggestion_boxes")
    title = models.CharField(_("title"), max_length=200)
    prompt = models.TextField(_("what you ask"), blank=True)
    opened_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        """A box takes suggestions until its leader closes it."""
        return self.closed_on is None


class Suggestion(models.Model):
    """An anonymous suggestion: no person, the day only, a random id."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        CONSIDERING = "considering", _("being looked into")
        ANSWERED = "answered", _("answered")

    id = RandomKeyField()
    box = models.ForeignKey(SuggestionBox, on_delete=models.CASCADE, related_name="suggestions")
    text = models.TextField(_("your suggestion"))
    received_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)

    class Meta:
        ordering = ["-received_on", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Reply(models.Model):
    """ "You said, we did": a leader's published answer to a suggestion."""

    suggestion = models.OneToOneField(Suggestion, on_delete=models.CASCADE, related_name="reply")
    #: The suggestion as published: the leader may paraphrase it so no one is recognised.
    you_said = models.TextField(_("you said"))
    we_did = models.TextField(_("we did"))
    replied_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    published_on = models.DateField()

    class Meta:
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.we_did[:60]
