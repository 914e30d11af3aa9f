"""The OpenID Connect providers, read from the environment alone.

Three kinds, each turned on by its client id:

* ``google`` (Google Workspace for Education): ``OIDC_GOOGLE_CLIENT_ID``,
  ``OIDC_GOOGLE_CLIENT_SECRET``, ``OIDC_GOOGLE_DOMAINS`` (the school's domains: the
  ``hd`` claim and the verified e-mail's domain must both be one of them);
* ``microsoft`` (Microsoft Entra ID): ``OIDC_MICROSOFT_CLIENT_ID``,
  ``OIDC_MICROSOFT_CLIENT_SECRET``, ``OIDC_MICROSOFT_TENANT`` (the tenant id: the ``tid``
  claim must be it; the issuer is ``https://login.microsoftonline.com/<tenant>/v2.0``),
  and optionally ``OIDC_MICROSOFT_DOMAINS``;
* ``generic`` (any standard provider, e.g. ClassLink): ``OIDC_GENERIC_NAME`` (the
  button's label), ``OIDC_GENERIC_SERVER_URL`` (the issuer),
  ``OIDC_GENERIC_CLIENT_ID``, ``OIDC_GENERIC_CLIENT_SECRET``, ``OIDC_GENERIC_DOMAINS``.

With no client id set, the provider is off (no button). A provider half configured (a
client id without its secret, its domains or its tenant) stops the start with a message
naming the variable, like every other setting (:mod:`efficacy.config`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

GOOGLE_ISSUER = "https://accounts.google.com"
MICROSOFT_ISSUER = "https://login.microsoftonline.com/{tenant}/v2.0"
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_TENANT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Provider:
    """One school identity provider: what allauth needs, and what our adapter checks."""

    id: str  # the allauth provider id, in the redirect URI: /auth/oidc/<id>/login/callback/
    kind: str  # google, microsoft or generic: which claims are checked
    name: str  # the button's label
    server_url: str  # the issuer; discovery is at <server_url>/.well-known/openid-configuration
    client_id: str
    secret: str
    domains: tuple[str, ...] = field(default=())
    tenant: str = ""

    def allauth_app(self) -> dict:
        """This provider as an entry of allauth's ``openid_connect`` ``APPS``."""
        return {
            "provider_id": self.id,
            "name": self.name,
            "client_id": self.client_id,
            "secret": self.secret,
            "settings": {
                "server_url": self.server_url,
                # Claims come from the ID token the provider signed (hd, tid are there).
                "fetch_userinfo": False,
                "oauth_pkce_enabled": True,
            },
        }


def _raw(environ, name: str) -> str:
    return (environ.get(name) or "").strip()


def _required(environ, name: str, why: str) -> str:
    value = _raw(environ, name)
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set, but {why}. Set it, or unset {why.split()[0]}."
        )
    return value


def _domains(environ, name: str, *, required: bool, why: str) -> tuple[str, ...]:
    raw = _raw(environ, name)
    if not raw:
        if required:
            _required(environ, name, why)
        return ()
    domains = tuple(d.strip().lower() for d in raw.split(",") if d.strip())
    for domain in domains:
        if not _DOMAIN.match(domain):
            raise ImproperlyConfigured(
                f"{name}: {domain!r} is not a domain name. Use a comma-separated list "
                f"such as school.org,staff.school.org."
            )
    return domains


def providers(environ=None) -> list[Provider]:
    """The providers configured in ``environ`` (the process's environment by default)."""
    environ = os.environ if environ is None else environ
    found: list[Provider] = []
    if client_id := _raw(environ, "OIDC_GOOGLE_CLIENT_ID"):
        why = "OIDC_GOOGLE_CLIENT_ID is set"
        found.append(
            Provider(
                id="google",
                kind="google",
                name="Google",
                server_url=GOOGLE_ISSUER,
                client_id=client_id,
                secret=_required(environ, "OIDC_GOOGLE_CLIENT_SECRET", why),
                domains=_domains(environ, "OIDC_GOOGLE_DOMAINS", required=True, why=why),
            )
        )
    if client_id := _raw(environ, "OIDC_MICROSOFT_CLIENT_ID"):
        why = "OIDC_MICROSOFT_CLIENT_ID is set"
        secret = _required(environ, "OIDC_MICROSOFT_CLIENT_SECRET", why)
        tenant = _required(environ, "OIDC_MICROSOFT_TENANT", why).lower()
        if not _TENANT.match(tenant):
            raise ImproperlyConfigured(
                f"OIDC_MICROSOFT_TENANT={tenant!r} is not a tenant id. Use the directory "
                f"(tenant) id from Entra ID's overview page, e.g. "
                f"72f988bf-86f1-41af-91ab-2d7cd011db47 (not 'common' or 'organizations')."
            )
        found.append(
            Provider(
                id="microsoft",
                kind="microsoft",
                name="Microsoft",
                server_url=MICROSOFT_ISSUER.format(tenant=tenant),
                client_id=client_id,
                secret=secret,
                domains=_domains(environ, "OIDC_MICROSOFT_DOMAINS", required=False, why=why),
                tenant=tenant,
            )
        )
    if client_id := _raw(environ, "OIDC_GENERIC_CLIENT_ID"):
        why = "OIDC_GENERIC_CLIENT_ID is set"
        server_url = _required(environ, "OIDC_GENERIC_SERVER_URL", why)
        if not server_url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(
                f"OIDC_GENERIC_SERVER_URL={server_url!r} is not an address. Use the "
                f"provider's issuer, e.g. https://launchpad.classlink.com."
            )
        found.append(
            Provider(
                id="generic",
                kind="generic",
                name=_required(environ, "OIDC_GENERIC_NAME", why),
                server_url=server_url.rstrip("/"),
                client_id=client_id,
                secret=_required(environ, "OIDC_GENERIC_CLIENT_SECRET", why),
                domains=_domains(environ, "OIDC_GENERIC_DOMAINS", required=True, why=why),
            )
        )
    return found


def form_action_origins(configured: list[Provider]) -> list[str]:
    """The providers' origins, for the CSP's ``form-action``: the sign-in button's form
    is redirected there, and browsers hold a form's redirects to that directive."""
    origins = []
    for provider in configured:
        scheme, _, rest = provider.server_url.partition("://")
        origins.append(f"{scheme}://{rest.split('/')[0]}")
    return sorted(set(origins))


def allauth_providers(configured: list[Provider]) -> dict:
    """``SOCIALACCOUNT_PROVIDERS`` for these providers (empty: no provider at all)."""
    if not configured:
        return {}
    return {"openid_connect": {"APPS": [p.allauth_app() for p in configured]}}
