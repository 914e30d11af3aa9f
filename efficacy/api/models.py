"""Personal access tokens: what a script or a notebook carries as ``Authorization: Bearer``.

Only a SHA-256 digest of the token is kept; the token itself is shown once, when it is
created (:func:`efficacy.api.tokens.token_create`), and cannot be read back. The prefix
(its first characters) is kept so that a person can tell their tokens apart.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    #: The token's first characters, shown to identify it (never enough to use it).
    prefix = models.CharField(max_length=16)
    #: SHA-256 hex digest of the whole token; the token itself is never stored.
    digest = models.CharField(max_length=64, unique=True)
    #: Read-write (True) or read-only (False).
    can_write = models.BooleanField(_("may write"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        """Neither revoked nor expired (whether its person may still sign in is the
        access layer's question, :func:`efficacy.access.roster.is_active_account`)."""
        return not self.is_revoked and not self.is_expired(now)

    @property
    def scope_label(self) -> str:
        return str(_("read-write") if self.can_write else _("read-only"))

    @property
    def state(self) -> str:
        """``revoked``, ``expired`` or ``active``: a code, translated where shown."""
        if self.is_revoked:
            return "revoked"
        if self.is_expired():
            return "expired"
        return "active"
