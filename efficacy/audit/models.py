"""One row per audited action, never changed once written (see :mod:`efficacy.audit`)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from efficacy.roster.models import School, User


class AppendOnly(Exception):
    """An audit event is never changed or deleted (but by the retention purge)."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("audit events are append-only: they cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly(
            "audit events are append-only: only efficacy.audit.services.purge_before deletes them"
        )


class Action(models.TextChoices):
    """What was done, stored as a code and translated when shown."""

    STUDENT_DATA_VIEWED = "student_data_viewed", _("viewed student-level data")
    STUDENT_DATA_EXPORTED = "student_data_exported", _("exported student-level data")
    EVIDENCE_SAVED = "evidence_saved", _("saved evidence in a batch")
    SCORE_SET = "score_set", _("entered a score")
    EVIDENCE_DELETED = "evidence_deleted", _("deleted evidence")
    GOAL_CHANGED = "goal_changed", _("changed a cycle's goal")
    SURVEY_OPENED = "survey_opened", _("opened a survey window")
    SURVEY_CLOSED = "survey_closed", _("closed a survey window")
    INSTRUMENT_LOADED = "instrument_loaded", _("loaded a survey instrument")
    ROLE_CHANGED = "role_changed", _("changed a role")
    ACCOUNT_DEACTIVATED = "account_deactivated", _("deactivated an account")
    ACCOUNT_REACTIVATED = "account_reactivated", _("reactivated an account")
    TEAM_MEMBER_SET = "team_member_set", _("added or changed a team member")
    TEAM_MEMBER_REMOVED = "team_member_removed", _("removed a team member")
    ROSTER_IMPORT_STARTED = "roster_import_started", _("started a roster import")
    ROSTER_IMPORT_FINISHED = "roster_import_finished", _("roster import finished")
    INVITATION_SENT = "invitation_sent", _("sent an invitation")
    PASSWORD_RESET_SENT = "password_reset_sent", _("sent a password reset link")
    TOKEN_CREATED = "token_created", _("created an access token")
    TOKEN_REVOKED = "token_revoked", _("revoked an access token")
    SECOND_FACTOR_REMOVED = "second_factor_removed", _("removed a person's second factor")
    TIME_ZONE_SET = "time_zone_set", _("set a time zone")
    ADMINISTRATOR_CREATED = "administrator_created", _("created an administrator on the server")
    PERSON_EXPORTED = "person_exported", _("exported everything held about a person")
    PERSON_CORRECTED = "person_corrected", _("corrected a person's record")
    PERSON_ERASED = "person_erased", _("erased a person")
    RECORDS_PURGED = "records_purged", _("purged records past their retention")
    SIGNED_IN = "signed_in", _("signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("failed to sign in")
    SIGNED_OUT = "signed_out", _("signed out")
    LOCKED_OUT = "locked_out", _("locked out after failed sign-ins")


class Kind(models.TextChoices):
    """Kinds of action, for the page's filter."""

    STUDENT_DATA = "student_data", _("student-level data viewed or exported")
    EVIDENCE = "evidence", _("evidence changed")
    GOALS = "goals", _("goals changed")
    SURVEYS = "surveys", _("surveys changed")
    ACCOUNTS = "accounts", _("roles and permissions")
    SIGN_IN = "sign_in", _("sign-in")
    DATA_RIGHTS = "data_rights", _("data rights: exports, corrections, erasures, purges")


#: Each kind's actions: every action is in one kind.
KIND_ACTIONS: dict[str, tuple[str, ...]] = {
    Kind.STUDENT_DATA: (Action.STUDENT_DATA_VIEWED, Action.STUDENT_DATA_EXPORTED),
    Kind.EVIDENCE: (Action.EVIDENCE_SAVED, Action.SCORE_SET, Action.EVIDENCE_DELETED),
    Kind.GOALS: (Action.GOAL_CHANGED,),
    Kind.SURVEYS: (Action.SURVEY_OPENED, Action.SURVEY_CLOSED, Action.INSTRUMENT_LOADED),
    Kind.ACCOUNTS: (
        Action.ROLE_CHANGED, Action.ACCOUNT_DEACTIVATED, Action.ACCOUNT_REACTIVATED,
        Action.TEAM_MEMBER_SET, Action.TEAM_MEMBER_REMOVED, Action.ROSTER_IMPORT_STARTED,
        Action.ROSTER_IMPORT_FINISHED, Action.INVITATION_SENT, Action.PASSWORD_RESET_SENT,
        Action.TOKEN_CREATED, Action.TOKEN_REVOKED, Action.SECOND_FACTOR_REMOVED,
        Action.TIME_ZONE_SET, Action.ADMINISTRATOR_CREATED,
    ),
    Kind.SIGN_IN: (
        Action.SIGNED_IN, Action.SIGN_IN_FAILED, Action.SIGNED_OUT, Action.LOCKED_OUT,
    ),
    Kind.DATA_RIGHTS: (
        Action.PERSON_EXPORTED, Action.PERSON_CORRECTED, Action.PERSON_ERASED,
        Action.RECORDS_PURGED,
    ),
}  # fmt: skip


class Via(models.TextChoices):
    PAGE = "page", _("page")
    API = "api", _("API")
    COMMAND = "command", _("command")
    SIGN_IN = "sign-in", _("sign-in")


class AuditEvent(models.Model):
    """Who did what, when, from where, to what. Append-only.

    ``actor_label`` keeps the username at the time, so the row stays readable when the
    account goes (``actor`` is then empty). ``detail`` holds ids and counts, never a
    student's name; a student target's label is empty for the same reason.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    # No database constraint, and nothing done when the school goes (the demo rebuilds its
    # schools): the event keeps the school's id, and the log its scope.
    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.PAGE)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["school", "at"], name="audit_school_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label or '-'} {self.action} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnly("audit events are append-only: they cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly(
            "audit events are append-only: only efficacy.audit.services.purge_before deletes them"
        )

    @property
    def target(self) -> str:
        """The target as shown: its label, else its type and id."""
        if self.target_label:
            return self.target_label
        if self.target_type:
            return f"{self.target_type.rsplit('.', 1)[-1]} {self.target_id}".strip()
        return ""


class PurgePermit(models.Model):
    """While a row is here, the database lets audit events older than ``cutoff`` be deleted.

    Written and removed in one transaction by :func:`efficacy.audit.services.purge_before`,
    the only writer: the triggers of migration 0001 refuse any other delete.
    """

    cutoff = models.DateTimeField()

    def __str__(self) -> str:
        return f"purge before {self.cutoff:%Y-%m-%d %H:%M}"
