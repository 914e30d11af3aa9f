"""Staff survey windows, the anonymous answers, and the separate ledger of who answered.

::

    Instrument ─< SurveyWindow ─< SurveyResponse      (anonymous: no person, no time, random id)
                              └─< SurveyInvitation    (the ledger: person × window, answered yes/no)

Anonymity by construction (DESIGN.md, principle 3):

* :class:`SurveyResponse` has no column that refers to a person, no timestamp at
  all (the window says when), and a random primary key
  (:class:`~efficacy.voice.models.keys.RandomKeyField`), so nothing orders the
  answers by arrival;
* :class:`SurveyInvitation` says whether a person has answered a window, and
  nothing else: no date, no id it shares with the answers. Marking it answered
  and storing the answer happen in one transaction, so an answer is stored once
  per person, and the ledger cannot be lined up with the answers.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from efficacy.roster.models import School, Team
from efficacy.voice.models.instruments import Instrument
from efficacy.voice.models.keys import RandomKeyField


class SurveyWindow(models.Model):
    """A time when the staff of a school, or of one team, are asked to answer an instrument."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="survey_windows")
    #: Empty: the whole school's staff are asked.
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_windows",
    )
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="windows"
    )
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    #: Set when a leader closes the window before its last day.
    closed_early_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: The last day reminders were sent to those who had not answered.
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="survey_window_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def last_day(self) -> dt.date:
        """The last day it takes answers: the day before it was closed early, or its closing day."""
        if self.closed_early_on is not None:
            return min(self.closes_on, self.closed_early_on - dt.timedelta(days=1))
        return self.closes_on

    def has_opened(self, today: dt.date) -> bool:
        return self.opens_on <= today

    def is_open(self, today: dt.date) -> bool:
        """It takes answers today."""
        return self.opens_on <= today <= self.last_day

    def is_closed(self, today: dt.date) -> bool:
        """Its last day has passed (or a leader closed it early): results may be read."""
        return today > self.last_day

    @staticmethod
    def closed_q(today: dt.date) -> models.Q:
        """:meth:`is_closed` as a filter on windows."""
        return models.Q(closes_on__lt=today) | models.Q(closed_early_on__lte=today)

    def overlaps(self, opens_on: dt.date, closes_on: dt.date) -> bool:
        """It takes answers on at least one day from ``opens_on`` to ``closes_on``."""
        return self.opens_on <= closes_on and opens_on <= self.last_day

    def was_reminded_on(self, today: dt.date) -> bool:
        return self.reminded_on == today


class SurveyInvitation(models.Model):
    """The ledger: this person was asked to answer this window, and whether they have.

    It shares no id with :class:`SurveyResponse` and records no time.
    """

    window = models.ForeignKey(SurveyWindow, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    answered = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["window", "user"], name="one_invitation_per_window")
        ]

    def __str__(self) -> str:
        return f"window {self.window_id}, answered: {self.answered}"

    @classmethod
    def claim(cls, *, window_id: int, user_id: int) -> bool:
        """Mark the person's invitation answered, if it was not: True exactly once.

        A conditional UPDATE, so two submissions racing each other (two tabs, a
        double tap, two server processes) cannot both succeed: the database lets
        one of them change the row.
        """
        updated = cls.objects.filter(window_id=window_id, user_id=user_id, answered=False).update(
            answered=True
        )
        return updated == 1


class SurveyResponse(models.Model):
    """One person's answers to one window, with nothing that says whose or when.

    ``answers`` maps each item's key to the chosen option's value (an item left
    unanswered is absent). ``team`` is the team the respondent answered as a
    member of (a school window asks; a team window's is its team); results by
    team are shown only above the anonymity threshold.
    """

    id = RandomKeyField()
    window = models.ForeignKey(SurveyWindow, on_delete=models.CASCADE, related_name="responses")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="survey_responses"
    )
    answers = models.JSONField()

    class Meta:
        # Never by arrival: the id is random.
        ordering = ["id"]

    def __str__(self) -> str:
        return f"an answer to window {self.window_id}"
