"""The demo's fixtures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import QuerySet

from efficacy.cycles.models import InquiryCycle
from efficacy.demo.services import demo_build, demo_delete
from efficacy.roster.models import AcademicSession
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


MAIN_SCHOOL_ID = "demo-th-school"


def this_year() -> AcademicSession:
    """The demo's school year (the latest: last year's sessions hold last year's cycles)."""
    return (
        AcademicSession.objects.filter(sourced_id__startswith="demo-", kind="schoolYear")
        .order_by("-start_date")
        .first()
    )


def this_years_cycles() -> QuerySet[InquiryCycle]:
    """The main school's cycles of this school year (not last year's, closed)."""
    return InquiryCycle.objects.filter(
        team__school__sourced_id=MAIN_SCHOOL_ID, start_date__gte=this_year().start_date
    )


def last_years_cycles() -> QuerySet[InquiryCycle]:
    """The main school's cycles of last school year (efficacy.demo.last_year)."""
    return InquiryCycle.objects.filter(
        team__school__sourced_id=MAIN_SCHOOL_ID, start_date__lt=this_year().start_date
    )
