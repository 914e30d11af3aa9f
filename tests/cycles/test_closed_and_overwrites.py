"""A closed cycle changes nowhere, and a score is changed or cleared only by its own
class's teacher or those who run the cycle (defect 9 of issue 8).

Every write a page offers is tried on a closed cycle, through HTTP and through
the services, as the team lead and as a plain member: nothing changes, the
answer is never a 500, and only reopening (a step back with a reason) and
publishing its story still work.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from efficacy.cycles.evidence.services import evidence_delete, score_set
from efficacy.cycles.models import (
    CycleStatus,
    EvidenceDeletion,
    MasteryMoment,
    Milestone,
    Reflection,
    Score,
)
from efficacy.cycles.plan.services import (
    cycle_strategies_set,
    cycle_update,
    milestone_create,
    milestone_delete,
    milestone_set_done,
)
from efficacy.cycles.stories.services import mastery_moment_publish, reflection_save
from efficacy.roster.models import Enrollment, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(world, ready_cycle, rubric, baseline):
    milestone = Milestone.objects.create(cycle=ready_cycle, title="Observe each other")
    Reflection.objects.create(cycle=ready_cycle, understanding="What we saw")
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=2)
    ready_cycle.status = CycleStatus.CLOSED
    ready_cycle.save()
    return ready_cycle, milestone


def _state(cycle, milestone):
    cycle.refresh_from_db()
    milestone.refresh_from_db()
    return (
        cycle.title,
        cycle.status,
        milestone.done,
        cycle.milestones.count(),
        cycle.measures.count(),
        cycle.occasions.count(),
        cycle.cycle_strategies.count(),
        Reflection.objects.get(cycle=cycle).understanding,
        sorted(Score.objects.values_list("student_id", "value")),
        EvidenceDeletion.objects.count(),
    )


def _writes(world, cycle, milestone, rubric, baseline):
    """Every write the pages offer: (url name, args, data)."""
    ava = world.ava
    cell = f"score-{ava.pk}-{baseline.pk}"
    upload = "student,name,class,measure,occasion,score\n"
    upload += f"{ava.identifier},,,{rubric.name},{baseline.name},4\n"
    return [
        ("milestone", [cycle.pk, milestone.pk], {"action": "done", "done": "1"}),
        ("milestone", [cycle.pk, milestone.pk], {"action": "save", "title": "Changed"}),
        ("milestone", [cycle.pk, milestone.pk], {"action": "delete"}),
        ("milestones", [cycle.pk], {"title": "Another"}),
        ("measures", [cycle.pk], {"name": "Quiz", "kind": "points", "min_score": 0, "max_score": 10}),
        ("occasions", [cycle.pk], {"name": "Midway", "kind": "checkpoint"}),
        ("strategies", [cycle.pk], {"strategies": []}),
        ("edit", [cycle.pk], {"title": "Changed"}),
        ("reflection", [cycle.pk], {"understanding": "Rewritten after the fact"}),
        ("score_cell", [cycle.pk], {"measure": rubric.pk, "occasion": baseline.pk,
                                    "student": ava.pk, "class": world.english_9_applied.pk,
                                    cell: ""}),
        ("upload", [cycle.pk], {"file": SimpleUploadedFile("s.csv", upload.encode())}),
        ("evidence_delete", [cycle.pk], {"measure": rubric.pk, "occasion": baseline.pk,
                                         "class": "", "reason": "tidy up"}),
    ]  # fmt: skip


@pytest.mark.parametrize("person", ["lead_english", "teacher_a"])
def test_no_page_changes_a_closed_cycle(client, world, closed, rubric, baseline, person):
    cycle, milestone = closed
    before = _state(cycle, milestone)
    client.force_login(getattr(world, person))
    for name, args, data in _writes(world, cycle, milestone, rubric, baseline):
        response = client.post(reverse(f"cycles:{name}", args=args), data)
        assert response.status_code in (200, 302, 403), (name, response.status_code)
        assert _state(cycle, milestone) == before, name
    grid = reverse("cycles:grid", args=[cycle.pk])
    query = f"?class={world.english_9_applied.pk}&measure={rubric.pk}"
    client.post(grid + query, {f"score-{world.ava.pk}-{baseline.pk}": ""})
    assert _state(cycle, milestone) == before


def test_no_service_changes_a_closed_cycle(world, closed, rubric, baseline):
    cycle, milestone = closed
    lead, member = world.lead_english, world.teacher_a
    refused = [
        lambda: cycle_update(user=lead, cycle=cycle, title="Changed"),
        lambda: cycle_strategies_set(user=lead, cycle=cycle, strategy_ids=[]),
        lambda: milestone_create(user=lead, cycle=cycle, title="Another"),
        lambda: milestone_delete(user=lead, milestone=milestone),
        lambda: milestone_set_done(user=member, milestone=milestone, done=True),
        lambda: reflection_save(user=member, cycle=cycle, understanding="Rewritten"),
        lambda: score_set(user=member, measure=rubric, occasion=baseline,
                          student=world.ava, value=""),
        lambda: evidence_delete(user=lead, cycle=cycle, scores=Score.objects.all(), what="all"),
    ]  # fmt: skip
    before = _state(cycle, milestone)
    for attempt in refused:
        with pytest.raises(ValidationError, match="closed"):
            attempt()
    assert _state(cycle, milestone) == before


def test_a_closed_cycle_can_still_publish_its_story(world, closed):
    cycle, _milestone = closed
    moment = MasteryMoment.objects.create(cycle=cycle, reflection={}, rule="prepost_gain")
    mastery_moment_publish(user=world.lead_english, moment=moment)
    assert MasteryMoment.objects.get().published


def test_a_closed_cycles_pages_offer_no_change(client, world, closed):
    cycle, _milestone = closed
    client.force_login(world.teacher_a)
    page = client.get(reverse("cycles:detail", args=[cycle.pk])).content.decode()
    assert 'name="done" value="1" id="done-' in page
    assert "disabled" in page.split('name="done" value="1"')[1].split(">")[0]
    reflection = client.get(reverse("cycles:reflection", args=[cycle.pk])).content.decode()
    assert "Save the reflection" not in reflection
    assert "Read only." in reflection


# --- a colleague's score --------------------------------------------------------


@pytest.fixture
def shared_student(world, cycle, rubric, baseline):
    """Ava also sits in the academic class; its teacher (the lead) files her score there."""
    Enrollment.objects.create(
        school=world.school_a,
        school_class=world.english_9_academic,
        student=world.ava,
        role=Enrollment.EnrollmentRole.STUDENT,
        status=Status.ACTIVE,
    )
    return score_set(
        user=world.lead_english,
        measure=rubric,
        occasion=baseline,
        student=world.ava,
        value=3,
        school_class=world.english_9_academic,
    )


@pytest.mark.parametrize("value", ["1", ""])
def test_a_member_cannot_overwrite_or_clear_a_colleagues_score(
    world, shared_student, rubric, baseline, value
):
    with pytest.raises(PermissionDenied, match="another class"):
        score_set(
            user=world.teacher_a,
            measure=rubric,
            occasion=baseline,
            student=world.ava,
            value=value,
            school_class=world.english_9_applied,
        )
    stored = Score.objects.get()
    assert (stored.value, stored.school_class_id) == (3, world.english_9_academic.pk)
    assert not EvidenceDeletion.objects.exists()


@pytest.mark.parametrize("value", ["1", ""])
def test_save_all_refuses_a_colleagues_score_and_keeps_what_was_typed(
    client, world, cycle, shared_student, rubric, baseline, value
):
    client.force_login(world.teacher_a)
    url = reverse("cycles:grid", args=[cycle.pk])
    url += f"?class={world.english_9_applied.pk}&measure={rubric.pk}"
    response = client.post(url, {f"score-{world.ava.pk}-{baseline.pk}": value})
    assert response.status_code == 200
    assert "only its teacher can change or delete it" in response.content.decode()
    stored = Score.objects.get()
    assert (stored.value, stored.school_class_id) == (3, world.english_9_academic.pk)


def test_clearing_a_cell_is_a_deletion_recorded_with_its_reason(
    client, world, cycle, rubric, baseline
):
    score_set(user=world.teacher_a, measure=rubric, occasion=baseline, student=world.ava, value=2)
    client.force_login(world.teacher_a)
    url = reverse("cycles:grid", args=[cycle.pk])
    url += f"?class={world.english_9_applied.pk}&measure={rubric.pk}"
    client.post(url, {f"score-{world.ava.pk}-{baseline.pk}": ""})
    deletion = EvidenceDeletion.objects.get()
    assert (deletion.count, deletion.deleted_by, deletion.how) == (
        1,
        world.teacher_a,
        EvidenceDeletion.How.CLEARED_IN_GRID,
    )
    history = client.get(reverse("cycles:evidence_delete", args=[cycle.pk])).content.decode()
    assert "Cleared in the score grid" in history
