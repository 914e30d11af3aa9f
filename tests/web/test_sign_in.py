"""Sign-in, lockout, session security, CSP and CSRF."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse


def sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_teacher_signs_in_with_their_password_and_lands_on_their_home(client, world):
    response = sign_in(client, "teacher_a", world.password)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert "English 9 Applied" in home.content.decode()


def test_passwords_are_stored_with_argon2(world):
    world.teacher_a.refresh_from_db()
    assert world.teacher_a.password.startswith("argon2$")


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, world):
    response = sign_in(client, "teacher_a", "not-the-password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please enter a correct username and password" in body
    assert "_auth_user_id" not in client.session


def test_a_retired_account_cannot_sign_in(client, world):
    response = sign_in(client, "retired_user", world.password)
    assert "_auth_user_id" not in client.session
    assert "no longer active" in response.content.decode()


def test_five_failed_attempts_pause_sign_in_with_a_friendly_page(client, world):
    for _ in range(4):
        assert sign_in(client, "leader_a", "wrong").status_code == 200
    locked = sign_in(client, "leader_a", "wrong")
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    # Even the right password is refused while the pause lasts.
    again = sign_in(client, "leader_a", world.password)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_of_one_account_does_not_lock_another(client, world):
    for _ in range(5):
        sign_in(client, "leader_a", "wrong")
    response = sign_in(client, "teacher_a", world.password)
    assert response.status_code == 302


def test_sign_out_is_a_post_and_ends_the_session(client, world):
    client.force_login(world.teacher_a)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_anonymous_visitors_are_redirected_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_every_page_sends_a_content_security_policy_without_inline_script(client, world):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)


@pytest.mark.parametrize(
    ("person", "url_name", "target"),
    [
        (None, "login", None),
        ("leader_a", "front:school", "school_a"),
        ("leader_a", "front:team", "team_english"),
        ("leader_a", "roster:students", "school_a"),
        ("teacher_a", "home", None),
        ("teacher_a", "roster:class", "english_9_applied"),
        ("analyst", "roster:district", None),
        ("admin_a", "roster:import", None),
    ],
)
def test_pages_have_no_inline_script_style_or_handler(client, world, person, url_name, target):
    if person:
        client.force_login(getattr(world, person))
    args = [getattr(world, target).pk] if target else []
    body = client.get(reverse(url_name, args=args)).content.decode()
    assert not INLINE_SCRIPT.search(body)
    assert not INLINE_STYLE.search(body)
    assert not INLINE_HANDLER.search(body)
    assert "/static/vendor/htmx.min.js" in body
    assert '"allowEval": false' in body
    assert '"includeIndicatorStyles": false' in body


def test_a_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.leader_a)
    response = client.post(
        reverse("roster:team_new", args=[world.school_a.pk]), {"name": "Sneaky", "kind": "other"}
    )
    assert response.status_code == 403
    assert not world.school_a.teams.filter(name="Sneaky").exists()


def test_htmx_requests_carry_the_csrf_token_from_the_body(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.leader_a)
    body = client.get(reverse("front:school", args=[world.school_a.pk])).content.decode()
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', body).group(1)
    response = client.post(
        reverse("roster:team_new", args=[world.school_a.pk]),
        {"name": "With token", "kind": "other"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 302
    assert world.school_a.teams.filter(name="With token").exists()


def test_session_and_csrf_cookies_are_http_only_and_same_site(client, world):
    response = sign_in(client, "teacher_a", world.password)
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
