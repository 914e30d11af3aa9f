"""A token never reaches more than its person's pages: every API row of the URL-wide
matrix, asked with each person's personal access token instead of their session,
gets the same answers (a retired person's token, like their session, none: 401)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from efficacy.api.tokens import token_create
from efficacy.roster.models import Status
from tests.api.matrix_api import ROWS
from tests.web.test_url_matrix import PEOPLE, _person, things  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _raw_token(person) -> str:
    if person.status != Status.ACTIVE:
        # Only an active account makes tokens: make it before the account was retired.
        retired_as = person.status
        person.status = Status.ACTIVE
        person.save(update_fields=["status"])
        _token, raw = token_create(user=person, name="matrix")
        person.status = retired_as
        person.save(update_fields=["status"])
        return raw
    return token_create(user=person, name="matrix")[1]


@pytest.mark.parametrize("url_name", sorted(ROWS))
def test_each_persons_token_gets_the_answer_decided_for_their_session(
    client,
    world,
    things,  # noqa: F811 (the matrix's fixture)
    url_name,
):
    row = ROWS[url_name]
    url = reverse(url_name, args=row.args(world, things))
    got = {}
    for name in PEOPLE:
        header = f"Bearer {_raw_token(_person(world, things, name))}"
        got[name] = client.get(url, HTTP_AUTHORIZATION=header).status_code
    expected = {name: row.answers.get(name, row.otherwise) for name in PEOPLE}
    assert got == expected
