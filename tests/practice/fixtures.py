"""A round of the English team's cycle: teacher_a hosts, lead_english observes.

coach_a is a team member who is not an observer; leader_a is the school leader.
"""

from __future__ import annotations

import datetime as dt

import pytest

from efficacy.cycles.models import Strategy
from efficacy.cycles.plan.services import cycle_create, cycle_strategies_set
from efficacy.practice.services import observation_plan


def english_round(world, cycle=None):
    if cycle is None:
        cycle = cycle_create(
            user=world.lead_english,
            team=world.team_english,
            title="Inference in grade 9 applied English",
            focus={"grades": ["09"], "pathways": ["applied"]},
            start_date=dt.date(2024, 9, 15),
            end_date=dt.date(2024, 12, 15),
        )
    strategy = Strategy.objects.filter(school=None, look_fors__isnull=False).first()
    cycle_strategies_set(user=world.lead_english, cycle=cycle, strategy_ids=[strategy.pk])
    return observation_plan(
        user=world.lead_english,
        cycle=cycle,
        host=world.teacher_a,
        observers=[world.lead_english],
        date=dt.date(2024, 10, 8),
        period="2",
        strategies=[strategy],
        school_class=world.english_9_applied,
        pre_brief="We are working on inferring a character's motive.",
    )


@pytest.fixture
def observation(world):
    return english_round(world)


def pdf_of_work(pages: int = 1, author: str | None = None) -> bytes:
    """A PDF of blank pages; with ``author``, its document information and an XMP stream
    name them, as a word processor's export does."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    if author is not None:
        writer.add_metadata({"/Author": author, "/Creator": "Word for Ms Secret's laptop"})
        xmp = DecodedStreamObject()
        xmp.set_data(
            f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{author}</dc:creator></x:xmpmeta>'.encode()
        )
        xmp.update({NameObject("/Type"): NameObject("/Metadata"),
                    NameObject("/Subtype"): NameObject("/XML")})  # fmt: skip
        writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
