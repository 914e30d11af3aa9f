from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from efficacy.roster import services
from efficacy.roster.models import AccountEvent, Role, Status
from efficacy.roster.selectors import AccountState


class SignInForm(AuthenticationForm):
    """Django's sign-in, also refusing accounts that left the roster."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.status != Status.ACTIVE:
            raise forms.ValidationError(
                _("This account is no longer active. Ask your Efficacy administrator."),
                code="inactive",
            )


class _RecordedPasswordMixin:
    """Set the password through the account service, which records how it was set."""

    action: str

    def save(self, commit: bool = True):
        return services.account_password_set(
            account=self.user, password=self.cleaned_data["new_password1"], action=self.action
        )


class InvitationPasswordForm(_RecordedPasswordMixin, SetPasswordForm):
    action = AccountEvent.Action.INVITATION_ACCEPTED


class ResetPasswordForm(_RecordedPasswordMixin, SetPasswordForm):
    action = AccountEvent.Action.PASSWORD_RESET


class ChangePasswordForm(_RecordedPasswordMixin, PasswordChangeForm):
    action = AccountEvent.Action.PASSWORD_CHANGED


class AccountSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or username"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("Account"),
        required=False,
        choices=[("", _("All accounts")), *AccountState.choices],
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("New role"))

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        self.fields["role"].choices = [(role, labels[role]) for role in roles]
