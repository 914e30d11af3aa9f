"""Who may create, see and revoke personal access tokens, one condition per line.

* an inactive or retired account has no token it may use, create or see;
* a person creates, sees and revokes their own tokens;
* an administrator also sees and revokes the tokens of the accounts they manage
  (:func:`efficacy.access.roster.can_manage_account`), never creates one for them;
* a token acts with its person's rights, never more: a read-only token reads,
  a read-write token also writes (and only what its person may write).
"""

from __future__ import annotations

from typing import TypeGuard

from django.db.models import Q, QuerySet

from efficacy.access.roster import (
    ObjectId,
    Person,
    accounts_for,
    can_manage_account,
    get_or_404,
    is_active_account,
)
from efficacy.api.models import AccessToken
from efficacy.roster.models import User


def can_create_token(user: Person) -> TypeGuard[User]:
    """Any active account may make tokens for itself."""
    return is_active_account(user)


def tokens_for(user: Person) -> QuerySet[AccessToken]:
    """The person's own tokens, revoked and expired included (their page lists them)."""
    if not is_active_account(user):
        return AccessToken.objects.none()
    return AccessToken.objects.filter(user=user)


def managed_tokens_for(user: Person) -> QuerySet[AccessToken]:
    """The tokens of the other accounts an administrator manages."""
    if not is_active_account(user):
        return AccessToken.objects.none()
    managed = accounts_for(user).exclude(pk=user.pk).values("pk")
    return AccessToken.objects.filter(user__in=managed)


def revocable_tokens_for(user: Person) -> QuerySet[AccessToken]:
    """Tokens the person may revoke: their own and, for an administrator, their accounts'."""
    if not is_active_account(user):
        return AccessToken.objects.none()
    managed = accounts_for(user).exclude(pk=user.pk).values("pk")
    return AccessToken.objects.filter(Q(user=user) | Q(user__in=managed))


def access_token(user: Person, token_id: ObjectId) -> AccessToken:
    """One token the person may see and revoke; 404 when missing or not theirs alike."""
    return get_or_404(revocable_tokens_for(user).select_related("user"), token_id)


def can_revoke_token(user: Person, token: AccessToken) -> bool:
    if not is_active_account(user):
        return False
    if token.user_id == user.pk:
        return True
    return can_manage_account(user, token.user)


def token_may_act(token: AccessToken, *, write: bool) -> bool:
    """A usable token whose person is an active account; ``write`` also needs its scope."""
    if not token.is_usable():
        return False
    if not is_active_account(token.user):
        return False
    if write:
        return token.can_write
    return True
