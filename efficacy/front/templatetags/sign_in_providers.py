"""The sign-in page's buttons, one per configured OpenID Connect provider (none when
nothing is configured). Each is a form that POSTs to allauth's sign-in view, which
sends the browser on to the provider: no script, so the strict CSP holds."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("front/_sign_in_providers.html", takes_context=True)
def sign_in_providers(context) -> dict:
    providers = [
        {
            "id": provider.id,
            "name": provider.name,
            "url": reverse("openid_connect_login", kwargs={"provider_id": provider.id}),
        }
        for provider in settings.EFFICACY_OIDC_PROVIDERS
    ]
    return {
        "providers": providers,
        "next": context.get("next", ""),
        "csrf_token": context.get("csrf_token"),
    }
