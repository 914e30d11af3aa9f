"""A second factor (TOTP): setting it up, the code asked at every sign-in, throttling,
the roles that must have one, and an administrator removing a lost one."""

from __future__ import annotations

import pytest
from django.contrib.auth.signals import user_login_failed
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from efficacy.front.second_factor import second_factor_pending


def code_of(device: TOTPDevice, offset: int = 0) -> str:
    device.refresh_from_db()
    return (
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"
    )


def confirmed_device(user) -> TOTPDevice:
    device = second_factor_pending(user)
    device.confirmed = True
    device.save()
    return device


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_person_sets_up_an_authenticator_with_the_qr_code_and_a_code(client, world):
    client.force_login(world.teacher_a)
    page = client.get(reverse("second_factor"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body
    device = TOTPDevice.objects.get(user=world.teacher_a, confirmed=False)
    response = client.post(reverse("second_factor"), {"code": code_of(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_a_wrong_code_at_set_up_confirms_nothing_and_says_so(client, world):
    client.force_login(world.teacher_a)
    client.get(reverse("second_factor"))
    response = client.post(reverse("second_factor"), {"code": "000000"})
    assert response.status_code == 400
    assert "This code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.teacher_a, confirmed=True).exists()


def test_a_code_that_is_not_six_digits_gets_a_clear_message(client, world):
    client.force_login(world.teacher_a)
    response = client.post(reverse("second_factor"), {"code": "abc"})
    assert response.status_code == 400
    assert "six digits" in response.content.decode()


def test_with_a_second_factor_every_page_asks_for_the_code_first(client, world):
    device = confirmed_device(world.teacher_a)
    assert sign_in(client, "teacher_a", world.password).status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("second_factor_verify"))
    account = client.get(reverse("account"))
    assert account["Location"].startswith(reverse("second_factor_verify"))
    response = client.post(
        reverse("second_factor_verify"), {"code": code_of(device), "next": reverse("account")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused_sent_as_a_failed_sign_in_and_throttled(client, world):
    device = confirmed_device(world.teacher_a)
    sign_in(client, "teacher_a", world.password)
    sent = []

    def listen(sender, credentials, request=None, **kwargs):
        sent.append(credentials)

    user_login_failed.connect(listen)
    try:
        wrong = client.post(reverse("second_factor_verify"), {"code": "000000"})
        # At once again, even the right code waits: django-otp's throttling.
        throttled = client.post(reverse("second_factor_verify"), {"code": code_of(device)})
    finally:
        user_login_failed.disconnect(listen)
    assert wrong.status_code == 400
    assert "This code is not right" in wrong.content.decode()
    assert "Too many wrong codes" in throttled.content.decode()
    assert sent == [{"username": "teacher_a", "second_factor": "totp"}]
    assert client.get(reverse("home")).status_code == 302


def test_a_required_role_is_sent_to_set_one_up_before_anything_else(client, world, settings):
    settings.EFFICACY_SECOND_FACTOR_ROLES = ["administrator"]
    client.force_login(world.admin_a)
    response = client.get(reverse("accounts"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Your role requires a second factor" in page.content.decode()
    # Other roles are not asked.
    client.force_login(world.teacher_a)
    assert client.get(reverse("home")).status_code == 200


def test_sign_out_and_the_language_stay_open_before_the_code(client, world, settings):
    settings.EFFICACY_SECOND_FACTOR_ROLES = ["administrator"]
    client.force_login(world.admin_a)
    assert client.post(reverse("set_language"), {"language": "fr", "next": "/"}).status_code == 302
    assert client.post(reverse("logout"))["Location"] == reverse("login")


def test_api_requests_with_a_bearer_token_are_not_sent_to_the_code(client, world, settings):
    settings.EFFICACY_SECOND_FACTOR_ROLES = ["administrator"]
    client.force_login(world.admin_a)
    response = client.get(reverse("accounts"), headers={"Authorization": "Bearer abc"})
    assert response.status_code == 200


def test_a_person_removes_their_authenticator_with_a_code(client, world):
    device = confirmed_device(world.teacher_a)
    sign_in(client, "teacher_a", world.password)
    client.post(reverse("second_factor_verify"), {"code": code_of(device)})
    refused = client.post(reverse("second_factor"), {"code": "000000"})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=world.teacher_a).exists()


def test_an_administrator_removes_the_second_factor_of_someone_who_lost_their_phone(client, world):
    confirmed_device(world.teacher_a)
    client.force_login(world.admin_a)
    url = reverse("account_manage", args=[world.teacher_a.pk])
    assert "Remove the second factor" in client.get(url).content.decode()
    response = client.post(url, {"action": "second_factor_reset"}, follow=True)
    assert "second factor is removed" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.teacher_a).exists()


@pytest.mark.parametrize("name", ["teacher_a", "teacher_b"])
def test_only_an_administrator_of_the_account_may_remove_its_second_factor(client, world, name):
    confirmed_device(world.lead_english)
    client.force_login(getattr(world, name))
    url = reverse("account_manage", args=[world.lead_english.pk])
    response = client.post(url, {"action": "second_factor_reset"})
    assert response.status_code in (403, 404)
    assert TOTPDevice.objects.filter(user=world.lead_english).exists()


def test_a_retired_account_cannot_open_the_second_factor_page(client, world):
    client.force_login(world.retired_user)
    assert client.get(reverse("second_factor")).status_code == 403


def test_a_misspelt_required_role_stops_the_start_naming_the_variable(settings):
    from django.core.exceptions import ImproperlyConfigured

    from efficacy.front.second_factor import check_required_roles

    settings.EFFICACY_SECOND_FACTOR_ROLES = ["administrator", "admin"]
    with pytest.raises(ImproperlyConfigured, match="EFFICACY_SECOND_FACTOR_ROLES: 'admin'"):
        check_required_roles()
    settings.EFFICACY_SECOND_FACTOR_ROLES = ["administrator"]
    check_required_roles()
