from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from efficacy.roster.models import Status


class SignInForm(AuthenticationForm):
    """Django's sign-in, also refusing accounts that left the roster."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.status != Status.ACTIVE:
            raise forms.ValidationError(
                _("This account is no longer active. Ask your Efficacy administrator."),
                code="inactive",
            )
