"""Personal access tokens: create, authenticate, revoke (the only writes to ``AccessToken``).

A token is ``eff_`` followed by 43 URL-safe characters (32 random bytes). Only its
SHA-256 digest is stored: a copy of the database gives nobody a usable token. The token
is returned once, by :func:`token_create`, and never again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from efficacy.access import tokens as access
from efficacy.access.roster import is_active_account
from efficacy.api.models import AccessToken
from efficacy.audit.models import Action
from efficacy.audit.services import record
from efficacy.roster.models import User

#: Every token starts with this, so that a secret scanner (or a person) can recognise one.
TOKEN_PREFIX = "eff_"
#: How many of the token's first characters are kept to identify it.
PREFIX_LENGTH = 10
#: The expiry when none is chosen, in days (never beyond ``EFFICACY_TOKEN_MAX_DAYS``).
DEFAULT_DAYS = 90
#: ``last_used_at`` is written at most this often, so that a busy script does not write
#: on every request.
LAST_USED_EVERY = dt.timedelta(minutes=1)


def token_days_range() -> tuple[int, int]:
    """The expiries a token may have, in days: from 1 to ``EFFICACY_TOKEN_MAX_DAYS``."""
    return 1, int(settings.EFFICACY_TOKEN_MAX_DAYS)


def token_default_days() -> int:
    return min(DEFAULT_DAYS, token_days_range()[1])


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_create(
    *, user: User, name: str, write: bool = False, days: int | None = None
) -> tuple[AccessToken, str]:
    """A new token for ``user``; the raw token is returned here and nowhere else."""
    if not access.can_create_token(user):
        raise PermissionDenied(_("This account is not active."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, to tell it apart later.")})
    low, high = token_days_range()
    if days is None:
        days = token_default_days()
    if not low <= days <= high:
        raise ValidationError(
            {
                "days": _("A token expires after %(low)d to %(high)d days.")
                % {"low": low, "high": high}
            }
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = _create(user, name, raw, write, now, days)
        record(actor=user, action=Action.TOKEN_CREATED, school=user.school_id, target=token,
               detail={"write": write, "days": days})  # fmt: skip
    return token, raw


def _create(
    user: User, name: str, raw: str, write: bool, now: dt.datetime, days: int
) -> AccessToken:
    return AccessToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[:PREFIX_LENGTH],
        digest=token_digest(raw),
        can_write=write,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )


def token_authenticate(raw: str) -> AccessToken | None:
    """The usable token ``raw`` is, or None: unknown, malformed, expired, revoked, or its
    person is deactivated or retired. Notes when it was used (at most once a minute)."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    digest = token_digest(raw)
    # The lookup is by the digest of what was sent, never by the token: its timing
    # tells nothing about a stored token. The comparison below is constant-time anyway.
    token = AccessToken.objects.select_related("user").filter(digest=digest).first()
    if token is None or not hmac.compare_digest(token.digest, digest):
        return None
    if not token.is_usable():
        return None
    if not is_active_account(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_EVERY:
        AccessToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_EVERY)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_revoke(*, by: User, token: AccessToken) -> AccessToken:
    """Revoke ``token`` (its person's, or an administrator's for an account they manage).
    Revoking a revoked token changes nothing."""
    if not access.can_revoke_token(by, token):
        raise PermissionDenied(_("You cannot revoke this token."))
    return _revoke(token, by=by)


def token_revoke_by_operator(*, token: AccessToken) -> AccessToken:
    """Revoke ``token`` from the command line (``efficacy token revoke ID``), which only a
    server operator runs."""
    return _revoke(token, by=None)


@transaction.atomic
def _revoke(token: AccessToken, *, by: User | None) -> AccessToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor=by,
            action=Action.TOKEN_REVOKED,
            school=token.user.school_id,
            target=token,
            actor_label=None if by is not None else "efficacy token revoke",
        )
    return token
