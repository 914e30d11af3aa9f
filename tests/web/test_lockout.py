"""Sign-in pauses by account whatever the address, and by address across accounts.

Every test goes through HTTP; ``REMOTE_ADDR`` is the peer a request comes from.
"""

from __future__ import annotations

import ipaddress
import re
from html import unescape

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from efficacy.roster.models import User

ATTACKER = "198.51.100.7"
OWNER = "203.0.113.20"
PROXY = "10.0.0.2"


@pytest.fixture
def people(world, settings):
    """The world's people, with a fast password hash: the pauses do not depend on the hasher,
    and Argon2's cost (its point) would make a hundred sign-ins take minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.update(password=make_password(world.password))
    return world


def sign_in(
    username: str, password: str, address: str, forwarded_for: str | None = None, client=None
):
    client = client or Client()
    extra = {"REMOTE_ADDR": address}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("home")


def guess_across_accounts(guesses: int, address: str, forwarded_for=lambda n: None) -> None:
    """Four wrong passwords for each of many accounts, never enough to pause one account."""
    for n in range(guesses):
        sign_in(f"staff{n // 4:02d}", f"guess-{n}", address, forwarded_for(n))


def test_a_locked_account_cannot_sign_in_from_another_address(people):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in("teacher_a", f"guess-{n}", ATTACKER)
    response = sign_in("teacher_a", people.password, OWNER)
    assert response.status_code == 429
    assert not signed_in(response)


def test_an_address_guessing_across_many_accounts_is_stopped(people):
    guess_across_accounts(80, ATTACKER)
    response = sign_in("teacher_a", people.password, ATTACKER)
    assert response.status_code == 429
    assert "from your network address" in unescape(response.content.decode())
    # Nobody else is paused: the accounts guessed at had fewer failures than their limit.
    assert signed_in(sign_in("teacher_a", people.password, OWNER))


def test_an_address_is_stopped_at_its_own_limit_not_before(people, settings):
    settings.EFFICACY_ADDRESS_FAILURE_LIMIT = 12
    guess_across_accounts(11, ATTACKER)
    assert signed_in(sign_in("teacher_a", people.password, ATTACKER))
    guess_across_accounts(12, ATTACKER)
    assert sign_in("leader_a", people.password, ATTACKER).status_code == 429


def test_signing_in_to_ones_own_account_does_not_clear_the_addresss_failures(people, settings):
    settings.EFFICACY_ADDRESS_FAILURE_LIMIT = 12
    for round_ in range(3):
        for n in range(4):
            sign_in(f"colleague{round_}", f"guess-{n}", ATTACKER)
        sign_in("teacher_a", people.password, ATTACKER)  # the guesser's own account
    assert sign_in("leader_a", people.password, ATTACKER).status_code == 429


def test_a_successful_sign_in_clears_the_accounts_own_failures(people):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in("teacher_a", f"typo-{n}", OWNER)
    assert signed_in(sign_in("teacher_a", people.password, OWNER))
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in("teacher_a", f"typo-again-{n}", OWNER)
    assert signed_in(sign_in("teacher_a", people.password, OWNER))


def test_a_spoofed_forwarded_address_from_an_untrusted_peer_is_ignored(people):
    # A new made-up X-Forwarded-For on every guess does not make the guesser someone new.
    guess_across_accounts(80, ATTACKER, forwarded_for=lambda n: f"192.0.2.{n % 250 + 1}")
    assert sign_in("teacher_a", people.password, ATTACKER, "192.0.2.254").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_a_forwarded_address_from_a_trusted_proxy_is_honoured(people, settings):
    settings.EFFICACY_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24")]
    guess_across_accounts(80, PROXY, forwarded_for=lambda n: ATTACKER)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # The guesser is stopped, and the proxy's other clients are not.
    assert sign_in("teacher_a", people.password, PROXY, ATTACKER).status_code == 429
    assert signed_in(sign_in("teacher_a", people.password, PROXY, OWNER))


def test_only_the_hops_added_by_trusted_proxies_are_believed(people, settings):
    settings.EFFICACY_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24")]
    # The client wrote the first hop itself; our two proxies appended the rest.
    sign_in("teacher_a", "wrong", PROXY, f"192.0.2.99, {ATTACKER}, 10.0.0.1")
    assert AccessAttempt.objects.get().ip_address == ATTACKER


def test_a_garbled_forwarded_header_from_a_trusted_proxy_stops_at_the_proxy(people, settings):
    settings.EFFICACY_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24")]
    sign_in("teacher_a", "wrong", PROXY, "not-an-address")
    assert AccessAttempt.objects.get().ip_address == PROXY


def test_the_lockout_page_says_when_to_try_again(people):
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in("leader_a", f"guess-{n}", ATTACKER)
    assert response.status_code == 429
    text = re.sub(r"\s+", " ", unescape(response.content.decode()))
    assert "Sign-in paused" in text
    assert "too many failed sign-in attempts for this account" in text
    assert re.search(r"Try again in 15 minutes, after \d\d?:\d\d", text)


def test_the_lockout_page_is_french_for_a_person_who_chose_french(people):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in("leader_a", f"guess-{n}", ATTACKER, client=client)
    assert response.status_code == 429
    text = re.sub(r"\s+", " ", unescape(response.content.decode()))
    assert "Connexion suspendue" in text
    assert re.search(r"Réessayez dans 15 minutes, après \d\d?:\d\d", text)


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("198.51.100.7", "192.0.2.1", "198.51.100.7"),  # not a proxy of ours
        ("10.0.0.2", "", "10.0.0.2"),  # a proxy with no header
        ("10.0.0.2", "192.0.2.1", "192.0.2.1"),
        ("10.0.0.2", "192.0.2.1, 10.0.0.3", "192.0.2.1"),  # two proxies of ours
        ("10.0.0.2", "2001:db8::1", "2001:db8::1"),
        ("10.0.0.2", "10.0.0.4, 10.0.0.3", "10.0.0.4"),  # only proxies: the left-most
    ],
)
def test_the_client_address_is_read_from_the_right(rf, settings, peer, forwarded, expected):
    from efficacy.net import client_ip

    settings.EFFICACY_TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24")]
    request = rf.get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
