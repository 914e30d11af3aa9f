"""Who reads which cycle and mastery moment: the team's viewers, and the school for published moments."""

from __future__ import annotations

import pytest
from django.http import Http404

from efficacy.access.cycles import (
    access_cycle,
    access_moment,
    can_see_student_evidence,
    cycles_for,
    moments_for,
)
from efficacy.cycles.models import MasteryMoment

pytestmark = pytest.mark.django_db

CYCLE_READERS = {"lead_english", "teacher_a", "coach_a", "leader_a", "analyst"}


def test_a_cycle_is_read_by_whoever_sees_its_team(world, cycle):
    for name, person in world.people().items():
        sees = cycles_for(person).filter(pk=cycle.pk).exists()
        assert sees == (name in CYCLE_READERS), name
        if name not in CYCLE_READERS:
            with pytest.raises(Http404):
                access_cycle(person, cycle.pk)
    assert access_cycle(world.teacher_a, str(cycle.pk)) == cycle
    with pytest.raises(Http404):
        access_cycle(world.teacher_a, "not-a-number")


def test_student_evidence_is_for_members_and_editors_never_analysts(world, cycle):
    allowed = {n for n, p in world.people().items() if can_see_student_evidence(p, cycle)}
    assert allowed == {"lead_english", "teacher_a", "coach_a", "leader_a"}


def test_a_published_moment_reaches_the_whole_school_and_no_further(world, cycle):
    moment = MasteryMoment.objects.create(
        cycle=cycle, reflection={"understanding": "What we learned"}, rule="prepost_gain"
    )
    private = {n for n, p in world.people().items() if moments_for(p).filter(pk=moment.pk).exists()}
    assert private == CYCLE_READERS
    moment.published = True
    moment.save()
    public = {n for n, p in world.people().items() if moments_for(p).filter(pk=moment.pk).exists()}
    school_a_staff = {
        n
        for n, p in world.people().items()
        if p.school_id == world.school_a.pk and p.status == "active"
    }
    assert public == CYCLE_READERS | school_a_staff
    assert "teacher_b" not in public
    assert "teacher_c" not in public
    assert access_moment(world.lead_math, moment.pk) == moment
    with pytest.raises(Http404):
        access_moment(world.teacher_b, moment.pk)
