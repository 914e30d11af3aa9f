"""Who may open, read and close exit tickets, and attach their themes to a cycle.

Built only from :mod:`efficacy.access.roster`, :mod:`efficacy.access.cycles` and
:mod:`efficacy.access.practice`, so the role rules stay where they are. A student
answers without an account through the ticket's code: nothing here is about them.

An exit ticket is the teacher's own feedback from a lesson, shared with the team
when the teacher links it to one of the team's cycles (DESIGN.md, principle 7:
a teacher decides what of their own is shared). The rules, one condition per line
below:

* **opening a ticket** (:func:`can_open_ticket`): a teacher of the class (an
  active teacher enrolment), for a class of the roster; its cycle, if any, is
  an open cycle of a team the teacher belongs to (:func:`ticket_cycles_for`);
* **seeing a ticket** (:func:`tickets_for`): the teachers of its class, whoever
  opened it, and, once it is linked to a cycle, whoever sees that team's working
  record (its members and the school leader, as for its meetings); never a
  district analyst or an administrator;
* **reading every answer of it** (:func:`can_read_all_answers`): the teachers of
  its class and whoever opened it; the team and the school leader read a linked
  ticket's answers only when it has at least the reporting threshold of answers
  (``EFFICACY_MIN_STUDENT_N``), so that no answer is read back to one of a
  handful of students by colleagues who were not in the room;
* **closing it early** (:func:`can_close_ticket`): whoever may read every answer;
* **a class's tickets over time** (:func:`access_ticket_class`): the class's teachers;
* **a cycle's student voice** (:func:`can_see_cycle_voice`): whoever sees the
  team's meetings (its members, the school leader), never an analyst;
* **attaching a theme to the cycle as evidence** (:func:`can_attach_voice_evidence`):
  whoever adds to the team's work (``can_contribute_to_team``), while the cycle is
  open (the service calls ``cycle.require_open()``);
* **removing it** (:func:`can_remove_voice_evidence`): the cycle's editors (its
  lead, its coach, the school leader) and whoever attached it, while they may
  still attach.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from efficacy.access import roster as access
from efficacy.access.cycles import own_class_ids
from efficacy.access.practice import can_see_meetings_of
from efficacy.access.roster import (
    ObjectId,
    Person,
    can_contribute_to_team,
    can_edit_team,
    is_active_account,
    is_school_leader,
)
from efficacy.cycles.models import CycleStatus, InquiryCycle
from efficacy.roster.models import SchoolClass, Status, TeamMembership
from efficacy.voice.models import ExitTicket, VoiceEvidence

# --- opening ------------------------------------------------------------------


def ticket_classes_for(user: Person) -> QuerySet[SchoolClass]:
    """Classes the user may open an exit ticket for: the active classes they teach."""
    if not is_active_account(user):
        return SchoolClass.objects.none()
    return access.classes_for(user).filter(pk__in=own_class_ids(user))


def can_open_ticket(user: Person, school_class: SchoolClass) -> bool:
    return ticket_classes_for(user).filter(pk=school_class.pk).exists()


def ticket_cycles_for(
    user: Person, school_class: SchoolClass | None = None
) -> QuerySet[InquiryCycle]:
    """The cycles a ticket may be linked to: open cycles of the teacher's own teams (in
    ``school_class``'s school, when given)."""
    if not is_active_account(user):
        return InquiryCycle.objects.none()
    my_teams = TeamMembership.objects.filter(user=user).values("team_id")
    cycles = InquiryCycle.objects.filter(team__in=my_teams).exclude(status=CycleStatus.CLOSED)
    if school_class is not None:
        cycles = cycles.filter(team__school_id=school_class.school_id)
    return cycles.select_related("team")


def require_ticket_opener(user: Person, school_class: SchoolClass) -> None:
    if not can_open_ticket(user, school_class):
        raise PermissionDenied(_("Only a teacher of the class opens an exit ticket for it."))


# --- reading ------------------------------------------------------------------


def tickets_for(user: Person) -> QuerySet[ExitTicket]:
    """Exit tickets the user may open (see the module's docstring)."""
    if not is_active_account(user):
        return ExitTicket.objects.none()
    my_teams = TeamMembership.objects.filter(user=user).values("team_id")
    visible = Q(school_class__in=own_class_ids(user))
    visible |= Q(opened_by=user)
    visible |= Q(cycle__team__in=my_teams)
    if is_school_leader(user):
        visible |= Q(cycle__team__school_id=user.school_id)
    return ExitTicket.objects.filter(visible, school_class__school__status=Status.ACTIVE).distinct()


def access_ticket(user: Person, ticket_id: ObjectId) -> ExitTicket:
    tickets = tickets_for(user).select_related("school_class", "cycle", "cycle__team")
    return access.get_or_404(tickets, ticket_id)


def can_read_all_answers(user: Person, ticket: ExitTicket) -> bool:
    """Every answer, however few: the class's teachers and whoever opened the ticket."""
    if not is_active_account(user):
        return False
    if ticket.opened_by_id == user.pk:
        return True
    return ticket.school_class_id in own_class_ids(user)


def can_close_ticket(user: Person, ticket: ExitTicket) -> bool:
    return can_read_all_answers(user, ticket)


def require_ticket_closer(user: Person, ticket: ExitTicket) -> None:
    if not can_close_ticket(user, ticket):
        raise PermissionDenied(_("Only a teacher of the class closes its exit ticket."))


def access_ticket_class(user: Person, class_id: ObjectId) -> SchoolClass:
    """A class whose exit tickets the user follows over time: one they teach (404 otherwise)."""
    return access.get_or_404(ticket_classes_for(user).select_related("school"), class_id)


def can_see_cycle_voice(user: Person, cycle: InquiryCycle) -> bool:
    """The cycle's student-voice page: whoever sees the team's working record (its
    meetings): its members and the school leader, never a district analyst."""
    return can_see_meetings_of(user, cycle)


# --- evidence -----------------------------------------------------------------


def voice_evidence_for(user: Person) -> QuerySet[VoiceEvidence]:
    """Evidence of the cycles whose student voice the user sees (:func:`can_see_cycle_voice`)."""
    if not is_active_account(user):
        return VoiceEvidence.objects.none()
    my_teams = TeamMembership.objects.filter(user=user).values("team_id")
    visible = Q(cycle__team__in=my_teams)
    if is_school_leader(user):
        visible |= Q(cycle__team__school_id=user.school_id)
    return VoiceEvidence.objects.filter(visible, cycle__team__school__status=Status.ACTIVE)


def access_voice_evidence(user: Person, evidence_id: ObjectId) -> VoiceEvidence:
    evidence = voice_evidence_for(user).select_related(
        "cycle", "cycle__team", "cycle__team__school"
    )
    return access.get_or_404(evidence, evidence_id)


def can_attach_voice_evidence(user: Person, cycle: InquiryCycle) -> bool:
    return can_contribute_to_team(user, cycle.team)


def require_voice_evidence_attacher(user: Person, cycle: InquiryCycle) -> None:
    if not can_attach_voice_evidence(user, cycle):
        raise PermissionDenied(
            _("Only members of %(team)s attach student voice to its cycles.") % {"team": cycle.team}
        )


def can_remove_voice_evidence(user: Person, evidence: VoiceEvidence) -> bool:
    if can_edit_team(user, evidence.cycle.team):
        return True
    if evidence.attached_by_id != getattr(user, "pk", None):
        return False
    return can_attach_voice_evidence(user, evidence.cycle)


def require_voice_evidence_remover(user: Person, evidence: VoiceEvidence) -> None:
    if not can_remove_voice_evidence(user, evidence):
        raise PermissionDenied(
            _("Only the lead or coach of %(team)s (or whoever attached it) removes this evidence.")
            % {"team": evidence.cycle.team}
        )
