"""/healthz: the database and the workers, for probes; no sign-in, never cached, nothing leaked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from efficacy.ops import health, workers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _silence_limit(settings):
    settings.EFFICACY_WORKER_SILENCE_SECONDS = 60


def test_it_says_ok_when_the_database_answers_and_a_worker_beats(client):
    now = timezone.now()
    workers.beat("w-1", started=now, now=now - timedelta(seconds=2))
    workers.beat("w-2", started=now, now=now - timedelta(seconds=4))

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["ms"] >= 0
    assert body["worker"]["ok"] is True
    assert body["worker"]["workers"] == 2
    assert 1.5 <= body["worker"]["last_beat_seconds"] < 60


def test_it_says_degraded_with_200_when_no_worker_ever_beat(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": {"ok": True, "ms": response.json()["database"]["ms"]},
        "worker": {"ok": False, "last_beat_seconds": None, "workers": 0},
    }


def test_a_silent_worker_is_reported_with_how_long_it_has_been_silent(client):
    now = timezone.now()
    workers.beat("w-1", started=now, now=now - timedelta(seconds=300))
    body = client.get(reverse("healthz")).json()
    assert body["status"] == "degraded"
    assert body["worker"]["workers"] == 0
    assert body["worker"]["last_beat_seconds"] >= 300


def test_it_says_down_with_503_when_the_database_does_not_answer(client, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Unreachable())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"]["ok"] is False


def test_unreadable_heartbeats_count_as_no_worker(client, monkeypatch):
    def broken(**kwargs):
        raise OSError("the store does not answer")

    monkeypatch.setattr(workers, "last_beats", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["worker"] == {"ok": False, "last_beat_seconds": None, "workers": 0}


def test_it_is_never_cached_and_says_nothing_of_the_installation(client):
    response = client.get(reverse("healthz"))
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    body = response.json()
    assert set(body) == {"status", "database", "worker"}
    assert set(body["database"]) == {"ok", "ms"}
    assert set(body["worker"]) == {"ok", "last_beat_seconds", "workers"}


def test_it_answers_a_person_who_still_owes_a_second_factor(client, world):
    TOTPDevice.objects.create(user=world.teacher_a, name="phone", confirmed=True)
    client.force_login(world.teacher_a)
    assert client.get(reverse("home")).status_code == 302  # sent to enter the code
    assert client.get(reverse("healthz")).status_code == 200


def test_it_answers_plain_http_when_the_site_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("home")).status_code == 301
    assert client.get(reverse("healthz")).status_code == 200


def test_it_takes_only_get_and_head(client):
    assert client.head(reverse("healthz")).status_code == 200
    assert client.post(reverse("healthz")).status_code == 405
