"""Writes to the roster that people make by hand (teams do not come from OneRoster),
and to accounts: invitations, password resets, roles, deactivation.

Each service checks the write rule itself, so a view, an API endpoint or a
command cannot forget it. Every change to an account is recorded as an
:class:`AccountEvent`.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from efficacy.access import roster as access
from efficacy.audit.models import Action as Audit
from efficacy.audit.models import Via
from efficacy.audit.services import record
from efficacy.roster import time
from efficacy.roster.models import (
    HAS_PASSWORD,
    AccountEvent,
    District,
    ImportRun,
    Role,
    School,
    Status,
    Team,
    TeamMembership,
    User,
    Zoned,
)
from efficacy.roster.tokens import (
    invitation_lifetime,
    invitation_token_generator,
    password_reset_token_generator,
)

if TYPE_CHECKING:
    from efficacy.roster.oneroster import ImportSummary
    from efficacy.roster.oneroster.services import Progress

logger = logging.getLogger(__name__)
#: A district or a school (its time zone is set the same way).
P = TypeVar("P", bound=Zoned)
Action = AccountEvent.Action


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
    if not access.can_join_team(user, team):
        if user.role in access.NOT_TEAM_ROLES:
            raise ValidationError({"user": _("Analysts and administrators do not join teams.")})
        raise ValidationError(
            {
                "user": _("Only active staff of %(school)s can join its teams.")
                % {"school": team.school}
            }
        )
    with transaction.atomic():
        membership, _created = TeamMembership.objects.update_or_create(
            team=team, user=user, defaults={"role": role}
        )
        record(actor=by, action=Audit.TEAM_MEMBER_SET, school=team.school_id, target=team,
               detail={"user": user.pk, "role": role, "created": _created})  # fmt: skip
    return membership


def team_membership_remove(*, by: User, team: Team, user: User) -> None:
    """Take ``user`` out of ``team``. Their past work in the team stays."""
    if not access.can_manage_team_members(by, team):
        raise PermissionDenied(_("Only the school leader can change who is in a team."))
    with transaction.atomic():
        removed, _detail = TeamMembership.objects.filter(team=team, user=user).delete()
        if removed:
            record(actor=by, action=Audit.TEAM_MEMBER_REMOVED, school=team.school_id,
                   target=team, detail={"user": user.pk})  # fmt: skip


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
    # Never trust the uploaded name as a path: a random name, the original kept for display.
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}.zip", upload)
    with transaction.atomic():
        run = ImportRun.objects.create(
            created_by=by,
            file_name=Path(upload.name or "export.zip").name[:255],
            stored_name=stored,
        )
        record(actor=by, action=Audit.ROSTER_IMPORT_STARTED, school=by.school_id, target=run)
    return _import_run_enqueue(run)


def _import_run_enqueue(run: ImportRun) -> ImportRun:
    from efficacy.roster.tasks import roster_import_run

    # The worker words the run's stage and problems in the language of whoever queued it.
    roster_import_run.enqueue(run.pk, language=translation.get_language())
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
    if not run.stored_name or not default_storage.exists(run.stored_name):
        raise ValidationError(
            _("The uploaded file is no longer on the server: upload the export again.")
        )
    with transaction.atomic():
        again = ImportRun.objects.create(
            created_by=by, file_name=run.file_name, stored_name=run.stored_name
        )
        record(actor=by, action=Audit.ROSTER_IMPORT_STARTED, school=by.school_id, target=again,
               detail={"again": run.pk})  # fmt: skip
    return _import_run_enqueue(again)


# --- accounts -----------------------------------------------------------------


def _account_mail(*, account: User, kind: str, token: str, base_url: str) -> None:
    """Send ``account`` the ``kind`` e-mail ("invitation" or "password_reset") with its link.

    The link's path comes from the template (``{% url %}``); ``base_url`` is the
    site's address as the person who asked for it reached it.
    """
    context = {
        "account": account,
        "base_url": base_url.rstrip("/"),
        "uid": urlsafe_base64_encode(force_bytes(account.pk)),
        "token": token,
        "days": invitation_lifetime().days
        if kind == "invitation"
        else max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
    }
    subject = render_to_string(f"registration/{kind}_subject.txt", context)
    body = render_to_string(f"registration/{kind}_email.txt", context)
    # A subject is one line, whatever the template's line ends.
    send_mail(" ".join(subject.split()), body, None, [account.email])


def _account_mail_or_refuse(*, account: User, kind: str, token: str, base_url: str) -> None:
    """:func:`_account_mail` for an administrator's action: when the mail cannot be sent,
    it is logged and refused with a ValidationError, which rolls the caller's
    transaction (and its record of the action) back."""
    try:
        _account_mail(account=account, kind=kind, token=token, base_url=base_url)
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("could not send an account e-mail to user %s: %s", account.pk, error)
        raise ValidationError(
            _("The e-mail to %(email)s could not be sent. Check the e-mail settings "
              "(EMAIL_HOST and the others) or try again later.")
            % {"email": account.email}
        ) from error  # fmt: skip


def account_invite(*, by: User, account: User, base_url: str) -> AccountEvent:
    """E-mail ``account`` a one-time link that sets their first password.

    Sending again gives the account a fresh unusable password, so only the newest
    link works. The link expires after ``EFFICACY_INVITATION_DAYS``.
    """
    if not access.can_invite(by, account):
        raise PermissionDenied(_("You cannot invite this person."))
    with transaction.atomic():
        account.set_unusable_password()
        account.save(update_fields=["password"])
        event = AccountEvent.objects.create(account=account, by=by, action=Action.INVITED)
        record(actor=by, action=Audit.INVITATION_SENT, school=account.school_id, target=account)
        token = invitation_token_generator.make_token(account)
        _account_mail_or_refuse(account=account, kind="invitation", token=token, base_url=base_url)
    return event


def account_password_reset_send(*, by: User, account: User, base_url: str) -> AccountEvent:
    """An administrator e-mails ``account`` a link to choose a new password.

    Their current password keeps working; the link stops working once they sign in
    or choose a new password (Django's token covers the last sign-in and the password).
    """
    if not access.can_send_password_reset(by, account):
        raise PermissionDenied(_("You cannot reset this person's password."))
    with transaction.atomic():
        event = AccountEvent.objects.create(account=account, by=by, action=Action.RESET_SENT)
        record(actor=by, action=Audit.PASSWORD_RESET_SENT, school=account.school_id,
               target=account)  # fmt: skip
        token = password_reset_token_generator.make_token(account)
        _account_mail_or_refuse(
            account=account, kind="password_reset", token=token, base_url=base_url
        )
    return event


def account_password_reset_request(*, email: str, base_url: str) -> None:
    """Someone forgot their password: e-mail a reset link to the active accounts with
    that address and a password. Whatever happens, nothing is said back, so the form
    reveals no account (unknown, retired, deactivated or not yet invited alike)."""
    email = email.strip()
    if not email:
        return
    accounts = User.objects.filter(
        HAS_PASSWORD, email__iexact=email, is_active=True, status=Status.ACTIVE
    )
    for account in accounts:
        if account.email.casefold() != email.casefold():
            continue  # iexact can match other letters in some databases' collations
        token = password_reset_token_generator.make_token(account)
        try:
            _account_mail(account=account, kind="password_reset", token=token, base_url=base_url)
        except (smtplib.SMTPException, OSError) as error:
            logger.warning("could not send a password reset to user %s: %s", account.pk, error)
            continue
        with transaction.atomic():
            AccountEvent.objects.create(account=account, by=None, action=Action.RESET_SENT)
            record(actor=None, action=Audit.PASSWORD_RESET_SENT, school=account.school_id,
                   target=account, detail={"requested_by": "email"})  # fmt: skip


#: How a person sets their own password, as recorded.
PASSWORD_ACTIONS = (Action.INVITATION_ACCEPTED, Action.PASSWORD_RESET, Action.PASSWORD_CHANGED)


def account_password_set(*, account: User, password: str, action: str) -> User:
    """``account`` sets their own password (from an invitation or reset link, or their
    Account page). The caller has checked the link or the current password."""
    if action not in PASSWORD_ACTIONS:
        raise ValueError(f"not a way to set one's password: {action!r}")
    if not access.can_change_own_password(account):
        raise PermissionDenied(_("This account is not active."))
    with transaction.atomic():
        account.set_password(password)
        account.save(update_fields=["password"])
        AccountEvent.objects.create(account=account, by=account, action=action)
    return account


def account_role_set(*, by: User, account: User, role: str) -> AccountEvent | None:
    """Change ``account``'s role. Nothing happens (None) when it is already ``role``."""
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    if not access.can_set_role(by, account, role):
        raise PermissionDenied(_("You cannot give this person that role."))
    if account.role == role:
        return None
    with transaction.atomic():
        before = account.role
        account.role = role
        account.save(update_fields=["role"])
        record(actor=by, action=Audit.ROLE_CHANGED, school=account.school_id, target=account,
               detail={"from": before, "to": role})  # fmt: skip
        return AccountEvent.objects.create(
            account=account, by=by, action=Action.ROLE_CHANGED, detail={"from": before, "to": role}
        )


def account_deactivate(*, by: User, account: User) -> AccountEvent:
    """``account`` can no longer sign in; a session they have open ends at its next request."""
    if not access.can_deactivate(by, account):
        raise PermissionDenied(_("You cannot deactivate this account."))
    return _account_active_set(by=by, account=account, active=False)


def account_reactivate(*, by: User, account: User) -> AccountEvent:
    """``account`` can sign in again, with the password they had."""
    if not access.can_reactivate(by, account):
        raise PermissionDenied(_("You cannot reactivate this account."))
    return _account_active_set(by=by, account=account, active=True)


def _account_active_set(*, by: User, account: User, active: bool) -> AccountEvent:
    """Whether ``account`` can sign in, recorded as deactivated or reactivated by ``by``.
    The caller has checked that ``by`` may."""
    with transaction.atomic():
        account.is_active = active
        account.save(update_fields=["is_active"])
        action = Action.REACTIVATED if active else Action.DEACTIVATED
        record(
            actor=by,
            action=Audit.ACCOUNT_REACTIVATED if active else Audit.ACCOUNT_DEACTIVATED,
            school=account.school_id,
            target=account,
        )
        return AccountEvent.objects.create(account=account, by=by, action=action)


class AdministratorRefused(Exception):
    """The first administrator cannot be made as asked; the message says why and what to do."""


def administrator_create(
    *, username: str, email: str, password: str, district: str = "", district_id: str = ""
) -> tuple[User, bool]:
    """A district administrator who can sign in, made by the server operator (the first
    one, on a fresh install): ``(account, created)``.

    The district is the one whose OneRoster ``sourcedId`` is ``district_id`` (created with
    the name ``district`` when there is none yet, so that the roster imported later fills
    it), else the one named ``district`` (created when there is none), else the only
    district there is. An administrator of that name already there is left as it is
    (``created`` False), so the recipe can run again; any other account of that name is
    refused, as is a password Django's validators refuse.
    """
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        if existing.role == Role.ADMINISTRATOR and existing.is_active:
            return existing, False
        raise AdministratorRefused(
            _("An account named %(username)s already exists and is not an active "
              "administrator: choose another username, or give that account the role "
              "on the Accounts page.") % {"username": username}
        )  # fmt: skip
    from django.contrib.auth.password_validation import validate_password

    candidate = User(username=username, email=email, role=Role.ADMINISTRATOR)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise AdministratorRefused(
            _("The password is refused: %(reasons)s") % {"reasons": " ".join(error.messages)}
        ) from None
    with transaction.atomic():
        candidate.district = _administrator_district(name=district, sourced_id=district_id)
        candidate.set_password(password)
        candidate.save()
        record(actor=None, action=Audit.ADMINISTRATOR_CREATED, target=candidate,
               detail={"district": candidate.district_id}, via=Via.COMMAND)  # fmt: skip
    logger.info("administrator %s created for district %s", username, candidate.district_id)
    return candidate, True


def roster_import_by_operator(*, source: Path, progress: Progress | None = None) -> ImportSummary:
    """Import a OneRoster export from the command line: the server operator imports every
    district and school (``access.ROSTER_SCOPE_ALL``). Audited as a run from the web is,
    via the command: a success with the rows (in their transaction), a refused export
    after it (nothing was written)."""
    from efficacy.roster.oneroster import RosterImportInvalid, roster_import

    def audited(status: str, **detail: object) -> None:
        record(actor=None, action=Audit.ROSTER_IMPORT_FINISHED, via=Via.COMMAND,
               detail={"status": status, "file": source.name, **detail})  # fmt: skip

    def written(summary: ImportSummary) -> None:
        audited(ImportRun.RunStatus.SUCCEEDED, problems=0, version=summary.version)

    try:
        return roster_import(
            source=source, scope=access.ROSTER_SCOPE_ALL, progress=progress, on_written=written
        )
    except RosterImportInvalid as invalid:
        audited(ImportRun.RunStatus.FAILED, problems=invalid.problems.total)
        raise


def _administrator_district(*, name: str, sourced_id: str) -> District:
    if sourced_id:
        found = District.objects.filter(sourced_id=sourced_id).first()
        return found or District.objects.create(name=name or sourced_id, sourced_id=sourced_id)
    if name:
        named = list(District.objects.filter(name=name)[:2])
        if len(named) > 1:
            raise AdministratorRefused(
                _("Several districts are named %(name)s: give its OneRoster sourcedId with "
                  "--district-id instead.") % {"name": name}
            )  # fmt: skip
        return named[0] if named else District.objects.create(name=name)
    districts = list(District.objects.all()[:2])
    if len(districts) == 1:
        return districts[0]
    if not districts:
        raise AdministratorRefused(
            _("There is no district yet: name it with --district (and give its OneRoster "
              "sourcedId with --district-id, so that the roster you import later fills it), "
              "or import the roster first (efficacy import-roster).")
        )  # fmt: skip
    raise AdministratorRefused(
        _("There are several districts: say which with --district NAME or --district-id "
          "SOURCEDID.")
    )  # fmt: skip


def account_language_set(*, account: User, language: str) -> User:
    """A person's own choice of language ("" for their browser's), kept for their next
    visits and their e-mails. Anything but a language of the site is refused."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    if account.language != language:
        account.language = language
        User.objects.filter(pk=account.pk).update(language=language)
    return account


def district_time_zone_set(*, by: User, district: District, time_zone: str) -> District:
    """Set the time zone of ``district`` (an IANA name), or "" for the site's: its schools
    that keep the district's follow it. Only its district administrators may."""
    if not access.can_set_district_time_zone(by, district):
        raise PermissionDenied(_("Only the district's administrators can set its time zone."))
    return _time_zone_set(by, district, time_zone, school=None, key="district")


def school_time_zone_set(*, by: User, school: School, time_zone: str) -> School:
    """Set the time zone of ``school`` (an IANA name), or "" for its district's. Its
    administrators and its district's may."""
    if not access.can_set_school_time_zone(by, school):
        raise PermissionDenied(_("Only the school's administrators can set its time zone."))
    return _time_zone_set(by, school, time_zone, school=school, key="school")


def _time_zone_set(by: User, place: P, time_zone: str, *, school: School | None, key: str) -> P:
    """Validate, write and audit a place's new time zone (nothing when it is the same)."""
    time_zone = time_zone.strip()
    time.validate_time_zone(time_zone)
    if time_zone == place.time_zone:
        return place
    before, place.time_zone = place.time_zone, time_zone
    with transaction.atomic():
        type(place)._default_manager.filter(pk=place.pk).update(time_zone=time_zone)
        record(actor=by, action=Audit.TIME_ZONE_SET, school=school, target=place,
               detail={key: place.pk, "from": before, "to": time_zone})  # fmt: skip
    return place
    before, school.time_zone = school.time_zone, time_zone
    with transaction.atomic():
        School.objects.filter(pk=school.pk).update(time_zone=time_zone)
        record(actor=by, action=Audit.TIME_ZONE_SET, school=school, target=school,
               detail={"school": school.pk, "from": before, "to": time_zone})  # fmt: skip
    return school
