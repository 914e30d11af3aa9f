"""Only what social sign-in needs, under ``/auth/``: a provider's sign-in (a POST from
the button on our sign-in page; a GET shows a page with that button) and its callback.
allauth's sign-up, password, connections and error pages are not mounted: a failed or
cancelled sign-in comes back to our sign-in page (``SchoolIdentityAdapter``)."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),
]
