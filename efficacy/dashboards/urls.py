"""The dashboards' addresses (every view fetches its objects through efficacy.access)."""

from django.urls import path  # noqa: F401

app_name = "dashboards"

urlpatterns: list = []
