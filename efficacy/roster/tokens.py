"""The one-time links that set a password: invitations and password resets.

Both are Django's password-reset tokens: a signed hash of the account's password
hash, last sign-in and e-mail address, so a link stops working once it has set a
password (the hash changes). An invitation has its own salt, so a reset link is
never an invitation and back, and its own lifetime (``EFFICACY_INVITATION_DAYS``).
Sending an invitation again gives the account a fresh unusable password, which
makes every earlier invitation link stop working too.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

#: Password reset links (Django's own, ``PASSWORD_RESET_TIMEOUT``: three days).
password_reset_token_generator = default_token_generator


def invitation_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.EFFICACY_INVITATION_DAYS)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token with its own salt and the invitation's lifetime."""

    key_salt = "efficacy.roster.tokens.InvitationTokenGenerator"

    def check_token(self, user, token) -> bool:
        # Django's check, with the invitation's lifetime instead of PASSWORD_RESET_TIMEOUT.
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if self._num_seconds(self._now()) - ts > invitation_lifetime().total_seconds():
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_token_generator = InvitationTokenGenerator()
