"""A successful GET of a student-level URL writes one event; a refused or missing one,
or a page without student-level data, writes none."""

from __future__ import annotations

import pytest
from django.urls import reverse

from efficacy.audit import student_level
from efficacy.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


def reads():
    """The student-level reads recorded (signing in, with force_login, is recorded too)."""
    return AuditEvent.objects.filter(
        action__in=[Action.STUDENT_DATA_VIEWED, Action.STUDENT_DATA_EXPORTED]
    )


def test_opening_a_students_page_records_who_which_url_and_which_student(client, world):
    client.force_login(world.leader_a)
    response = client.get(reverse("roster:student", args=[world.ava.pk]),
                          REMOTE_ADDR="192.0.2.10")  # fmt: skip
    assert response.status_code == 200
    event = reads().get()
    assert event.action == Action.STUDENT_DATA_VIEWED
    assert event.actor == world.leader_a
    assert event.school_id == world.school_a.pk
    assert (event.target_type, event.target_id) == ("student", str(world.ava.pk))
    assert event.detail == {"url": "roster:student", "student_id": world.ava.pk}
    assert event.ip == "192.0.2.10"
    assert event.via == "page"


def test_a_student_out_of_scope_answers_404_and_records_nothing(client, world):
    client.force_login(world.teacher_b)
    response = client.get(reverse("roster:student", args=[world.ava.pk]))
    assert response.status_code == 404
    assert not reads().exists()


def test_a_page_without_student_level_data_records_nothing(client, world):
    client.force_login(world.leader_a)
    assert client.get(reverse("front:school", args=[world.school_a.pk])).status_code == 200
    assert not reads().exists()


def test_the_cycle_evidence_export_is_recorded_as_an_export(client, world, cycle, rubric, baseline):
    client.force_login(world.lead_english)
    response = client.get(reverse("cycles:export", args=[cycle.pk, "csv"]))
    assert response.status_code == 200
    event = reads().get()
    assert event.action == Action.STUDENT_DATA_EXPORTED
    assert event.detail == {"url": "cycles:export", "cycle_id": cycle.pk, "fmt": "csv"}
    # No roster keyword in the URL: filed under the reader's school.
    assert event.school_id == world.school_a.pk


def test_a_class_list_is_filed_under_the_class_school(client, world):
    client.force_login(world.district_admin)
    client.get(reverse("roster:class", args=[world.english_9_applied.pk]))
    assert reads().get().school_id == world.school_a.pk


def test_the_registry_takes_namespaced_names_such_as_the_apis(monkeypatch):
    monkeypatch.setattr(student_level, "STUDENT_LEVEL", dict(student_level.STUDENT_LEVEL))
    student_level.register("api:students", student_level.EXPORT)
    assert student_level.kind_of("api:students") == student_level.EXPORT
    assert student_level.kind_of("api:schools") is None
    with pytest.raises(ValueError, match="not a kind"):
        student_level.register("api:students", "peek")


def test_every_registered_name_is_a_url_of_the_site():
    from tests.web.test_url_matrix import named_urls

    assert set(student_level.STUDENT_LEVEL) <= named_urls()
