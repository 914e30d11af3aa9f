"""The voice pages: its front page (:mod:`.views_home`), instruments (:mod:`.views_instruments`), staff survey windows
(:mod:`.views_surveys`) and their results (:mod:`.views_results`), exit tickets
(:mod:`.views_tickets`) and the trust-building tools (:mod:`.views_trust`)."""

from __future__ import annotations

from efficacy.voice import (
    views_home,
    views_instruments,
    views_results,
    views_surveys,
    views_tickets,
    views_trust,
)

app_name = "voice"

urlpatterns = (
    views_home.urlpatterns
    + views_instruments.urlpatterns
    + views_surveys.urlpatterns
    + views_results.urlpatterns
    + views_tickets.urlpatterns
    + views_trust.urlpatterns
)
