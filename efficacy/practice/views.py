"""The round pages (plan a round, observe on a phone, offline too, debrief, share),
the meeting pages (a cycle's meetings, record one, tick its actions done) and the
implementation log (log this week, coverage).

Every view fetches through :mod:`efficacy.access.practice` (a round the person
may not see is a 404) and writes through a service (a write they may not make
is a 403). The observation page works as plain forms; ``js/observe.js`` sends
the same forms with ``fetch`` and keeps what could not be sent in the page.
A request that asks for JSON (``Accept: application/json``) gets the outcome as
JSON instead of a redirect, so the script knows what was stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from efficacy import privacy
from efficacy.access.cycles import access_cycle
from efficacy.access.practice import (
    access_meeting,
    access_round,
    can_change_note,
    can_change_plan,
    can_edit_observation,
    can_log_implementation,
    can_plan_round,
    can_read_notes,
    can_record_meeting,
    can_see_coverage_detail,
    can_see_meetings_of,
    can_see_rounds_of,
    can_share,
    can_tick_action,
    require_meeting_recorder,
    require_note_changer,
    require_observation_writer,
    require_plan_changer,
    require_planner,
)
from efficacy.cycles.models import InquiryCycle, LookFor
from efficacy.forms import add_service_errors, int_or_none
from efficacy.practice.forms import (
    ACTION_ROWS,
    ActionFormSet,
    DebriefForm,
    MeetingForm,
    NoteCorrectionForm,
    NoteForm,
    ObserverDebriefForm,
    PhotoForm,
    PlanChangeForm,
    PlanForm,
    PreBriefForm,
    WeekLogForm,
    team_members,
)
from efficacy.practice.models import (
    Action,
    Debrief,
    EngagementLevel,
    EngagementTally,
    LookForTally,
    Meeting,
    Note,
    Observation,
    ObserverDebrief,
)
from efficacy.practice.photos import max_photo_bytes, megabytes
from efficacy.practice.selectors import (
    coverage,
    log_classes,
    log_strategies,
    round_summary,
    this_week,
    week_log,
    week_of,
)
from efficacy.practice.services import (
    ActionDraft,
    action_set_done,
    debrief_save,
    implementation_log_save,
    meeting_record,
    note_add,
    note_correct,
    note_delete,
    observation_cancel,
    observation_plan,
    observation_pre_brief_set,
    observation_replan,
    observation_share,
    observer_debrief_save,
    photo_add,
    tally_set,
)
from efficacy.practice.wording import judgement_words, reads_as_judgement

#: The nudge a note that reads as a judgement gets: a hint, never a refusal.
JUDGEMENT_HINT = gettext_lazy("Describe what you saw or heard: who said or did what?")


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _observation_url(observation: Observation, anchor: str = "") -> str:
    url = reverse("practice:observation", args=[observation.pk])
    return f"{url}#{anchor}" if anchor else url


# --- a cycle's rounds ---------------------------------------------------------


@login_required
def rounds(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access_cycle(request.user, cycle_id)
    if not can_see_rounds_of(request.user, cycle):
        raise Http404
    readable = [
        o
        for o in cycle.observations.select_related("host", "school_class").prefetch_related(
            "observers"
        )
        if can_read_notes(request.user, o)
    ]
    context = {
        "cycle": cycle,
        "summary": round_summary(cycle),
        "observations": readable,
        "can_plan": can_plan_round(request.user, cycle) and cycle.is_open,
    }
    return render(request, "practice/rounds.html", context)


@login_required
def plan(request: HttpRequest, cycle_id: int) -> HttpResponse:
    user = request.user
    cycle = access_cycle(user, cycle_id)
    if not can_see_rounds_of(user, cycle):
        raise Http404
    require_planner(user, cycle)
    form = PlanForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            observation = observation_plan(user=user, cycle=cycle, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Observation planned."))
            return redirect("practice:observation", observation_id=observation.pk)
    return render(request, "practice/plan.html", {"cycle": cycle, "form": form})


@login_required
def plan_change(request: HttpRequest, observation_id: int) -> HttpResponse:
    user = request.user
    found = access_round(user, observation_id)
    require_plan_changer(user, found)
    initial = {
        "date": found.date,
        "period": found.period,
        "observers": list(found.observers.all()),
        "strategies": list(found.strategies.all()),
        "pre_brief": found.pre_brief,
    }
    form = PlanChangeForm(request.POST or None, cycle=found.cycle, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            observation_replan(user=user, observation=found, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Observation changed."))
            return redirect("practice:observation", observation_id=found.pk)
    context = {"cycle": found.cycle, "observation": found, "form": form,
               "ahead": found.is_ahead(timezone.localdate())}  # fmt: skip
    return render(request, "practice/plan_change.html", context)


@login_required
@require_POST
def plan_cancel(request: HttpRequest, observation_id: int) -> HttpResponse:
    found = access_round(request.user, observation_id)
    try:
        observation_cancel(user=request.user, observation=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("practice:observation", observation_id=found.pk)
    messages.success(request, _("Observation cancelled: it is no longer in the rounds."))
    return redirect("practice:rounds", cycle_id=found.cycle_id)


# --- observing ----------------------------------------------------------------


def _tallies(observation: Observation, user_id: int) -> dict[str, Any]:
    look_for = {
        t.look_for_id: t
        for t in LookForTally.objects.filter(observation=observation, observer_id=user_id)
    }
    engagement = {
        t.level: t
        for t in EngagementTally.objects.filter(observation=observation, observer_id=user_id)
    }
    return {"look_for": look_for, "engagement": engagement}


def _observation_context(request: HttpRequest, observation: Observation, **forms: Any) -> dict:
    user = request.user
    readable = can_read_notes(user, observation)
    editable = can_edit_observation(user, observation)
    context: dict[str, Any] = {
        "observation": observation,
        "cycle": observation.cycle,
        "can_read": readable,
        "can_edit": editable,
        "can_share": can_share(user, observation),
        "can_change_plan": can_change_plan(user, observation)
        and observation.cycle.is_open
        and observation.is_ahead(timezone.localdate()),
    }
    if not readable:
        return context
    mine = _tallies(observation, user.pk)
    notes = list(observation.notes.select_related("author", "observation"))
    look_fors = []
    for look_for in observation.look_fors():
        tally = mine["look_for"].get(look_for.pk)
        look_fors.append({"look_for": look_for, "count": tally.count if tally else 0,
                          "version": tally.version if tally else 0})  # fmt: skip
    engagement = []
    for level, label in EngagementLevel.choices:
        tally = mine["engagement"].get(level)
        engagement.append({"level": level, "label": label, "count": tally.count if tally else 0,
                           "version": tally.version if tally else 0})  # fmt: skip
    context.update(
        look_fors=look_fors,
        engagement=engagement,
        notes=notes,
        # The author's "Correct" link; can_change_note looks no further for someone else's.
        own_notes={n.pk for n in notes if can_change_note(user, n)},
        photos=observation.photos.select_related("author"),
        note_form=forms.get("note_form") or NoteForm(),
        judgement_words=judgement_words(),
        judgement_hint=JUDGEMENT_HINT,
        photo_form=forms.get("photo_form") or PhotoForm(limit_mb=megabytes(max_photo_bytes())),
        pre_brief_form=PreBriefForm(initial={"pre_brief": observation.pre_brief}),
    )
    return context


@login_required
def observation(request: HttpRequest, observation_id: int) -> HttpResponse:
    found = access_round(request.user, observation_id)
    return render(request, "practice/observation.html", _observation_context(request, found))


def _refused(request: HttpRequest, observation: Observation, error: ValidationError, **forms):
    """The page again with what was typed and the messages (or them as JSON): a 400."""
    if _wants_json(request):
        return JsonResponse({"ok": False, "errors": error.messages}, status=400)
    for form in forms.values():
        if form.is_bound and form.is_valid():
            add_service_errors(form, error)
    if not forms:
        messages.error(request, " ".join(error.messages))
    context = _observation_context(request, observation, **forms)
    return render(request, "practice/observation.html", context, status=400)


@login_required
@require_POST
def note(request: HttpRequest, observation_id: int) -> HttpResponse:
    found = access_round(request.user, observation_id)
    require_observation_writer(request.user, found)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _refused(
            request,
            found,
            ValidationError([e for errs in form.errors.values() for e in errs]),
            note_form=form,
        )
    try:
        saved, created = note_add(user=request.user, observation=found, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, found, error, note_form=form)
    judgement = reads_as_judgement(saved.text)
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "created": created,
                "uuid": str(saved.uuid),
                "note": _note_json(saved),
                "hint": str(JUDGEMENT_HINT) if judgement else "",
            }
        )
    if judgement:
        messages.info(request, JUDGEMENT_HINT)
    return redirect(_observation_url(found, "notes"))


def _note_json(saved: Note) -> dict[str, str]:
    """A stored note as the page shows it, for the script to add to the notes list."""
    noted_at = timezone.localtime(saved.noted_at)
    return {
        "uuid": str(saved.uuid),
        "text": saved.text,
        "kind": saved.get_kind_display(),
        "author": saved.author.get_full_name(),
        "noted_at": noted_at.isoformat(),
        "time": date_format(noted_at, "TIME_FORMAT"),
        "change_url": reverse("practice:note_edit", args=[saved.observation_id, saved.pk]),
        "change_label": _("Correct or delete"),
    }


def _own_note(request: HttpRequest, observation_id: int, note_id: int):
    found = access_round(request.user, observation_id)
    mine = found.notes.filter(pk=note_id).select_related("observation").first()
    if mine is None:
        raise Http404
    require_note_changer(request.user, mine)
    return found, mine


@login_required
def note_edit(request: HttpRequest, observation_id: int, note_id: int) -> HttpResponse:
    found, mine = _own_note(request, observation_id, note_id)
    form = NoteCorrectionForm(request.POST or None, initial={"text": mine.text, "kind": mine.kind})
    if request.method == "POST" and form.is_valid():
        try:
            note_correct(user=request.user, note=mine, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Note corrected."))
            return redirect(_observation_url(found, "notes"))
    context = {"observation": found, "cycle": found.cycle, "note": mine, "form": form}
    return render(request, "practice/note_edit.html", context)


@login_required
@require_POST
def note_remove(request: HttpRequest, observation_id: int, note_id: int) -> HttpResponse:
    found, mine = _own_note(request, observation_id, note_id)
    note_delete(user=request.user, note=mine)
    messages.success(request, _("Note deleted."))
    return redirect(_observation_url(found, "notes"))


@login_required
@require_POST
def tally(request: HttpRequest, observation_id: int) -> HttpResponse:
    found = access_round(request.user, observation_id)
    require_observation_writer(request.user, found)
    look_for_id = int_or_none(request.POST.get("look_for"))
    look_for = LookFor.objects.filter(pk=look_for_id).first() if look_for_id else None
    count = int_or_none(request.POST.get("count"))
    version = int_or_none(request.POST.get("version"))
    try:
        if count is None or version is None:
            raise ValidationError(_("This tally was not understood; reload the page."))
        saved = tally_set(user=request.user, observation=found, look_for=look_for,
                          level=request.POST.get("level"), count=count, version=version)  # fmt: skip
    except ValidationError as error:
        return _refused(request, found, error)
    if _wants_json(request):
        return JsonResponse({"ok": True, "count": saved.count, "version": saved.version})
    return redirect(_observation_url(found, "look-fors"))


@login_required
@require_POST
def photo_new(request: HttpRequest, observation_id: int) -> HttpResponse:
    found = access_round(request.user, observation_id)
    require_observation_writer(request.user, found)
    form = PhotoForm(request.POST, request.FILES, limit_mb=megabytes(max_photo_bytes()))
    if not form.is_valid():
        return _refused(
            request,
            found,
            ValidationError([e for errs in form.errors.values() for e in errs]),
            photo_form=form,
        )
    try:
        _photo, created = photo_add(user=request.user, observation=found,
                                    uuid=form.cleaned_data["uuid"],
                                    upload=form.cleaned_data["photo"])  # fmt: skip
    except ValidationError as error:
        return _refused(request, found, error, photo_form=form)
    if _wants_json(request):
        return JsonResponse({"ok": True, "created": created})
    messages.success(request, _("Photo added."))
    return redirect(_observation_url(found, "photos"))


@login_required
def photo(request: HttpRequest, observation_id: int, photo_id: int) -> HttpResponse:
    found = access_round(request.user, observation_id)
    if not can_read_notes(request.user, found):
        raise PermissionDenied(_("The host has not shared this observation."))
    stored = found.photos.filter(pk=photo_id).first()
    if stored is None:
        raise Http404
    return FileResponse(
        stored.file.open("rb"),
        content_type=stored.content_type,
        filename=f"{stored.uuid}{stored.extension}",
    )


@login_required
@require_POST
def pre_brief(request: HttpRequest, observation_id: int) -> HttpResponse:
    found = access_round(request.user, observation_id)
    form = PreBriefForm(request.POST)
    form.is_valid()
    observation_pre_brief_set(user=request.user, observation=found,
                              pre_brief=form.cleaned_data.get("pre_brief", ""))  # fmt: skip
    messages.success(request, _("Pre-brief saved."))
    return redirect(_observation_url(found))


# --- debrief and sharing ------------------------------------------------------


@login_required
def debrief(request: HttpRequest, observation_id: int) -> HttpResponse:
    user = request.user
    found = access_round(user, observation_id)
    if not can_read_notes(user, found):
        raise PermissionDenied(_("The host has not shared this observation."))
    editable = can_edit_observation(user, found)
    is_observer = editable and found.host_id != user.pk
    protocol = Debrief.objects.filter(observation=found).first() or Debrief(observation=found)
    mine = ObserverDebrief.objects.filter(observation=found, observer=user).first()
    posted = request.POST if request.method == "POST" else None
    form = DebriefForm(posted, instance=protocol, prefix="team") if editable else None
    own_form = ObserverDebriefForm(posted, instance=mine, prefix="own") if is_observer else None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(
                _("Only the host and the observers can write in this observation.")
            )
        if form.is_valid() and (own_form is None or own_form.is_valid()):
            debrief_save(user=user, observation=found, **form.cleaned_data)
            if own_form is not None:
                observer_debrief_save(user=user, observation=found, **own_form.cleaned_data)
            messages.success(request, _("Debrief saved."))
            return redirect("practice:debrief", observation_id=found.pk)
    takeaways = ObserverDebrief.objects.filter(observation=found).select_related("observer")
    context = {
        "observation": found,
        "cycle": found.cycle,
        "protocol": protocol,
        "form": form,
        "own_form": own_form,
        "takeaways": takeaways,
        # Feedback meant for the host: the host reads all of it, an observer their own.
        "is_host": found.host_id == user.pk,
    }
    return render(request, "practice/debrief.html", context)


@login_required
@require_POST
def share(request: HttpRequest, observation_id: int) -> HttpResponse:
    found = access_round(request.user, observation_id)
    shared = request.POST.get("shared") == "1"
    observation_share(user=request.user, observation=found, shared=shared)
    if shared:
        messages.success(
            request, _("Shared with the school leader: they can read the notes and the debrief.")
        )
    else:
        messages.success(request, _("No longer shared: the school leader sees counts only."))
    return redirect(_observation_url(found))


# --- team meetings ------------------------------------------------------------


@login_required
def meetings(request: HttpRequest, cycle_id: int) -> HttpResponse:
    user = request.user
    cycle = access_cycle(user, cycle_id)
    if not can_see_meetings_of(user, cycle):
        raise Http404
    listed = cycle.meetings.annotate(
        came=Count("attendees", distinct=True),
        open_actions=Count("actions", filter=Q(actions__done=False), distinct=True),
        done_actions=Count("actions", filter=Q(actions__done=True), distinct=True),
    )
    context = {
        "cycle": cycle,
        "meetings": listed,
        "can_record": can_record_meeting(user, cycle) and cycle.is_open,
    }
    return render(request, "practice/meetings.html", context)


def _action_formset(data, members) -> ActionFormSet:
    return ActionFormSet(data, prefix="action", form_kwargs={"members": members})


def _with_more_rows(data):
    """The posted form again with more blank action rows (the "More rows" button)."""
    more = data.copy()
    total = int_or_none(more.get("action-TOTAL_FORMS")) or 0
    more["action-TOTAL_FORMS"] = str(min(total + ACTION_ROWS, 60))
    return more


@login_required
def meeting_new(request: HttpRequest, cycle_id: int) -> HttpResponse:
    user = request.user
    cycle = access_cycle(user, cycle_id)
    if not can_see_meetings_of(user, cycle):
        raise Http404
    require_meeting_recorder(user, cycle)
    if not cycle.is_open:
        messages.error(request, _("This cycle is closed. Reopen it (with a reason) to change it."))
        return redirect("practice:meetings", cycle_id=cycle.pk)
    members = team_members(cycle)
    posted = request.POST if request.method == "POST" else None
    if posted is not None and "more_rows" in posted:
        # Not a save: the same form with more rows, and nothing typed lost.
        posted = _with_more_rows(posted)
        form = MeetingForm(posted, cycle=cycle)
        actions = _action_formset(posted, members)
        return render(request, "practice/meeting_form.html",
                      {"cycle": cycle, "form": form, "actions": actions, "quiet": True})  # fmt: skip
    form = MeetingForm(posted, cycle=cycle)
    actions = _action_formset(posted, members)
    if posted is not None and form.is_valid() and actions.is_valid():
        drafts = [
            ActionDraft(text=row["text"], owner=row["owner"], due_date=row["due_date"])
            for row in actions.cleaned_data
            if row and row.get("text", "").strip()
        ]
        try:
            meeting = meeting_record(user=user, cycle=cycle, actions=drafts, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("practice:meeting", meeting_id=meeting.pk)
    status = 400 if posted is not None else 200
    context = {"cycle": cycle, "form": form, "actions": actions}
    return render(request, "practice/meeting_form.html", context, status=status)


def _action_rows(user, meeting: Meeting) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {
            "action": action,
            "overdue": action.is_overdue(today),
            "can_tick": can_tick_action(user, action) and meeting.cycle.is_open,
        }
        for action in meeting.actions.select_related("owner")
    ]


@login_required
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = request.user
    found = access_meeting(user, meeting_id)
    context = {
        "meeting": found,
        "cycle": found.cycle,
        "attendees": found.attendees.order_by("last_name", "first_name"),
        "measures": found.measures.all(),
        "occasions": found.occasions.all(),
        "actions": _action_rows(user, found),
    }
    return render(request, "practice/meeting.html", context)


@login_required
@require_POST
def action_done(request: HttpRequest, meeting_id: int, action_id: int) -> HttpResponse:
    user = request.user
    found = access_meeting(user, meeting_id)
    action = Action.objects.filter(meeting=found, pk=action_id).select_related("owner").first()
    if action is None:
        raise Http404
    action.meeting = found
    try:
        action_set_done(user=user, action=action, done=request.POST.get("done") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("practice:meeting", args=[found.pk]) + "#actions")
    if request.headers.get("HX-Request"):
        row = {"action": action, "overdue": action.is_overdue(timezone.localdate()),
               "can_tick": True}  # fmt: skip
        return render(request, "practice/_action_done.html", {"meeting": found, "row": row})
    return redirect(reverse("practice:meeting", args=[found.pk]) + "#actions")


# --- the implementation log ---------------------------------------------------


def _log_week(cycle: InquiryCycle, asked: str | None) -> dt.date:
    """The week the log page shows: the one asked for (``?week=YYYY-MM-DD``, any day of
    it), else this week, moved inside the cycle's weeks."""
    school = cycle.team.school
    try:
        week = week_of(dt.date.fromisoformat(asked)) if asked else this_week(school)
    except ValueError:
        week = this_week(school)
    week = min(week, this_week(school))
    if cycle.end_date is not None:
        week = min(week, week_of(cycle.end_date))
    if cycle.start_date is not None:
        week = max(week, week_of(cycle.start_date))
    return week


@login_required
def implementation_log(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Log this week: one tap per class × strategy, saved in one POST (no script needed)."""
    user = request.user
    cycle = access_cycle(user, cycle_id)
    if not can_log_implementation(user, cycle):
        raise PermissionDenied(
            _("Only members of %(team)s who teach a class log how they used its strategies.")
            % {"team": cycle.team}
        )
    week = _log_week(cycle, request.POST.get("week") or request.GET.get("week"))
    classes = log_classes(user, cycle)
    strategies = log_strategies(cycle)
    start = week_log(user, cycle, week)
    form = WeekLogForm(
        request.POST if request.method == "POST" else None,
        initial={"week": week},
        classes=classes,
        strategies=strategies,
        ratings=start.ratings,
        disabled=not cycle.is_open,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = implementation_log_save(
                    user=user, cycle=cycle, week=week, ratings=form.ratings()
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                status = 400
            else:
                messages.success(
                    request,
                    _("Week of %(week)s saved (%(n)d ratings changed).")
                    % {"week": week.isoformat(), "n": changed},
                )
                url = reverse("practice:log", args=[cycle.pk])
                return redirect(f"{url}?week={week.isoformat()}")
        else:
            status = 400
    seven = dt.timedelta(days=7)
    context = {
        "cycle": cycle,
        "form": form,
        "week": week,
        "prefilled_from": start.prefilled_from if request.method != "POST" else None,
        "previous": (week - seven) if week - seven >= _log_week(cycle, "0001-01-01") else None,
        "next": (week + seven) if _log_week(cycle, (week + seven).isoformat()) > week else None,
        "has_strategies": bool(strategies),
    }
    return render(request, "practice/log.html", context, status=status)


@login_required
def implementation_coverage(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Which teachers and classes used which strategies, how often and how fully: a heat
    map that is a real table. The team reads it by teacher and by class; anyone else
    who reads the cycle, the team as a whole, and only over enough teachers."""
    user = request.user
    cycle = access_cycle(user, cycle_id)
    detail = can_see_coverage_detail(user, cycle)
    team = coverage(cycle, by="team")
    min_staff = privacy.min_staff_n()
    hidden = None
    if not detail and privacy.is_small(team.teachers, min_staff):
        hidden = privacy.small_group(min_staff, "staff")
    context = {
        "cycle": cycle,
        "detail": detail,
        "team": team,
        "hidden": hidden,
        "by_teacher": coverage(cycle, by="teacher") if detail else None,
        "by_class": coverage(cycle, by="class") if detail else None,
        "can_log": can_log_implementation(user, cycle) and cycle.is_open,
    }
    return render(request, "practice/coverage.html", context)


urlpatterns = [
    path("cycles/<int:cycle_id>/log/", implementation_log, name="log"),
    path("cycles/<int:cycle_id>/coverage/", implementation_coverage, name="coverage"),
    path("cycles/<int:cycle_id>/rounds/", rounds, name="rounds"),
    path("cycles/<int:cycle_id>/rounds/new/", plan, name="plan"),
    path("rounds/<int:observation_id>/", observation, name="observation"),
    path("rounds/<int:observation_id>/plan/", plan_change, name="plan_change"),
    path("rounds/<int:observation_id>/cancel/", plan_cancel, name="plan_cancel"),
    path("rounds/<int:observation_id>/notes/", note, name="note"),
    path("rounds/<int:observation_id>/notes/<int:note_id>/", note_edit, name="note_edit"),
    path(
        "rounds/<int:observation_id>/notes/<int:note_id>/delete/", note_remove, name="note_delete"
    ),
    path("rounds/<int:observation_id>/tallies/", tally, name="tally"),
    path("rounds/<int:observation_id>/photos/", photo_new, name="photo_new"),
    path("rounds/<int:observation_id>/photos/<int:photo_id>/", photo, name="photo"),
    path("rounds/<int:observation_id>/pre-brief/", pre_brief, name="pre_brief"),
    path("rounds/<int:observation_id>/debrief/", debrief, name="debrief"),
    path("rounds/<int:observation_id>/share/", share, name="share"),
    path("cycles/<int:cycle_id>/meetings/", meetings, name="meetings"),
    path("cycles/<int:cycle_id>/meetings/new/", meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", meeting, name="meeting"),
    path(
        "meetings/<int:meeting_id>/actions/<int:action_id>/done/", action_done, name="action_done"
    ),
]
