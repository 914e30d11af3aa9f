"""Writes to the roster that people make by hand (teams do not come from OneRoster).

Each service checks the write rule itself, so a view, an API endpoint or a
command cannot forget it.
"""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from efficacy.access import roster as access
from efficacy.roster.models import ImportRun, Role, School, Status, Team, TeamMembership, User


def team_create(
    *, by: User, school: School, name: str, kind: str = Team.Kind.OTHER, description: str = ""
) -> Team:
    """Create a team in ``school``. Only the school's leader may."""
    if not access.can_create_team(by, school):
        raise PermissionDenied(_("Only the school leader can create teams."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the team a name.")})
    if kind not in Team.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of team from the list.")})
    if Team.objects.filter(school=school, name__iexact=name).exists():
        raise ValidationError(
            {"name": _("%(school)s already has a team called “%(name)s”: choose another name.")
             % {"school": school, "name": name}}
        )  # fmt: skip
    return Team.objects.create(school=school, name=name, kind=kind, description=description.strip())


def team_membership_set(*, by: User, team: Team, user: User, role: str) -> TeamMembership:
    """Add ``user`` to ``team`` with ``role`` (member, lead, coach), or change their role."""
    if not access.can_manage_team_members(by, team):
        raise PermissionDenied(_("Only the school leader can change who is in a team."))
    if role not in TeamMembership.TeamRole.values:
        raise ValidationError({"role": _("Choose member, lead or coach.")})
    if user.school_id != team.school_id or user.status != Status.ACTIVE or not user.is_active:
        raise ValidationError(
            {
                "user": _("Only active staff of %(school)s can join its teams.")
                % {"school": team.school}
            }
        )
    if user.role in (Role.DISTRICT_ANALYST, Role.ADMINISTRATOR):
        raise ValidationError({"user": _("Analysts and administrators do not join teams.")})
    with transaction.atomic():
        membership, _created = TeamMembership.objects.update_or_create(
            team=team, user=user, defaults={"role": role}
        )
    return membership


def team_membership_remove(*, by: User, team: Team, user: User) -> None:
    """Take ``user`` out of ``team``. Their past work in the team stays."""
    if not access.can_manage_team_members(by, team):
        raise PermissionDenied(_("Only the school leader can change who is in a team."))
    TeamMembership.objects.filter(team=team, user=user).delete()


def import_run_start(*, by: User, upload: UploadedFile) -> ImportRun:
    """Save an uploaded OneRoster zip and queue its import as a background task."""
    if not access.can_import_roster(by):
        raise PermissionDenied(_("Only administrators can import a roster."))
    limit = settings.EFFICACY_MAX_UPLOAD_BYTES
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            {"export": _("This file is %(size)s; the limit is %(limit)s. Upload a smaller export, "
                         "or import it from the command line: efficacy import-roster PATH.")
             % {"size": filesizeformat(size), "limit": filesizeformat(limit)}}
        )  # fmt: skip
    if not zipfile.is_zipfile(upload):
        raise ValidationError(
            {"export": _("This is not a zip file. Upload the OneRoster export as a .zip "
                         "(manifest.csv, orgs.csv, users.csv, ... at its top level).")}
        )  # fmt: skip
    upload.seek(0)
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    # Never trust the uploaded name as a path: a random stem, the original name kept for display.
    stored = folder / f"{uuid.uuid4().hex}.zip"
    with stored.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    run = ImportRun.objects.create(
        created_by=by,
        file_name=Path(upload.name or "export.zip").name[:255],
        stored_path=str(stored),
    )
    return _import_run_enqueue(run)


def _import_run_enqueue(run: ImportRun) -> ImportRun:
    from efficacy.roster.tasks import roster_import_run

    roster_import_run.enqueue(run.pk)
    run.refresh_from_db()
    return run


def import_run_notice_silent_worker(run: ImportRun) -> ImportRun:
    """Record as failed a running import whose worker died: it would say "Importing…" forever.

    Nothing was imported: the import writes in one transaction, which a dead
    worker never commits.
    """
    from efficacy.roster.tasks import run_problem, worker_is_silent

    if not worker_is_silent(run):
        return run
    problem = run_problem(
        run,
        _("The worker running this import stopped before it finished, so nothing was imported."),
        _("Start the import again; if it stops again, tell your Efficacy support."),
    )
    # Only if it is still running: a worker that did finish meanwhile has the last word.
    ImportRun.objects.filter(pk=run.pk, status=ImportRun.RunStatus.RUNNING).update(
        status=ImportRun.RunStatus.FAILED,
        failure=ImportRun.Failure.INTERRUPTED,
        problems=[problem],
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def import_run_start_again(*, by: User, run: ImportRun) -> ImportRun:
    """Queue the upload of a run that failed on something other than its export, as a new run."""
    if not access.can_start_import_again(by, run):
        raise PermissionDenied(_("This import cannot be started again."))
    if not Path(run.stored_path).is_file():
        raise ValidationError(
            _("The uploaded file is no longer on the server: upload the export again.")
        )
    again = ImportRun.objects.create(
        created_by=by, file_name=run.file_name, stored_path=run.stored_path
    )
    return _import_run_enqueue(again)
