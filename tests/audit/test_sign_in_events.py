"""Sign-in, failed sign-in (the username tried, never the password), sign-out, lockout."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django.urls import reverse

from efficacy.audit.models import Action, AuditEvent, Via

pytestmark = pytest.mark.django_db

WRONG = "Not-the-password-42"


def sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR="203.0.113.7")  # fmt: skip


def everything_in(event: AuditEvent) -> str:
    values = [getattr(event, f.attname) for f in AuditEvent._meta.concrete_fields]
    return json.dumps(values, default=str)


def test_a_sign_in_is_recorded_with_the_address_and_how(client, world):
    sign_in(client, "teacher_a", world.password)
    event = AuditEvent.objects.get(action=Action.SIGNED_IN)
    assert event.actor == world.teacher_a
    assert event.school_id == world.school_a.pk
    assert event.ip == "203.0.113.7"
    assert event.via == Via.SIGN_IN
    assert event.detail["backend"]


def test_a_failed_sign_in_keeps_the_username_tried_and_never_the_password(client, world):
    sign_in(client, "teacher_a", WRONG)
    event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert event.actor is None
    assert event.actor_label == "teacher_a"
    assert event.target_id == str(world.teacher_a.pk)
    assert event.school_id == world.school_a.pk
    assert event.ip == "203.0.113.7"
    assert WRONG not in everything_in(event)
    assert "password" not in event.detail


def test_a_failed_sign_in_for_an_unknown_name_is_recorded_without_a_target(client, world):
    sign_in(client, "nobody_here", WRONG)
    event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert event.actor_label == "nobody_here"
    assert event.target_id == ""
    assert event.school_id is None


def test_other_credentials_are_kept_but_secrets_are_not(world):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.2")
    authenticate(request, username="teacher_a", password=WRONG, provider="google",
                 otp_token="123456")  # fmt: skip
    event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert event.detail == {"provider": "google"}
    assert "123456" not in everything_in(event)
    assert WRONG not in everything_in(event)


def test_signing_out_is_recorded(client, world):
    client.force_login(world.teacher_a)
    client.post(reverse("logout"))
    event = AuditEvent.objects.get(action=Action.SIGNED_OUT)
    assert event.actor == world.teacher_a


def test_a_lockout_is_recorded_against_the_account(client, world, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "teacher_a", WRONG)
    event = AuditEvent.objects.get(action=Action.LOCKED_OUT)
    assert event.actor_label == "teacher_a"
    assert event.target_id == str(world.teacher_a.pk)
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).count() == (
        settings.AXES_FAILURE_LIMIT
    )
