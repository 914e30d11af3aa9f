"""The voice pages: staff surveys (:mod:`.views_surveys`), exit tickets
(:mod:`.views_tickets`) and the trust-building tools (:mod:`.views_trust`)."""

from __future__ import annotations

from efficacy.voice import views_surveys, views_tickets, views_trust

app_name = "voice"

urlpatterns = views_surveys.urlpatterns + views_tickets.urlpatterns + views_trust.urlpatterns
