"""Evidence of student learning: the score grid, uploads, templates, exports, deletion.

Every page is student-level, so each one fetches the cycle through
``access_cycle`` (404 when out of scope) and then asks
``can_see_student_evidence`` (403: members and editors only, never an
analyst). Writes go through the services, which check the rules again: a
teacher who is not an editor enters and deletes scores only in their own
classes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from efficacy.access.cycles import (
    access_cycle,
    access_evidence_upload,
    can_see_student_evidence,
    evidence_rights_for,
)
from efficacy.access.roster import can_edit_team
from efficacy.cycles.evidence import export as evidence_export
from efficacy.cycles.evidence import gradebook as gradebook_import
from efficacy.cycles.evidence import imports as evidence_import
from efficacy.cycles.evidence import services, uploads
from efficacy.cycles.evidence.forms import (
    DeleteChoiceForm,
    DeleteConfirmForm,
    GradebookLinkForm,
    GradebookUploadForm,
    GridChoiceForm,
    ScoresUploadForm,
    TemplateForm,
    cell_name,
)
from efficacy.cycles.evidence.rows import ImportResult
from efficacy.cycles.evidence.scoring import parse_score
from efficacy.cycles.evidence.selectors import class_cycle_students, score_grid
from efficacy.cycles.models import EvidenceUpload, GradebookLink, InquiryCycle, Measure, Occasion
from efficacy.cycles.plan.groups import group_courses
from efficacy.cycles.plan.selectors import cycle_population
from efficacy.downloads import file_response
from efficacy.forms import add_service_errors, database_busy, database_busy_message, int_or_none
from efficacy.roster.models import Enrollment, SchoolClass, Status, Student

# --- shared helpers ---------------------------------------------------------


def _evidence_cycle(user: Any, cycle_id: int) -> InquiryCycle:
    """The cycle, if the user may see its student-level evidence (404, then 403)."""
    cycle = access_cycle(user, cycle_id)
    if not can_see_student_evidence(user, cycle):
        raise PermissionDenied(
            _("Student-level evidence of %(team)s's cycles is for the team's members.")
            % {"team": cycle.team}
        )
    return cycle


def _entry_classes(user: Any, cycle: InquiryCycle) -> QuerySet[SchoolClass]:
    """Active classes with students of the cycle: all for an editor, a member's own otherwise."""
    classes = SchoolClass.objects.filter(
        school=cycle.team.school,
        status=Status.ACTIVE,
        pk__in=Enrollment.objects.filter(
            role=Enrollment.EnrollmentRole.STUDENT,
            status=Status.ACTIVE,
            student_id__in=cycle_population(cycle).students,
        ).values("school_class_id"),
    )
    rights = evidence_rights_for(user, cycle)
    if not rights.editor:
        classes = classes.filter(pk__in=rights.own_classes)
    return _in_entry_order(rights.own_classes, cycle, classes)


def _in_entry_order(
    own_classes: frozenset[int], cycle: InquiryCycle, classes: QuerySet[SchoolClass]
) -> QuerySet[SchoolClass]:
    """The person's own classes first, then those of the focus and comparison groups'
    courses, then any other class with students of the cycle (``entry_rank`` 0, 1, 2):
    the grid opens on a class the person teaches, not on the first title in the alphabet."""
    courses = group_courses(cycle.focus) | group_courses(cycle.comparison)
    rank = Case(
        When(pk__in=own_classes, then=Value(0)),
        When(course_id__in=courses, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return classes.annotate(entry_rank=rank).order_by("entry_rank", "title", "pk")


def _closed_reason() -> str:
    return _("This cycle is closed; its evidence is its record and can no longer change.")


def _download(made: tuple[str, str, bytes]) -> HttpResponse:
    """A file made as (file name, content type, body)."""
    filename, content_type, body = made
    return file_response(body, filename, content_type)


def _display(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not change this score.")


def _base_context(user: Any, cycle: InquiryCycle) -> dict[str, Any]:
    return {
        "cycle": cycle,
        "can_edit": can_edit_team(user, cycle.team),
        "is_open": cycle.is_open,
        "closed_reason": _closed_reason(),
    }


def _import_message(result: ImportResult) -> str:
    return _(
        "Scores imported: %(created)d added, %(updated)d updated, %(unchanged)d unchanged, "
        "%(blank)d empty cells skipped."
    ) % {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "blank": result.blank,
    }


# --- choosing a class and a measure -----------------------------------------


@login_required
def evidence(request: HttpRequest, cycle_id: int) -> HttpResponse:
    user = request.user
    cycle = _evidence_cycle(user, cycle_id)
    classes = _entry_classes(user, cycle)
    return _choose_page(request, cycle, GridChoiceForm(cycle=cycle, classes=classes))


def _choose_page(request: HttpRequest, cycle: InquiryCycle, form: GridChoiceForm) -> HttpResponse:
    context = {
        **_base_context(request.user, cycle),
        "form": form,
        "has_classes": form.fields["class"].queryset.exists(),
        "measures": list(cycle.measures.all()),
        "occasions": list(cycle.occasions.all()),
    }
    return render(request, "cycles/evidence.html", context)


# --- the grid ---------------------------------------------------------------


@dataclass
class Cell:
    """One input of the grid, as the page shows it."""

    student_id: int
    student_name: str
    occasion: Occasion
    row: int
    col: int
    value: str
    error: str = ""
    saved: bool = False

    @property
    def name(self) -> str:
        return cell_name(self.student_id, self.occasion.pk)

    @property
    def label(self) -> str:
        return _("%(student)s, %(occasion)s") % {
            "student": self.student_name,
            "occasion": self.occasion.name,
        }


def _grid_rows(
    cycle: InquiryCycle,
    school_class: SchoolClass,
    measure: Measure,
    *,
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    saved: set[str] | None = None,
) -> tuple[list[Occasion], list[dict[str, Any]]]:
    """Rows of cells from ``score_grid``; a cell with an error shows what was typed."""
    typed, errors, saved = typed or {}, errors or {}, saved or set()
    frame = score_grid(cycle, school_class_id=school_class.pk, measure=measure)
    occasions = list(cycle.occasions.all())
    students = Student.objects.filter(pk__in=frame.index.tolist()).order_by(
        "family_name", "given_name", "pk"
    )
    rows = []
    for r, student in enumerate(students):
        cells = []
        for c, occasion in enumerate(occasions):
            cell = Cell(
                student_id=student.pk,
                student_name=str(student),
                occasion=occasion,
                row=r,
                col=c,
                value=_display(frame.at[student.pk, occasion.pk]),
            )
            if cell.name in errors:
                cell.value, cell.error = typed.get(cell.name, ""), errors[cell.name]
            cell.saved = cell.name in saved
            cells.append(cell)
        rows.append({"student": student, "cells": cells})
    return occasions, rows


@login_required
def grid(request: HttpRequest, cycle_id: int) -> HttpResponse:
    user = request.user
    cycle = _evidence_cycle(user, cycle_id)
    form = GridChoiceForm(request.GET, cycle=cycle, classes=_entry_classes(user, cycle))
    if not form.is_valid():
        return _choose_page(request, cycle, form)
    school_class, measure = form.cleaned_data["class"], form.cleaned_data["measure"]
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    saved: set[str] = set()
    if request.method == "POST":
        if not cycle.is_open:
            messages.error(request, _closed_reason())
            return redirect(request.get_full_path())
        typed, errors, saved = _save_all(request, cycle, school_class, measure)
        if not errors:
            messages.success(
                request,
                ngettext("Saved %(n)d changed cell.", "Saved %(n)d changed cells.", len(saved))
                % {"n": len(saved)}
                if saved
                else _("Nothing had changed; no score was saved."),
            )
            return redirect(request.get_full_path())
    occasions, rows = _grid_rows(
        cycle, school_class, measure, typed=typed, errors=errors, saved=saved
    )
    error_cells = [cell for row in rows for cell in row["cells"] if cell.error]
    context = {
        **_base_context(user, cycle),
        "form": form,
        "school_class": school_class,
        "measure": measure,
        "occasions": occasions,
        "rows": rows,
        "error_cells": error_cells,
        "saved_count": len(saved),
        "range_low": _display(measure.min_score),
        "range_high": _display(measure.max_score),
    }
    return render(request, "cycles/grid.html", context)


def _save_all(
    request: HttpRequest, cycle: InquiryCycle, school_class: SchoolClass, measure: Measure
) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """The no-JS "Save all": every cell whose value changed, saved together.

    One service call (:func:`~efficacy.cycles.evidence.services.scores_save`) for
    all the changed cells, so its cost does not grow with their number. When the
    database is busy nothing is saved, and every changed cell keeps what was
    typed and says to try again.
    """
    frame = score_grid(cycle, school_class_id=school_class.pk, measure=measure)
    typed: dict[str, str] = {}
    changed: dict[tuple[int, Occasion], str] = {}
    for occasion in cycle.occasions.all():
        for student_id in frame.index:
            name = cell_name(student_id, occasion.pk)
            if name not in request.POST:
                continue
            raw = request.POST[name]
            typed[name] = raw
            stored = frame.at[student_id, occasion.pk]
            stored = None if math.isnan(stored) else stored
            value, problem = parse_score(raw, measure)
            if problem is None and value == stored:
                continue  # unchanged: leave who entered it and when alone
            changed[(int(student_id), occasion)] = raw
    names = {key: cell_name(key[0], key[1].pk) for key in changed}
    if not changed:
        return typed, {}, set()
    try:
        problems = services.scores_save(
            user=request.user, measure=measure, school_class=school_class, values=changed
        )
    except (ValidationError, PermissionDenied) as error:
        return typed, dict.fromkeys(names.values(), _error_text(error)), set()
    except OperationalError as error:
        if not database_busy(error):
            raise
        return typed, dict.fromkeys(names.values(), database_busy_message()), set()
    errors = {
        cell_name(student_id, occasion_id): text
        for (student_id, occasion_id), text in problems.items()
    }
    return typed, errors, {name for name in names.values() if name not in errors}


def _save_cell(
    user: Any,
    measure: Measure,
    occasion: Occasion,
    student: Student,
    school_class: SchoolClass,
    raw: str,
) -> str:
    """Save one cell through the service; the message to show next to it, or ''."""
    try:
        services.score_set(
            user=user,
            measure=measure,
            occasion=occasion,
            student=student,
            value=raw,
            school_class=school_class,
        )
    except (ValidationError, PermissionDenied) as error:
        return _error_text(error)
    except OperationalError as error:
        if not database_busy(error):
            raise
        return database_busy_message()
    return ""


@login_required
@require_POST
def score_cell(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """One cell saved as you go (htmx): the cell comes back saved, or with its error."""
    user = request.user
    cycle = _evidence_cycle(user, cycle_id)
    measure = cycle.measures.filter(pk=int_or_none(request.POST.get("measure"))).first()
    occasion = cycle.occasions.filter(pk=int_or_none(request.POST.get("occasion"))).first()
    if measure is None or occasion is None:
        raise Http404
    student_id = int_or_none(request.POST.get("student"))
    raw = request.POST.get(cell_name(student_id or 0, occasion.pk), "")
    school_class = (
        _entry_classes(user, cycle).filter(pk=int_or_none(request.POST.get("class"))).first()
    )
    student = None
    if school_class is None:
        error = _("You can enter scores only for students in your own classes.")
    else:
        student = (
            class_cycle_students(cycle, school_class_id=school_class.pk)
            .filter(pk=student_id)
            .first()
        )
        if student is None:
            error = _(
                "This student is no longer in this class's part of the cycle. Reload the grid."
            )
        else:
            error = _save_cell(user, measure, occasion, student, school_class, raw)
    if not error:
        parsed, _problem = parse_score(raw, measure)
        raw = _display(parsed)
    cell = Cell(
        student_id=student_id or 0,
        student_name=str(student) if student else "",
        occasion=occasion,
        row=int_or_none(request.POST.get("row")) or 0,
        col=int_or_none(request.POST.get("col")) or 0,
        value=raw,
        error=error,
        saved=not error,
    )
    context = {
        "cycle": cycle,
        "cell": cell,
        "measure": measure,
        "school_class": school_class,
        "is_open": cycle.is_open,
        "oob_status": True,
    }
    response = render(request, "cycles/_grid_cell.html", context)
    if not error:
        # The impact panel on the cycle page listens on <body> for this event.
        response["HX-Trigger"] = "evidence-changed"
    return response


# --- uploads and templates --------------------------------------------------


@login_required
def upload(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The form checks the file's size and type; a worker checks and applies its scores."""
    user = request.user
    cycle = _evidence_cycle(user, cycle_id)
    classes = _entry_classes(user, cycle)
    form = ScoresUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and cycle.is_open and form.is_valid():
        upload_file = form.cleaned_data["file"]
        run = uploads.evidence_upload_start(
            user=user,
            cycle=cycle,
            kind=EvidenceUpload.Kind.SCORES,
            file_name=upload_file.name,
            files=[upload_file],
        )
        return redirect("cycles:upload_run", cycle_id=cycle.pk, upload_id=run.pk)
    context = {
        **_base_context(user, cycle),
        "form": form,
        "template_form": TemplateForm(cycle=cycle, classes=classes),
        "has_classes": classes.exists(),
        "runs": [
            uploads.evidence_upload_notice_silent_worker(run)
            for run in cycle.uploads.filter(created_by=user)[:5]
        ],
    }
    return render(request, "cycles/upload.html", context)


class _StoredProblems(list[str]):
    """A finished run's problems as ``cycles/_evidence_problems.html`` lists them."""

    def __init__(self, run: EvidenceUpload):
        super().__init__(str(problem.get("text", "")) for problem in run.problems)
        self.more = run.problems_more
        self.total = len(self) + self.more


def _upload_run_context(request: HttpRequest, cycle_id: int, upload_id: int) -> dict[str, Any]:
    run = access_evidence_upload(request.user, cycle_id, upload_id)
    run = uploads.evidence_upload_notice_silent_worker(run)
    cycle = run.cycle
    return {
        **_base_context(request.user, cycle),
        "run": run,
        "problems": _StoredProblems(run),
        "message": _import_message(ImportResult(**run.summary)) if run.summary else "",
        "back": reverse(
            "cycles:gradebook" if run.kind == EvidenceUpload.Kind.GRADEBOOK else "cycles:upload",
            args=[cycle.pk],
        ),
    }


@login_required
def upload_run(request: HttpRequest, cycle_id: int, upload_id: int) -> HttpResponse:
    """An upload's progress page: checking, then what was saved or every problem."""
    context = _upload_run_context(request, cycle_id, upload_id)
    return render(request, "cycles/upload_run.html", context)


@login_required
def upload_run_status(request: HttpRequest, cycle_id: int, upload_id: int) -> HttpResponse:
    """The part of the progress page htmx polls until the run has finished."""
    context = _upload_run_context(request, cycle_id, upload_id)
    return render(request, "cycles/_upload_status.html", context)


@login_required
def template(request: HttpRequest, cycle_id: int, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    user = request.user
    cycle = _evidence_cycle(user, cycle_id)
    classes = _entry_classes(user, cycle)
    data = request.GET.copy()
    if not data.get("class") and classes.count() == 1:
        data["class"] = str(classes.get().pk)
    form = TemplateForm(data, cycle=cycle, classes=classes)
    if not form.is_valid():
        messages.error(request, _("Choose the class the template is for, then download it."))
        return redirect(reverse("cycles:upload", args=[cycle.pk]) + "#template")
    measure, occasion = form.cleaned_data["measure"], form.cleaned_data["occasion"]
    return _download(
        evidence_import.scores_template(
            user=user,
            cycle=cycle,
            school_class=form.cleaned_data["class"],
            fmt=fmt,
            measures=[measure] if measure else None,
            occasions=[occasion] if occasion else None,
        )
    )


# --- export -----------------------------------------------------------------


@login_required
def export(request: HttpRequest, cycle_id: int, fmt: str) -> HttpResponse:
    """Student-level and unsuppressed: only for the team (``can_see_student_evidence``),
    and only the rows and flags the access layer gives this person."""
    exporters = {
        "csv": evidence_export.evidence_export_csv,
        "xlsx": evidence_export.evidence_export_xlsx,
    }
    if fmt not in exporters:
        raise Http404
    cycle = _evidence_cycle(request.user, cycle_id)
    return _download(exporters[fmt](request.user, cycle))


# --- gradebook --------------------------------------------------------------


@login_required
def gradebook(request: HttpRequest, cycle_id: int) -> HttpResponse:
    user = request.user
    cycle = _evidence_cycle(user, cycle_id)
    can_edit = can_edit_team(user, cycle.team)
    action = request.POST.get("action") if request.method == "POST" else None
    link_form = GradebookLinkForm(request.POST if action == "link" else None, cycle=cycle)
    upload_form = GradebookUploadForm(
        request.POST if action == "import" else None,
        request.FILES if action == "import" else None,
    )
    if action == "link" and link_form.is_valid():
        data = link_form.cleaned_data
        try:
            link = gradebook_import.gradebook_link_set(
                user=user,
                measure=data["measure"],
                occasion=data["occasion"],
                line_item_sourced_id=data["line_item"],
            )
        except ValidationError as error:
            add_service_errors(link_form, error, aliases={"line_item_sourced_id": "line_item"})
        else:
            messages.success(
                request,
                _("The gradebook column “%(id)s” now fills %(m)s at %(o)s.")
                % {"id": link.line_item_sourced_id, "m": link.measure, "o": link.occasion},
            )
            return redirect("cycles:gradebook", cycle_id=cycle.pk)
    elif action == "import" and cycle.is_open and upload_form.is_valid():
        line_items, results = upload_form.cleaned_data["files"]
        export = upload_form.cleaned_data.get("export")
        run = uploads.evidence_upload_start(
            user=user,
            cycle=cycle,
            kind=EvidenceUpload.Kind.GRADEBOOK,
            file_name=export.name if export else gradebook_import.RESULTS,
            files=[line_items, results],
        )
        return redirect("cycles:upload_run", cycle_id=cycle.pk, upload_id=run.pk)
    context = {
        **_base_context(user, cycle),
        "can_edit": can_edit,
        "link_form": link_form,
        "upload_form": upload_form,
        "links": GradebookLink.objects.filter(measure__cycle=cycle)
        .select_related("measure", "occasion")
        .order_by("line_item_sourced_id"),
    }
    return render(request, "cycles/evidence_gradebook.html", context)


# --- deleting evidence ------------------------------------------------------


@login_required
def evidence_delete(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Choose, confirm with a reason, delete; the history says who, what, how many, why."""
    user = request.user
    cycle = _evidence_cycle(user, cycle_id)
    editor = can_edit_team(user, cycle.team)
    options = {"cycle": cycle, "classes": _entry_classes(user, cycle), "all_classes": editor}
    context = {
        **_base_context(user, cycle),
        "deletions": cycle.deletions.select_related("deleted_by"),
    }
    if not cycle.is_open:
        if request.method == "POST":
            messages.error(request, _closed_reason())
            return redirect("cycles:evidence_delete", cycle_id=cycle.pk)
        return render(request, "cycles/evidence_delete.html", context)
    if request.method == "POST":
        form = DeleteConfirmForm(request.POST, **options)
        if form.is_valid():
            try:
                count = services.evidence_delete(
                    user=user,
                    cycle=cycle,
                    scores=form.scores(),
                    what=form.what(),
                    reason=form.cleaned_data["reason"],
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(
                    request,
                    ngettext(
                        "Deleted %(n)d score: %(what)s.", "Deleted %(n)d scores: %(what)s.", count
                    )
                    % {"n": count, "what": form.what()},
                )
                return redirect("cycles:evidence_delete", cycle_id=cycle.pk)
        choice_ok = not any(name in form.errors for name in ("measure", "occasion", "class"))
        if choice_ok:
            return _confirm_page(request, context, form, form)
        return render(request, "cycles/evidence_delete.html", {**context, "form": form})
    if "measure" in request.GET:
        form = DeleteChoiceForm(request.GET, **options)
        if form.is_valid():
            confirm = DeleteConfirmForm(initial=form.as_query(), **options)
            return _confirm_page(request, context, confirm, form)
    else:
        form = DeleteChoiceForm(**options)
    return render(request, "cycles/evidence_delete.html", {**context, "form": form})


def _confirm_page(
    request: HttpRequest,
    context: dict[str, Any],
    form: DeleteConfirmForm,
    choice: DeleteChoiceForm,
) -> HttpResponse:
    """``choice`` holds the validated measure, occasion and class; ``form`` asks for the reason."""
    context = {
        **context,
        "form": form,
        "what": choice.what(),
        "count": choice.scores().count(),
        "query": choice.as_query(),
        "back": reverse("cycles:evidence_delete", args=[context["cycle"].pk])
        + "?"
        + urlencode(choice.as_query()),
    }
    return render(request, "cycles/evidence_delete_confirm.html", context)


urlpatterns = [
    path("cycles/<int:cycle_id>/evidence/", evidence, name="evidence"),
    path("cycles/<int:cycle_id>/evidence/grid/", grid, name="grid"),
    path("cycles/<int:cycle_id>/evidence/cell/", score_cell, name="score_cell"),
    path("cycles/<int:cycle_id>/evidence/upload/", upload, name="upload"),
    path("cycles/<int:cycle_id>/evidence/uploads/<int:upload_id>/", upload_run, name="upload_run"),
    path(
        "cycles/<int:cycle_id>/evidence/uploads/<int:upload_id>/status/",
        upload_run_status,
        name="upload_run_status",
    ),
    path("cycles/<int:cycle_id>/evidence/template.<str:fmt>", template, name="template"),
    path("cycles/<int:cycle_id>/evidence/export.<str:fmt>", export, name="export"),
    path("cycles/<int:cycle_id>/evidence/gradebook/", gradebook, name="gradebook"),
    path("cycles/<int:cycle_id>/evidence/delete/", evidence_delete, name="evidence_delete"),
]
