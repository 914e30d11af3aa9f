"""The address a request comes from, believing forwarded headers only from our proxies.

One home for it: sign-in lockouts (django-axes, ``AXES_CLIENT_IP_CALLABLE``) and
the rate limits of the public pages (:mod:`efficacy.voice.ratelimit`) both ask
here. Forwarded addresses are believed only from the proxies named in
``EFFICACY_TRUSTED_PROXIES``.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address a request comes from, believing forwarded headers only from our proxies."""
    peer = request.META.get("REMOTE_ADDR")
    if not _is_trusted_proxy(peer):
        return peer
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([hop.strip() for hop in forwarded.split(",") if hop.strip()]):
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            break  # a garbled hop: trust nothing further left
        client = str(address)
        if not _is_trusted_proxy(client):
            break
    return client


def _is_trusted_proxy(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.EFFICACY_TRUSTED_PROXIES)
