"""Who may see and do what with the trust-building tools: wins, check-ins, office
hours, commitments and the suggestion box (DESIGN.md, principle 7: trust before
accountability).

Everything belongs to one school, and only the staff of that school (an active
account whose school it is) ever reach it; anyone else gets a 404, as if it did
not exist. The rules, one condition per line below:

* **wins** (:func:`wins_for`): every staff member of the school reads the feed
  and shares wins (:func:`can_share_win`); a win's author alone edits or deletes
  it (:func:`can_change_win`); the school leader celebrates it
  (:func:`can_celebrate`);
* **check-ins** (:func:`check_ins_for`): the leader who wrote one, and nobody
  else: not another leader, not the staff member it is about;
* **office hours** (:func:`office_hours_for`): the school's staff see them and
  book a free slot that is not their own (:func:`can_book`); the school leader
  offers them (:func:`can_offer_office_hours`); who booked, and the topic, are
  seen by the leader who offers the slot and by the booker
  (:func:`bookings_for`);
* **commitments** (:func:`commitments_for`): the leader who made one and whoever
  asked; one made in answer to a suggestion, once its "you said, we did" is
  published, is read by the school's staff too; its maker alone records receipts
  (:func:`can_record_receipt`);
* **the suggestion box** (:func:`boxes_for`): the school's staff read the box
  and post to it while it is open (:func:`can_suggest`); the suggestions
  themselves are read by the school leader alone (:func:`suggestions_for`),
  who replies; the published replies (:func:`replies_for`) by all the school's
  staff.
"""

from __future__ import annotations

from typing import TypeGuard

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from efficacy.access import roster as access
from efficacy.access.roster import (
    ObjectId,
    Person,
    is_active_account,
    is_leader_of,
    is_school_leader,
)
from efficacy.roster.models import School, Status, User
from efficacy.voice.models import (
    Booking,
    CheckIn,
    Commitment,
    OfficeHour,
    Reply,
    Suggestion,
    SuggestionBox,
    Win,
)

# --- who is asking ----------------------------------------------------------


def is_staff_of(user: Person, school_id: int | None) -> TypeGuard[User]:
    """An active account working at that (active) school."""
    if not is_active_account(user):
        return False
    if user.school_id is None:
        return False
    return user.school_id == school_id


def _own_school_q(user: Person, prefix: str = "") -> Q:
    """Rows of the person's own active school; nothing for anyone without one."""
    if not is_active_account(user) or user.school_id is None:
        return access.NOTHING
    return Q(**{f"{prefix}school_id": user.school_id, f"{prefix}school__status": Status.ACTIVE})


# --- wins -------------------------------------------------------------------


def wins_for(user: Person) -> QuerySet[Win]:
    return Win.objects.filter(_own_school_q(user))


def access_win(user: Person, win_id: ObjectId) -> Win:
    return access.get_or_404(wins_for(user).select_related("author", "team", "school"), win_id)


def can_share_win(user: Person, school: School) -> bool:
    return is_staff_of(user, school.pk)


def can_change_win(user: Person, win: Win) -> bool:
    if not is_staff_of(user, win.school_id):
        return False
    return win.author_id == user.pk


def can_celebrate(user: Person, win: Win) -> bool:
    return is_leader_of(user, win.school_id)


def require_win_sharer(user: Person, school: School) -> None:
    if not can_share_win(user, school):
        raise PermissionDenied(
            _("Only the staff of %(school)s share wins there.") % {"school": school}
        )


def require_win_author(user: Person, win: Win) -> None:
    if not can_change_win(user, win):
        raise PermissionDenied(_("Only the person who shared a win can change or delete it."))


def require_celebrant(user: Person, win: Win) -> None:
    if not can_celebrate(user, win):
        raise PermissionDenied(_("Only the school leader celebrates a win."))


# --- check-ins --------------------------------------------------------------


def check_ins_for(user: Person) -> QuerySet[CheckIn]:
    """The leader's own notes, never anyone else's."""
    if not is_school_leader(user):
        return CheckIn.objects.none()
    return CheckIn.objects.filter(_own_school_q(user), leader=user)


def access_check_in(user: Person, check_in_id: ObjectId) -> CheckIn:
    return access.get_or_404(check_ins_for(user).select_related("staff"), check_in_id)


def can_hold_check_ins(user: Person, school: School) -> bool:
    return is_leader_of(user, school.pk)


def require_check_in_holder(user: Person, school: School) -> None:
    if not can_hold_check_ins(user, school):
        raise PermissionDenied(_("Only the school leader records check-ins."))


def can_change_check_in(user: Person, check_in: CheckIn) -> bool:
    if not is_leader_of(user, check_in.school_id):
        return False
    return check_in.leader_id == user.pk


def require_check_in_author(user: Person, check_in: CheckIn) -> None:
    if not can_change_check_in(user, check_in):
        raise PermissionDenied(_("Only the leader who wrote a check-in can change it."))


def check_in_staff(user: Person, school: School) -> QuerySet[User]:
    """Whom a leader may note a conversation with: the school's other active staff."""
    if not is_leader_of(user, school.pk):
        return User.objects.none()
    return access.staff_for(user).filter(school=school).exclude(pk=user.pk)


# --- office hours -----------------------------------------------------------


def office_hours_for(user: Person) -> QuerySet[OfficeHour]:
    return OfficeHour.objects.filter(_own_school_q(user))


def access_office_hour(user: Person, office_hour_id: ObjectId) -> OfficeHour:
    hours = office_hours_for(user).select_related("leader", "school")
    return access.get_or_404(hours, office_hour_id)


def can_offer_office_hours(user: Person, school: School) -> bool:
    return is_leader_of(user, school.pk)


def can_manage_office_hour(user: Person, office_hour: OfficeHour) -> bool:
    """Cancel the slot, see who booked it: the leader who offers it."""
    if not is_leader_of(user, office_hour.school_id):
        return False
    return office_hour.leader_id == user.pk


def can_book(user: Person, office_hour: OfficeHour) -> bool:
    """Any staff member of the school but the leader who offers it (the service
    refuses a slot that is cancelled, taken or past, with its reason)."""
    if not is_staff_of(user, office_hour.school_id):
        return False
    return office_hour.leader_id != user.pk


def bookings_for(user: Person) -> QuerySet[Booking]:
    """One's own bookings, and the bookings of the slots one offers."""
    if not is_active_account(user):
        return Booking.objects.none()
    mine = Q(booked_by=user) | Q(office_hour__leader=user)
    return Booking.objects.filter(mine, _own_school_q(user, "office_hour__"))


def access_booking(user: Person, booking_id: ObjectId) -> Booking:
    found = bookings_for(user).select_related("office_hour", "booked_by")
    return access.get_or_404(found, booking_id)


def can_cancel_booking(user: Person, booking: Booking) -> bool:
    if not is_active_account(user):
        return False
    return booking.booked_by_id == user.pk


def require_office_hour_offerer(user: Person, school: School) -> None:
    if not can_offer_office_hours(user, school):
        raise PermissionDenied(_("Only the school leader offers office hours."))


def require_office_hour_manager(user: Person, office_hour: OfficeHour) -> None:
    if not can_manage_office_hour(user, office_hour):
        raise PermissionDenied(_("Only the leader who offers this office hour can cancel it."))


def require_booker(user: Person, office_hour: OfficeHour) -> None:
    if not can_book(user, office_hour):
        raise PermissionDenied(_("You cannot book your own office hour."))


def require_booking_owner(user: Person, booking: Booking) -> None:
    if not can_cancel_booking(user, booking):
        raise PermissionDenied(_("Only the person who booked can cancel the booking."))


# --- commitments ------------------------------------------------------------


def commitments_for(user: Person) -> QuerySet[Commitment]:
    if not is_active_account(user):
        return Commitment.objects.none()
    visible = Q(made_by=user)
    visible |= Q(asked_by=user)
    visible |= Q(suggestion__reply__isnull=False)  # published as "you said, we did"
    return Commitment.objects.filter(visible, _own_school_q(user))


def access_commitment(user: Person, commitment_id: ObjectId) -> Commitment:
    found = commitments_for(user).select_related("made_by", "asked_by", "school")
    return access.get_or_404(found, commitment_id)


def can_make_commitment(user: Person, school: School) -> bool:
    return is_leader_of(user, school.pk)


def can_record_receipt(user: Person, commitment: Commitment) -> bool:
    if not is_leader_of(user, commitment.school_id):
        return False
    return commitment.made_by_id == user.pk


def commitment_askers(user: Person, school: School) -> QuerySet[User]:
    """Who may have asked: the school's other active staff."""
    if not is_leader_of(user, school.pk):
        return User.objects.none()
    return access.staff_for(user).filter(school=school).exclude(pk=user.pk)


def require_commitment_maker(user: Person, school: School) -> None:
    if not can_make_commitment(user, school):
        raise PermissionDenied(_("Only the school leader records commitments."))


def require_receipt_recorder(user: Person, commitment: Commitment) -> None:
    if not can_record_receipt(user, commitment):
        raise PermissionDenied(_("Only the leader who made this commitment records its receipts."))


# --- the suggestion box -----------------------------------------------------


def boxes_for(user: Person) -> QuerySet[SuggestionBox]:
    return SuggestionBox.objects.filter(_own_school_q(user))


def access_box(user: Person, box_id: ObjectId) -> SuggestionBox:
    return access.get_or_404(boxes_for(user).select_related("school"), box_id)


def can_open_box(user: Person, school: School) -> bool:
    return is_leader_of(user, school.pk)


def can_suggest(user: Person, box: SuggestionBox) -> bool:
    """The school's staff (the service refuses a closed box, with its reason)."""
    return is_staff_of(user, box.school_id)


def can_read_suggestions(user: Person, box: SuggestionBox) -> bool:
    return is_leader_of(user, box.school_id)


def suggestions_for(user: Person) -> QuerySet[Suggestion]:
    """Anonymous suggestions: the school leader's to read, nobody else's."""
    if not is_school_leader(user):
        return Suggestion.objects.none()
    return Suggestion.objects.filter(_own_school_q(user, "box__"))


def access_suggestion(user: Person, suggestion_id: ObjectId) -> Suggestion:
    return access.get_or_404(suggestions_for(user).select_related("box"), suggestion_id)


def replies_for(user: Person) -> QuerySet[Reply]:
    """Published "you said, we did": every staff member of the school."""
    return Reply.objects.filter(_own_school_q(user, "suggestion__box__"))


def require_box_opener(user: Person, school: School) -> None:
    if not can_open_box(user, school):
        raise PermissionDenied(_("Only the school leader opens a suggestion box."))


def require_suggester(user: Person, box: SuggestionBox) -> None:
    if not can_suggest(user, box):
        raise PermissionDenied(_("Only the staff of the box's school post to it."))


def require_suggestion_reader(user: Person, box: SuggestionBox) -> None:
    if not can_read_suggestions(user, box):
        raise PermissionDenied(_("Only the school leader reads and answers suggestions."))
