"""The inquiry-cycle pages. Each view module owns its part of the workflow."""

from __future__ import annotations

from efficacy.cycles.views import cycle, evidence, impact, story

app_name = "cycles"

urlpatterns = [
    *cycle.urlpatterns,
    *evidence.urlpatterns,
    *impact.urlpatterns,
    *story.urlpatterns,
]
