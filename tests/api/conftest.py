"""Helpers of the API tests: the header of a person's personal access token."""

from __future__ import annotations

from efficacy.api.tokens import token_create


def bearer(person, *, write: bool = False) -> dict[str, str]:
    """The header of a new token of ``person`` (read-only unless ``write``)."""
    _token, raw = token_create(user=person, name="tests", write=write)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
