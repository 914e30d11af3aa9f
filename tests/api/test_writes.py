"""The API's writes: evidence in bulk (checked whole, idempotent by its external id) and
the roster import, with the pages' rules."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from efficacy.cycles.models import CycleStatus, EvidenceBatch, InquiryCycle, Score
from efficacy.roster.models import ImportRun
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def url(cycle) -> str:
    return reverse("api:evidence-batch", args=[cycle.pk])


def send(client, cycle, body, headers):
    return client.post(url(cycle), json.dumps(body), content_type="application/json", **headers)


def batch(external_id="sis-2024-10-01", **changes):
    scores = [
        {"student": "st-ava", "measure": "Inference rubric", "occasion": "Baseline", "score": 2},
        {"student": "st-ben", "measure": "Inference rubric", "occasion": "Baseline", "score": 3},
    ]
    return {"external_id": external_id, "scores": scores, **changes}


@pytest.fixture
def evidence_cycle(world, cycle, rubric, baseline, final):
    return cycle


def test_a_clean_batch_is_written(client, world, evidence_cycle):
    response = send(client, evidence_cycle, batch(), bearer(world.teacher_a, write=True))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == 2
    assert body["replayed"] is False
    assert body["external_id"] == "sis-2024-10-01"
    scores = Score.objects.filter(measure__cycle=evidence_cycle)
    assert sorted(scores.values_list("student__sourced_id", "value")) == [
        ("st-ava", 2.0),
        ("st-ben", 3.0),
    ]
    assert set(scores.values_list("entered_by", flat=True)) == {world.teacher_a.pk}


def test_measures_and_occasions_may_be_given_by_id(client, world, evidence_cycle, rubric, final):
    body = {
        "external_id": "by-id",
        "scores": [{"student": "st-ava", "measure": rubric.pk, "occasion": final.pk, "score": 4}],
    }
    response = send(client, evidence_cycle, body, bearer(world.teacher_a, write=True))
    assert response.status_code == 201, response.content
    assert Score.objects.get(occasion=final).value == 4


def test_a_batch_with_problems_writes_nothing_and_lists_every_problem(
    client, world, evidence_cycle
):
    body = batch(
        scores=[
            {
                "student": "st-ava",
                "measure": "Inference rubric",
                "occasion": "Baseline",
                "score": 2,
            },
            {
                "student": "nobody",
                "measure": "Inference rubric",
                "occasion": "Baseline",
                "score": 2,
            },
            {
                "student": "st-ben",
                "measure": "Inference rubric",
                "occasion": "Baseline",
                "score": 9,
            },
            {"student": "st-ben", "measure": "Spelling", "occasion": "Baseline", "score": 2},
        ]
    )
    response = send(client, evidence_cycle, body, bearer(world.teacher_a, write=True))
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    found = {(e["row"], e["column"]) for e in problem["errors"]}
    assert found == {(2, "student"), (3, "score"), (4, "measure")}
    for error in problem["errors"]:
        assert error["message"]
        assert error["hint"]
    assert "nothing was written" in problem["detail"]
    assert not Score.objects.exists()
    assert not EvidenceBatch.objects.exists()


def test_the_same_batch_twice_is_written_once(client, world, evidence_cycle):
    headers = bearer(world.teacher_a, write=True)
    first = send(client, evidence_cycle, batch(), headers)
    Score.objects.filter(student=world.ava).update(value=1)  # changed on the grid since
    again = send(client, evidence_cycle, batch(), headers)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["replayed"] is True
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["created"] == 2
    assert Score.objects.get(student=world.ava).value == 1
    assert EvidenceBatch.objects.count() == 1


def test_the_same_batch_with_its_keys_in_another_order_is_the_same(client, world, evidence_cycle):
    headers = bearer(world.teacher_a, write=True)
    send(client, evidence_cycle, batch(), headers)
    reordered = batch(scores=[dict(reversed(list(s.items()))) for s in batch()["scores"]])
    assert send(client, evidence_cycle, reordered, headers).status_code == 200


def test_other_scores_under_a_used_external_id_are_a_conflict(client, world, evidence_cycle):
    headers = bearer(world.teacher_a, write=True)
    send(client, evidence_cycle, batch(), headers)
    changed = batch()
    changed["scores"][0]["score"] = 4
    response = send(client, evidence_cycle, changed, headers)
    assert response.status_code == 409
    assert response.json()["type"].endswith("external-id-reused")
    assert Score.objects.get(student=world.ava).value == 2


def test_the_idempotency_key_header_names_the_batch(client, world, evidence_cycle):
    headers = {**bearer(world.teacher_a, write=True), "HTTP_IDEMPOTENCY_KEY": "key-1"}
    body = batch()
    del body["external_id"]
    assert send(client, evidence_cycle, body, headers).status_code == 201
    assert send(client, evidence_cycle, body, headers).status_code == 200
    assert EvidenceBatch.objects.get().external_id == "key-1"


def test_a_batch_without_an_external_id_is_refused(client, world, evidence_cycle):
    body = batch()
    del body["external_id"]
    response = send(client, evidence_cycle, body, bearer(world.teacher_a, write=True))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "external_id"
    assert not Score.objects.exists()


def test_too_many_scores_are_refused_before_anything_is_read(
    client, world, evidence_cycle, settings
):
    settings.EFFICACY_MAX_SCORE_ROWS = 1
    response = send(client, evidence_cycle, batch(), bearer(world.teacher_a, write=True))
    assert response.status_code == 413
    assert "at most 1 scores" in response.json()["detail"]
    assert not Score.objects.exists()


def test_a_read_only_token_cannot_send_evidence(client, world, evidence_cycle):
    response = send(client, evidence_cycle, batch(), bearer(world.teacher_a))
    assert response.status_code == 403
    assert not Score.objects.exists()


def test_another_schools_cycle_is_not_found(client, world, evidence_cycle):
    response = send(client, evidence_cycle, batch(), bearer(world.teacher_b, write=True))
    assert response.status_code == 404
    missing = reverse("api:evidence-batch", args=[evidence_cycle.pk + 1000])
    response_missing = client.post(
        missing, json.dumps(batch()), content_type="application/json",
        **bearer(world.teacher_b, write=True),
    )  # fmt: skip
    assert response.json() == {**response_missing.json(), "instance": response.json()["instance"]}
    assert not Score.objects.exists()


def test_an_analyst_cannot_send_evidence(client, world, evidence_cycle):
    response = send(client, evidence_cycle, batch(), bearer(world.analyst, write=True))
    assert response.status_code == 403
    assert not Score.objects.exists()


def test_a_teacher_sends_only_their_own_classes_scores(client, world, evidence_cycle):
    body = batch(
        scores=[
            {"student": "st-chloe", "measure": "Inference rubric", "occasion": "Baseline",
             "score": 2},
        ]
    )  # fmt: skip
    response = send(client, evidence_cycle, body, bearer(world.teacher_a, write=True))
    assert response.status_code == 422
    assert "not in one of your classes" in response.json()["errors"][0]["message"]


def test_a_closed_cycle_takes_no_evidence(client, world, evidence_cycle):
    InquiryCycle.objects.filter(pk=evidence_cycle.pk).update(status=CycleStatus.CLOSED)
    response = send(client, evidence_cycle, batch(), bearer(world.teacher_a, write=True))
    assert response.status_code == 409
    assert response.json()["type"].endswith("cycle-closed")
    assert "closed" in response.json()["detail"]
    assert not Score.objects.exists()


def test_a_malformed_batch_names_the_field(client, world, evidence_cycle):
    response = send(
        client, evidence_cycle, {"external_id": "x", "scores": [{"student": "st-ava"}]},
        bearer(world.teacher_a, write=True),
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"]


# --- the roster import ----------------------------------------------------------------


def a_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.csv", "propertyName,value\nmanifest.version,1.0\n")
    return buffer.getvalue()


def upload(client, headers, content: bytes, name="export.zip"):
    file = SimpleUploadedFile(name, content, content_type="application/zip")
    return client.post(reverse("api:roster-imports"), {"file": file}, **headers)


def test_an_administrator_starts_a_roster_import_and_follows_it(
    client, world, settings, monkeypatch
):
    queued = []
    monkeypatch.setattr(
        "efficacy.roster.services._import_run_enqueue", lambda run: queued.append(run) or run
    )
    response = upload(client, bearer(world.admin_a, write=True), a_zip())
    assert response.status_code == 202, response.content
    body = response.json()
    run = ImportRun.objects.get(pk=body["id"])
    assert run.created_by == world.admin_a
    assert queued == [run]
    status = client.get(body["status_url"], **bearer(world.admin_a))
    assert status.status_code == 200
    assert status.json()["status"] == "queued"


def test_a_file_that_is_not_a_zip_is_refused_with_a_hint(client, world):
    response = upload(client, bearer(world.admin_a, write=True), b"not a zip", "roster.csv")
    assert response.status_code == 422
    assert "zip" in response.json()["errors"][0]["message"]
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("who", ["teacher_a", "leader_a", "analyst"])
def test_only_administrators_import_a_roster(client, world, who):
    response = upload(client, bearer(getattr(world, who), write=True), a_zip())
    assert response.status_code == 403
    assert not ImportRun.objects.exists()


def test_a_read_only_token_cannot_import(client, world):
    assert upload(client, bearer(world.admin_a), a_zip()).status_code == 403


def test_another_administrators_import_is_not_found(client, world):
    run = ImportRun.objects.create(
        created_by=world.admin_a, file_name="x.zip", stored_name="imports/x.zip"
    )
    url = reverse("api:roster-import", args=[run.pk])
    assert client.get(url, **bearer(world.admin_a)).status_code == 200
    assert client.get(url, **bearer(world.teacher_a)).status_code == 404
