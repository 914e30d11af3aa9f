"""The exit-ticket pages: a teacher opens a ticket for a class and shows its code (and a
QR code) on the board; students answer at ``/t/`` with no account; the teacher reads
the answers per ticket and per class, and the team per cycle, with the open answers
grouped into themes, one of which can be attached to the cycle as evidence.

Staff pages fetch through :mod:`efficacy.access.tickets` (a ticket the person may not
see is a 404) and write through :mod:`efficacy.voice.services.tickets` (a write they
may not make is a 403). The two student pages are public and rate-limited
(:mod:`efficacy.voice.ratelimit`, keyed by the address of :func:`efficacy.net.client_ip`,
which is never stored): wrong codes per address, answers per ticket and address.
"""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from efficacy import privacy
from efficacy.access.cycles import access_cycle
from efficacy.access.tickets import (
    access_ticket,
    access_ticket_class,
    access_voice_evidence,
    can_attach_voice_evidence,
    can_close_ticket,
    can_read_all_answers,
    can_remove_voice_evidence,
    can_see_cycle_voice,
    ticket_classes_for,
    ticket_cycles_for,
    tickets_for,
)
from efficacy.downloads import file_response
from efficacy.forms import add_service_errors, int_or_none
from efficacy.net import client_ip
from efficacy.tabular.writing import write_csv
from efficacy.voice.forms_tickets import AnswerForm, CodeForm, EvidenceForm, TicketOpenForm
from efficacy.voice.models import ExitTicket
from efficacy.voice.ratelimit import exceeded, hit
from efficacy.voice.services.tickets import (
    CONFIDENCE,
    answer_themes,
    class_tickets,
    code_normalise,
    cycle_voice,
    ticket_answer,
    ticket_close,
    ticket_find_open,
    ticket_open,
    ticket_summary,
    voice_evidence_attach,
    voice_evidence_remove,
)

#: Wrong codes one address may type in :data:`CODE_WINDOW` seconds before every lookup
#: from it is refused until the window ends: a class mistyping is fine, guessing is not.
CODE_MISSES = 30
CODE_WINDOW = 10 * 60
#: Answers to one ticket from one address per minute: a class of 35 behind the school's
#: router gets through, a script filling the ticket does not.
ANSWERS_PER_MINUTE = 60
#: The signed cookie that says "this browser answered this ticket" (no id of anyone).
ANSWERED_SALT = "voice.ticket.answered"


# --- the teacher's pages ------------------------------------------------------------


@login_required
def tickets(request: HttpRequest) -> HttpResponse:
    """The person's exit tickets, open ones first, and the classes they teach."""
    now = timezone.now()
    found = list(tickets_for(request.user).select_related("school_class", "cycle")[:100])
    context = {
        "open_tickets": [t for t in found if t.is_open(now)],
        "past_tickets": [t for t in found if not t.is_open(now)],
        "classes": list(ticket_classes_for(request.user).order_by("title")),
    }
    return render(request, "voice/tickets.html", context)


@login_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    classes = ticket_classes_for(user).order_by("title")
    if not classes.exists():
        raise PermissionDenied(_("A class's teachers open its exit tickets; you teach no class."))
    initial = {
        "school_class": int_or_none(request.GET.get("class")),
        "cycle": int_or_none(request.GET.get("cycle")),
    }
    form = TicketOpenForm(
        request.POST or None, classes=classes, cycles=ticket_cycles_for(user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opened = ticket_open(
                user=user,
                school_class=data["school_class"],
                lesson=data["lesson"],
                cycle=data["cycle"],
                closes_at=data["closes_at"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Exit ticket opened: show the code to the class."))
            return redirect("voice:ticket", ticket_id=opened.pk)
    status = 400 if form.errors else 200
    return render(request, "voice/ticket_new.html", {"form": form}, status=status)


def _answer_url(request: HttpRequest, ticket: ExitTicket) -> str:
    return request.build_absolute_uri(reverse("voice:ticket_answer", args=[ticket.code]))


@login_required
@never_cache
def ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    found = access_ticket(request.user, ticket_id)
    full = can_read_all_answers(request.user, found)
    summary = ticket_summary(found, full=full)
    context = {
        "ticket": found,
        "summary": summary,
        "full": full,
        "is_open": found.is_open(timezone.now()),
        "can_close": can_close_ticket(request.user, found),
        "start_url": request.build_absolute_uri(reverse("voice:ticket_start")),
        "themes": answer_themes(summary.answers) if summary.shown else [],
    }
    return render(request, "voice/ticket.html", context)


@login_required
def ticket_qr(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The QR code of the ticket's answer address, as an SVG file (no inline script or
    style, so the page that shows it needs nothing of the Content Security Policy)."""
    found = access_ticket(request.user, ticket_id)
    out = io.BytesIO()
    title = _("Exit ticket %(code)s") % {"code": found.code}
    segno.make(_answer_url(request, found), error="m").save(
        out, kind="svg", scale=8, border=2, title=title, xmldecl=True
    )
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def ticket_close_view(request: HttpRequest, ticket_id: int) -> HttpResponse:
    found = access_ticket(request.user, ticket_id)
    ticket_close(user=request.user, ticket=found)
    messages.success(request, _("Exit ticket closed: it takes no more answers."))
    return redirect("voice:ticket", ticket_id=found.pk)


@login_required
@never_cache
def ticket_export(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The answers as CSV, written through :mod:`efficacy.tabular.writing` so that no
    answer becomes a formula in a spreadsheet."""
    found = access_ticket(request.user, ticket_id)
    summary = ticket_summary(found, full=can_read_all_answers(request.user, found))
    if not summary.shown:
        raise PermissionDenied(_("This exit ticket has too few answers to share them."))
    columns = [_("What did you understand today?"), _("Where are you stuck?"),
               _("How confident are you? (1 to 5)")]  # fmt: skip
    rows = [(a.understood, a.stuck, a.confidence) for a in summary.answers]
    filename = f"exit-ticket-{found.opened_on:%Y-%m-%d}-{found.code}.csv"
    return file_response(write_csv(columns, rows), filename, "text/csv; charset=utf-8")


@login_required
@never_cache
def ticket_class(request: HttpRequest, class_id: int) -> HttpResponse:
    school_class = access_ticket_class(request.user, class_id)
    summaries = class_tickets(school_class)
    context = {
        "school_class": school_class,
        "summaries": summaries,
        "newest_first": list(reversed(summaries)),
        "themes": answer_themes([a for s in summaries[-5:] for a in s.answers]),
        "recent": min(len(summaries), 5),
    }
    return render(request, "voice/ticket_class.html", context)


@login_required
@never_cache
def ticket_cycle(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access_cycle(request.user, cycle_id)
    if not can_see_cycle_voice(request.user, cycle):
        raise Http404
    context = {
        "cycle": cycle,
        "voice": cycle_voice(cycle, user=request.user),
        "evidence": [
            (item, can_remove_voice_evidence(request.user, item))
            for item in cycle.voice_evidence.all()
        ],
        "attach": cycle
        if can_attach_voice_evidence(request.user, cycle) and cycle.is_open
        else None,
        "min_n": privacy.min_student_n(),
        "can_open": ticket_classes_for(request.user).exists() and cycle.is_open,
    }
    return render(request, "voice/ticket_cycle.html", context)


@login_required
@require_POST
def ticket_evidence_attach(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access_cycle(request.user, cycle_id)
    if not can_see_cycle_voice(request.user, cycle):
        raise Http404
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a theme of the answers."))
    else:
        try:
            voice_evidence_attach(user=request.user, cycle=cycle, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Theme attached to the cycle as evidence."))
    return redirect(reverse("voice:ticket_cycle", args=[cycle.pk]) + "#evidence")


@login_required
@require_POST
def ticket_evidence_remove(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = access_voice_evidence(request.user, evidence_id)
    try:
        voice_evidence_remove(user=request.user, evidence=evidence)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Evidence removed from the cycle."))
    return redirect(reverse("voice:ticket_cycle", args=[evidence.cycle_id]) + "#evidence")


# --- the students' pages (public) ---------------------------------------------------


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "voice/ticket_limited.html", status=429)


def _guessing(request: HttpRequest) -> bool:
    ip = client_ip(request)
    return exceeded(scope="ticket-code-miss", subject=ip, limit=CODE_MISSES, per=CODE_WINDOW)


def _miss(
    request: HttpRequest, form: CodeForm, typed: dict[str, str] | None = None
) -> HttpResponse:
    """A wrong, unknown or closed code: counted against the address, answered alike.
    An answer sent to it is shown back (``typed``), so that nothing written is lost."""
    ip = client_ip(request)
    if not hit(scope="ticket-code-miss", subject=ip, limit=CODE_MISSES, per=CODE_WINDOW):
        return _too_many(request)
    form.is_valid()  # the code as typed stays in the box, with the message beside it
    form.add_error(
        "code", _("No open exit ticket has this code. Check it with your teacher and try again.")
    )
    context = {"form": form, "typed": typed}
    return render(request, "voice/ticket_start.html", context, status=404)


@never_cache
def ticket_start(request: HttpRequest) -> HttpResponse:
    """The code box: students type the code their teacher shows."""
    if _guessing(request):
        return _too_many(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "voice/ticket_start.html", {"form": form}, status=400)
        found = ticket_find_open(code=form.cleaned_data["code"])
        if found is None:
            return _miss(request, form)
        return redirect("voice:ticket_answer", code=found.code)
    return render(request, "voice/ticket_start.html", {"form": form})


def _cookie_name(ticket: ExitTicket) -> str:
    return f"answered_{ticket.code}"


def _answered_here(request: HttpRequest, ticket: ExitTicket) -> bool:
    """A courtesy, not a guarantee: this browser says it answered already."""
    value = request.get_signed_cookie(_cookie_name(ticket), default=None, salt=ANSWERED_SALT)
    return value == "1"


@never_cache
def ticket_answer_view(request: HttpRequest, code: str) -> HttpResponse:
    """The three questions of an open ticket; a wrong or closed code gets the code box."""
    if _guessing(request):
        return _too_many(request)
    found = ticket_find_open(code=code)
    if found is None:
        typed = None
        if request.method == "POST":
            typed = {name: request.POST.get(name, "")[:5000] for name in ("understood", "stuck")}
        return _miss(request, CodeForm({"code": code_normalise(code)[:40]}), typed)
    if code != found.code and request.method == "GET":  # "abc234" typed in the address bar
        return redirect("voice:ticket_answer", code=found.code)
    if _answered_here(request, found):
        return render(request, "voice/ticket_thanks.html", {"ticket": found, "again": True})
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        if not hit(
            scope="ticket-answer",
            subject=f"{found.pk}|{client_ip(request)}",
            limit=ANSWERS_PER_MINUTE,
            per=60,
        ):
            return _too_many(request)
        if form.is_valid():
            try:
                ticket_answer(ticket=found, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                response = render(request, "voice/ticket_thanks.html", {"ticket": found})
                max_age = max(int((found.closed_on() - timezone.now()).total_seconds()), 0)
                response.set_signed_cookie(
                    _cookie_name(found), "1", salt=ANSWERED_SALT, max_age=max_age + 86400,
                    httponly=True, samesite="Lax", secure=request.is_secure(),
                )  # fmt: skip
                return response
    context = {"ticket": found, "form": form, "levels": CONFIDENCE}
    return render(request, "voice/ticket_answer.html", context, status=400 if form.errors else 200)


urlpatterns = [
    path("tickets/", tickets, name="tickets"),
    path("tickets/new/", ticket_new, name="ticket_new"),
    path("tickets/<int:ticket_id>/", ticket, name="ticket"),
    path("tickets/<int:ticket_id>/qr.svg", ticket_qr, name="ticket_qr"),
    path("tickets/<int:ticket_id>/close/", ticket_close_view, name="ticket_close"),
    path("tickets/<int:ticket_id>/answers.csv", ticket_export, name="ticket_export"),
    path("tickets/classes/<int:class_id>/", ticket_class, name="ticket_class"),
    path("cycles/<int:cycle_id>/student-voice/", ticket_cycle, name="ticket_cycle"),
    path(
        "cycles/<int:cycle_id>/student-voice/attach/",
        ticket_evidence_attach,
        name="ticket_evidence_attach",
    ),
    path(
        "student-voice/<int:evidence_id>/remove/",
        ticket_evidence_remove,
        name="ticket_evidence_remove",
    ),
    path("t/", ticket_start, name="ticket_start"),
    path("t/<str:code>/", ticket_answer_view, name="ticket_answer"),
]
