"""The Tokens page (``/accounts/tokens/``): list, create (the token shown once), revoke."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from efficacy.api.models import AccessToken
from efficacy.api.tokens import token_authenticate, token_create

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"eff_[A-Za-z0-9_-]{43}")


def test_the_account_page_links_to_the_tokens_page(client, world):
    client.force_login(world.teacher_a)
    page = client.get(reverse("account")).content.decode()
    assert f'href="{reverse("api_tokens")}"' in page


def test_creating_a_token_shows_it_once(client, world):
    client.force_login(world.teacher_a)
    response = client.post(
        reverse("api_tokens"), {"name": "Grade 9 notebook", "scope": "write", "days": "30"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    shown = TOKEN.findall(page)
    assert len(set(shown)) == 1
    raw = shown[0]
    assert "shown only this once" in page
    token = token_authenticate(raw)
    assert token.user == world.teacher_a
    assert token.name == "Grade 9 notebook"
    assert token.can_write
    assert (token.expires_at - token.created_at).days == 30
    again = client.get(reverse("api_tokens")).content.decode()
    assert raw not in again
    assert TOKEN.search(again) is None
    assert token.prefix in again
    assert "Grade 9 notebook" in again


def test_a_token_reads_only_unless_write_is_chosen(client, world):
    client.force_login(world.teacher_a)
    client.post(reverse("api_tokens"), {"name": "Reader", "scope": "read", "days": "90"})
    assert AccessToken.objects.get(name="Reader").can_write is False


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "scope": "read", "days": "90"},
        {"name": "Notebook", "scope": "read", "days": "0"},
        {"name": "Notebook", "scope": "read", "days": "400"},
        {"name": "Notebook", "scope": "read", "days": "ninety"},
        {"name": "Notebook", "scope": "admin", "days": "90"},
    ],
)
def test_a_wrong_form_comes_back_with_its_message_and_makes_nothing(client, world, data):
    client.force_login(world.teacher_a)
    response = client.post(reverse("api_tokens"), data)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert TOKEN.search(response.content.decode()) is None
    assert not AccessToken.objects.exists()


def test_the_expiry_message_names_the_allowed_days(client, world):
    client.force_login(world.teacher_a)
    response = client.post(reverse("api_tokens"), {"name": "N", "scope": "read", "days": "400"})
    assert "Choose from 1 to 365 days." in response.content.decode()


def test_the_page_lists_only_the_persons_own_tokens(client, world):
    token_create(user=world.lead_english, name="Someone else's")
    token_create(user=world.teacher_a, name="Mine")
    client.force_login(world.teacher_a)
    page = client.get(reverse("api_tokens")).content.decode()
    assert "Mine" in page
    assert "Someone else" not in page


def test_revoking_a_token_stops_it(client, world):
    token, raw = token_create(user=world.teacher_a, name="Notebook")
    client.force_login(world.teacher_a)
    response = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("api_tokens")
    page = response.content.decode()
    assert "revoked" in page
    assert token_authenticate(raw) is None


def test_revoking_is_a_post(client, world):
    token, raw = token_create(user=world.teacher_a, name="Notebook")
    client.force_login(world.teacher_a)
    assert client.get(reverse("api_token_revoke", args=[token.pk])).status_code == 405
    assert token_authenticate(raw) == token


def test_a_colleagues_token_cannot_be_revoked(client, world):
    token, raw = token_create(user=world.lead_english, name="Theirs")
    client.force_login(world.teacher_a)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert token_authenticate(raw) == token


def test_an_administrator_sees_and_revokes_their_staffs_live_tokens(client, world):
    token, raw = token_create(user=world.teacher_a, name="Tom's notebook")
    other, _raw = token_create(user=world.teacher_c, name="Another district's")
    client.force_login(world.admin_a)
    page = client.get(reverse("api_tokens")).content.decode()
    assert "Tom&#x27;s notebook" in page
    assert "Another district" not in page
    client.post(reverse("api_token_revoke", args=[token.pk]))
    assert token_authenticate(raw) is None
    assert client.post(reverse("api_token_revoke", args=[other.pk])).status_code == 404
