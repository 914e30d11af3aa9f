"""Staff survey windows: opening one, answering it, closing it early, reminding.

Each service takes the acting ``user`` and re-checks the rule of
:mod:`efficacy.access.surveys`, raising ``PermissionDenied``; bad input raises
``ValidationError`` keyed by field (an answer by its item's key).

Anonymity by construction (DESIGN.md, principle 3, and the models' docstring):
:func:`survey_answer` marks the person's ledger row answered and stores their
answers, with no link to them, in one transaction; nothing a leader can call
says who has answered, and :func:`survey_remind` has a background task write
to whoever has not, without saying who or how many.

Decisions:

* **Who is asked.** A school window asks the school's active teaching staff
  (roles teacher, team lead, coach); the school leader, whose leadership the
  enabling conditions rate, does not answer. A team window asks the team's
  active members, whatever their role.
* **Every item is answered, and "Prefer not to answer" is an answer.** The page
  asks for a choice on every item so that nothing is skipped by a slip; choosing
  "Prefer not to answer" leaves the item out of ``answers`` (the results read
  complete cases for reliability).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from efficacy import privacy
from efficacy.access.surveys import (
    instruments_for_school,
    require_respondent,
    require_window_manager,
    require_window_opener,
)
from efficacy.audit.models import Action as Audit
from efficacy.audit.services import record
from efficacy.roster.models import Role, School, Status, Team, TeamMembership, User
from efficacy.voice.models import Instrument, SurveyInvitation, SurveyResponse, SurveyWindow
from efficacy.voice.tasks import survey_remind_task
from efficacy.voice.text import free_text_problem

#: The roles a school-wide window asks: the school's teaching staff.
SCHOOL_WINDOW_ROLES = (Role.TEACHER, Role.TEAM_LEAD, Role.COACH)
#: The choice that leaves an item unanswered ("Prefer not to answer").
SKIP = "skip"
#: The longest title a window may have (the model's column).
MAX_TITLE_CHARS = 200


# --- what an instrument asks ----------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Question:
    """One item as a respondent reads it, in their language."""

    key: str
    text: str
    options: tuple[Option, ...]


def survey_questions(instrument: Instrument, language: str) -> list[Question]:
    """The instrument's items, in order, with their response labels in ``language``."""
    definition = instrument.parsed
    return [
        Question(
            item.key,
            definition.text(item, language),
            tuple(Option(value, label) for value, label in definition.options(item.key, language)),
        )
        for item in definition.items
    ]


def scale_bounds(instrument: Instrument) -> tuple[int, int]:
    """The instrument's response scale, min and max (every scale of it shares them)."""
    return instrument.parsed.scale_min, instrument.parsed.scale_max


def instrument_title(instrument: Instrument, language: str) -> str:
    return instrument.parsed.text(instrument.parsed.title, language) or str(instrument)


# --- who is asked ---------------------------------------------------------------


def window_invitees(*, school: School, team: Team | None = None) -> list[User]:
    """The people a window asks (see the module's docstring): active accounts only."""
    people = User.objects.filter(status=Status.ACTIVE, is_active=True)
    if team is not None:
        return list(people.filter(team_memberships__team=team).distinct())
    return list(people.filter(school=school, role__in=SCHOOL_WINDOW_ROLES))


def respondent_teams(user: User, window: SurveyWindow) -> list[Team]:
    """The teams a respondent may answer as a member of: the window's own, or theirs in
    its school (none, one, or a choice among several)."""
    if window.team is not None:
        return [window.team]
    memberships = TeamMembership.objects.filter(user=user, team__school=window.school)
    return list(Team.objects.filter(pk__in=memberships.values("team_id")).order_by("name"))


# --- opening and closing --------------------------------------------------------


@transaction.atomic
def survey_window_open(
    *,
    user: User,
    school: School,
    team: Team | None = None,
    instrument: Instrument,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date,
) -> SurveyWindow:
    """Open a window for the school's staff (or one team's) and invite them at once."""
    require_window_opener(user, school, team)
    title = title.strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Give the window a title staff will recognise.")]
    elif len(title) > MAX_TITLE_CHARS:
        errors["title"] = [
            _("Keep the title to %(n)d characters or fewer.") % {"n": MAX_TITLE_CHARS}
        ]
    elif problem := free_text_problem(title, limit=MAX_TITLE_CHARS):
        errors["title"] = [problem]
    if closes_on < opens_on:
        errors["closes_on"] = [_("The window closes before it opens: check the dates.")]
    if not instruments_for_school(school).filter(pk=instrument.pk).exists():
        errors["instrument"] = [_("That instrument is not available to %(school)s.") % {"school": school}]  # fmt: skip
    if not errors:
        # Another version of the same instrument is the same instrument to the staff asked.
        same = SurveyWindow.objects.filter(school=school, team=team, instrument__key=instrument.key)
        if any(w.overlaps(opens_on, closes_on) for w in same):
            errors["opens_on"] = [
                _(
                    "A window for the same staff and instrument is already open on some of "
                    "these days: close it first, or choose other dates."
                )
            ]
    invitees = window_invitees(school=school, team=team)
    threshold = privacy.min_staff_n()
    if not errors and len(invitees) < threshold:
        asked = team if team is not None else school
        errors["team" if team is not None else "__all__"] = [
            _(
                "%(group)s has fewer than %(n)d staff to ask: their results could never be "
                "shown without risking who said what, so the window is not opened."
            )
            % {"group": asked, "n": threshold}
        ]
    if errors:
        raise ValidationError(errors)
    window = SurveyWindow.objects.create(
        school=school,
        team=team,
        instrument=instrument,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=user,
    )
    SurveyInvitation.objects.bulk_create(
        SurveyInvitation(window=window, user=person) for person in invitees
    )
    record(actor=user, action=Audit.SURVEY_OPENED, school=school, target=window,
           detail={"team": team.pk if team else None, "instrument": instrument.pk,
                   "opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat(),
                   "invited": len(invitees)})  # fmt: skip
    return window


def survey_window_close(*, user: User, window: SurveyWindow, today: dt.date | None = None) -> None:
    """Close a window before its last day: it takes no answers from today."""
    require_window_manager(user, window)
    today = today or window.school.today()
    if window.is_closed(today):
        raise ValidationError(_("This window is already closed."))
    window.closed_early_on = today
    with transaction.atomic():
        window.save(update_fields=["closed_early_on"])
        record(actor=user, action=Audit.SURVEY_CLOSED, school=window.school_id, target=window,
               detail={"closed_on": today.isoformat()})  # fmt: skip


# --- answering ------------------------------------------------------------------


def _whole_number(raw: object) -> int | None:
    """An answer as an int: an int or the digits of one, never a bool, a float or "4.5"."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    digits = text.removeprefix("-")
    if digits.isascii() and digits.isdigit():
        return int(text)
    return None


def _clean_answers(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, int]:
    """The answers as {item key: value}, or a ValidationError keyed by item."""
    low, high = scale_bounds(instrument)
    known = [q.key for q in survey_questions(instrument, "en")]
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(answers) - set(known))
    if unknown:
        errors["__all__"] = [
            _("This survey has no item %(items)s.") % {"items": ", ".join(unknown)}
        ]
    cleaned: dict[str, int] = {}
    for key in known:
        if key not in answers:
            continue
        value = _whole_number(answers[key])
        if value is None or not low <= value <= high:
            errors[key] = [
                _("Choose one of the answers offered (from %(low)d to %(high)d).")
                % {"low": low, "high": high}
            ]
            continue
        cleaned[key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _respondent_team(user: User, window: SurveyWindow, team: Team | None) -> Team | None:
    choices = respondent_teams(user, window)
    if len(choices) == 1:
        return choices[0]
    if not choices:
        return None
    if team is None or team.pk not in {t.pk for t in choices}:
        raise ValidationError({"team": [_("Choose the team you answer as a member of.")]})
    return team


def survey_answer(
    *,
    user: User,
    window: SurveyWindow,
    answers: Mapping[str, object],
    team: Team | None = None,
    today: dt.date | None = None,
) -> None:
    """Store one person's answers to ``window``, once, with nothing that links them to it.

    ``answers`` maps item keys to values on the instrument's scale; an item left
    out was not answered ("Prefer not to answer"). Returns nothing: not even the
    stored row's key goes back to the person's request.
    """
    require_respondent(user, window)
    today = today or window.school.today()
    if not window.has_opened(today):
        raise ValidationError(
            _("This survey opens on %(day)s.") % {"day": date_format(window.opens_on)}
        )
    if not window.is_open(today):
        raise ValidationError(_("This survey has closed: it takes no more answers."))
    cleaned = _clean_answers(window.instrument, answers)
    as_team = _respondent_team(user, window, team)
    with transaction.atomic():
        # One answer to a window at a time: the unlinking below rewrites the window's rows.
        list(SurveyWindow.objects.select_for_update().filter(pk=window.pk).values_list("pk"))
        if not SurveyInvitation.claim(window_id=window.pk, user_id=user.pk):
            raise ValidationError(_("You have already answered this survey."))
        SurveyResponse.objects.create(window=window, team=as_team, answers=cleaned)
        _unlink(window)


def _unlink(window: SurveyWindow) -> None:
    """Leave nothing in the tables' storage that ties an answer to a ledger row or to
    its moment of arrival.

    The columns say nothing (no person, no time, a random key), but PostgreSQL
    stamps every row version with the id of the transaction that wrote it
    (``xmin``) and appends new versions to its heap, in arrival order. The ledger
    row flipped to answered and the answer stored in the same transaction would
    share an ``xmin``, and a plain ``SELECT`` of the answers would return them in
    the order they arrived. So, in that same transaction:

    * every answered ledger row of the window is written again, so they all carry
      this transaction's id and none points at one answer;
    * on PostgreSQL, the window's answers are written again in the order of their
      random keys, so their storage order and transaction ids say nothing of when
      each arrived. (SQLite keeps rows in key order, the key is the rowid, and it
      records no transaction ids.)

    Old row versions remain on disk until PostgreSQL's autovacuum removes them; only
    a superuser with page-inspection tools could read them meanwhile.
    """
    SurveyInvitation.objects.filter(window=window, answered=True).update(answered=True)
    if connection.vendor != "postgresql":
        return
    table = SurveyResponse._meta.db_table
    with connection.cursor() as cursor:
        # One statement, no row leaves the server: the window's answers, deleted and
        # inserted again in key order.
        cursor.execute(
            f"WITH gone AS (DELETE FROM {table} WHERE window_id = %s RETURNING *) "
            f"INSERT INTO {table} SELECT * FROM gone ORDER BY id",
            [window.pk],
        )


def survey_has_answered(*, user: User, window: SurveyWindow) -> bool:
    """Whether this person has answered: for their own page only, never for a leader."""
    return SurveyInvitation.objects.filter(window=window, user=user, answered=True).exists()


def survey_own_invitations(*, user: User) -> dict[int, bool]:
    """The windows this person is asked to answer and whether they have, in one query:
    their own page only, never a leader's."""
    rows = SurveyInvitation.objects.filter(user=user).values_list("window_id", "answered")
    return dict(rows)


# --- reminders ------------------------------------------------------------------


def survey_remind(
    *, user: User, window: SurveyWindow, today: dt.date | None = None, base_url: str = ""
) -> None:
    """Have a reminder e-mailed to every invited, active person who has not answered.

    At most once a day. This only records the day and queues
    :func:`efficacy.voice.tasks.survey_remind_task`, which finds who has not
    answered and writes to them: the leader's request does the same work and
    gets the same answer whether everyone, some or no one has answered and
    whatever the mail server does, so it cannot tell who has answered nor how
    many (DESIGN.md, principle 3). The day is claimed with a conditional update,
    so two requests at once queue one task.
    """
    require_window_manager(user, window)
    today = today or window.school.today()
    if not window.is_open(today):
        raise ValidationError(_("Reminders go only while the window is open."))
    claimed = (
        SurveyWindow.objects.filter(pk=window.pk)
        .exclude(reminded_on=today)
        .update(reminded_on=today)
    )
    if not claimed:
        raise ValidationError(_("Reminders already went today; you can send them again tomorrow."))
    window.reminded_on = today
    window_id = window.pk
    transaction.on_commit(
        lambda: survey_remind_task.enqueue(window_id=window_id, base_url=base_url)
    )
