"""The API's records in a person's data export and in the retention policy
(:mod:`efficacy.rights`): their access tokens (never the digest) and the evidence
batches they sent; revoked and expired tokens go after ``revoked_tokens`` days."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from efficacy.api.models import AccessToken
from efficacy.cycles.models import EvidenceBatch
from efficacy.rights.collectors import STAFF, Row, register, rows
from efficacy.rights.retention import register_purger
from efficacy.roster.models import User


@register(STAFF, "api_tokens", _("The person's API access tokens: name, scope, dates (never the token)."))  # fmt: skip
def _tokens(user: User) -> list[Row]:
    return rows(AccessToken.objects.filter(user=user).order_by("pk"), exclude={"digest"})


@register(STAFF, "evidence_batches", _("Batches of scores the person sent through the API (their external ids and counts)."))  # fmt: skip
def _batches(user: User) -> list[Row]:
    return rows(EvidenceBatch.objects.filter(sent_by=user).order_by("pk"))


def _expired(cutoff: dt.datetime):
    # A token that no longer works: revoked, or expired, before the cutoff.
    gone = AccessToken.objects.filter(Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff))
    return [(gone, "expires_at")]


register_purger("revoked_tokens", _expired)
