"""The web roster upload and its progress page (administrators only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from efficacy.access import roster as access
from efficacy.roster import services
from efficacy.roster.forms import RosterUploadForm
from efficacy.roster.tasks import progress_read


@login_required
def roster_import_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.can_import_roster(user):
        raise PermissionDenied(_("Importing the roster is for administrators."))
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.import_run_start(by=user, upload=form.cleaned_data["export"])
        except ValidationError as error:
            for message in error.message_dict.get("export", error.messages):
                form.add_error("export", message)
        else:
            return redirect("roster:import_run", run_id=run.pk)
    runs = [
        services.import_run_notice_silent_worker(run) for run in access.import_runs_for(user)[:10]
    ]
    context = {"form": form, "runs": runs}
    return render(request, "roster/import.html", context)


def _non_negative(value: object) -> int:
    return value if isinstance(value, int) and value > 0 else 0


def _run_context(request: HttpRequest, run_id: int) -> dict:
    run = services.import_run_notice_silent_worker(access.access_import_run(request.user, run_id))
    if run.status == run.RunStatus.RUNNING:
        live = progress_read(run) or {}
        run.stage = str(live.get("stage", run.stage))[:100]
        run.done = _non_negative(live.get("done", run.done))
        run.total = _non_negative(live.get("total", run.total))
    percent = round(100 * run.done / run.total) if run.total else None
    counts = sorted(run.summary.get("counts", {}).items()) if run.summary else []
    return {
        "run": run,
        "percent": percent,
        "counts": counts,
        "can_start_again": access.can_start_import_again(request.user, run),
    }


@login_required
def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    return render(request, "roster/import_run.html", _run_context(request, run_id))


@login_required
def import_run_status(request: HttpRequest, run_id: int) -> HttpResponse:
    """The part of the progress page htmx polls until the run has finished."""
    return render(request, "roster/_import_status.html", _run_context(request, run_id))


@login_required
@require_POST
def import_run_start_again(request: HttpRequest, run_id: int) -> HttpResponse:
    """Queue again the upload of a run whose worker died (or that hit an unexpected error)."""
    run = access.access_import_run(request.user, run_id)
    try:
        again = services.import_run_start_again(by=request.user, run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("roster:import_run", run_id=run.pk)
    return redirect("roster:import_run", run_id=again.pk)
