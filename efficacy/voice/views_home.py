"""The voice app's front page: every part a person may use, in one place (the main
navigation has one "Voice" entry rather than nine)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from efficacy.access.roster import is_active_account
from efficacy.access.surveys import survey_windows_for
from efficacy.access.trust import can_hold_check_ins
from efficacy.voice.services.surveys import survey_own_invitations


@dataclass(frozen=True)
class Part:
    title: Promise
    url: str
    what: Promise


@login_required
def voice_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_active_account(user):
        raise PermissionDenied
    school = user.school
    today = timezone.localdate()
    waiting = [
        window for window, answered in survey_own_invitations(user=user).items() if not answered
    ]
    # Through the windows the person may see: none of a school that left the roster.
    to_answer = [w for w in survey_windows_for(user).filter(pk__in=waiting) if w.is_open(today)]
    listen = [
        Part(_("Staff surveys"), reverse("voice:surveys"),
             _("Collective-efficacy surveys: staff answer anonymously, school leaders open them.")),
        Part(_("Survey results"), reverse("voice:results_list"),
             _("Collective efficacy by team and for the school, once a survey has closed.")),
    ]  # fmt: skip
    if school is not None:
        listen += [
            Part(_("Exit tickets"), reverse("voice:tickets"),
                 _("What your students understood today and where they are stuck.")),
            Part(_("Suggestion box"), reverse("voice:boxes", args=[school.pk]),
                 _("Suggest anything, anonymously; read “You said, we did”.")),
        ]  # fmt: skip
    trust = []
    if school is not None:
        trust += [
            Part(_("Wins"), reverse("voice:wins", args=[school.pk]),
                 _("One professional win a week, shared with the school and celebrated.")),
            Part(_("Office hours"), reverse("voice:office_hours", args=[school.pk]),
                 _("Book time with your school leader.")),
            Part(_("Commitments"), reverse("voice:commitments"),
                 _("What a leader promised to look into, and what was done about it.")),
        ]  # fmt: skip
        if can_hold_check_ins(user, school):
            trust.append(
                Part(_("Check-ins"), reverse("voice:check_ins", args=[school.pk]),
                     _("Your private notes of conversations with staff, and their follow-ups."))
            )  # fmt: skip
    instruments = Part(_("Survey instruments"), reverse("voice:instruments"),
                       _("The questionnaires a survey can ask."))  # fmt: skip
    context = {
        "to_answer": to_answer,
        "listen": listen,
        "trust": trust,
        "instruments": instruments,
    }
    return render(request, "voice/home.html", context)


urlpatterns = [path("voice/", voice_home, name="home")]
