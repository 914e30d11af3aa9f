"""Creating, planning, moving and closing a cycle (the team's side of the loop).

Every view fetches through the access layer (a cycle the person may not read
is a 404), calls a service (which refuses a write the person may not make with
PermissionDenied, shown as the 403 page) and renders. A form that a service
refuses is shown again with what the person typed and each message next to
its field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from efficacy.access import roster as access
from efficacy.access.cycles import (
    access_cycle,
    access_library_school,
    can_add_strategy,
    can_see_student_evidence,
    require_editor,
)
from efficacy.access.practice import can_log_implementation
from efficacy.cycles.impact.panel import cycle_verdict
from efficacy.cycles.models import (
    STATUS_ORDER,
    CycleStatus,
    InquiryCycle,
    Milestone,
    Reflection,
)
from efficacy.cycles.plan.forms import (
    CycleForm,
    MeasureForm,
    MilestoneForm,
    OccasionForm,
    ReflectionForm,
    StepBackForm,
    StrategyChoiceForm,
    StrategyForm,
)
from efficacy.cycles.plan.groups import group_describe
from efficacy.cycles.plan.selectors import (
    cycle_population,
    purposeful_practice_problems,
    shared_work_status,
    strategies_for_school,
)
from efficacy.cycles.plan.services import (
    cycle_advance,
    cycle_create,
    cycle_start,
    cycle_step_back,
    cycle_strategies_set,
    cycle_strategy_decide,
    cycle_update,
    measure_create,
    milestone_create,
    milestone_delete,
    milestone_set_done,
    milestone_update,
    occasion_create,
    strategy_create,
)
from efficacy.cycles.stories.mastery import grade_words
from efficacy.cycles.stories.services import cycle_close, learning_story_create, reflection_save
from efficacy.cycles.stories.story import moment_evidence, reflection_sections
from efficacy.forms import add_service_errors
from efficacy.privacy import student_count
from efficacy.roster.models import Status, User

#: The elements a cycle needs before it starts, in the order the checklist shows them.
READY_ELEMENTS = [
    ("mastery_goal", gettext_lazy("A narrow goal")),
    ("specific_focus", gettext_lazy("A specific focus")),
    ("plan", gettext_lazy("A clear plan")),
    ("monitoring", gettext_lazy("A means of monitoring progress")),
    ("prediction", gettext_lazy("A prediction")),
]

#: The session key that carries a refused close's errors to the reflection page.
CLOSE_ERRORS = "cycles_close_errors"


def _detail_url(cycle: InquiryCycle, anchor: str = "") -> str:
    url = reverse("cycles:detail", args=[cycle.pk])
    return f"{url}#{anchor}" if anchor else url


def _members(cycle: InquiryCycle):
    return User.objects.filter(
        team_memberships__team=cycle.team, status=Status.ACTIVE, is_active=True
    ).order_by("last_name", "first_name")


# --- creating and editing -----------------------------------------------------


@login_required
def new(request: HttpRequest, team_id: int) -> HttpResponse:
    user = request.user
    team = access.access_team(user, team_id)
    require_editor(user, team)
    form = CycleForm(request.POST or None, school=team.school)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = cycle_create(user=user, team=team, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Cycle “%(title)s” created. Next: choose strategies, define a measure and "
                    "occasions, and plan the milestones."
                )
                % {"title": cycle.title},
            )
            return redirect("cycles:detail", cycle_id=cycle.pk)
    return render(request, "cycles/cycle_form.html", {"team": team, "form": form, "cycle": None})


@login_required
def edit(request: HttpRequest, cycle_id: int) -> HttpResponse:
    user = request.user
    cycle = access_cycle(user, cycle_id)
    require_editor(user, cycle.team)
    form = CycleForm(request.POST or None, school=cycle.team.school, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            cycle_update(user=user, cycle=cycle, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
            cycle.refresh_from_db()  # the refused values stay in the form, not on the page
        else:
            messages.success(request, _("The cycle is saved."))
            return redirect("cycles:detail", cycle_id=cycle.pk)
    context = {"team": cycle.team, "form": form, "cycle": cycle}
    return render(request, "cycles/cycle_form.html", context)


# --- the cycle page -----------------------------------------------------------


def _steps(cycle: InquiryCycle) -> list[dict[str, Any]]:
    current = STATUS_ORDER.index(cycle.status)
    return [
        {
            "label": CycleStatus(status).label,
            "state": "done" if i < current else "current" if i == current else "upcoming",
        }
        for i, status in enumerate(STATUS_ORDER)
    ]


def _checklist(cycle: InquiryCycle, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    problems = purposeful_practice_problems(cycle)
    return [
        {
            "key": key,
            "label": label,
            "ready": key not in problems,
            "why": problems.get(key, ""),
            "refused": bool(errors.get(key)),
        }
        for key, label in READY_ELEMENTS
    ]


def _shared_work_nudge(cycle: InquiryCycle, *, may_name_members: bool) -> list[str]:
    """The shared-work status in plain words; members are named only to the team's own people."""
    status = shared_work_status(cycle)
    nudges = list(status.missing)
    if status.members_without_common_evidence and not may_name_members:
        nudges[-1] = _(
            "Some members' classes have no common-measure scores yet (%(n)d of the team)."
        ) % {"n": len(status.members_without_common_evidence)}
    return nudges


def _performance_goal(cycle: InquiryCycle) -> str:
    if not cycle.has_performance_goal:
        return ""
    return _goal_text(
        cycle.performance_target_percent,
        cycle.performance_threshold,
        cycle.performance_measure.name,
    )


def _goal_text(target: int, threshold: float, measure: str) -> str:
    return _("%(target)d%% of focus students at %(threshold)g or above on %(measure)s") % {
        "target": target,
        "threshold": threshold,
        "measure": measure,
    }


def _goal_at_start(cycle: InquiryCycle) -> str:
    """The goal the verdict judges, in words, when it is no longer the goal shown."""
    if not cycle.goal_changed():
        return ""
    goal = cycle.goal_at_start or {}
    if goal.get("measure_id") is None:
        return _("no performance goal")
    return _goal_text(goal["target_percent"], goal["threshold"], goal.get("measure") or "")


def _goal_changes(cycle: InquiryCycle) -> list[Any]:
    changes = list(cycle.goal_changes.select_related("changed_by"))
    for change in changes:
        change.label = capfirst(InquiryCycle._meta.get_field(change.field).verbose_name)
    return changes


def _detail_context(request: HttpRequest, cycle: InquiryCycle, **overrides) -> dict[str, Any]:
    user = request.user
    team = cycle.team
    can_edit = access.can_edit_team(user, team)
    can_contribute = access.can_contribute_to_team(user, team)
    members = _members(cycle)
    population = cycle_population(cycle)
    closed = cycle.status == CycleStatus.CLOSED
    moments = list(cycle.mastery_moments.all()) if closed else []
    for moment in moments:
        # The snapshot as the story tells it: a group below the threshold shows no figure.
        moment.evidence = moment_evidence(moment)
        moment.sections = reflection_sections(moment.reflection)
        moment.grade_text = grade_words(moment.evidence_grade)
    context = {
        "cycle": cycle,
        "team": team,
        "can_edit": can_edit,
        "can_contribute": can_contribute,
        "can_log": can_contribute and can_log_implementation(user, cycle),
        "can_see_evidence": can_see_student_evidence(user, cycle),
        "visible_staff": set(access.staff_for(user).values_list("pk", flat=True)),
        "steps": _steps(cycle),
        "focus_text": group_describe(cycle.focus),
        "comparison_text": group_describe(cycle.comparison),
        "focus_n": student_count(len(population.focus)),
        "comparison_n": student_count(len(population.comparison)),
        "performance_goal": _performance_goal(cycle),
        "goal_at_start": _goal_at_start(cycle),
        "goal_changes": _goal_changes(cycle),
        "start_errors": {},
        "cycle_strategies": cycle.cycle_strategies.select_related("strategy").prefetch_related(
            "strategy__look_fors"
        ),
        "milestones": cycle.milestones.select_related("owner"),
        "measures": cycle.measures.all(),
        "occasions": cycle.occasions.all(),
        "shared_nudges": _shared_work_nudge(cycle, may_name_members=can_contribute),
        "history": cycle.status_changes.select_related("changed_by"),
        "moments": moments,
        "verdict": cycle_verdict(cycle) if closed and not moments else None,
        "reflection": Reflection.objects.filter(cycle=cycle).first(),
        "back_form": StepBackForm(),
    }
    if can_edit and not closed:
        context["milestone_form"] = MilestoneForm(members=members)
        context["measure_form"] = MeasureForm()
        context["occasion_form"] = OccasionForm()
    context.update(overrides)
    context["checklist"] = _checklist(cycle, context["start_errors"])
    return context


def _render_detail(request: HttpRequest, cycle: InquiryCycle, **overrides) -> HttpResponse:
    return render(request, "cycles/detail.html", _detail_context(request, cycle, **overrides))


@login_required
def detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return _render_detail(request, access_cycle(request.user, cycle_id))


# --- strategies ------------------------------------------------------------------


@login_required
def strategies(request: HttpRequest, cycle_id: int) -> HttpResponse:
    user = request.user
    cycle = access_cycle(user, cycle_id)
    require_editor(user, cycle.team)
    if not cycle.is_open:
        return _refuse_closed(request, cycle, _detail_url(cycle, "strategies"))
    available = list(strategies_for_school(cycle.team.school))
    chosen = list(cycle.cycle_strategies.all())
    form = StrategyChoiceForm(
        request.POST or None,
        strategies=available,
        initial={
            "strategies": [cs.strategy_id for cs in chosen],
            "shared": [cs.strategy_id for cs in chosen if cs.used_by_every_member],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            cycle_strategies_set(
                user=user,
                cycle=cycle,
                strategy_ids=form.cleaned_data["strategies"],
                shared_ids=form.cleaned_data["shared"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cycle's strategies are saved."))
            return redirect(_detail_url(cycle, "strategies"))
    context = {
        "cycle": cycle,
        "form": form,
        "library": [s for s in available if s.school_id is None],
        "own": [s for s in available if s.school_id is not None],
        "chosen": form.selected("strategies"),
        "shared": form.selected("shared"),
    }
    return render(request, "cycles/strategies.html", context)


@login_required
def strategy_library(request: HttpRequest, school_id: int) -> HttpResponse:
    user = request.user
    school = access_library_school(user, school_id)
    available = list(strategies_for_school(school))
    context = {
        "school": school,
        "library": [s for s in available if s.school_id is None],
        "own": [s for s in available if s.school_id is not None],
        "may_add": can_add_strategy(user, school),
    }
    return render(request, "cycles/strategy_library.html", context)


@login_required
def strategy_new(request: HttpRequest, school_id: int) -> HttpResponse:
    user = request.user
    school = access_library_school(user, school_id)
    if not can_add_strategy(user, school):
        raise PermissionDenied(
            _(
                "Only a school leader, coach or team lead can add strategies to the school's library."
            )
        )
    form = StrategyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            strategy = strategy_create(
                user=user,
                school=school,
                name=data["name"],
                description=data["description"],
                look_fors=form.lines(data["look_fors"]),
                references=form.lines(data["references"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(name)s” is in your school's strategy library.") % {"name": strategy.name},
            )
            return redirect(
                reverse("cycles:strategy_library", args=[school.pk]) + f"#strategy-{strategy.pk}"
            )
    return render(request, "cycles/strategy_new.html", {"school": school, "form": form})


# --- milestones, measures, occasions ----------------------------------------------


@login_required
@require_POST
def milestones(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Add a milestone to the plan (editors)."""
    cycle = access_cycle(request.user, cycle_id)
    require_editor(request.user, cycle.team)
    return _add_to_cycle(
        request,
        cycle,
        MilestoneForm(request.POST, members=_members(cycle)),
        milestone_create,
        lambda _milestone: _("Milestone added to the plan."),
        anchor="plan",
        form_name="milestone_form",
    )


def _add_to_cycle(
    request: HttpRequest,
    cycle: InquiryCycle,
    form: Any,
    create: Callable[..., Any],
    success: Callable[[Any], str],
    *,
    anchor: str,
    form_name: str,
) -> HttpResponse:
    """Create what ``form`` describes with ``create`` and go back to the cycle page's
    ``anchor``; a refusal shows the page again with the form and its errors."""
    if not cycle.is_open:
        return _refuse_closed(request, cycle, _detail_url(cycle, anchor))
    if form.is_valid():
        try:
            created = create(user=request.user, cycle=cycle, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success(created))
            return redirect(_detail_url(cycle, anchor))
    return _render_detail(request, cycle, **{form_name: form})


def _access_milestone(cycle: InquiryCycle, milestone_id: int) -> Milestone:
    try:
        return cycle.milestones.select_related("owner").get(pk=milestone_id)
    except Milestone.DoesNotExist as exc:
        raise Http404 from exc


def _refuse_closed(request: HttpRequest, cycle: InquiryCycle, url: str) -> HttpResponse:
    """A change asked of a closed cycle: say why nothing changed, and go back to ``url``."""
    try:
        cycle.require_open()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(url)


@login_required
def milestone(request: HttpRequest, cycle_id: int, milestone_id: int) -> HttpResponse:
    """Tick a milestone off (any member); edit or delete it (editors)."""
    user = request.user
    cycle = access_cycle(user, cycle_id)
    the_milestone = _access_milestone(cycle, milestone_id)
    action = request.POST.get("action") if request.method == "POST" else None
    if not cycle.is_open and access.can_contribute_to_team(user, cycle.team):
        return _refuse_closed(request, cycle, _detail_url(cycle, "plan"))
    if action == "done":
        milestone_set_done(user=user, milestone=the_milestone, done=request.POST.get("done") == "1")
        if request.headers.get("HX-Request"):
            context = {"cycle": cycle, "milestone": the_milestone, "can_contribute": True}
            return render(request, "cycles/_milestone_done.html", context)
        return redirect(_detail_url(cycle, "plan"))
    require_editor(user, cycle.team)
    if action == "delete":
        milestone_delete(user=user, milestone=the_milestone)
        messages.success(
            request, _("Milestone “%(title)s” deleted.") % {"title": the_milestone.title}
        )
        return redirect(_detail_url(cycle, "plan"))
    initial = {
        "title": the_milestone.title,
        "owner": the_milestone.owner_id,
        "due_date": the_milestone.due_date,
    }
    form = MilestoneForm(
        request.POST if action == "save" else None, members=_members(cycle), initial=initial
    )
    if action == "save" and form.is_valid():
        try:
            milestone_update(user=user, milestone=the_milestone, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Milestone saved."))
            return redirect(_detail_url(cycle, "plan"))
    context = {"cycle": cycle, "milestone": the_milestone, "form": form}
    return render(request, "cycles/milestone_form.html", context)


@login_required
@require_POST
def measures(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access_cycle(request.user, cycle_id)
    require_editor(request.user, cycle.team)
    return _add_to_cycle(
        request,
        cycle,
        MeasureForm(request.POST),
        measure_create,
        lambda measure: _("Measure “%(name)s” added.") % {"name": measure.name},
        anchor="measures",
        form_name="measure_form",
    )


@login_required
@require_POST
def occasions(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access_cycle(request.user, cycle_id)
    require_editor(request.user, cycle.team)
    return _add_to_cycle(
        request,
        cycle,
        OccasionForm(request.POST),
        occasion_create,
        lambda occasion: _("Occasion “%(name)s” added.") % {"name": occasion.name},
        anchor="measures",
        form_name="occasion_form",
    )


# --- status ---------------------------------------------------------------------


@login_required
@require_POST
def status(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Start, move to reviewing, close, or go back a step (with a reason)."""
    user = request.user
    cycle = access_cycle(user, cycle_id)
    require_editor(user, cycle.team)
    action = request.POST.get("action")
    try:
        if action == "start":
            cycle_start(user=user, cycle=cycle)
            messages.success(request, _("The cycle has started. Your prediction is recorded."))
        elif action == "advance":
            cycle_advance(user=user, cycle=cycle)
            messages.success(
                request,
                _("The cycle is in review: answer the reflection prompts next to the evidence."),
            )
        elif action == "back":
            form = StepBackForm(request.POST)
            form.is_valid()
            cycle_step_back(user=user, cycle=cycle, reason=form.cleaned_data.get("reason", ""))
            messages.success(
                request,
                _("The cycle went back to %(status)s.") % {"status": cycle.get_status_display()},
            )
        elif action == "close":
            return _close(request, cycle)
        else:
            messages.error(request, _("Choose one of the status buttons on the cycle page."))
    except ValidationError as error:
        return _status_refused(request, cycle, action, error)
    return redirect(_detail_url(cycle, "status"))


def _close(request: HttpRequest, cycle: InquiryCycle) -> HttpResponse:
    moment = cycle_close(user=request.user, cycle=cycle)
    if moment is not None:
        messages.success(
            request,
            _(
                "The cycle is closed and a mastery moment was recorded: the evidence met the "
                "goal. Share its story with the school when the team is ready."
            ),
        )
    elif (verdict := cycle_verdict(cycle)) is not None and verdict.suppressed:
        messages.warning(
            request,
            _(
                "The cycle is closed with no verdict: %(reason)s What the team learned is still "
                "worth sharing."
            )
            % {"reason": verdict.reason},
        )
    else:
        messages.warning(
            request,
            _(
                "The cycle is closed. The goal was not met: %(reason)s Say so honestly: what the "
                "team learned is still worth sharing."
            )
            % {"reason": verdict.reason if verdict is not None else _("The cycle has no measure.")},
        )
    return redirect(_detail_url(cycle, "outcome"))


@login_required
@require_POST
def learning_story(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """A closed cycle that missed its goal shares what it learned (the team's editors)."""
    cycle = access_cycle(request.user, cycle_id)
    require_editor(request.user, cycle.team)
    try:
        moment = learning_story_create(user=request.user, cycle=cycle)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_detail_url(cycle, "outcome"))
    messages.success(
        request,
        _(
            "The learning story is written. Read it, then publish it to the school when the "
            "team is ready."
        ),
    )
    return redirect("cycles:story", moment_id=moment.pk)


def _status_refused(
    request: HttpRequest, cycle: InquiryCycle, action: str | None, error: ValidationError
) -> HttpResponse:
    cycle.refresh_from_db()
    errors = error.message_dict if hasattr(error, "error_dict") else {}
    if action == "start" and errors:
        messages.error(
            request,
            _("The cycle cannot start yet: the checklist shows what is missing and why."),
        )
        return _render_detail(request, cycle, start_errors=errors)
    if action == "back" and errors:
        form = StepBackForm(request.POST)
        add_service_errors(form, error)
        return _render_detail(request, cycle, back_form=form)
    if action == "close" and set(errors) & set(Reflection.PROMPTS):
        request.session[CLOSE_ERRORS] = errors
        messages.error(
            request,
            _(
                "Before the cycle closes, answer every reflection prompt: the school learns from it."
            ),
        )
        return redirect("cycles:reflection", cycle_id=cycle.pk)
    messages.error(request, " ".join(error.messages))
    return redirect(_detail_url(cycle, "status"))


# --- reflection --------------------------------------------------------------------


@login_required
def reflection(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The cause-and-effect prompts and the decision per strategy, next to the evidence."""
    user = request.user
    cycle = access_cycle(user, cycle_id)
    can_contribute = access.can_contribute_to_team(user, cycle.team)
    can_edit = access.can_edit_team(user, cycle.team)
    the_reflection = Reflection.objects.filter(cycle=cycle).first()
    cycle_strategies = list(cycle.cycle_strategies.select_related("strategy"))
    decide = can_edit and cycle.status == CycleStatus.REVIEWING
    started = STATUS_ORDER.index(cycle.status) >= STATUS_ORDER.index(CycleStatus.IMPLEMENTING)
    form = ReflectionForm(
        request.POST if request.method == "POST" else None,
        reflection=the_reflection,
        cycle_strategies=cycle_strategies,
        decide=decide,
    )
    close_errors = request.session.pop(CLOSE_ERRORS, None)
    if close_errors and request.method == "GET":
        # Bind the saved answers so the refused close's messages sit next to their prompts.
        saved = {name: form[name].value() or "" for name in form.fields}
        form = ReflectionForm(
            saved, reflection=the_reflection, cycle_strategies=cycle_strategies, decide=decide
        )
        form.is_valid()
        for name, errors in close_errors.items():
            if name in form.fields:
                form.add_error(name, errors)
    if request.method == "POST":
        if not can_contribute:
            raise PermissionDenied(
                _("Only members of %(team)s can reflect on its cycles.") % {"team": cycle.team}
            )
        if not cycle.is_open:
            return _refuse_closed(request, cycle, reverse("cycles:reflection", args=[cycle.pk]))
        if form.is_valid() and _save_reflection(request, cycle, form):
            messages.success(request, _("The reflection is saved."))
            return redirect("cycles:reflection", cycle_id=cycle.pk)
    context = {
        "cycle": cycle,
        "form": form,
        "reflection": the_reflection,
        "cycle_strategies": cycle_strategies,
        "can_contribute": can_contribute,
        "can_edit": can_edit,
        "decide": decide,
        "started": started,
    }
    return render(request, "cycles/reflection.html", context)


def _save_reflection(request: HttpRequest, cycle: InquiryCycle, form: ReflectionForm) -> bool:
    """Save the answers, notes and decisions together, or nothing (errors go on the form)."""
    try:
        with transaction.atomic():
            reflection_save(
                user=request.user,
                cycle=cycle,
                strategy_notes=form.strategy_notes(),
                **form.answers(),
            )
            for cs, decision, note in form.decisions():
                try:
                    cycle_strategy_decide(
                        user=request.user, cycle_strategy=cs, decision=decision, note=note
                    )
                except ValidationError as error:
                    add_service_errors(form, error, aliases={"decision": f"decision_{cs.pk}"})
            if form.errors:
                raise _Refused
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    except _Refused:
        return False
    return True


class _Refused(Exception):
    """Rolls the reflection back when one of its decisions is refused."""


urlpatterns = [
    path("teams/<int:team_id>/cycles/new/", new, name="new"),
    path("cycles/<int:cycle_id>/", detail, name="detail"),
    path("cycles/<int:cycle_id>/edit/", edit, name="edit"),
    path("cycles/<int:cycle_id>/strategies/", strategies, name="strategies"),
    path("cycles/<int:cycle_id>/milestones/", milestones, name="milestones"),
    path("cycles/<int:cycle_id>/milestones/<int:milestone_id>/", milestone, name="milestone"),
    path("cycles/<int:cycle_id>/measures/", measures, name="measures"),
    path("cycles/<int:cycle_id>/occasions/", occasions, name="occasions"),
    path("cycles/<int:cycle_id>/status/", status, name="status"),
    path("cycles/<int:cycle_id>/reflection/", reflection, name="reflection"),
    path("cycles/<int:cycle_id>/learning-story/", learning_story, name="learning_story"),
    path("schools/<int:school_id>/strategies/", strategy_library, name="strategy_library"),
    path("schools/<int:school_id>/strategies/new/", strategy_new, name="strategy_new"),
]
