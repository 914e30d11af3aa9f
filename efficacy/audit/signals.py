"""Sign-in, failed sign-in, sign-out and lockouts, recorded from Django's and django-axes'
signals (whichever page or provider signed the person in: the password form, OpenID
Connect, a second factor)."""

from __future__ import annotations

import re
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from efficacy.audit.models import Action, Via
from efficacy.audit.services import record
from efficacy.roster.models import User

#: Credentials never kept, whatever Django has done to them: the same words Django's
#: ``_clean_credentials`` hides, and the username, which is kept apart as "who was tried".
SECRET_WORDS = re.compile(r"API|TOKEN|KEY|SECRET|PASS|SIGNATURE|CODE|OTP", re.IGNORECASE)
#: A kept credential's value is cut to this many characters.
MAX_VALUE = 200


def _account_named(username: str) -> User | None:
    if not username:
        return None
    return User.objects.filter(username=username).first()


def _kept_credentials(credentials: dict[str, Any]) -> dict[str, str]:
    """The credentials but the secrets and the username (e.g. an identity ``provider``)."""
    return {
        key: str(value)[:MAX_VALUE]
        for key, value in credentials.items()
        if key != "username" and not SECRET_WORDS.search(key)
    }


@receiver(user_logged_in, dispatch_uid="audit_signed_in")
def signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    detail = {"backend": getattr(user, "backend", "")}
    record(
        actor=user, action=Action.SIGNED_IN, school=user.school_id, target=None,
        detail=detail, request=request, via=Via.SIGN_IN,
    )  # fmt: skip


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")[:150]
    account = _account_named(username)
    record(
        actor=None,
        actor_label=username,
        action=Action.SIGN_IN_FAILED,
        school=account.school_id if account else None,
        target=account,
        detail=_kept_credentials(credentials),
        request=request,
        via=Via.SIGN_IN,
    )


@receiver(user_logged_out, dispatch_uid="audit_signed_out")
def signed_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        return  # nobody was signed in: nothing happened
    record(
        actor=user, action=Action.SIGNED_OUT, school=user.school_id, request=request,
        via=Via.SIGN_IN,
    )  # fmt: skip


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str | None,
    **kwargs: Any,
) -> None:  # fmt: skip
    account = _account_named(username or "")
    record(
        actor=None,
        actor_label=(username or "")[:150],
        action=Action.LOCKED_OUT,
        school=account.school_id if account else None,
        target=account,
        request=request,
        via=Via.SIGN_IN,
    )
