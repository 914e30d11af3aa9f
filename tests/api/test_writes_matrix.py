"""A token never writes more than its person may on the pages: every row of the API's
writes, asked with each person's read-write token instead of their session, gets the
same answers; with a read-only token, no write is allowed to anyone (403)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from efficacy.api.tokens import token_create
from efficacy.roster.models import Status
from tests.api.matrix_writes import ROWS
from tests.web.test_url_matrix import PEOPLE, _person, things  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _token(person, *, write: bool) -> str:
    if person.status != Status.ACTIVE:
        # Only an active account makes tokens: make it before the account was retired.
        retired_as = person.status
        person.status = Status.ACTIVE
        person.save(update_fields=["status"])
        raw = token_create(user=person, name="matrix", write=write)[1]
        person.status = retired_as
        person.save(update_fields=["status"])
        return raw
    return token_create(user=person, name="matrix", write=write)[1]


def _ask(client, world, made, url_name, raw):
    row = ROWS[url_name]
    url = reverse(url_name, args=row.args(world, made))
    header = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    if row.method != "post":
        return client.get(url, **header)
    if row.content_type:
        body = json.dumps(row.data(world, made))
        return client.post(url, body, content_type=row.content_type, **header)
    return client.post(url, row.data(world, made), **header)


@pytest.mark.parametrize("url_name", sorted(ROWS))
def test_each_persons_write_token_gets_the_answer_decided_for_their_session(
    client, world, request, url_name
):
    made = request.getfixturevalue("things")
    row = ROWS[url_name]
    got = {}
    for name in PEOPLE:
        raw = _token(_person(world, made, name), write=True)
        got[name] = _ask(client, world, made, url_name, raw).status_code
    assert got == {name: row.answers.get(name, row.otherwise) for name in PEOPLE}


@pytest.mark.parametrize("url_name", sorted(n for n, row in ROWS.items() if row.method == "post"))
def test_a_read_only_token_writes_nothing_for_anyone(client, world, request, url_name):
    made = request.getfixturevalue("things")
    got = {}
    for name in PEOPLE:
        raw = _token(_person(world, made, name), write=False)
        got[name] = _ask(client, world, made, url_name, raw).status_code
    # A retired person's token is no authentication at all; everyone else's may not write.
    expected = dict.fromkeys(PEOPLE, 403) | {"retired_user": 401}
    assert got == expected
