"""A language that sticks: a signed-in person's choice is kept on their account and
applied wherever they sign in next; an empty choice leaves the browser's."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def choose(client, language: str):
    return client.post(reverse("set_language"), {"language": language, "next": "/"})


def sign_in(world, user, **headers) -> Client:
    client = Client(**headers)
    response = client.post(
        reverse("login"), {"username": user.username, "password": world.password}
    )
    assert response.status_code == 302
    return client


def test_the_language_chosen_while_signed_in_is_kept_on_the_account(client, world):
    client.force_login(world.teacher_a)
    response = choose(client, "fr")
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    world.teacher_a.refresh_from_db()
    assert world.teacher_a.language == "fr"


def test_it_holds_in_a_new_session_on_another_browser(client, world):
    client.force_login(world.teacher_a)
    choose(client, "fr")
    elsewhere = sign_in(world, world.teacher_a, HTTP_ACCEPT_LANGUAGE="en")
    page = elsewhere.get(reverse("home"))
    assert '<html lang="fr">' in page.content.decode()
    assert page["Content-Language"] == "fr"
    # ... and the browser keeps it, so the sign-in page after signing out is French too.
    assert page.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_a_person_who_chose_nothing_reads_their_browsers_language(world):
    client = sign_in(world, world.teacher_a, HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="fr">' in client.get(reverse("home")).content.decode()
    client = sign_in(world, world.teacher_a, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_choosing_back_the_browsers_language_on_the_settings_page_forgets_the_choice(client, world):
    world.teacher_a.language = "fr"
    world.teacher_a.save()
    client.force_login(world.teacher_a)
    client.post(reverse("dashboards:digest"), {"language": ""})
    world.teacher_a.refresh_from_db()
    assert world.teacher_a.language == ""
    browser = sign_in(world, world.teacher_a, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in browser.get(reverse("home")).content.decode()


def test_a_language_the_site_does_not_offer_is_not_kept(client, world):
    client.force_login(world.teacher_a)
    choose(client, "xx")
    world.teacher_a.refresh_from_db()
    assert world.teacher_a.language == ""


def test_an_anonymous_visitor_still_chooses_a_language_for_the_browser(client):
    response = choose(client, "fr")
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_another_persons_choice_does_not_follow_them_onto_a_shared_laptop(world):
    world.teacher_a.language = "fr"
    world.teacher_a.save()
    laptop = sign_in(world, world.teacher_a, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="fr">' in laptop.get(reverse("home")).content.decode()
    laptop.post(reverse("logout"))
    laptop.post(reverse("login"), {"username": "teacher_a2", "password": world.password})
    # teacher_a2 chose nothing: the browser's last choice (French, from the cookie) holds,
    # as it would for anyone on that browser; their account is not changed.
    laptop.get(reverse("home"))
    world.teacher_a2.refresh_from_db()
    assert world.teacher_a2.language == ""
