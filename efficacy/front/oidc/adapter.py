"""The server's own check of a sign-in through the school's identity provider.

The provider's account picker is never trusted: every sign-in is checked here, in
django-allauth's ``pre_social_login`` hook, before anyone is signed in.

1. **Where from**: Google's ``hd`` claim and the e-mail's domain are both one of the
   school's domains; Microsoft's ``tid`` claim is the school's tenant (and the e-mail's
   domain one of ``OIDC_MICROSOFT_DOMAINS`` when set); a generic provider's e-mail
   domain is one of its domains. The e-mail must be verified (``email_verified``);
   Entra ID sends no such claim, and the tenant's own directory vouches for it.
2. **Who**: the provider's stable subject id (``sub``, allauth's ``SocialAccount.uid``)
   once linked always reaches the same account, whatever its e-mail has become. The
   first time, the account is found by its e-mail (case-insensitive), which must be
   exactly one active account not yet linked to another identity at this provider.
3. **No sign-up**: nobody is created; accounts come from the roster import.

A refusal renders our own page with a plain message, creates nothing, and sends
Django's ``user_login_failed`` (credentials ``{"username": <e-mail>, "provider": <id>}``)
so the audit log and django-axes count it as a failed sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.providers.base import AuthError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from efficacy.access import roster as access
from efficacy.front.oidc.config import Provider
from efficacy.roster.models import User

#: Why a sign-in was refused: a code (stored nowhere, shown through :func:`message`).
WRONG_DOMAIN = "wrong_domain"
WRONG_TENANT = "wrong_tenant"
UNVERIFIED_EMAIL = "unverified_email"
NO_ACCOUNT = "no_account"
INACTIVE_ACCOUNT = "inactive_account"
SEVERAL_ACCOUNTS = "several_accounts"
LINKED_ELSEWHERE = "linked_elsewhere"
UNKNOWN_PROVIDER = "unknown_provider"


def message(reason: str) -> str:
    """What the refused person reads: what happened and whom to ask."""
    return {
        WRONG_DOMAIN: _(
            "This account does not belong to the school's domain. Sign in with your "
            "school account (the address the school gave you)."
        ),
        WRONG_TENANT: _(
            "This Microsoft account does not belong to the school's organisation. Sign "
            "in with your school account."
        ),
        UNVERIFIED_EMAIL: _(
            "Your identity provider has not verified this e-mail address, so Efficacy "
            "cannot tell whose account it is. Ask your school's IT team."
        ),
        NO_ACCOUNT: _(
            "No active Efficacy account has this e-mail address. Accounts come from the "
            "school's roster: ask your Efficacy administrator."
        ),
        INACTIVE_ACCOUNT: _("This account is no longer active. Ask your Efficacy administrator."),
        SEVERAL_ACCOUNTS: _(
            "More than one Efficacy account has this e-mail address, so Efficacy cannot "
            "tell which is yours. Ask your Efficacy administrator to correct the roster."
        ),
        LINKED_ELSEWHERE: _(
            "The Efficacy account with this e-mail address is already linked to another "
            "identity at this provider. Ask your Efficacy administrator."
        ),
        UNKNOWN_PROVIDER: _("This identity provider is not configured for Efficacy."),
    }[reason]


@dataclass(frozen=True)
class Identity:
    """The claims we check, from the ID token the provider signed."""

    provider: str
    sub: str
    email: str
    email_verified: bool | None
    hd: str
    tid: str

    @classmethod
    def of(cls, sociallogin: SocialLogin) -> Identity:
        data = sociallogin.account.extra_data or {}
        claims = {**(data.get("userinfo") or {}), **(data.get("id_token") or {})}
        email = claims.get("email") or ""
        if not email and sociallogin.account.provider == "microsoft":
            email = claims.get("preferred_username") or ""
        verified = claims.get("email_verified")
        if isinstance(verified, str):
            verified = verified.strip().lower() == "true"
        return cls(
            provider=sociallogin.account.provider,
            sub=str(sociallogin.account.uid),
            email=str(email).strip(),
            email_verified=verified if verified is None else bool(verified),
            hd=str(claims.get("hd") or "").lower(),
            tid=str(claims.get("tid") or "").lower(),
        )

    @property
    def email_domain(self) -> str:
        return self.email.rpartition("@")[2].lower() if "@" in self.email else ""


def configured_provider(provider_id: str) -> Provider | None:
    for provider in settings.EFFICACY_OIDC_PROVIDERS:
        if provider.id == provider_id:
            return provider
    return None


def where_from_refusal(provider: Provider, identity: Identity) -> str | None:
    """Why the identity is not the school's (a reason code), or None when it is."""
    # Google names the Workspace the account belongs to (hd): one of the school's.
    if provider.kind == "google" and identity.hd not in provider.domains:
        return WRONG_DOMAIN
    if provider.kind == "microsoft":
        if identity.tid != provider.tenant:
            return WRONG_TENANT
        # Entra ID has no email_verified claim: the tenant's directory vouches for it.
        if identity.email_verified is False:
            return UNVERIFIED_EMAIL
    elif identity.email_verified is not True:
        return UNVERIFIED_EMAIL
    if provider.domains and identity.email_domain not in provider.domains:
        return WRONG_DOMAIN
    return None


def account_refusal(user: User) -> str | None:
    """Why this linked account may not sign in, or None."""
    if not access.is_active_account(user):
        return INACTIVE_ACCOUNT
    return None


def account_by_email(provider: Provider, identity: Identity) -> User | str:
    """The one active account with this e-mail, not yet linked at this provider, or why not."""
    if not identity.email:
        return UNVERIFIED_EMAIL
    same_email = User.objects.filter(email__iexact=identity.email)
    active = [u for u in same_email if access.is_active_account(u)]
    if len(active) > 1:
        return SEVERAL_ACCOUNTS
    if not active:
        return INACTIVE_ACCOUNT if same_email.exists() else NO_ACCOUNT
    user = active[0]
    if SocialAccount.objects.filter(user=user, provider=provider.id).exists():
        return LINKED_ELSEWHERE
    return user


def refuse(request: HttpRequest, identity: Identity, reason: str) -> None:
    """Stop the sign-in: our page, and a failed sign-in for the audit log and axes."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": identity.email, "provider": identity.provider},
        request=request,
    )
    response: HttpResponse = render(
        request,
        "front/oidc_refused.html",
        {"reason": reason, "message": message(reason)},
        status=403,
    )
    raise ImmediateHttpResponse(response)


class SchoolIdentityAdapter(DefaultSocialAccountAdapter):
    """allauth's social sign-in, with the school's checks and no sign-up."""

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        identity = Identity.of(sociallogin)
        provider = configured_provider(identity.provider)
        if provider is None:
            refuse(request, identity, UNKNOWN_PROVIDER)
            return
        if reason := where_from_refusal(provider, identity):
            refuse(request, identity, reason)
        if sociallogin.is_existing:
            # Linked before: the subject id decides, never the e-mail.
            if reason := account_refusal(sociallogin.user):
                refuse(request, identity, reason)
            return
        found = account_by_email(provider, identity)
        if isinstance(found, str):
            refuse(request, identity, found)
            return
        # The first sign-in: link the account to the provider's subject id for good.
        sociallogin.connect(request, found)

    def on_authentication_error(
        self, request: HttpRequest, provider, error=None, exception=None, extra_context=None
    ) -> None:
        """Cancelled at the provider, an expired or replayed callback, a provider that
        did not answer: back to our sign-in page, which says so (no allauth page)."""
        if error == AuthError.CANCELLED:
            text = _("You cancelled the sign-in at %(provider)s. Nothing was changed.")
        else:
            text = _(
                "Signing in with %(provider)s did not work (the link may have expired, or "
                "the provider did not answer). Start again from this page."
            )
        messages.error(request, text % {"provider": getattr(provider, "name", "")})
        raise ImmediateHttpResponse(redirect("login"))

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def send_notification_mail(self, *args, **kwargs) -> None:
        """No "account connected" e-mail: the link is made at the person's own sign-in."""


class NoSignupAccountAdapter(DefaultAccountAdapter):
    """allauth's account side: nobody signs up through it (accounts come from the roster)."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def add_message(self, *args, **kwargs) -> None:
        """No "Successfully signed in as ..." banner: a password sign-in has none either."""
