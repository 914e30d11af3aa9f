"""Sign-in with the school's OpenID Connect provider, end to end against a provider the
tests run locally (``tests/oidc_provider.py``): Django's test client follows our
redirects, ``requests`` follows the provider's, and allauth calls the provider's token
endpoint over HTTP itself."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from axes.models import AccessAttempt
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from efficacy.front.oidc.config import Provider, allauth_providers, providers
from efficacy.roster.models import Status, User
from tests.oidc_provider import LocalProvider

TENANT = "11111111-2222-3333-4444-555555555555"


@pytest.fixture
def local_provider():
    with LocalProvider(client_id="efficacy", secret="s3cret") as provider:
        yield provider


@pytest.fixture
def configured(settings, local_provider):
    """Google, Microsoft and a generic provider, all served by the local provider."""
    common = {"server_url": local_provider.url, "client_id": "efficacy", "secret": "s3cret"}
    configured = [
        Provider(id="google", kind="google", name="Google", domains=("example.org",), **common),
        Provider(id="microsoft", kind="microsoft", name="Microsoft", tenant=TENANT, **common),
        Provider(id="generic", kind="generic", name="ClassLink", domains=("example.org",),
                 **common),
    ]  # fmt: skip
    settings.EFFICACY_OIDC_PROVIDERS = configured
    settings.SOCIALACCOUNT_PROVIDERS = allauth_providers(configured)
    return local_provider


def sign_in_with(client, provider: LocalProvider, provider_id: str, identity: dict):
    """Press the provider's button on our sign-in page and follow every redirect."""
    provider.identity = identity
    started = client.post(reverse("openid_connect_login", kwargs={"provider_id": provider_id}))
    assert started.status_code == 302, started.content
    at_provider = requests.get(started["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlparse(at_provider.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def google(email="teacher_a@example.org", sub="g-teacher-a", **more):
    return {"sub": sub, "email": email, "email_verified": True, "hd": "example.org", **more}


def signed_in_as(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_the_first_sign_in_links_the_account_found_by_its_verified_email(client, world, configured):
    response = sign_in_with(client, configured, "google", google(email="Teacher_A@Example.org"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_as(client) == world.teacher_a
    link = SocialAccount.objects.get(provider="google")
    assert (link.user, link.uid) == (world.teacher_a, "g-teacher-a")


def test_a_later_sign_in_finds_the_account_by_subject_even_after_the_email_changed(
    client, world, configured
):
    sign_in_with(client, configured, "google", google())
    client.logout()
    # The provider now says teacher_a2's address: the subject id still decides.
    response = sign_in_with(client, configured, "google", google(email="teacher_a2@example.org"))
    assert response.status_code == 302
    assert signed_in_as(client) == world.teacher_a
    assert SocialAccount.objects.filter(user=world.teacher_a2).count() == 0


def test_another_identity_with_a_linked_accounts_email_never_takes_it_over(
    client, world, configured
):
    sign_in_with(client, configured, "google", google())
    client.logout()
    response = sign_in_with(client, configured, "google", google(sub="g-intruder"))
    assert response.status_code == 403
    assert "already linked to another identity" in response.content.decode()
    assert signed_in_as(client) is None


def test_a_hosted_domain_other_than_the_schools_is_refused(client, world, configured):
    response = sign_in_with(client, configured, "google", google(hd="elsewhere.org"))
    assert response.status_code == 403
    assert "does not belong to the school" in response.content.decode()
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


def test_an_email_outside_the_schools_domains_is_refused_even_with_the_right_hd(
    client, world, configured
):
    world.teacher_a.email = "teacher_a@gmail.com"
    world.teacher_a.save()
    response = sign_in_with(client, configured, "google", google(email="teacher_a@gmail.com"))
    assert response.status_code == 403
    assert signed_in_as(client) is None


def test_a_microsoft_account_of_another_tenant_is_refused(client, world, configured):
    identity = {"sub": "m-1", "email": "teacher_a@example.org",
                "tid": "99999999-2222-3333-4444-555555555555"}  # fmt: skip
    response = sign_in_with(client, configured, "microsoft", identity)
    assert response.status_code == 403
    assert "organisation" in response.content.decode()
    assert signed_in_as(client) is None


def test_a_microsoft_account_of_the_schools_tenant_signs_in(client, world, configured):
    identity = {"sub": "m-1", "preferred_username": "teacher_a@example.org", "tid": TENANT}
    response = sign_in_with(client, configured, "microsoft", identity)
    assert response.status_code == 302
    assert signed_in_as(client) == world.teacher_a


def test_an_unverified_email_is_refused(client, world, configured):
    response = sign_in_with(client, configured, "generic",
                            {"sub": "c-1", "email": "teacher_a@example.org",
                             "email_verified": False})  # fmt: skip
    assert response.status_code == 403
    assert "not verified" in response.content.decode()
    assert signed_in_as(client) is None


def test_an_email_of_no_account_is_refused_and_nobody_is_created(client, world, configured):
    before = User.objects.count()
    response = sign_in_with(client, configured, "google", google(email="stranger@example.org"))
    assert response.status_code == 403
    assert "No active Efficacy account" in response.content.decode()
    assert User.objects.count() == before
    assert not SocialAccount.objects.exists()


def test_a_retired_account_is_refused(client, world, configured):
    response = sign_in_with(client, configured, "google", google(email="retired_user@example.org"))
    assert response.status_code == 403
    assert "no longer active" in response.content.decode()
    assert signed_in_as(client) is None


def test_a_linked_account_that_retired_is_refused(client, world, configured):
    sign_in_with(client, configured, "google", google())
    client.logout()
    User.objects.filter(pk=world.teacher_a.pk).update(status=Status.RETIRED)
    response = sign_in_with(client, configured, "google", google())
    assert response.status_code == 403
    assert signed_in_as(client) is None


def test_two_accounts_with_the_email_are_refused(client, world, configured):
    User.objects.filter(pk=world.teacher_a2.pk).update(email="TEACHER_A@example.org")
    response = sign_in_with(client, configured, "google", google())
    assert response.status_code == 403
    assert "More than one" in response.content.decode()
    assert not SocialAccount.objects.exists()


def test_each_refusal_is_a_failed_sign_in_that_axes_counts(client, world, configured):
    sent = []

    def listen(sender, credentials, request=None, **kwargs):
        sent.append(credentials)

    user_login_failed.connect(listen)
    try:
        sign_in_with(client, configured, "google", google(hd="elsewhere.org"))
    finally:
        user_login_failed.disconnect(listen)
    assert sent == [{"username": "teacher_a@example.org", "provider": "google"}]
    assert AccessAttempt.objects.filter(username="teacher_a@example.org").exists()


def test_a_sign_in_cancelled_at_the_provider_comes_back_to_our_sign_in_page(
    client, world, configured
):
    started = client.post(reverse("openid_connect_login", kwargs={"provider_id": "google"}))
    state = dict(p.split("=", 1) for p in urlparse(started["Location"]).query.split("&"))["state"]
    callback = reverse("openid_connect_callback", kwargs={"provider_id": "google"})
    response = client.get(callback, {"error": "access_denied", "state": state}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "You cancelled the sign-in at Google" in response.content.decode()


def test_local_passwords_still_work_with_providers_configured(client, world, configured):
    response = client.post(reverse("login"), {"username": "teacher_a", "password": world.password})
    assert response.status_code == 302
    assert signed_in_as(client) == world.teacher_a


def test_the_sign_in_page_shows_a_button_only_for_configured_providers(client, db, settings):
    settings.EFFICACY_OIDC_PROVIDERS = []
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
    settings.EFFICACY_OIDC_PROVIDERS = [
        Provider(id="google", kind="google", name="Google", server_url="https://accounts.google.com",
                 client_id="x", secret="y", domains=("example.org",))
    ]  # fmt: skip
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with Google" in page
    assert reverse("openid_connect_login", kwargs={"provider_id": "google"}) in page


def test_allauths_sign_up_and_password_pages_are_not_reachable(client, db):
    for path in ("/auth/signup/", "/auth/login/", "/auth/password/reset/", "/auth/"):
        assert client.get(path).status_code == 404


# --- the configuration ----------------------------------------------------------


def test_nothing_set_means_no_provider():
    assert providers({}) == []
    assert allauth_providers([]) == {}


def test_each_provider_is_read_from_its_variables():
    found = providers({
        "OIDC_GOOGLE_CLIENT_ID": "g", "OIDC_GOOGLE_CLIENT_SECRET": "gs",
        "OIDC_GOOGLE_DOMAINS": "School.org, staff.school.org",
        "OIDC_MICROSOFT_CLIENT_ID": "m", "OIDC_MICROSOFT_CLIENT_SECRET": "ms",
        "OIDC_MICROSOFT_TENANT": TENANT,
        "OIDC_GENERIC_NAME": "ClassLink", "OIDC_GENERIC_SERVER_URL": "https://launchpad.classlink.com/",
        "OIDC_GENERIC_CLIENT_ID": "c", "OIDC_GENERIC_CLIENT_SECRET": "cs",
        "OIDC_GENERIC_DOMAINS": "school.org",
    })  # fmt: skip
    by_id = {p.id: p for p in found}
    assert by_id["google"].domains == ("school.org", "staff.school.org")
    assert by_id["microsoft"].server_url == f"https://login.microsoftonline.com/{TENANT}/v2.0"
    assert by_id["generic"].server_url == "https://launchpad.classlink.com"
    assert by_id["generic"].name == "ClassLink"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"OIDC_GOOGLE_CLIENT_ID": "g", "OIDC_GOOGLE_DOMAINS": "school.org"},
         "OIDC_GOOGLE_CLIENT_SECRET"),
        ({"OIDC_GOOGLE_CLIENT_ID": "g", "OIDC_GOOGLE_CLIENT_SECRET": "s"}, "OIDC_GOOGLE_DOMAINS"),
        ({"OIDC_MICROSOFT_CLIENT_ID": "m", "OIDC_MICROSOFT_CLIENT_SECRET": "s"},
         "OIDC_MICROSOFT_TENANT"),
        ({"OIDC_MICROSOFT_CLIENT_ID": "m", "OIDC_MICROSOFT_CLIENT_SECRET": "s",
          "OIDC_MICROSOFT_TENANT": "common"}, "OIDC_MICROSOFT_TENANT"),
        ({"OIDC_GENERIC_CLIENT_ID": "c", "OIDC_GENERIC_CLIENT_SECRET": "s",
          "OIDC_GENERIC_DOMAINS": "school.org", "OIDC_GENERIC_NAME": "X"},
         "OIDC_GENERIC_SERVER_URL"),
        ({"OIDC_GOOGLE_CLIENT_ID": "g", "OIDC_GOOGLE_CLIENT_SECRET": "s",
          "OIDC_GOOGLE_DOMAINS": "not a domain"}, "OIDC_GOOGLE_DOMAINS"),
    ],
)  # fmt: skip
def test_a_half_configured_provider_stops_the_start_naming_the_variable(environ, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        providers(environ)


def test_a_sign_in_through_the_provider_also_asks_for_the_second_factor(client, world, configured):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.teacher_a, name="phone", confirmed=True)
    sign_in_with(client, configured, "google", google())
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("second_factor_verify"))
