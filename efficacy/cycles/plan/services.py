"""Changes to a cycle's plan: its fields, status, strategies, milestones, measures and occasions.

Each service takes the acting ``user`` and checks the write rule itself
(:mod:`efficacy.access.cycles`), raising ``PermissionDenied``; bad input
raises ``ValidationError`` whose messages say what is wrong and how to fix it
(a dict keyed by field where a form can show it next to the field). Objects
passed in are expected to come from the access layer (``access_team``), so a
view stays a few lines: fetch, call, render.

Evidence is written by :mod:`efficacy.cycles.evidence.services`; the reflection,
closing and the mastery moment by :mod:`efficacy.cycles.stories.services`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from efficacy.access.cycles import can_add_strategy, require_contributor, require_editor
from efficacy.audit.models import Action as Audit
from efficacy.audit.services import record
from efficacy.cycles.models import (
    STATUS_ORDER,
    CycleStatus,
    CycleStrategy,
    GoalChange,
    InquiryCycle,
    LookFor,
    Measure,
    Milestone,
    Occasion,
    StatusChange,
    Strategy,
)
from efficacy.cycles.plan.groups import group_normalise
from efficacy.cycles.plan.selectors import purposeful_practice_problems
from efficacy.roster.models import School, User

# --- strategies -------------------------------------------------------------


def strategy_create(
    *,
    user: User,
    school: School,
    name: str,
    description: str,
    look_fors: Iterable[str],
    references: Iterable[str] = (),
) -> Strategy:
    """A school's own strategy, beside the library. School leaders, coaches, team leads."""
    if not can_add_strategy(user, school):
        raise PermissionDenied(
            _(
                "Only a school leader, coach or team lead can add strategies to the school's library."
            )
        )
    name = (name or "").strip()
    look_for_texts = [t.strip() for t in look_fors if t and t.strip()]
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the strategy a name.")]
    if not (description or "").strip():
        errors["description"] = [
            _("Describe the strategy in a few sentences so colleagues can try it.")
        ]
    if not look_for_texts:
        errors["look_fors"] = [
            _(
                "Add at least one look-for: something an observer could see or hear when the strategy is in use."
            )
        ]
    slug = slugify(name)[:200] or "strategy"
    if name and Strategy.objects.filter(school=school, slug=slug).exists():
        errors["name"] = [
            _("Your school already has a strategy called “%(name)s”.") % {"name": name}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        strategy = Strategy.objects.create(
            school=school,
            name=name,
            slug=slug,
            description=description.strip(),
            references=[r.strip() for r in references if r and r.strip()],
        )
        LookFor.objects.bulk_create(
            LookFor(strategy=strategy, text=text, order=i) for i, text in enumerate(look_for_texts)
        )
    return strategy


# --- the cycle --------------------------------------------------------------


#: The cycle's words and dates, as the cycle form shows them.
TEXT_FIELDS = (
    "title",
    "problem_of_practice",
    "mastery_goal",
    "focus_chosen_for_low_scores",
    "specific_focus",
    "plan",
    "monitoring",
    "prediction",
    "start_date",
    "end_date",
)


#: The performance goal, set once the cycle has a measure (so only when editing).
GOAL_FIELDS = ("performance_measure", "performance_threshold", "performance_target_percent")


#: Fields a person edits on the cycle form.
EDITABLE_FIELDS = {*TEXT_FIELDS, "focus", "comparison", *GOAL_FIELDS}


def cycle_create(*, user: User, team, title: str, **fields: Any) -> InquiryCycle:
    """A new cycle in planning. ``fields``: any of :data:`EDITABLE_FIELDS` but the performance goal."""
    require_editor(user, team)
    cycle = InquiryCycle(team=team, created_by=user)
    _apply(cycle, {"title": title, **fields}, creating=True)
    cycle.save()
    StatusChange.objects.create(
        cycle=cycle, from_status="", to_status=CycleStatus.PLANNING, changed_by=user
    )
    return cycle


def cycle_update(
    *, user: User, cycle: InquiryCycle, goal_change_reason: str = "", **fields: Any
) -> InquiryCycle:
    """Change what ``fields`` names. Once the cycle has started, the performance goal, its
    measure and the prediction are frozen (:attr:`InquiryCycle.FROZEN_FIELDS`): changing
    one needs ``goal_change_reason``, and each change is recorded (:class:`GoalChange`).
    The verdict still judges the goal as it stood at the start."""
    require_editor(user, cycle.team)
    cycle.require_open()
    before = {name: _frozen_value(cycle, name) for name in InquiryCycle.FROZEN_FIELDS}
    _apply(cycle, fields, creating=False)
    changed = {
        name: (old, _frozen_value(cycle, name))
        for name, old in before.items()
        if old != _frozen_value(cycle, name)
    }
    reason = (goal_change_reason or "").strip()
    if changed and cycle.goal_frozen and not reason:
        raise ValidationError(
            {
                "goal_change_reason": [
                    _(
                        "The goal and the prediction were fixed when the cycle started. Say why "
                        "they change: the cycle page and its story will show the old and the new "
                        "goal, and the verdict still judges the goal the cycle started with."
                    )
                ]
            }
        )
    with transaction.atomic():
        cycle.save()
        if changed:
            record(actor=user, action=Audit.GOAL_CHANGED, school=cycle.team.school_id,
                   target=cycle, detail={"fields": sorted(changed), "frozen": cycle.goal_frozen})  # fmt: skip
        if changed and cycle.goal_frozen:
            GoalChange.objects.bulk_create(
                GoalChange(
                    cycle=cycle,
                    field=name,
                    old_value=old,
                    new_value=new,
                    reason=reason,
                    changed_by=user,
                )
                for name, (old, new) in changed.items()
            )
    return cycle


def _frozen_value(cycle: InquiryCycle, name: str) -> Any:
    """A frozen field's value as recorded in a :class:`GoalChange` (a measure by name)."""
    if name == "performance_measure":
        measure = cycle.performance_measure
        return measure.name if measure is not None else None
    return getattr(cycle, name)


def _apply(cycle: InquiryCycle, fields: dict[str, Any], *, creating: bool) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    errors: dict[str, list[str]] = {}
    school = cycle.team.school
    for key, value in fields.items():
        if key in {"focus", "comparison"}:
            try:
                value = group_normalise(value, school=school, comparison=key == "comparison")
            except ValidationError as exc:
                errors[key] = exc.messages
                continue
        elif isinstance(value, str):
            value = value.strip()
        setattr(cycle, key, value)
    if "title" in fields and not cycle.title:
        errors["title"] = [_("Give the cycle a title.")]
    if cycle.start_date and cycle.end_date and cycle.end_date < cycle.start_date:
        errors["end_date"] = [_("The end date is before the start date.")]
    if cycle.comparison.get("earlier_term") and not (
        cycle.focus.get("classes") or cycle.focus.get("courses")
    ):
        errors["comparison"] = [
            _("To compare with an earlier term, choose the focus group's classes or course first.")
        ]
    errors.update(_performance_goal_errors(cycle))
    if errors:
        raise ValidationError(errors)


def _performance_goal_errors(cycle: InquiryCycle) -> dict[str, list[str]]:
    measure = cycle.performance_measure
    threshold = cycle.performance_threshold
    target = cycle.performance_target_percent
    if measure is None and threshold is None and target is None:
        return {}
    if measure is None or threshold is None or target is None:
        return {
            "performance_measure": [
                _(
                    "A performance goal needs a measure, a threshold and a target share of students, e.g. 70% at level 3 or above."
                )
            ]
        }
    if measure.cycle_id != cycle.pk:
        return {"performance_measure": [_("Choose one of this cycle's measures.")]}
    if not measure.in_range(threshold):
        return {
            "performance_threshold": [
                _("The threshold must be within %(measure)s's range, %(low)s to %(high)s.")
                % {"measure": measure.name, "low": measure.min_score, "high": measure.max_score}
            ]
        }
    if not 1 <= target <= 100:
        return {"performance_target_percent": [_("The target is a percentage from 1 to 100.")]}
    return {}


def cycle_start(*, user: User, cycle: InquiryCycle) -> InquiryCycle:
    """planning → implementing, only with the four elements of purposeful practice (and a prediction)."""
    require_editor(user, cycle.team)
    cycle_require_status(cycle, CycleStatus.PLANNING)
    problems = purposeful_practice_problems(cycle)
    if problems:
        raise ValidationError({key: [message] for key, message in problems.items()})
    if cycle.start_date is None:
        cycle.start_date = cycle.team.school.today()
    cycle.freeze_goal()  # the goal the verdict will judge; kept if the cycle ever steps back
    return cycle_move(cycle, CycleStatus.IMPLEMENTING, user=user)


def cycle_advance(*, user: User, cycle: InquiryCycle) -> InquiryCycle:
    """implementing → reviewing. Starting and closing have their own services."""
    require_editor(user, cycle.team)
    cycle_require_status(cycle, CycleStatus.IMPLEMENTING)
    return cycle_move(cycle, CycleStatus.REVIEWING, user=user)


def cycle_step_back(*, user: User, cycle: InquiryCycle, reason: str) -> InquiryCycle:
    """One step back (reopening a closed cycle included); the reason is recorded."""
    require_editor(user, cycle.team)
    index = STATUS_ORDER.index(cycle.status)
    if index == 0:
        raise ValidationError(_("The cycle is in planning: there is no earlier step."))
    if not (reason or "").strip():
        raise ValidationError(
            {
                "reason": [
                    _(
                        "Say why the cycle goes back a step; the team will see it in the cycle's history."
                    )
                ]
            }
        )
    return cycle_move(cycle, STATUS_ORDER[index - 1], user=user, reason=reason.strip())


def cycle_require_status(cycle: InquiryCycle, expected: str) -> None:
    """Refuse a step that needs the cycle in ``expected`` status (callers check who may act)."""
    if cycle.status != expected:
        raise ValidationError(
            _("The cycle is %(status)s; this step needs it to be %(expected)s.")
            % {"status": cycle.get_status_display(), "expected": CycleStatus(expected).label}
        )


def cycle_move(cycle: InquiryCycle, to: str, *, user: User, reason: str = "") -> InquiryCycle:
    """Change the status and record the change (callers check who may act and from where)."""
    with transaction.atomic():
        StatusChange.objects.create(
            cycle=cycle, from_status=cycle.status, to_status=to, changed_by=user, reason=reason
        )
        cycle.status = to
        cycle.save()
    return cycle


def cycle_strategies_set(
    *, user: User, cycle: InquiryCycle, strategy_ids: Iterable[int], shared_ids: Iterable[int] = ()
) -> list[CycleStrategy]:
    """Replace the cycle's strategies; ``shared_ids`` are those every member uses.

    Strategies kept keep their end-of-cycle decision and note.
    """
    require_editor(user, cycle.team)
    cycle.require_open()
    wanted = [int(i) for i in dict.fromkeys(strategy_ids)]
    shared = {int(i) for i in shared_ids}
    available = set(
        Strategy.objects.filter(pk__in=wanted, active=True)
        .filter(school__isnull=True)
        .values_list("pk", flat=True)
    ) | set(
        Strategy.objects.filter(pk__in=wanted, active=True, school=cycle.team.school).values_list(
            "pk", flat=True
        )
    )
    unavailable = [i for i in wanted if i not in available]
    if unavailable:
        raise ValidationError(
            {"strategies": [_("Choose strategies from the library or your school's own list.")]}
        )
    if shared - set(wanted):
        raise ValidationError(
            {
                "strategies": [
                    _("A strategy every member uses must also be one of the cycle's strategies.")
                ]
            }
        )
    with transaction.atomic():
        CycleStrategy.objects.filter(cycle=cycle).exclude(strategy_id__in=wanted).delete()
        existing = {cs.strategy_id: cs for cs in CycleStrategy.objects.filter(cycle=cycle)}
        for strategy_id in wanted:
            cs = existing.get(strategy_id) or CycleStrategy(cycle=cycle, strategy_id=strategy_id)
            cs.used_by_every_member = strategy_id in shared
            cs.save()
    return list(CycleStrategy.objects.filter(cycle=cycle).select_related("strategy"))


def cycle_strategy_decide(
    *, user: User, cycle_strategy: CycleStrategy, decision: str, note: str = ""
) -> CycleStrategy:
    """Adopt, adapt or abandon a strategy at the end of the cycle (while reviewing)."""
    cycle = cycle_strategy.cycle
    require_editor(user, cycle.team)
    cycle_require_status(cycle, CycleStatus.REVIEWING)
    if decision not in CycleStrategy.Decision.values:
        raise ValidationError({"decision": [_("Choose adopt, adapt or abandon.")]})
    cycle_strategy.decision = decision
    cycle_strategy.decision_note = (note or "").strip()
    cycle_strategy.save()
    return cycle_strategy


# --- milestones -------------------------------------------------------------


def milestone_create(
    *,
    user: User,
    cycle: InquiryCycle,
    title: str,
    owner: User | None = None,
    due_date: dt.date | None = None,
) -> Milestone:
    require_editor(user, cycle.team)
    cycle.require_open()
    milestone = Milestone(cycle=cycle)
    _milestone_apply(milestone, title=title, owner=owner, due_date=due_date)
    milestone.save()
    return milestone


def milestone_update(
    *,
    user: User,
    milestone: Milestone,
    title: str,
    owner: User | None = None,
    due_date: dt.date | None = None,
) -> Milestone:
    require_editor(user, milestone.cycle.team)
    milestone.cycle.require_open()
    _milestone_apply(milestone, title=title, owner=owner, due_date=due_date)
    milestone.save()
    return milestone


def _milestone_apply(
    milestone: Milestone, *, title: str, owner: User | None, due_date: dt.date | None
) -> None:
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("Say what the milestone is.")]
    if owner is not None and not milestone.cycle.team.memberships.filter(user=owner).exists():
        errors["owner"] = [_("The owner must be a member of the team.")]
    if errors:
        raise ValidationError(errors)
    milestone.title, milestone.owner, milestone.due_date = title.strip(), owner, due_date


def milestone_set_done(*, user: User, milestone: Milestone, done: bool) -> Milestone:
    """Any member ticks a milestone off (or back on)."""
    require_contributor(user, milestone.cycle.team)
    milestone.cycle.require_open()
    milestone.done = bool(done)
    milestone.save(update_fields=["done"])
    return milestone


def milestone_delete(*, user: User, milestone: Milestone) -> None:
    require_editor(user, milestone.cycle.team)
    milestone.cycle.require_open()
    milestone.delete()


# --- measures and occasions -------------------------------------------------


def measure_create(
    *,
    user: User,
    cycle: InquiryCycle,
    name: str,
    max_score: float,
    kind: str = Measure.Kind.POINTS,
    min_score: float = 0,
    common: bool = True,
) -> Measure:
    require_editor(user, cycle.team)
    cycle.require_open()
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Name the measure, e.g. “Inference rubric”.")]
    elif cycle.measures.filter(name=name).exists():
        errors["name"] = [_("This cycle already has a measure called “%(name)s”.") % {"name": name}]
    if kind not in Measure.Kind.values:
        errors["kind"] = [_("Choose points or rubric levels.")]
    try:
        low, high = float(min_score), float(max_score)
    except (TypeError, ValueError):
        errors["max_score"] = [_("The lowest and highest scores must be numbers.")]
    else:
        if high <= low:
            errors["max_score"] = [_("The highest score must be above the lowest.")]
        elif kind == Measure.Kind.RUBRIC and not (low.is_integer() and high.is_integer()):
            errors["max_score"] = [_("Rubric levels are whole numbers, e.g. 1 to 4.")]
    if errors:
        raise ValidationError(errors)
    return Measure.objects.create(
        cycle=cycle, name=name, kind=kind, min_score=low, max_score=high, common=common
    )


def occasion_create(
    *,
    user: User,
    cycle: InquiryCycle,
    name: str,
    kind: str,
    date: dt.date | None = None,
    order: int | None = None,
) -> Occasion:
    require_editor(user, cycle.team)
    cycle.require_open()
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Name the occasion, e.g. “Baseline (September)”.")]
    elif cycle.occasions.filter(name=name).exists():
        errors["name"] = [
            _("This cycle already has an occasion called “%(name)s”.") % {"name": name}
        ]
    if kind not in Occasion.Kind.values:
        errors["kind"] = [_("Choose baseline, checkpoint or final.")]
    elif kind != Occasion.Kind.CHECKPOINT and cycle.occasions.filter(kind=kind).exists():
        errors["kind"] = [
            _(
                "The cycle already has a %(kind)s occasion; a cycle has one baseline and one final, and any number of checkpoints."
            )
            % {"kind": Occasion.Kind(kind).label.lower()}
        ]
    if errors:
        raise ValidationError(errors)
    if order is None:
        # Baseline first, final last, checkpoints in the order they are added.
        order = {"baseline": 0, "final": 1000}.get(kind, cycle.occasions.count() + 1)
    return Occasion.objects.create(cycle=cycle, name=name, kind=kind, date=date, order=order)
