"""Who asked for the weekly digest of what is due, and when it last went."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestSubscription(models.Model):
    """A person's choice to receive the weekly digest (opt-in: no row, or ``weekly``
    off, means no e-mail). ``last_sent_at`` is claimed when a digest goes, so a week
    sends one whatever runs twice."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscription"
    )
    weekly = models.BooleanField(_("send me the weekly digest"), default=False)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"digest of {self.user_id}"
