"""The results pages (issue 11); urlpatterns is included by :mod:`efficacy.voice.urls`."""

from __future__ import annotations

urlpatterns: list = []
