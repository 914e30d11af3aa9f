"""The Tokens page, under ``/accounts/tokens/``."""

from __future__ import annotations

from django.urls import path

from efficacy.api import views_tokens

urlpatterns = [
    path("", views_tokens.tokens, name="api_tokens"),
    path("<int:token_id>/revoke/", views_tokens.token_revoke, name="api_token_revoke"),
]
