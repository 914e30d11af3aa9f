"""The demo's fixtures."""

from __future__ import annotations

import datetime as dt

import pytest

from efficacy.demo.services import demo_build, demo_delete
from efficacy.voice.models import Instrument

# The day the tests build the demo on, so that they do not depend on the day they run:
# mid-March, with the first semester's cycles closed and the second's under way.
BUILT_ON = dt.date(2027, 3, 15)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo district, built once per test module (seed 2026, on ``BUILT_ON``) and
    deleted after it, with the rows of the instruments Efficacy ships that its survey
    windows made (outside any test's transaction, they would be left for the next test)."""
    with django_db_blocker.unblock():
        before = set(Instrument.objects.values_list("pk", flat=True))
        summary = demo_build(seed=2026, today=BUILT_ON)
        yield summary
        demo_delete()
        Instrument.objects.exclude(pk__in=before).delete()
