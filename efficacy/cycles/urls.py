"""The inquiry-cycle pages. Each sub-domain's views module owns its part of the workflow:

- :mod:`.plan.views`: creating and editing a cycle, strategies, plan, status, reflection;
- :mod:`.evidence.views`: the score grid, uploads, templates, exports, deleting evidence;
- :mod:`.impact.views`: the impact panel;
- :mod:`.stories.views`: the school's feed of mastery moments and the cycle story.
"""

from __future__ import annotations

from efficacy.cycles.evidence import views as evidence
from efficacy.cycles.impact import views as impact
from efficacy.cycles.plan import views as plan
from efficacy.cycles.stories import views as stories

app_name = "cycles"

urlpatterns = [
    *plan.urlpatterns,
    *evidence.urlpatterns,
    *impact.urlpatterns,
    *stories.urlpatterns,
]
