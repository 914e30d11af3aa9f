"""The coverage scheduler's pages, for a school leader: propose, edit, accept, export.

Every view fetches through :mod:`efficacy.access.practice` (a schedule of another
school is a 404; a school the person may see but not schedule is a 403) and
writes through :mod:`efficacy.practice.scheduling`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from efficacy.access.practice import (
    access_round_schedule,
    can_schedule_rounds,
    round_schedules_for,
)
from efficacy.access.roster import access_school
from efficacy.downloads import file_response
from efficacy.forms import add_service_errors
from efficacy.practice.forms_schedule import MoveForm, ScheduleForm
from efficacy.practice.schedule import COUNTS
from efficacy.practice.scheduling import (
    TimetableProblems,
    round_schedule_accept,
    round_schedule_csv,
    round_schedule_ical,
    round_schedule_propose,
    round_schedule_visit_move,
    round_schedule_visit_remove,
    schedule_problems,
    visit_date,
    visits_of,
)


@login_required
def schedule_new(request: HttpRequest, school_id: int) -> HttpResponse:
    user = request.user
    school = access_school(user, school_id)
    if not can_schedule_rounds(user, school):
        raise PermissionDenied(_("Only the school leader of %(school)s schedules its rounds.")
                               % {"school": school})  # fmt: skip
    last = round_schedules_for(user).filter(school=school).exclude(timetable="").first()
    form = ScheduleForm(request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["timetable_file"]
        if upload is not None:
            timetable, name = upload.read(), upload.name
        elif data["timetable_text"].strip():
            timetable, name = data["timetable_text"].encode("utf-8"), _("pasted timetable")
        elif data["reuse"] and last is not None:
            timetable, name = last.timetable.encode("utf-8"), last.timetable_name
        else:
            timetable, name = b"", ""
            form.add_error(
                "timetable_file", _("Upload the timetable, paste it, or reuse the last one.")
            )
        if name:
            try:
                schedule = round_schedule_propose(
                    user=user, school=school, timetable=timetable, file_name=name,
                    start_date=data["start_date"], weeks=data["weeks"], days=data["days"],
                    periods_per_day=data["periods_per_day"],
                    substitutes_per_period=data["substitutes_per_period"],
                    visits_each=data["visits_each"],
                    max_observers_per_visit=data["max_observers_per_visit"],
                    same_team=data["same_team"],
                )  # fmt: skip
            except TimetableProblems as invalid:
                problems = invalid.problems
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("practice:schedule", schedule_id=schedule.pk)
    status = 400 if request.method == "POST" else 200
    context = {"school": school, "form": form, "problems": problems, "last": last,
               "schedules": round_schedules_for(user).filter(school=school)[:10]}  # fmt: skip
    return render(request, "practice/schedule_new.html", context, status=status)


@login_required
def schedule(request: HttpRequest, schedule_id: int) -> HttpResponse:
    the_schedule = access_round_schedule(request.user, schedule_id)
    team_of = {t["id"]: t["team"] for t in the_schedule.request["teachers"]}
    visits = [
        {"index": i, "visit": v, "date": visit_date(the_schedule, v), "team": team_of.get(v.host)}
        for i, v in enumerate(visits_of(the_schedule))
    ]
    problems = schedule_problems(the_schedule) if visits else []
    context = {
        "schedule": the_schedule,
        "visits": visits,
        "reasons": the_schedule.result.get("reasons", []),
        "broken": [r for r in problems if r.code not in COUNTS],
        "short": [r for r in problems if r.code in COUNTS],
        "weeks": range(1, the_schedule.request["weeks"] + 1),
        "days": range(1, the_schedule.request["days"] + 1),
        "periods": range(1, the_schedule.request["periods_per_day"] + 1),
    }
    return render(request, "practice/schedule_detail.html", context)


@login_required
@require_POST
def schedule_visit(request: HttpRequest, schedule_id: int, index: int) -> HttpResponse:
    the_schedule = access_round_schedule(request.user, schedule_id)
    try:
        if request.POST.get("action") == "remove":
            round_schedule_visit_remove(user=request.user, schedule=the_schedule, index=index)
            messages.success(request, _("Visit removed."))
        else:
            form = MoveForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a week, a day and a period within the window."))
            round_schedule_visit_move(
                user=request.user, schedule=the_schedule, index=index, **form.cleaned_data
            )
            messages.success(request, _("Visit moved."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("practice:schedule", schedule_id=the_schedule.pk)


@login_required
@require_POST
def schedule_accept(request: HttpRequest, schedule_id: int) -> HttpResponse:
    the_schedule = access_round_schedule(request.user, schedule_id)
    try:
        planned = round_schedule_accept(user=request.user, schedule=the_schedule)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Schedule accepted: %(n)d rounds planned.") % {"n": len(planned)}
        )
    return redirect("practice:schedule", schedule_id=the_schedule.pk)


@login_required
def schedule_export(request: HttpRequest, schedule_id: int, fmt: str) -> HttpResponse:
    the_schedule = access_round_schedule(request.user, schedule_id)
    name = f"observation-schedule-{the_schedule.start_date.isoformat()}"
    if fmt == "csv":
        body, content_type, name = round_schedule_csv(the_schedule), "text/csv", f"{name}.csv"
    elif fmt == "ics":
        body, content_type, name = round_schedule_ical(the_schedule), "text/calendar", f"{name}.ics"
    else:
        raise Http404
    return file_response(body, name, f"{content_type}; charset=utf-8")


urlpatterns = [
    path("schools/<int:school_id>/round-schedules/", schedule_new, name="schedule_new"),
    path("round-schedules/<int:schedule_id>/", schedule, name="schedule"),
    path("round-schedules/<int:schedule_id>/visits/<int:index>/", schedule_visit,
         name="schedule_visit"),
    path("round-schedules/<int:schedule_id>/accept/", schedule_accept, name="schedule_accept"),
    path("round-schedules/<int:schedule_id>/export/<str:fmt>/", schedule_export,
         name="schedule_export"),
]  # fmt: skip
