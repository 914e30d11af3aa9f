"""Validate a whole batch of score rows, then write all of them or none.

Every import (CSV/XLSX upload, OneRoster gradebook) parses its file into
:class:`EvidenceRow` objects and hands them here, and so does the grid's "Save
all" (its changed cells). The same rules as grid entry apply
(:mod:`efficacy.cycles.evidence.scoring`, population, own classes); every problem
is reported as file, row, column, message and hint; nothing is written unless
the batch is clean; writing upserts by (measure, occasion, student), so
importing the same file twice changes nothing. The number of queries does not
grow with the number of rows. Once the write commits, the cycle's stored impact
summary is queued for a recompute.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from efficacy.access.cycles import EvidenceRights, evidence_rights_for, require_contributor
from efficacy.audit.models import Action as Audit
from efficacy.audit.services import record
from efficacy.cycles.evidence.scoring import default_class_id, parse_score
from efficacy.cycles.impact.tasks import impact_refresh_on_commit
from efficacy.cycles.models import EvidenceDeletion, InquiryCycle, Measure, Occasion, Score
from efficacy.cycles.plan.selectors import cycle_population
from efficacy.roster.models import Enrollment, SchoolClass, Status, Student
from efficacy.tabular import Problem, Problems


@dataclass
class ImportResult:
    problems: Problems = field(default_factory=Problems)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    blank: int = 0
    cleared: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class EvidenceRow:
    """One score as a file gave it; ``columns`` names the file's column for each field."""

    file: str
    row: int
    student: str
    score: Any
    measure: Measure | None
    occasion: Occasion | None
    school_class: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    #: The class by database id, when the caller knows it (the grid); else ``school_class``.
    school_class_id: int | None = None

    def problem(self, what: str, message: str, hint: str = "") -> Problem:
        return Problem(self.file, self.row, self.columns.get(what, what), message, hint)


def evidence_rows_apply(
    *,
    user: Any,
    cycle: InquiryCycle,
    rows: list[EvidenceRow],
    problems: list[Problem],
    match_students_by: tuple[str, ...] = ("identifier", "sourced_id"),
    each_row_alone: bool = False,
    blank_clears: bool = False,
    on_written: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Check every row (adding to ``problems`` from parsing), then write all or nothing.

    The grid's "Save all" sets ``each_row_alone`` (the clean rows are written even
    when other rows have problems, as if each cell were saved on its own) and
    ``blank_clears`` (a blank score deletes the stored one, recorded as a
    deletion, as clearing one cell does).

    ``on_written`` is called inside the write's transaction with the result: what it
    writes (a background upload's outcome) commits with the scores or not at all, so a
    worker killed in between never leaves scores under an upload said to have failed.
    """
    require_contributor(user, cycle.team)
    cycle.require_open()
    result = ImportResult(problems=Problems(problems))
    school = cycle.team.school
    students = _student_lookup(school, {r.student for r in rows if r.student}, match_students_by)
    classes = _class_lookup(school, {r.school_class for r in rows if r.school_class})
    population = cycle_population(cycle)
    rights = evidence_rights_for(user, cycle)
    enrolled: dict[int, set[int]] = {}
    for student_id, class_id in Enrollment.objects.filter(
        student_id__in={pk for pk in students.values() if pk},
        role=Enrollment.EnrollmentRole.STUDENT,
        status=Status.ACTIVE,
    ).values_list("student_id", "school_class_id"):
        enrolled.setdefault(student_id, set()).add(class_id)

    seen: dict[tuple[int, int, int], int] = {}
    clean: dict[tuple[int, int, int], tuple[float, int | None]] = {}
    clear: dict[tuple[int, int, int], EvidenceRow] = {}
    row_of: dict[tuple[int, int, int], EvidenceRow] = {}
    for r in rows:
        if r.measure is None or r.occasion is None:
            continue  # the parser has already reported it
        value, score_problem = parse_score(r.score, r.measure)
        if score_problem:
            result.problems.append(r.problem("score", score_problem.message, score_problem.hint))
            continue
        if value is None and not blank_clears:
            result.blank += 1
            continue
        if not r.student:
            result.problems.append(
                r.problem("student", _("The student is missing."), _("Fill in the student number."))
            )
            continue
        student_id = students.get(r.student)
        if student_id is None:
            result.problems.append(
                r.problem(
                    "student",
                    _("No student “%(key)s” at %(school)s.")
                    % {"key": r.student, "school": school.name},
                    _("Use the student number from the downloaded template."),
                )
            )
            continue
        if student_id == 0:
            result.problems.append(
                r.problem(
                    "student",
                    _("More than one student has the number “%(key)s”.") % {"key": r.student},
                    _("Ask your administrator to fix the duplicate student numbers."),
                )
            )
            continue
        if student_id not in population:
            result.problems.append(
                r.problem(
                    "student",
                    _("Student “%(key)s” is not in this cycle's focus or comparison group.")
                    % {"key": r.student},
                    _(
                        "Remove the row, or change the cycle's groups if the student belongs in them."
                    ),
                )
            )
            continue
        student_classes = enrolled.get(student_id, set())
        if not rights.may_enter_for(student_classes):
            result.problems.append(
                r.problem(
                    "student",
                    _("Student “%(key)s” is not in one of your classes.") % {"key": r.student},
                    _(
                        "Teachers enter scores for their own classes; ask the team lead to enter this one."
                    ),
                )
            )
            continue
        class_id: int | None
        if r.school_class_id is not None or r.school_class:
            class_id = r.school_class_id or classes.get(r.school_class)
            if (
                class_id is None
                or class_id not in student_classes
                or not rights.may_file_under(class_id)
            ):
                result.problems.append(
                    r.problem(
                        "class",
                        _("Student “%(key)s” is not in class “%(c)s”.")
                        % {"key": r.student, "c": r.school_class},
                        _("Use the class from the template, or leave the class empty."),
                    )
                )
                continue
        else:
            class_id = default_class_id(student_classes, set(rights.own_classes))
        key = (r.measure.pk, r.occasion.pk, student_id)
        if key in seen:
            result.problems.append(
                r.problem(
                    "student",
                    _(
                        "Duplicate row: student “%(key)s”, %(m)s, %(o)s already appears in row %(row)d."
                    )
                    % {
                        "key": r.student,
                        "m": r.measure.name,
                        "o": r.occasion.name,
                        "row": seen[key],
                    },
                    _("Keep one row per student, measure and occasion."),
                )
            )
            continue
        seen[key] = r.row
        row_of[key] = r
        if value is None:
            clear[key] = r
        else:
            clean[key] = (value, class_id)

    if clean or clear:
        _check_stored(clean, clear, row_of, rights=rights, result=result)
    if result.problems and not each_row_alone:
        return result
    with transaction.atomic():
        _write(user, clean, result)
        _clear(user, cycle, clear, result)
        if result.created or result.updated or result.cleared:
            impact_refresh_on_commit(cycle)
            # One event per batch, with its counts (no student in it).
            record(actor=user, action=Audit.EVIDENCE_SAVED, school=school.pk, target=cycle,
                   detail={"created": result.created, "updated": result.updated,
                           "cleared": result.cleared, "unchanged": result.unchanged,
                           "problems": len(result.problems)})  # fmt: skip
        if on_written is not None:
            on_written(result)
    return result


#: Keys looked up per query: a score file may hold 100,000 different keys, and SQLite
#: refuses a statement with more than 250,000 parameters (three per class key).
LOOKUP_CHUNK = 10_000


def _chunks(keys: set[str]) -> Iterator[list[str]]:
    ordered = sorted(keys)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        yield ordered[start : start + LOOKUP_CHUNK]


def _student_lookup(school, keys: set[str], fields: tuple[str, ...]) -> dict[str, int]:
    """key → student id; 0 marks a key that names several students.

    ``fields`` may include ``pk`` (the grid names students by database id).
    """
    out: dict[str, int] = {}
    for chunk in _chunks(keys):
        q = Q()
        for f in fields:
            q |= Q(**{f"{f}__in": chunk})
        for pk, *values in Student.objects.filter(q, school=school).values_list("pk", *fields):
            for value in values:
                key = None if value is None else str(value)
                if key in keys:
                    out[key] = 0 if out.get(key, pk) != pk else pk
    return out


def _class_lookup(school, keys: set[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for chunk in _chunks(keys):
        rows = SchoolClass.objects.filter(
            Q(class_code__in=chunk) | Q(sourced_id__in=chunk) | Q(title__in=chunk), school=school
        ).values_list("pk", "class_code", "sourced_id", "title")
        for pk, *names in rows:
            for name in names:
                if name in keys:
                    out.setdefault(name, pk)
    return out


def _write(
    user: Any, clean: dict[tuple[int, int, int], tuple[float, int | None]], result: ImportResult
) -> None:
    if not clean:
        return
    measures = {k[0] for k in clean}
    students = {k[2] for k in clean}
    with transaction.atomic():
        existing = {
            (s.measure_id, s.occasion_id, s.student_id): s
            for s in Score.objects.select_for_update().filter(
                measure_id__in=measures, student_id__in=students
            )
        }
        to_create, to_update = [], []
        for key, (value, class_id) in clean.items():
            score = existing.get(key)
            if score is None:
                to_create.append(
                    Score(
                        measure_id=key[0],
                        occasion_id=key[1],
                        student_id=key[2],
                        school_class_id=class_id,
                        value=value,
                        entered_by=user,
                    )
                )
            elif score.value != value or score.school_class_id != class_id:
                score.value, score.school_class_id, score.entered_by = value, class_id, user
                to_update.append(score)
            else:
                result.unchanged += 1
        Score.objects.bulk_create(to_create, batch_size=1000)
        _update(to_update, timezone.now())
    result.created, result.updated = len(to_create), len(to_update)


def _update(scores: list[Score], now: Any) -> None:
    """Write the changed scores: one parametrised UPDATE run for every score at once.

    Not ``bulk_update``: it builds a ``CASE WHEN`` expression per row and field (2,000 for
    500 scores, over a second of Python for 14 ms of SQL; ``bench/api.py`` measures it).
    ``entered_at`` is set here, as an update by query skips ``auto_now``.
    """
    if not scores:
        return
    field = Score._meta.get_field
    columns = [field(name).column for name in ("value", "school_class", "entered_by", "entered_at")]
    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    sql = (
        f"UPDATE {connection.ops.quote_name(Score._meta.db_table)} SET {sets} "
        f"WHERE {connection.ops.quote_name(field('id').column)} = %s"
    )
    when = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.executemany(
            sql, [(s.value, s.school_class_id, s.entered_by_id, when, s.pk) for s in scores]
        )


def _check_stored(
    clean: dict[tuple[int, int, int], tuple[float, int | None]],
    clear: dict[tuple[int, int, int], EvidenceRow],
    row_of: dict[tuple[int, int, int], EvidenceRow],
    *,
    rights: EvidenceRights,
    result: ImportResult,
) -> None:
    """Against what is stored (one query): a member changes or clears only scores filed
    under their own classes (:class:`~efficacy.access.cycles.EvidenceRights`), and a
    blank where nothing is stored clears nothing."""
    keys = clean.keys() | clear.keys()
    stored = {
        (m, o, s): class_id
        for m, o, s, class_id in Score.objects.filter(
            measure_id__in={k[0] for k in keys}, student_id__in={k[2] for k in keys}
        ).values_list("measure_id", "occasion_id", "student_id", "school_class_id")
    }
    for key in list(clear):
        if key not in stored:
            del clear[key]
            result.blank += 1
    for key in sorted(keys & stored.keys(), key=lambda k: row_of[k].row):
        if rights.may_change(stored[key]):
            continue
        clean.pop(key, None)
        clear.pop(key, None)
        result.problems.append(
            row_of[key].problem(
                "score",
                _(
                    "This score was entered for another class; only its teacher can change or delete it."
                ),
                _("Ask that class's teacher or the team lead."),
            )
        )


def score_deletion_what(student: Any, measure: Any, occasion: Any) -> str:
    """How the deletion history names one cleared score."""
    return _("score of %(student)s on %(measure)s at %(occasion)s") % {
        "student": student,
        "measure": measure,
        "occasion": occasion,
    }


def _clear(
    user: Any,
    cycle: InquiryCycle,
    clear: dict[tuple[int, int, int], EvidenceRow],
    result: ImportResult,
) -> None:
    """Delete the cleared scores and record each deletion, as clearing one cell does."""
    if not clear:
        return
    doomed = [
        score
        for score in Score.objects.select_related("student", "measure", "occasion").filter(
            measure_id__in={k[0] for k in clear}, student_id__in={k[2] for k in clear}
        )
        if (score.measure_id, score.occasion_id, score.student_id) in clear
    ]
    Score.objects.filter(pk__in=[score.pk for score in doomed]).delete()
    EvidenceDeletion.objects.bulk_create(
        EvidenceDeletion(
            cycle=cycle,
            deleted_by=user,
            what=score_deletion_what(s.student, s.measure, s.occasion)[:300],
            count=1,
            how=EvidenceDeletion.How.CLEARED_IN_GRID,
        )
        for s in doomed
    )
    result.cleared = len(doomed)
