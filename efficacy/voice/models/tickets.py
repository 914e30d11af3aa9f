"""Exit tickets: what a class understood today, where it is stuck, how confident it is.

::

    SchoolClass ─< ExitTicket ─< TicketAnswer          (anonymous: no student, no time, random id)
    InquiryCycle ─< ExitTicket (optional)
    InquiryCycle ─< VoiceEvidence                      (a theme of the answers, attached as evidence)

Students answer with the ticket's short code (or its QR code) and no account; an
answer has no column that refers to a student or a device, no time and a random
id, like a staff survey's.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from efficacy.cycles.models import InquiryCycle
from efficacy.roster.models import SchoolClass
from efficacy.voice.models.keys import RandomKeyField


class ExitTicket(models.Model):
    """One lesson's exit ticket for one class, answered with ``code`` while it is open."""

    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="exit_tickets"
    )
    cycle = models.ForeignKey(
        InquiryCycle,
        verbose_name=_("cycle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exit_tickets",
    )
    #: What the lesson was about, shown to the students ("Inferring a character's motive").
    lesson = models.CharField(_("lesson"), max_length=200)
    #: The short code students type; unique among all tickets, open or not.
    code = models.CharField(max_length=12, unique=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_on = models.DateField(_("date"))
    #: Answers are taken until then (the end of the lesson's day unless the teacher closes it).
    closes_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return self.lesson

    def is_open(self, now: dt.datetime) -> bool:
        """Taking answers: not closed by the teacher, and its closing time not reached."""
        return self.closed_at is None and now < self.closes_at

    def closed_on(self) -> dt.datetime:
        """When it stopped (or will stop) taking answers."""
        return self.closed_at or self.closes_at


#: The two open questions of an exit ticket, by the answer's field; the words shown
#: are the fields' labels.
OPEN_QUESTIONS = ("understood", "stuck")


class TicketAnswer(models.Model):
    """One student's answer to an exit ticket: nothing that says whose or when."""

    id = RandomKeyField()
    ticket = models.ForeignKey(ExitTicket, on_delete=models.CASCADE, related_name="answers")
    understood = models.TextField(_("What did you understand today?"), blank=True)
    stuck = models.TextField(_("Where are you stuck?"), blank=True)
    confidence = models.PositiveSmallIntegerField(
        _("How confident are you?"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence__gte=1, confidence__lte=5),
                name="ticket_confidence_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"an answer to exit ticket {self.ticket_id}"

    @staticmethod
    def question_label(question: str) -> str:
        """One of :data:`OPEN_QUESTIONS` as students read it, in the reader's language."""
        return str(getattr(TicketAnswer._meta.get_field(question), "verbose_name", question))

    def text_of(self, question: str) -> str:
        """The answer to one of the two open questions (:data:`OPEN_QUESTIONS`)."""
        if question not in OPEN_QUESTIONS:
            raise ValueError(question)
        return getattr(self, question)


class VoiceEvidence(models.Model):
    """A theme of students' exit-ticket answers, attached to a cycle as evidence.

    The theme's words and a few answers that show it are copied here when it is
    attached, so the evidence stays as the team read it when the answers are
    grouped again later.
    """

    cycle = models.ForeignKey(InquiryCycle, on_delete=models.CASCADE, related_name="voice_evidence")
    #: Which question the theme groups: "understood" or "stuck" (:data:`OPEN_QUESTIONS`).
    question = models.CharField(max_length=20)
    label = models.CharField(_("theme"), max_length=200)
    terms = models.JSONField(default=list)
    examples = models.JSONField(default=list)
    answer_count = models.PositiveIntegerField()
    ticket_count = models.PositiveIntegerField()
    note = models.TextField(_("what the team makes of it"), blank=True)
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attached_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-attached_at"]

    def __str__(self) -> str:
        return self.label

    @property
    def question_text(self) -> str:
        """The question the theme's answers replied to, in the reader's language."""
        return TicketAnswer.question_label(self.question)
