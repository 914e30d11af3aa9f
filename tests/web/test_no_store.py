"""Pages and downloads for a signed-in person are never cached (defect 11 of issue 8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _never_stored(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives and response.get("Pragma") == "no-cache"


@pytest.mark.parametrize(
    ("person", "url_name", "target"),
    [
        ("leader_a", "home", None),
        ("leader_a", "roster:student", "ava"),
        ("leader_a", "roster:students", "school_a"),
        ("teacher_a", "roster:class", "english_9_applied"),
        ("admin_a", "accounts", None),
        ("teacher_a", "account", None),
        ("teacher_a", "roster:student", "chloe"),  # a 404 is not cached either
    ],
)
def test_every_response_to_a_signed_in_person_says_no_store(
    client, world, person, url_name, target
):
    client.force_login(getattr(world, person))
    args = [getattr(world, target).pk] if target else []
    response = client.get(reverse(url_name, args=args))
    assert _never_stored(response), response.get("Cache-Control")


def test_an_evidence_export_is_not_stored(client, world, cycle):
    client.force_login(world.lead_english)
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("cycles:export", args=[cycle.pk, fmt]))
        assert response.status_code == 200
        assert _never_stored(response)
