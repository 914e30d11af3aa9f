"""Who must use a second factor, and who may remove another person's.

``EFFICACY_SECOND_FACTOR_ROLES`` names the roles that must (e.g. ``administrator``);
anyone else may add one. An administrator who may manage an account (``access.roster``)
may remove its second factor for a person who lost their phone, never their own (they
remove theirs on their account page, with a code).
"""

from __future__ import annotations

from django.conf import settings

from efficacy.access.roster import Person, can_manage_account, is_active_account
from efficacy.roster.models import User


def must_use_second_factor(user: Person) -> bool:
    if not is_active_account(user):
        return False
    return user.role in settings.EFFICACY_SECOND_FACTOR_ROLES


def can_reset_second_factor(user: Person, person: User) -> bool:
    if not can_manage_account(user, person):
        return False
    return person.pk != user.pk
