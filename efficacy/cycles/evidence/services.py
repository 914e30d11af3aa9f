"""Writes of evidence: one score entered or cleared, many at once, evidence deleted.

Each service takes the acting ``user`` and checks the write rule itself
(:mod:`efficacy.access.cycles`), and once its write commits queues the cycle's
stored impact summary for a recompute (once per call, never per score). Imports
and exports live in :mod:`efficacy.cycles.evidence.imports`,
:mod:`efficacy.cycles.evidence.gradebook` and :mod:`efficacy.cycles.evidence.export`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from efficacy.access.cycles import evidence_rights_for, require_contributor
from efficacy.audit.models import Action as Audit
from efficacy.audit.services import record
from efficacy.cycles.evidence.rows import EvidenceRow, evidence_rows_apply, score_deletion_what
from efficacy.cycles.evidence.scoring import default_class_id, parse_score
from efficacy.cycles.impact.tasks import impact_refresh_on_commit
from efficacy.cycles.models import (
    EvidenceDeletion,
    InquiryCycle,
    Measure,
    Occasion,
    Score,
)
from efficacy.cycles.plan.selectors import cycle_population
from efficacy.roster.models import Enrollment, SchoolClass, Status, Student, User


def score_set(
    *,
    user: User,
    measure: Measure,
    occasion: Occasion,
    student: Student,
    value: Any,
    school_class: SchoolClass | None = None,
) -> Score | None:
    """Enter (or clear, with a blank value) one cell of the evidence grid.

    The student must be in the cycle's focus or comparison group and, unless the
    user may edit the team (lead, coach, school leader), in a class the user
    teaches. The score's class is ``school_class`` when given (the student must be
    enrolled in it), otherwise the student's class among the user's own classes,
    else among all their active classes (lowest id first, so it is stable).
    """
    cycle = measure.cycle
    require_contributor(user, cycle.team)
    if occasion.cycle_id != cycle.pk:
        raise ValidationError({"occasion": [_("This occasion belongs to another cycle.")]})
    cycle.require_open()
    parsed, problem = parse_score(value, measure)
    if problem:
        raise ValidationError({"value": [f"{problem.message} {problem.hint}"]})
    if student.pk not in cycle_population(cycle):
        raise ValidationError(
            {
                "student": [
                    _("%(student)s is not in this cycle's focus or comparison group.")
                    % {"student": student}
                ]
            }
        )
    student_classes = set(
        Enrollment.objects.filter(
            student=student, role=Enrollment.EnrollmentRole.STUDENT, status=Status.ACTIVE
        ).values_list("school_class_id", flat=True)
    )
    rights = evidence_rights_for(user, cycle)
    if not rights.may_enter_for(student_classes):
        raise PermissionDenied(
            _(
                "You can enter scores only for students in your own classes; %(student)s is not in one."
            )
            % {"student": student}
        )
    class_id: int | None
    if school_class is not None:
        if school_class.pk not in student_classes or not rights.may_file_under(school_class.pk):
            raise ValidationError(
                {"school_class": [_("%(student)s is not in that class.") % {"student": student}]}
            )
        class_id = school_class.pk
    else:
        class_id = default_class_id(student_classes, set(rights.own_classes))

    existing = Score.objects.filter(measure=measure, occasion=occasion, student=student).first()
    if existing is not None and not rights.may_change(existing.school_class_id):
        raise PermissionDenied(
            _("This score was entered for another class; only its teacher can change or delete it.")
        )
    if parsed is None:
        if existing is not None:
            evidence_delete(
                user=user,
                cycle=cycle,
                scores=Score.objects.filter(pk=existing.pk),
                what=score_deletion_what(student, measure, occasion),
                how=EvidenceDeletion.How.CLEARED_IN_GRID,
            )
        return None
    if existing is None:
        try:
            with transaction.atomic():
                created = Score.objects.create(
                    measure=measure,
                    occasion=occasion,
                    student=student,
                    school_class_id=class_id,
                    value=parsed,
                    entered_by=user,
                )
                _score_recorded(user, cycle, created, new=True)
        except IntegrityError:
            # Two browser tabs saved the same cell at once: the later one wins.
            existing = Score.objects.get(measure=measure, occasion=occasion, student=student)
        else:
            impact_refresh_on_commit(cycle)
            return created
    existing.value, existing.school_class_id, existing.entered_by = parsed, class_id, user
    with transaction.atomic():
        existing.save()
        _score_recorded(user, cycle, existing, new=False)
    impact_refresh_on_commit(cycle)
    return existing


def _score_recorded(user: User, cycle: InquiryCycle, score: Score, *, new: bool) -> None:
    """The audit event of one score entered or changed: the student by id only."""
    record(
        actor=user,
        action=Audit.SCORE_SET,
        school=cycle.team.school_id,
        target=score.student,
        detail={"cycle": cycle.pk, "measure": score.measure_id, "occasion": score.occasion_id,
                "score": score.pk, "created": new},
    )  # fmt: skip


def evidence_delete(
    *,
    user: User,
    cycle: InquiryCycle,
    scores,
    what: str,
    reason: str = "",
    how: str = EvidenceDeletion.How.CONFIRMED,
) -> int:
    """Delete scores of ``cycle`` (a queryset) and record who, when, what, how many and why.

    The page asks for confirmation before calling this; a cell emptied in the grid
    comes here too, recorded with ``how`` = cleared in the grid. An editor may
    delete any of the cycle's evidence; a member only scores filed under their
    own classes.
    """
    require_contributor(user, cycle.team)
    cycle.require_open()
    scores = scores.filter(measure__cycle=cycle)
    rights = evidence_rights_for(user, cycle)
    if not rights.editor:
        outside = scores.exclude(school_class_id__in=rights.own_classes)
        if outside.exists():
            raise PermissionDenied(_("You can delete only scores from your own classes."))
    with transaction.atomic():
        count, _detail = scores.delete()
        count = _detail.get(Score._meta.label, 0)
        if count:
            EvidenceDeletion.objects.create(
                cycle=cycle, deleted_by=user, what=what[:300], count=count, reason=reason, how=how
            )
            # ``what`` may name a student: the event keeps the count and how, not it.
            record(actor=user, action=Audit.EVIDENCE_DELETED, school=cycle.team.school_id,
                   target=cycle, detail={"count": count, "how": how})  # fmt: skip
            impact_refresh_on_commit(cycle)
    return count


def scores_save(
    *,
    user: Any,
    measure: Measure,
    school_class: SchoolClass,
    values: dict[tuple[int, Occasion], Any],
) -> dict[tuple[int, int], str]:
    """Save many cells of one class's grid at once (the grid's "Save all").

    ``values`` maps (student id, occasion) to what was typed; a blank clears the
    stored score, recorded as a deletion. The cells go through the bulk path of
    the imports (:func:`~efficacy.cycles.evidence.rows.evidence_rows_apply`), so
    the number of queries does not grow with the number of cells; each cell
    stands alone, as if saved by :func:`score_set`: the valid ones are written
    even when others are not. Returns the message of each cell that was not
    saved, keyed by (student id, occasion id).
    """
    keys = list(values)
    rows = [
        EvidenceRow(
            file="",
            row=i,
            student=str(student_id),
            score=value,
            measure=measure,
            occasion=occasion,
            school_class_id=school_class.pk,
        )
        for i, ((student_id, occasion), value) in enumerate(values.items())
    ]
    result = evidence_rows_apply(
        user=user,
        cycle=measure.cycle,
        rows=rows,
        problems=[],
        match_students_by=("pk",),
        each_row_alone=True,
        blank_clears=True,
    )
    errors: dict[tuple[int, int], str] = {}
    for problem in result.problems:
        if problem.line is None:  # a problem of the whole save, not of one cell
            continue
        student_id, occasion = keys[problem.line]
        text = f"{problem.message} {problem.hint}".strip()
        key = (student_id, occasion.pk)
        errors[key] = f"{errors[key]} {text}" if key in errors else text
    return errors
