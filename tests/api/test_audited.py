"""What the API does is in the audit log like what the pages do: tokens created and
revoked, students read, evidence sent (recorded as coming through the API, from the
client's address)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from efficacy.api.tokens import token_create, token_revoke
from efficacy.audit.models import Action, AuditEvent, Via
from efficacy.cycles.evidence.forms import cell_name
from tests.api.conftest import bearer
from tests.api.test_writes import batch, send

pytestmark = pytest.mark.django_db


def test_creating_and_revoking_a_token_is_recorded_without_the_token(world):
    token, raw = token_create(user=world.teacher_a, name="notebook", write=True)
    created = AuditEvent.objects.get(action=Action.TOKEN_CREATED)
    assert created.actor == world.teacher_a
    assert created.school_id == world.school_a.pk
    assert created.detail == {"write": True, "days": 90}
    assert raw not in str(created.detail) + created.target_label
    token_revoke(by=world.admin_a, token=token)
    revoked = AuditEvent.objects.get(action=Action.TOKEN_REVOKED)
    assert (revoked.actor, revoked.target_id) == (world.admin_a, str(token.pk))


def test_reading_students_through_the_api_is_recorded_as_an_api_read(client, world):
    headers = bearer(world.teacher_a)
    response = client.get(reverse("api:students"), **headers, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=Action.STUDENT_DATA_VIEWED)
    assert event.actor == world.teacher_a
    assert event.via == Via.API
    assert event.ip == "192.0.2.7"
    assert event.detail["url"] == "api:students"


def test_a_refused_read_is_not_recorded(client, world):
    response = client.get(
        reverse("api:student", args=[world.student_b.pk]), **bearer(world.teacher_a)
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=Action.STUDENT_DATA_VIEWED).exists()


def test_a_batch_of_evidence_is_recorded_as_sent_through_the_api(client, world, cycle, rubric, baseline, final):  # fmt: skip
    response = send(client, cycle, batch(), bearer(world.teacher_a, write=True))
    assert response.status_code == 201, response.content
    event = AuditEvent.objects.get(action=Action.EVIDENCE_SAVED)
    assert (event.actor, event.via) == (world.teacher_a, Via.API)


def test_a_score_saved_on_a_page_is_recorded_as_coming_from_a_page(client, world, cycle, rubric, baseline):  # fmt: skip
    client.force_login(world.teacher_a)
    response = client.post(
        reverse("cycles:score_cell", args=[cycle.pk]),
        {"measure": rubric.pk, "occasion": baseline.pk, "student": world.ava.pk,
         "class": world.english_9_applied.pk, cell_name(world.ava.pk, baseline.pk): "3"},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    event = AuditEvent.objects.get(action=Action.SCORE_SET)
    assert event.via == Via.PAGE


def test_an_answer_to_a_token_is_never_kept_by_a_cache(client, world):
    response = client.get(reverse("api:students"), **bearer(world.teacher_a))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    refused = client.get(reverse("api:students"), HTTP_AUTHORIZATION="Bearer eff_wrong")
    assert refused.status_code == 401
    assert refused["Content-Type"].startswith("application/problem+json")
