"""Exit tickets: opening and closing one, a student's answer, what the answers say, and a
theme of them attached to a cycle as evidence.

Writes re-check the rule of :mod:`efficacy.access.tickets` (``PermissionDenied``);
bad input raises ``ValidationError`` keyed by field, with a message a student or
a teacher can act on. A student's answer (:func:`ticket_answer`) is stored with
nothing that links it to them: no address, no time, no cookie, a random key.

Reading (:func:`ticket_summary`, :func:`class_tickets`, :func:`cycle_voice`)
returns small dataclasses for the pages. Who reads every answer, and when the
team and the school leader do, is :func:`efficacy.access.tickets.can_read_all_answers`
and the reporting threshold (``EFFICACY_MIN_STUDENT_N``): a linked ticket with
fewer answers shows its team only "fewer than 10 answers", and the cycle's themes
are drawn only from tickets at or above the threshold, so an example quoted in a
theme or in attached evidence is always one answer among at least that many.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from efficacy import privacy
from efficacy.access.tickets import (
    can_read_all_answers,
    require_ticket_closer,
    require_ticket_opener,
    require_voice_evidence_attacher,
    require_voice_evidence_remover,
    ticket_cycles_for,
)
from efficacy.cycles.models import InquiryCycle
from efficacy.roster.models import SchoolClass, User
from efficacy.roster.time import end_of_day
from efficacy.voice.models import ExitTicket, TicketAnswer, VoiceEvidence
from efficacy.voice.models.tickets import OPEN_QUESTIONS
from efficacy.voice.text import free_text_problem
from efficacy.voice.themes import Theme, language_of, themes

#: The characters of a code: no 0/O, 1/I/L, so a code read off a board is typed right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
#: Tries at a fresh code before giving up (a collision is one in ~887 million per ticket).
CODE_TRIES = 8
#: The longest answer to one open question: a few sentences, not an essay.
MAX_ANSWER_CHARS = 500
MAX_LESSON_CHARS = 200
#: A ticket stays open at most this long: it is about one lesson.
MAX_OPEN = dt.timedelta(days=7)

#: How confident a student is, 1 to 5, in their words.
CONFIDENCE = {
    1: gettext_lazy("Not confident at all"),
    2: gettext_lazy("A little confident"),
    3: gettext_lazy("Somewhat confident"),
    4: gettext_lazy("Confident"),
    5: gettext_lazy("Very confident"),
}

# --- codes --------------------------------------------------------------------


def code_normalise(typed: str) -> str:
    """A code as typed ("abc 234", "ABC-234") as it is stored ("ABC234")."""
    return re.sub(r"[\s-]+", "", typed or "").upper()


def code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# --- opening and closing ------------------------------------------------------


@transaction.atomic
def ticket_open(
    *,
    user: User,
    school_class: SchoolClass,
    lesson: str,
    cycle: InquiryCycle | None = None,
    closes_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> ExitTicket:
    """Open an exit ticket for a class: it takes answers until ``closes_at`` (the end
    of today by default) or until it is closed."""
    require_ticket_opener(user, school_class)
    now = now or timezone.now()
    lesson = lesson.strip()
    errors: dict[str, list[str]] = {}
    if not lesson:
        errors["lesson"] = [_("Say in a few words what the lesson was about.")]
    elif problem := free_text_problem(lesson, limit=MAX_LESSON_CHARS):
        errors["lesson"] = [problem]
    if cycle is not None and not ticket_cycles_for(user, school_class).filter(pk=cycle.pk).exists():
        errors["cycle"] = [_("Choose an open cycle of one of your teams, or none.")]
    school = school_class.school
    today = school.today(now)
    if closes_at is None:
        closes_at = end_of_day(today, school.time_zone_name)
    if closes_at <= now:
        errors["closes_at"] = [_("Choose a closing time later than now.")]
    elif closes_at > now + MAX_OPEN:
        errors["closes_at"] = [_("An exit ticket stays open at most a week.")]
    if errors:
        raise ValidationError(errors)
    for _try in range(CODE_TRIES):
        try:
            with transaction.atomic():
                return ExitTicket.objects.create(
                    school_class=school_class,
                    cycle=cycle,
                    lesson=lesson,
                    code=code_new(),
                    opened_by=user,
                    opened_on=today,
                    closes_at=closes_at,
                )
        except IntegrityError:  # the code is taken: draw another
            continue
    raise ValidationError(_("No free code could be drawn; try again."))


def ticket_close(*, user: User, ticket: ExitTicket, now: dt.datetime | None = None) -> ExitTicket:
    """Stop taking answers now. Closing a closed ticket changes nothing."""
    require_ticket_closer(user, ticket)
    now = now or timezone.now()
    if ticket.is_open(now):
        ticket.closed_at = now
        ticket.save(update_fields=["closed_at"])
    return ticket


# --- answering (public) ---------------------------------------------------------


def ticket_find_open(*, code: str, now: dt.datetime | None = None) -> ExitTicket | None:
    """The open ticket with this code, or None: a code unknown, mistyped or closed alike."""
    code = code_normalise(code)
    if not code or len(code) > 12:
        return None
    ticket = ExitTicket.objects.filter(code=code).select_related("school_class").first()
    if ticket is None or not ticket.is_open(now or timezone.now()):
        return None
    return ticket


def _confidence(value: object) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if number in CONFIDENCE else None


def ticket_answer(
    *,
    ticket: ExitTicket,
    understood: str,
    stuck: str,
    confidence: object,
    now: dt.datetime | None = None,
) -> TicketAnswer:
    """Store one student's answer, with nothing that says whose or when."""
    if not ticket.is_open(now or timezone.now()):
        raise ValidationError(
            _("This exit ticket is closed: answers are no longer taken. Ask your teacher.")
        )
    errors: dict[str, list[str]] = {}
    texts = {"understood": understood.strip(), "stuck": stuck.strip()}
    for name, text in texts.items():
        if problem := free_text_problem(text, limit=MAX_ANSWER_CHARS):
            errors[name] = [problem]
    level = _confidence(confidence)
    if level is None:
        errors["confidence"] = [_("Choose how confident you are, from 1 to 5.")]
    if errors:
        raise ValidationError(errors)
    assert level is not None
    return TicketAnswer.objects.create(ticket=ticket, confidence=level, **texts)


# --- reading --------------------------------------------------------------------


@dataclass(frozen=True)
class ConfidenceLevel:
    level: int
    label: str
    count: int


@dataclass(frozen=True)
class TicketSummary:
    """One ticket as a page shows it. ``shown`` False: too few answers for this reader,
    so only ``size`` (read "fewer than 10") is shown."""

    ticket: ExitTicket
    size: privacy.GroupSize
    shown: bool
    levels: list[ConfidenceLevel] = field(default_factory=list)
    mean: float | None = None
    answers: list[TicketAnswer] = field(default_factory=list)

    @property
    def count(self) -> int | None:
        return self.size.n if self.shown else None


def _summary(ticket: ExitTicket, answers: Sequence[TicketAnswer], *, full: bool) -> TicketSummary:
    size = privacy.student_count(len(answers))
    shown = full or (len(answers) > 0 and not size.suppressed)
    if not shown:
        return TicketSummary(ticket=ticket, size=size, shown=False)
    counts = dict.fromkeys(CONFIDENCE, 0)
    for answer in answers:
        counts[answer.confidence] += 1
    levels = [ConfidenceLevel(level, str(CONFIDENCE[level]), counts[level]) for level in CONFIDENCE]
    mean = sum(a.confidence for a in answers) / len(answers) if answers else None
    return TicketSummary(
        ticket=ticket, size=size, shown=True, levels=levels, mean=mean, answers=list(answers)
    )


def ticket_summary(ticket: ExitTicket, *, full: bool) -> TicketSummary:
    """Its answers, confidence distribution and mean; ``full``: the reader may read
    every answer however few (:func:`~efficacy.access.tickets.can_read_all_answers`)."""
    return _summary(ticket, list(ticket.answers.all()), full=full)


def _answers_by_ticket(tickets: Sequence[ExitTicket]) -> dict[int, list[TicketAnswer]]:
    grouped: dict[int, list[TicketAnswer]] = {t.pk: [] for t in tickets}
    for answer in TicketAnswer.objects.filter(ticket__in=[t.pk for t in tickets]):
        grouped[answer.ticket_id].append(answer)
    return grouped


def class_tickets(school_class: SchoolClass) -> list[TicketSummary]:
    """The class's tickets, oldest first (the confidence trend), for its teachers."""
    tickets = list(school_class.exit_tickets.order_by("opened_on", "closes_at", "pk"))
    grouped = _answers_by_ticket(tickets)
    return [_summary(t, grouped[t.pk], full=True) for t in tickets]


@dataclass(frozen=True)
class QuestionThemes:
    question: str
    label: str
    themes: list[Theme]


def answer_themes(
    answers: Sequence[TicketAnswer], *, language: str | None = None
) -> list[QuestionThemes]:
    """Themes of the "stuck" answers (misconceptions first), then of the "understood" ones,
    with the stop words of the language the answers are written in, whoever reads them."""
    questions = ("stuck", "understood")
    texts_of = {q: [answer.text_of(q) for answer in answers] for q in questions}
    language = language or language_of([text for q in questions for text in texts_of[q]])
    found = []
    for question in questions:
        texts = texts_of[question]
        label = TicketAnswer.question_label(question)
        found.append(QuestionThemes(question, label, themes(texts, language=language)))
    return found


@dataclass(frozen=True)
class CycleVoice:
    """A cycle's tickets as its team reads them, and the themes of the shareable ones."""

    tickets: list[TicketSummary]
    themed_tickets: int
    themed_answers: int
    themes: list[QuestionThemes]


def cycle_voice(cycle: InquiryCycle, *, user: User, language: str | None = None) -> CycleVoice:
    """The cycle's tickets, newest first: every answer of one the reader may read in full
    (their own class's), the others only at or above the reporting threshold; the themes
    come from the tickets at or above the threshold only, the same for every reader."""
    tickets = list(cycle.exit_tickets.select_related("school_class").order_by("-opened_on", "-pk"))
    grouped = _answers_by_ticket(tickets)
    threshold = privacy.min_student_n()
    shareable = [t for t in tickets if len(grouped[t.pk]) >= threshold]
    pooled = [answer for t in shareable for answer in grouped[t.pk]]
    summaries = [_summary(t, grouped[t.pk], full=can_read_all_answers(user, t)) for t in tickets]
    return CycleVoice(
        tickets=summaries,
        themed_tickets=len(shareable),
        themed_answers=len(pooled),
        themes=answer_themes(pooled, language=language),
    )


# --- evidence -------------------------------------------------------------------


MAX_NOTE_CHARS = 2000


@transaction.atomic
def voice_evidence_attach(
    *,
    user: User,
    cycle: InquiryCycle,
    question: str,
    label: str,
    note: str = "",
    language: str | None = None,
) -> VoiceEvidence:
    """Attach the cycle's theme ``label`` of ``question`` as evidence, as the team reads
    it now: its words, its examples and its counts are copied."""
    require_voice_evidence_attacher(user, cycle)
    cycle.require_open()
    if question not in OPEN_QUESTIONS:
        raise ValidationError({"question": [_("Choose a theme of the answers.")]})
    note = note.strip()
    if problem := free_text_problem(note, limit=MAX_NOTE_CHARS):
        raise ValidationError({"note": [problem]})
    voice = cycle_voice(cycle, user=user, language=language)
    found = next(
        (
            theme
            for group in voice.themes
            if group.question == question
            for theme in group.themes
            if theme.label == label
        ),
        None,
    )
    if found is None:
        raise ValidationError(
            _("The themes changed since the page was shown (new answers came in); look again.")
        )
    return VoiceEvidence.objects.create(
        cycle=cycle,
        question=question,
        label=found.label[:200],
        terms=list(found.terms),
        examples=list(found.examples),
        answer_count=found.size,
        ticket_count=voice.themed_tickets,
        note=note,
        attached_by=user,
    )


def voice_evidence_remove(*, user: User, evidence: VoiceEvidence) -> None:
    require_voice_evidence_remover(user, evidence)
    evidence.cycle.require_open()
    evidence.delete()
