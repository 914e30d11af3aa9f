"""A person's own account: their Account page (change the password), a forgotten
password, and the invitation that sets a first password.

Django's views, with our forms: every password set is recorded by
``roster.services.account_password_set``, and a link for an account that is
deactivated or retired does nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _

from efficacy.access import roster as access
from efficacy.front.forms import ChangePasswordForm, InvitationPasswordForm, ResetPasswordForm
from efficacy.roster import services
from efficacy.roster.tokens import invitation_lifetime, invitation_token_generator


def site_url(request) -> str:
    """The site's address as this person reached it, for the links in e-mails."""
    return request.build_absolute_uri("/")


class AccountView(auth_views.PasswordChangeView):
    """Who you are, and a form to change your password."""

    template_name = "front/account.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("account")

    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        if not access.can_change_own_password(request.user):
            raise PermissionDenied(_("This account is not active."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail. The answer is the same whether or not the
    address belongs to an account, so the page reveals nobody."""

    template_name = "registration/password_reset_form.html"
    form_class = PasswordResetForm

    def form_valid(self, form):
        services.account_password_reset_request(
            email=form.cleaned_data["email"], base_url=site_url(self.request)
        )
        return HttpResponseRedirect(self.get_success_url())


class _ActiveAccountsOnly:
    """A link for a deactivated or retired account opens nothing."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is not None and not access.can_change_own_password(user):
            return None
        return user


class PasswordResetConfirmView(_ActiveAccountsOnly, auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    form_class = ResetPasswordForm


class InvitationAcceptView(_ActiveAccountsOnly, auth_views.PasswordResetConfirmView):
    """The invitation's one-time link: choose a first password, then sign in."""

    template_name = "registration/invitation_accept.html"
    form_class = InvitationPasswordForm
    token_generator = invitation_token_generator
    success_url = reverse_lazy("password_reset_complete")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["days"] = invitation_lifetime().days
        return context
