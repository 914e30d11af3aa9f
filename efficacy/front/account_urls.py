"""Sign-in and sign-out (Django's views; django-axes watches the sign-in), a person's
own account and forgotten password, invitations, and the administrators' Accounts pages."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from efficacy.front import account_views, accounts, second_factor
from efficacy.front.forms import SignInForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    # Sign-out is a POST (Django 5 refuses GET), so a link cannot sign anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", account_views.AccountView.as_view(), name="account"),
    path("second-factor/", second_factor.second_factor, name="second_factor"),
    path("second-factor/verify/", second_factor.second_factor_verify, name="second_factor_verify"),
    path("password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/set/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "invitation/<uidb64>/<token>/",
        account_views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path("staff/", accounts.accounts, name="accounts"),
    path("staff/<int:user_id>/", accounts.account_manage, name="account_manage"),
]
