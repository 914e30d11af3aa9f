"""The trust pages (issue 11): the wins feed, check-ins, office hours, commitments
with their receipts, and the anonymous suggestion box with its "you said, we did".

Every object comes through :mod:`efficacy.access.trust` (out of scope: 404) and
every write through :mod:`efficacy.voice.services.trust` (not allowed: 403; bad
input: the form again, with its message and everything typed, status 400).
``urlpatterns`` is included by :mod:`efficacy.voice.urls`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from efficacy.access import roster as access
from efficacy.access import trust as rules
from efficacy.access.cycles import access_feed_school, cycles_for, moments_for
from efficacy.forms import add_service_errors
from efficacy.roster.models import School
from efficacy.voice.forms_trust import (
    BookingForm,
    BoxForm,
    CelebrateForm,
    CheckInForm,
    CommitmentForm,
    OfficeHourForm,
    ReceiptForm,
    ReplyForm,
    SuggestionForm,
    WinEditForm,
    WinForm,
)
from efficacy.voice.models import Commitment, Win
from efficacy.voice.services import trust as services

PAGE_SIZE = 30
#: The session key that remembers "not this week" on the home page's win prompt.
WIN_PROMPT_DISMISSED = "win_prompt_dismissed"


def _school(request: HttpRequest, school_id: int) -> School:
    """The person's own school (404 for any other): every trust page is one school's."""
    return access_feed_school(request.user, school_id)


def _refuse(form, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    add_service_errors(form, error, aliases=aliases)


# --- wins -------------------------------------------------------------------


@login_required
def wins(request: HttpRequest, school_id: int) -> HttpResponse:
    """The wins feed, newest first, with the weekly prompt above it; POST shares a win."""
    user = request.user
    school = _school(request, school_id)
    teams = access.teams_for(user).filter(memberships__user=user, school=school).distinct()
    form = WinForm(request.POST or None, teams=teams)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.win_share(user=user, school=school, **form.cleaned_data)
            except ValidationError as error:
                _refuse(form, error)
            else:
                messages.success(request, _("Your win is shared with the school. Thank you."))
                if request.POST.get("next") == "home":
                    return redirect("home")
                return redirect("voice:wins", school_id=school.pk)
    feed = rules.wins_for(user).select_related(
        "author", "team", "celebrated_by", "mastery_moment", "mastery_moment__cycle", "cycle"
    )
    page = Paginator(feed, PAGE_SIZE).get_page(request.GET.get("page"))
    seen_moments = set(moments_for(user).values_list("pk", flat=True))
    seen_cycles = set(cycles_for(user).values_list("pk", flat=True))
    items = [
        {
            "win": win,
            "mine": win.author_id == user.pk,
            "moment": win.mastery_moment if win.mastery_moment_id in seen_moments else None,
            "cycle": win.cycle if win.cycle_id in seen_cycles else None,
        }
        for win in page
    ]
    context = {
        "school": school,
        "form": form,
        "page": page,
        "items": items,
        "can_celebrate": rules.is_leader_of(user, school.pk),
    }
    return render(request, "voice/trust_wins.html", context, status=status)


@login_required
@require_POST
def win_prompt_dismiss(request: HttpRequest, school_id: int) -> HttpResponse:
    """ "Not this week": the home page stops asking until next Monday."""
    _school(request, school_id)
    request.session[WIN_PROMPT_DISMISSED] = Win.week_of(timezone.localdate()).isoformat()
    return redirect("home")


@login_required
def win_edit(request: HttpRequest, win_id: int) -> HttpResponse:
    user = request.user
    win = rules.access_win(user, win_id)
    rules.require_win_author(user, win)
    form = WinEditForm(request.POST or None, initial={"text": win.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.win_edit(user=user, win=win, text=form.cleaned_data["text"])
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Your win is changed."))
            return redirect("voice:wins", school_id=win.school_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "voice/trust_win_edit.html", {"win": win, "form": form}, status=status)


@login_required
@require_POST
def win_delete(request: HttpRequest, win_id: int) -> HttpResponse:
    user = request.user
    win = rules.access_win(user, win_id)
    school_id = win.school_id
    services.win_delete(user=user, win=win)
    messages.success(request, _("Your win is deleted."))
    return redirect("voice:wins", school_id=school_id)


@login_required
def win_celebrate(request: HttpRequest, win_id: int) -> HttpResponse:
    user = request.user
    win = rules.access_win(user, win_id)
    rules.require_celebrant(user, win)
    initial = {"celebration": win.celebration, "mastery_moment": win.mastery_moment_id,
               "cycle": win.cycle_id}  # fmt: skip
    form = CelebrateForm(
        request.POST or None,
        initial=initial,
        moments=services.celebration_moments(user, win.school),
        cycles=services.celebration_cycles(user, win.school),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.win_celebrate(user=user, win=win, **form.cleaned_data)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Celebrated: the school sees it in the wins feed."))
            return redirect("voice:wins", school_id=win.school_id)
    status = 400 if request.method == "POST" else 200
    context = {"win": win, "form": form}
    return render(request, "voice/trust_win_celebrate.html", context, status=status)


# --- check-ins --------------------------------------------------------------


@login_required
def check_ins(request: HttpRequest, school_id: int) -> HttpResponse:
    """A leader's own check-in notes by person, and a form to note one more."""
    user = request.user
    school = _school(request, school_id)
    rules.require_check_in_holder(user, school)
    today = timezone.localdate()
    form = CheckInForm(
        request.POST or None,
        staff=rules.check_in_staff(user, school),
        initial={"held_on": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.check_in_record(user=user, school=school, **form.cleaned_data)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Check-in noted. Only you will ever read it."))
            return redirect("voice:check_ins", school_id=school.pk)
    status = 400 if request.method == "POST" else 200
    people = services.check_ins_by_person(rules.check_ins_for(user), today)
    context = {"school": school, "form": form, "people": people, "today": today}
    return render(request, "voice/trust_check_ins.html", context, status=status)


@login_required
@require_POST
def check_in_done(request: HttpRequest, check_in_id: int) -> HttpResponse:
    user = request.user
    check_in = rules.access_check_in(user, check_in_id)
    done = request.POST.get("done", "1") == "1"
    services.check_in_follow_up_done(user=user, check_in=check_in, done=done)
    messages.success(request, _("Follow-up marked done.") if done else _("Follow-up reopened."))
    return redirect(
        reverse("voice:check_ins", args=[check_in.school_id]) + f"#person-{check_in.staff_id}"
    )


# --- office hours -----------------------------------------------------------


@login_required
def office_hours(request: HttpRequest, school_id: int) -> HttpResponse:
    """The school's upcoming office hours to book; the leader offers more and sees who booked."""
    user = request.user
    school = _school(request, school_id)
    offers = rules.can_offer_office_hours(user, school)
    form = OfficeHourForm(request.POST or None) if offers else None
    if request.method == "POST":
        rules.require_office_hour_offerer(user, school)
        assert form is not None
        if form.is_valid():
            try:
                services.office_hour_offer(user=user, school=school, **form.cleaned_data)
            except ValidationError as error:
                _refuse(form, error)
            else:
                messages.success(request, _("Office hour offered: the school's staff can book it."))
                return redirect("voice:office_hours", school_id=school.pk)
    now = timezone.now()
    upcoming = (
        rules.office_hours_for(user)
        .filter(ends_at__gt=now, cancelled_at__isnull=True)
        .select_related("leader")
    )
    slots = []
    for hour in upcoming:
        booking = hour.active_booking()
        mine = booking is not None and booking.booked_by_id == user.pk
        slots.append({
            "hour": hour,
            "taken": booking is not None,
            "booking": booking if (mine or rules.can_manage_office_hour(user, hour)) else None,
            "mine": mine,
            "can_book": booking is None and rules.can_book(user, hour) and not hour.has_started(now),
            "can_cancel": rules.can_manage_office_hour(user, hour),
        })  # fmt: skip
    context = {
        "school": school,
        "form": form,
        "slots": slots,
        "my_bookings": services.upcoming_bookings(user, now),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "voice/trust_office_hours.html", context, status=status)


@login_required
def office_hour_book(request: HttpRequest, office_hour_id: int) -> HttpResponse:
    user = request.user
    hour = rules.access_office_hour(user, office_hour_id)
    rules.require_booker(user, hour)
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_make(user=user, office_hour=hour, **form.cleaned_data)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Booked. It is listed under your bookings."))
            return redirect("voice:office_hours", school_id=hour.school_id)
    status = 400 if request.method == "POST" else 200
    context = {"hour": hour, "form": form, "taken": hour.active_booking() is not None}
    return render(request, "voice/trust_office_hour_book.html", context, status=status)


@login_required
@require_POST
def office_hour_cancel(request: HttpRequest, office_hour_id: int) -> HttpResponse:
    user = request.user
    hour = rules.access_office_hour(user, office_hour_id)
    services.office_hour_cancel(user=user, office_hour=hour)
    messages.success(request, _("Office hour cancelled; whoever booked it sees so."))
    return redirect("voice:office_hours", school_id=hour.school_id)


@login_required
@require_POST
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    user = request.user
    booking = rules.access_booking(user, booking_id)
    services.booking_cancel(user=user, booking=booking)
    messages.success(request, _("Booking cancelled: the slot is free again."))
    return redirect("voice:office_hours", school_id=booking.office_hour.school_id)


# --- commitments ------------------------------------------------------------


@login_required
def commitments(request: HttpRequest) -> HttpResponse:
    """The commitments one made (a leader) or asked for, overdue ones marked."""
    user = request.user
    if not access.is_active_account(user):
        raise Http404
    today = timezone.localdate()
    listed = services.my_commitments(user).prefetch_related("receipts")
    context = {
        "made": [c for c in listed if c.made_by_id == user.pk],
        "asked": [c for c in listed if c.asked_by_id == user.pk],
        "today": today,
        "can_make": rules.is_leader_of(user, user.school_id),
    }
    return render(request, "voice/trust_commitments.html", context)


@login_required
def commitment_new(request: HttpRequest, school_id: int) -> HttpResponse:
    user = request.user
    school = _school(request, school_id)
    rules.require_commitment_maker(user, school)
    form = CommitmentForm(request.POST or None, askers=rules.commitment_askers(user, school))
    if request.method == "POST" and form.is_valid():
        try:
            made = services.commitment_make(user=user, school=school, **form.cleaned_data)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Commitment recorded, with its due date."))
            return redirect("voice:commitment", commitment_id=made.pk)
    status = 400 if request.method == "POST" else 200
    context = {"school": school, "form": form}
    return render(request, "voice/trust_commitment_new.html", context, status=status)


@login_required
def commitment(request: HttpRequest, commitment_id: int) -> HttpResponse:
    """A commitment and its receipts; its maker records more (POST)."""
    user = request.user
    found = rules.access_commitment(user, commitment_id)
    records = rules.can_record_receipt(user, found)
    form = ReceiptForm(request.POST or None, initial={"status": found.status}) if records else None
    if request.method == "POST":
        rules.require_receipt_recorder(user, found)
        assert form is not None
        if form.is_valid():
            try:
                services.receipt_record(user=user, commitment=found, **form.cleaned_data)
            except ValidationError as error:
                _refuse(form, error)
            else:
                messages.success(request, _("Receipt recorded: whoever asked can read it."))
                return redirect("voice:commitment", commitment_id=found.pk)
    context = {
        "commitment": found,
        "receipts": found.receipts.select_related("recorded_by"),
        "overdue": found.is_overdue(timezone.localdate()),
        "form": form,
        "reply": getattr(found.suggestion, "reply", None) if found.suggestion_id else None,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "voice/trust_commitment.html", context, status=status)


# --- the suggestion box -----------------------------------------------------


@login_required
def boxes(request: HttpRequest, school_id: int) -> HttpResponse:
    """The school's suggestion boxes; the leader opens one (POST)."""
    user = request.user
    school = _school(request, school_id)
    opens = rules.can_open_box(user, school)
    form = BoxForm(request.POST or None) if opens else None
    if request.method == "POST":
        rules.require_box_opener(user, school)
        assert form is not None
        if form.is_valid():
            try:
                box = services.suggestion_box_open(user=user, school=school, **form.cleaned_data)
            except ValidationError as error:
                _refuse(form, error)
            else:
                messages.success(request, _("Suggestion box opened: the school's staff can post."))
                return redirect("voice:box", box_id=box.pk)
    context = {
        "school": school,
        "form": form,
        "boxes": rules.boxes_for(user),
        "replies": rules.replies_for(user).count(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "voice/trust_boxes.html", context, status=status)


@login_required
def box(request: HttpRequest, box_id: int) -> HttpResponse:
    """A box: its prompt and the anonymous form; for the leader, what it received."""
    user = request.user
    found = rules.access_box(user, box_id)
    form = SuggestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        rules.require_suggester(user, found)
        status = 400
        if form.is_valid():
            try:
                services.suggestion_post(user=user, box=found, text=form.cleaned_data["text"])
            except ValidationError as error:
                _refuse(form, error)
            except services.RateLimited:
                status = 429
                form.add_error(None, _("You have posted several suggestions in the last hour: "
                                       "try again later. What you wrote is kept below."))  # fmt: skip
            else:
                messages.success(
                    request, _("Thank you: your suggestion is in the box, without your name.")
                )
                return redirect("voice:box", box_id=found.pk)
    reads = rules.can_read_suggestions(user, found)
    context: dict[str, Any] = {
        "box": found,
        "form": form,
        "reads": reads,
        "suggestions": found.suggestions.select_related("reply") if reads else None,
    }
    return render(request, "voice/trust_box.html", context, status=status)


@login_required
@require_POST
def box_close(request: HttpRequest, box_id: int) -> HttpResponse:
    user = request.user
    found = rules.access_box(user, box_id)
    services.suggestion_box_close(user=user, box=found)
    messages.success(request, _("The box is closed: it takes no more suggestions."))
    return redirect("voice:box", box_id=found.pk)


@login_required
@require_POST
def suggestion_consider(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    user = request.user
    suggestion = rules.access_suggestion(user, suggestion_id)
    services.suggestion_consider(user=user, suggestion=suggestion)
    return redirect(reverse("voice:box", args=[suggestion.box_id]) + "#suggestions")


@login_required
def suggestion_reply(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    """Publish "you said, we did": a paraphrase, what was done, optionally a commitment."""
    user = request.user
    suggestion = rules.access_suggestion(user, suggestion_id)
    existing = getattr(suggestion, "reply", None)
    initial = {"you_said": existing.you_said if existing else suggestion.text,
               "we_did": existing.we_did if existing else ""}  # fmt: skip
    form = ReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_publish(user=user, suggestion=suggestion, **form.cleaned_data)
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Published in “You said, we did” for the school's staff."))
            return redirect("voice:replies", school_id=suggestion.box.school_id)
    status = 400 if request.method == "POST" else 200
    context = {"suggestion": suggestion, "form": form, "existing": existing}
    return render(request, "voice/trust_reply.html", context, status=status)


@login_required
def replies(request: HttpRequest, school_id: int) -> HttpResponse:
    """ "You said, we did": every published reply, with the commitments that follow them."""
    user = request.user
    school = _school(request, school_id)
    listed = rules.replies_for(user).select_related("suggestion", "suggestion__box")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    follow = rules.commitments_for(user).filter(suggestion__reply__in=[r.pk for r in page])
    by_suggestion: dict[int, list[Commitment]] = {}
    for made in follow:
        assert made.suggestion_id is not None
        by_suggestion.setdefault(made.suggestion_id, []).append(made)
    items = [{"reply": r, "commitments": by_suggestion.get(r.suggestion_id, [])} for r in page]
    context = {"school": school, "page": page, "items": items, "today": timezone.localdate()}
    return render(request, "voice/trust_replies.html", context)


urlpatterns = [
    path("schools/<int:school_id>/wins/", wins, name="wins"),
    path(
        "schools/<int:school_id>/wins/not-this-week/", win_prompt_dismiss, name="win_prompt_dismiss"
    ),
    path("wins/<int:win_id>/edit/", win_edit, name="win_edit"),
    path("wins/<int:win_id>/delete/", win_delete, name="win_delete"),
    path("wins/<int:win_id>/celebrate/", win_celebrate, name="win_celebrate"),
    path("schools/<int:school_id>/check-ins/", check_ins, name="check_ins"),
    path("check-ins/<int:check_in_id>/done/", check_in_done, name="check_in_done"),
    path("schools/<int:school_id>/office-hours/", office_hours, name="office_hours"),
    path("office-hours/<int:office_hour_id>/book/", office_hour_book, name="office_hour_book"),
    path(
        "office-hours/<int:office_hour_id>/cancel/", office_hour_cancel, name="office_hour_cancel"
    ),
    path("bookings/<int:booking_id>/cancel/", booking_cancel, name="booking_cancel"),
    path("commitments/", commitments, name="commitments"),
    path("schools/<int:school_id>/commitments/new/", commitment_new, name="commitment_new"),
    path("commitments/<int:commitment_id>/", commitment, name="commitment"),
    path("schools/<int:school_id>/suggestions/", boxes, name="boxes"),
    path("suggestion-boxes/<int:box_id>/", box, name="box"),
    path("suggestion-boxes/<int:box_id>/close/", box_close, name="box_close"),
    path(
        "suggestions/<int:suggestion_id>/consider/", suggestion_consider, name="suggestion_consider"
    ),
    path("suggestions/<int:suggestion_id>/reply/", suggestion_reply, name="suggestion_reply"),
    path("schools/<int:school_id>/you-said-we-did/", replies, name="replies"),
]
