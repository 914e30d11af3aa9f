"""Personal access tokens: only a digest is stored, what is refused, when use is noted,
who may revoke them."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from efficacy.access import tokens as access
from efficacy.api.models import AccessToken
from efficacy.api.tokens import (
    token_authenticate,
    token_create,
    token_revoke,
)
from efficacy.roster.models import Status

pytestmark = pytest.mark.django_db


def test_only_a_digest_of_the_token_is_stored(world):
    token, raw = token_create(user=world.teacher_a, name="Notebook")
    assert raw.startswith("eff_")
    assert len(raw) > 40
    stored = AccessToken.objects.filter(pk=token.pk).values().get()
    assert raw not in [str(value) for value in stored.values()]
    assert stored["digest"] == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(stored["prefix"])
    assert len(stored["prefix"]) < 16


def test_two_tokens_are_never_the_same(world):
    _one, first = token_create(user=world.teacher_a, name="One")
    _two, second = token_create(user=world.teacher_a, name="Two")
    assert first != second


def test_a_new_token_reads_only_and_expires_in_ninety_days_unless_asked(world):
    token, _raw = token_create(user=world.teacher_a, name="Notebook")
    assert token.can_write is False
    assert token.expires_at - token.created_at == dt.timedelta(days=90)
    writer, _raw = token_create(user=world.teacher_a, name="SIS", write=True, days=365)
    assert writer.can_write is True
    assert writer.expires_at - writer.created_at == dt.timedelta(days=365)


@pytest.mark.parametrize("days", [0, -3, 366])
def test_an_expiry_outside_the_allowed_days_is_refused(world, days):
    with pytest.raises(ValidationError) as refused:
        token_create(user=world.teacher_a, name="Notebook", days=days)
    assert "1 to 365 days" in " ".join(refused.value.messages)
    assert not AccessToken.objects.exists()


def test_the_longest_expiry_follows_the_setting(world, settings):
    settings.EFFICACY_TOKEN_MAX_DAYS = 30
    with pytest.raises(ValidationError):
        token_create(user=world.teacher_a, name="Notebook", days=31)
    token, _raw = token_create(user=world.teacher_a, name="Notebook")
    assert token.expires_at - token.created_at == dt.timedelta(days=30)


def test_a_token_needs_a_name(world):
    with pytest.raises(ValidationError):
        token_create(user=world.teacher_a, name="   ")


def test_a_retired_account_cannot_make_a_token(world):
    with pytest.raises(PermissionDenied):
        token_create(user=world.retired_user, name="Notebook")


def test_the_token_authenticates_its_person(world):
    token, raw = token_create(user=world.teacher_a, name="Notebook")
    assert token_authenticate(raw) == token
    assert token_authenticate(raw).user == world.teacher_a


@pytest.mark.parametrize(
    "sent", ["", "eff_", "eff_not-a-token", "Bearer eff_x", "x" * 500, "eff_" + "a" * 500]
)
def test_an_unknown_or_malformed_token_is_refused(world, sent):
    token_create(user=world.teacher_a, name="Notebook")
    assert token_authenticate(sent) is None


def test_a_token_that_differs_by_one_character_is_refused(world):
    _token, raw = token_create(user=world.teacher_a, name="Notebook")
    changed = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert token_authenticate(changed) is None


def test_an_expired_token_is_refused(world):
    token, raw = token_create(user=world.teacher_a, name="Notebook", days=1)
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert token_authenticate(raw) is None


def test_a_revoked_token_is_refused(world):
    token, raw = token_create(user=world.teacher_a, name="Notebook")
    token_revoke(by=world.teacher_a, token=token)
    assert token_authenticate(raw) is None
    assert AccessToken.objects.get(pk=token.pk).revoked_at is not None


def test_the_token_of_a_deactivated_account_is_refused(world):
    _token, raw = token_create(user=world.teacher_a, name="Notebook")
    world.teacher_a.is_active = False
    world.teacher_a.save()
    assert token_authenticate(raw) is None


def test_the_token_of_an_account_retired_by_the_roster_is_refused(world):
    _token, raw = token_create(user=world.teacher_a, name="Notebook")
    world.teacher_a.status = Status.RETIRED
    world.teacher_a.save()
    assert token_authenticate(raw) is None


def test_last_use_is_noted_at_most_once_a_minute(world):
    token, raw = token_create(user=world.teacher_a, name="Notebook")
    assert token.last_used_at is None
    token_authenticate(raw)
    first = AccessToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    token_authenticate(raw)
    assert AccessToken.objects.get(pk=token.pk).last_used_at == first
    a_while_ago = first - dt.timedelta(minutes=2)
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=a_while_ago)
    token_authenticate(raw)
    assert AccessToken.objects.get(pk=token.pk).last_used_at > a_while_ago


def test_a_person_sees_only_their_own_tokens(world):
    mine, _raw = token_create(user=world.teacher_a, name="Mine")
    token_create(user=world.lead_english, name="Theirs")
    assert list(access.tokens_for(world.teacher_a)) == [mine]
    assert not access.tokens_for(world.retired_user).exists()


def test_a_person_cannot_revoke_a_colleagues_token_nor_find_it(world):
    theirs, raw = token_create(user=world.lead_english, name="Theirs")
    with pytest.raises(Http404):
        access.access_token(world.teacher_a, theirs.pk)
    with pytest.raises(PermissionDenied):
        token_revoke(by=world.teacher_a, token=theirs)
    assert token_authenticate(raw) == theirs


def test_an_administrator_revokes_the_tokens_of_the_accounts_they_manage(world):
    theirs, raw = token_create(user=world.teacher_a, name="Theirs")
    assert access.access_token(world.admin_a, theirs.pk) == theirs
    token_revoke(by=world.admin_a, token=theirs)
    assert token_authenticate(raw) is None


def test_an_administrator_cannot_reach_the_tokens_of_another_district(world):
    theirs, _raw = token_create(user=world.teacher_c, name="Theirs")
    with pytest.raises(Http404):
        access.access_token(world.district_admin, theirs.pk)
    with pytest.raises(PermissionDenied):
        token_revoke(by=world.district_admin, token=theirs)


def test_a_read_only_token_may_not_write(world):
    reader, _raw = token_create(user=world.teacher_a, name="Reader")
    writer, _raw = token_create(user=world.teacher_a, name="Writer", write=True)
    assert access.token_may_act(reader, write=False)
    assert not access.token_may_act(reader, write=True)
    assert access.token_may_act(writer, write=True)
