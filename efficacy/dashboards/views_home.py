"""The home page: each role lands where it works, and a teacher, coach or team lead
finds what to do next (:mod:`efficacy.dashboards.todo`), the weekly win prompt and their
office hours and commitments, then their classes and teams. Also the page where a person
chooses the weekly digest and their language."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from efficacy.access import roster as access
from efficacy.dashboards.digest import digest_settings_set, is_subscribed
from efficacy.dashboards.forms import DigestForm
from efficacy.dashboards.todo import todo_for
from efficacy.voice.models import Win
from efficacy.voice.services import trust as trust_services
from efficacy.voice.views_trust import WIN_PROMPT_DISMISSED


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Land each role where it works."""
    user = request.user
    if access.is_school_leader(user):
        return redirect("dashboards:school", school_id=user.school_id)
    if access.is_district_analyst(user):
        return redirect("dashboards:district")
    if access.can_import_roster(user):
        return redirect("roster:import")
    today = timezone.localdate()
    todo = todo_for(user, today=today)
    context = {
        "today": today,
        "todo": todo,
        "trust": _trust(request),
        "classes": todo.classes,
        "teams": todo.teams,
        "digest_on": is_subscribed(user),
    }
    return render(request, "dashboards/home.html", context)


def _trust(request: HttpRequest) -> dict[str, Any]:
    """The weekly win prompt (until answered or put off to next week), the person's
    booked office hours and the open commitments they asked for."""
    user = request.user
    if user.school_id is None:
        return {}
    today = timezone.localdate()
    win = trust_services.win_of_this_week(user, today)
    dismissed = request.session.get(WIN_PROMPT_DISMISSED) == Win.week_of(today).isoformat()
    return {
        "win": win,
        "ask_for_win": win is None and not dismissed,
        "bookings": trust_services.upcoming_bookings(user, timezone.now()),
        "commitments": trust_services.my_commitments(user).filter(asked_by=user, status="open"),
    }


@login_required
def digest_settings(request: HttpRequest) -> HttpResponse:
    """Turn the weekly digest on or off, and choose the language of pages and e-mails."""
    user = request.user
    if not access.is_active_account(user):
        raise PermissionDenied(_("This account is not active."))
    initial = {"weekly": is_subscribed(user), "language": user.language}
    form = DigestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            digest_settings_set(
                user=user,
                weekly=form.cleaned_data["weekly"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if form.cleaned_data["weekly"]:
                messages.success(request, _("You will get the weekly digest on Mondays."))
            else:
                messages.success(request, _("You will not get the weekly digest."))
            return redirect("dashboards:digest")
    status = 400 if form.errors else 200
    context = {"form": form, "has_email": bool(user.email)}
    return render(request, "dashboards/digest_settings.html", context, status=status)
