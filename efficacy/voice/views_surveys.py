"""The staff survey pages: the windows a person may see, opening one, answering it on
any device, closing it early and sending reminders. Included by :mod:`efficacy.voice.urls`.

Every view fetches through :mod:`efficacy.access.surveys` (a window out of scope
is a 404) and writes through :mod:`efficacy.voice.services.surveys` (a write the
person may not make is a 403). No page says who has answered, nor, while a
window is open, how many: a respondent sees only their own state.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from efficacy import privacy
from efficacy.access.roster import access_school, is_active_account
from efficacy.access.surveys import (
    access_window,
    can_answer,
    can_manage_window,
    can_open_window,
    require_respondent,
    require_window_opener,
    result_windows_for,
    survey_windows_for,
)
from efficacy.forms import add_service_errors, database_busy, database_busy_message
from efficacy.voice.forms_surveys import AnswerForm, WindowForm
from efficacy.voice.models import SurveyWindow
from efficacy.voice.services.surveys import (
    instrument_title,
    respondent_teams,
    survey_answer,
    survey_has_answered,
    survey_own_invitations,
    survey_questions,
    survey_remind,
    survey_window_close,
    survey_window_open,
)


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _state(window: SurveyWindow, today) -> str:
    """upcoming, open or closed: a code the templates word."""
    if window.is_open(today):
        return "open"
    return "closed" if window.is_closed(today) else "upcoming"


@login_required
def surveys(request: HttpRequest) -> HttpResponse:
    """The windows a person may see: to answer (staff), to manage (the leader), to read
    the results of (the leader, district analysts)."""
    user = request.user
    if not is_active_account(user):
        raise PermissionDenied
    today = timezone.localdate()
    mine = survey_own_invitations(user=user)
    rows = [
        {
            "window": window,
            "state": _state(window, today),
            "invited": window.pk in mine,
            "answered": mine.get(window.pk, False),
        }
        for window in survey_windows_for(user).select_related("school", "team", "instrument")
    ]
    school = user.school
    context = {
        "rows": rows,
        "school": school if school is not None and can_open_window(user, school) else None,
    }
    return render(request, "voice/survey_list.html", context)


@login_required
def window_new(request: HttpRequest, school_id: int) -> HttpResponse:
    user = request.user
    school = access_school(user, school_id)
    require_window_opener(user, school)
    form = WindowForm(request.POST or None, school=school, language=_language())
    if request.method == "POST" and form.is_valid():
        try:
            window = survey_window_open(user=user, school=school, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The window is open for answers from %(day)s; the staff asked can see it on their surveys page.")
                % {"day": date_format(window.opens_on)},
            )  # fmt: skip
            return redirect("voice:survey_window", window_id=window.pk)
    status = 400 if form.is_bound and form.errors else 200
    context = {"school": school, "form": form, "threshold": privacy.min_staff_n()}
    return render(request, "voice/survey_window_new.html", context, status=status)


@login_required
def window(request: HttpRequest, window_id: int) -> HttpResponse:
    user = request.user
    found = access_window(user, window_id)
    today = found.school.today()
    invited = can_answer(user, found)
    context = {
        "window": found,
        "state": _state(found, today),
        "instrument_title": instrument_title(found.instrument, _language()),
        "invited": invited,
        "answered": invited and survey_has_answered(user=user, window=found),
        "can_manage": can_manage_window(user, found),
        "asked": found.invitations.count(),
        "reminded_today": found.was_reminded_on(today),
        "threshold": privacy.min_staff_n(),
        "has_results": result_windows_for(user, today=today).filter(pk=found.pk).exists(),
    }
    return render(request, "voice/survey_window.html", context)


def _answer_page(request: HttpRequest, found: SurveyWindow, form: AnswerForm | None, **extra):
    context = {
        "window": found,
        "form": form,
        "threshold": privacy.min_staff_n(),
        "instrument_title": instrument_title(found.instrument, _language()),
        **extra,
    }
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "voice/survey_answer.html", context, status=status)


@login_required
def answer(request: HttpRequest, window_id: int) -> HttpResponse:
    user = request.user
    found = access_window(user, window_id)
    require_respondent(user, found)
    today = found.school.today()
    if survey_has_answered(user=user, window=found):
        return _answer_page(request, found, None, answered=True)
    if not found.is_open(today):
        return _answer_page(request, found, None, state=_state(found, today))
    form = AnswerForm(
        request.POST or None,
        questions=survey_questions(found.instrument, _language()),
        teams=respondent_teams(user, found),
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey_answer(
                user=user,
                window=found,
                answers=form.answers(),
                team=form.cleaned_data.get("team"),
                today=today,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_answer_errors(error.message_dict)
            else:
                form.add_error(None, error.messages)
        except OperationalError as error:
            if not database_busy(error):
                raise
            form.add_error(None, database_busy_message())
        else:
            return redirect("voice:survey_thanks", window_id=found.pk)
    return _answer_page(request, found, form)


@login_required
def thanks(request: HttpRequest, window_id: int) -> HttpResponse:
    user = request.user
    found = access_window(user, window_id)
    require_respondent(user, found)
    context = {
        "window": found,
        "answered": survey_has_answered(user=user, window=found),
        "threshold": privacy.min_staff_n(),
    }
    return render(request, "voice/survey_thanks.html", context)


@login_required
@require_POST
def close(request: HttpRequest, window_id: int) -> HttpResponse:
    found = access_window(request.user, window_id)
    try:
        survey_window_close(user=request.user, window=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The window is closed: it takes no more answers."))
    return redirect("voice:survey_window", window_id=found.pk)


@login_required
@require_POST
def remind(request: HttpRequest, window_id: int) -> HttpResponse:
    found = access_window(request.user, window_id)
    try:
        survey_remind(user=request.user, window=found, base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        # Never whom, never how many, never whether the mail went: that would say who has answered.
        messages.success(
            request, _("Reminders are on their way to everyone who has not answered yet.")
        )
    return redirect("voice:survey_window", window_id=found.pk)


urlpatterns = [
    path("surveys/", surveys, name="surveys"),
    path("schools/<int:school_id>/surveys/new/", window_new, name="survey_window_new"),
    path("surveys/<int:window_id>/", window, name="survey_window"),
    path("surveys/<int:window_id>/answer/", answer, name="survey_answer"),
    path("surveys/<int:window_id>/thanks/", thanks, name="survey_thanks"),
    path("surveys/<int:window_id>/close/", close, name="survey_close"),
    path("surveys/<int:window_id>/remind/", remind, name="survey_remind"),
]
