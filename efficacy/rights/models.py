"""What the data-rights tools record: erasures and corrections.

An :class:`Erasure` marks a student or an account as erased (the access layer hides an
erased student everywhere); it holds no name. A :class:`Correction` holds the fields an
administrator changed, before and after; it is itself data about the person, so it is
in their export and is deleted when they are erased.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from efficacy.roster.models import Student


class Erasure(models.Model):
    class Reason(models.TextChoices):
        REQUEST = "request", _("a person's request")
        RETENTION = "retention", _("the retention policy")

    student = models.OneToOneField(
        Student, null=True, blank=True, on_delete=models.PROTECT, related_name="erasure"
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="erasure",
    )
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    erased_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.REQUEST)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(student__isnull=False, account__isnull=True)
                    | models.Q(student__isnull=True, account__isnull=False)
                ),
                name="erasure_student_xor_account",
            )
        ]

    def __str__(self) -> str:
        return f"erasure of {self.student_id or self.account_id} at {self.erased_at}"


class Correction(models.Model):
    """Fields an administrator corrected: ``changes`` is ``{field: [before, after]}``."""

    student = models.ForeignKey(
        Student, null=True, blank=True, on_delete=models.CASCADE, related_name="corrections"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-corrected_at", "-id"]

    def __str__(self) -> str:
        return f"correction of {self.student_id or self.account_id}: {', '.join(self.changes)}"
