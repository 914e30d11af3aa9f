"""A report of a school (the impact report or the board summary), built by the worker.

A person asks for a report on the reports page; :func:`efficacy.dashboards.report_tasks.build_report`
builds it in the background, in that person's language and as that person sees the school,
and keeps both what it printed (``html``, the report's body) and the PDF made from it, so the
page and the PDF a board reads next month say the same thing.

The stage and the failure are codes, translated when shown (a stored sentence would stay in
the language of whoever was asking when it was written).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from efficacy.roster.models import School, User


class Report(models.Model):
    class Kind(models.TextChoices):
        IMPACT = "impact", _("School impact report")
        BOARD = "board", _("Board summary")

    class ReportStatus(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("being built")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    class Stage(models.TextChoices):
        """How far a running report got."""

        GATHERING = "gathering", _("gathering the school's figures")
        WRITING = "writing", _("writing the report")
        PDF = "pdf", _("making the PDF")

    class Failure(models.TextChoices):
        """Why a report failed, in words a person can act on."""

        ERROR = (
            "error",
            _(
                "The report stopped on an unexpected error. Ask for it again; if it fails again, "
                "tell your Efficacy support."
            ),
        )
        LOST = (
            "lost",
            _("The background worker stopped while it built this report. Ask for it again."),
        )
        NO_ACCESS = (
            "no_access",
            _("The person who asked for this report may no longer read this school's figures."),
        )

    #: A running report that has not moved for this long lost its worker: it is failed, so
    #: that no report stays "being built" for ever.
    LOST_AFTER = timedelta(minutes=10)

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("report"), max_length=10, choices=Kind.choices)
    #: The language it is written in: the requester's when they asked.
    language = models.CharField(_("language"), max_length=10)
    requested_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="reports"
    )
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    failure = models.CharField(max_length=20, choices=Failure.choices, blank=True)
    #: The report's body as printed (the same partial templates as the school dashboard).
    html = models.TextField(blank=True)
    pdf = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    #: Touched each time the worker moves to a stage: how :attr:`is_lost` knows it is alive.
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.school} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.ReportStatus.DONE, self.ReportStatus.FAILED)

    @property
    def is_lost(self) -> bool:
        """Running, and the worker has not moved for :attr:`LOST_AFTER`: it died."""
        if self.status != self.ReportStatus.RUNNING:
            return False
        return timezone.now() - self.updated_at > self.LOST_AFTER

    @property
    def failure_text(self) -> str:
        if not self.failure:
            return ""
        return str(self.Failure(self.failure).label)

    @property
    def stage_text(self) -> str:
        return str(self.Stage(self.stage).label) if self.stage else ""
