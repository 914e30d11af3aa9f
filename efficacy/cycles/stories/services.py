"""Writes of the cycle's story: the reflection, closing (with its mastery moment), publishing.

Each service takes the acting ``user`` and checks the write rule itself
(:mod:`efficacy.access.cycles`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from efficacy.access.cycles import require_contributor, require_editor
from efficacy.cycles.impact.panel import cycle_verdict
from efficacy.cycles.models import (
    STATUS_ORDER,
    CycleStatus,
    InquiryCycle,
    MasteryMoment,
    Reflection,
)
from efficacy.cycles.plan.services import cycle_move, cycle_require_status
from efficacy.cycles.stories import mastery
from efficacy.roster.models import User


def reflection_save(
    *, user: User, cycle: InquiryCycle, strategy_notes: dict | None = None, **answers: str
) -> Reflection:
    """Save the team's answers to the cause-and-effect prompts (any member, while reviewing or after)."""
    require_contributor(user, cycle.team)
    cycle.require_open()
    unknown = set(answers) - set(Reflection.PROMPTS)
    if unknown:
        raise TypeError(f"unknown prompts: {', '.join(sorted(unknown))}")
    if STATUS_ORDER.index(cycle.status) < STATUS_ORDER.index(CycleStatus.IMPLEMENTING):
        raise ValidationError(
            _("Reflect once the cycle is under way: there is no evidence to reflect on yet.")
        )
    reflection, _created = Reflection.objects.get_or_create(cycle=cycle)
    for key, text in answers.items():
        setattr(reflection, key, (text or "").strip())
    if strategy_notes is not None:
        chosen = {str(i) for i in cycle.cycle_strategies.values_list("strategy_id", flat=True)}
        reflection.strategy_notes = {
            str(k): str(v).strip()
            for k, v in strategy_notes.items()
            if str(k) in chosen and str(v).strip()
        }
    reflection.updated_by = user
    reflection.save()
    return reflection


def cycle_close(*, user: User, cycle: InquiryCycle) -> MasteryMoment | None:
    """reviewing → closed; records a mastery moment when the evidence meets the goal.

    The rule is :func:`efficacy.cycles.stories.mastery.goal_met`. Closing needs the
    reflection's answers, because a mastery moment without the team's account of
    what caused it teaches the school nothing.
    """
    require_editor(user, cycle.team)
    cycle_require_status(cycle, CycleStatus.REVIEWING)
    reflection = Reflection.objects.filter(cycle=cycle).first()
    unanswered = (
        [p for p in Reflection.PROMPTS if not getattr(reflection, p, "")]
        if reflection
        else list(Reflection.PROMPTS)
    )
    if reflection is None or unanswered:
        raise ValidationError(
            {
                p: [
                    _(
                        "Answer this prompt before closing: the answers are what the school learns from."
                    )
                ]
                for p in unanswered
            }
        )
    verdict = cycle_verdict(cycle)
    with transaction.atomic():
        cycle_move(cycle, CycleStatus.CLOSED, user=user)
        if verdict is None or not verdict.met:
            return None
        return MasteryMoment.objects.create(
            cycle=cycle,
            reflection=mastery.reflection_snapshot(reflection),
            evidence_summary=verdict.summary,
            rule=verdict.rule,
            evidence_grade=verdict.grade,
        )


def learning_story_create(*, user: User, cycle: InquiryCycle) -> MasteryMoment:
    """A closed cycle that missed its goal shares what it learned (an editor decides).

    The story is a :class:`MasteryMoment` with ``goal_met`` False: the reflection and
    the evidence as they are at closing, and the verdict's reason, so the story says
    plainly that the goal was not met. It is published like a mastery moment.
    """
    require_editor(user, cycle.team)
    cycle_require_status(cycle, CycleStatus.CLOSED)
    if cycle.mastery_moments.exists():
        raise ValidationError(_("This cycle already has its story."))
    reflection = Reflection.objects.filter(cycle=cycle).first()
    verdict = cycle_verdict(cycle)
    summary = dict(verdict.summary) if verdict is not None else {}
    if verdict is not None and verdict.suppressed is None:
        summary["reason"] = verdict.reason
    return MasteryMoment.objects.create(
        cycle=cycle,
        reflection=mastery.reflection_snapshot(reflection) if reflection else {},
        evidence_summary=summary,
        rule=verdict.rule if verdict is not None else "",
        evidence_grade=verdict.grade if verdict is not None else "",
        goal_met=False,
    )


def mastery_moment_publish(
    *, user: User, moment: MasteryMoment, published: bool = True
) -> MasteryMoment:
    """Share (or withdraw) the cycle story with the whole school."""
    require_editor(user, moment.cycle.team)
    moment.published = bool(published)
    moment.save(update_fields=["published"])
    return moment
