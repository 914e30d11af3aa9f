"""Sign-in and sign-out (Django's views; django-axes watches the sign-in)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

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
]
