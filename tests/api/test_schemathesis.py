"""The whole API against its own OpenAPI schema, with schemathesis (in-process, through
WSGI: no network): with a school leader's read-only token and with their read-write
token, no answer is a server error, and every answer's status code and body are the ones
the schema declares.

Bounded so that the file runs in well under two minutes: a few examples per operation
(``EXAMPLES``), no deadline per example (the first request of an operation builds its
caches), no example database.
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from efficacy.api.tokens import token_create

pytestmark = pytest.mark.django_db(transaction=False)

#: Examples generated per operation and per token.
EXAMPLES = 15
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(db):
    # Called through WSGI, each request ends with Django's close_old_connections, which
    # would close the test's connection in the middle of its transaction on PostgreSQL
    # (SQLite's in-memory database ignores it): disconnected, as Django's test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def a_busy_api(settings):
    # Hundreds of requests in a few seconds, from one token: not what the limit is for.
    settings.EFFICACY_API_READ_RATE = 100_000
    settings.EFFICACY_API_WRITE_RATE = 100_000


def _run_every_operation(schema, headers: dict[str, str]) -> tuple[dict[str, int], dict[str, str]]:
    """Every operation, ``EXAMPLES`` cases each: how many cases each one ran, and what
    schemathesis found, by operation (all of them, not only the first)."""
    ran: dict[str, int] = {}
    found: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        ran[label] = 0
        try:
            _operation_test(operation, label, headers, ran)()
        except (Exception, BaseExceptionGroup) as failure:
            found[label] = str(failure)
    return ran, found


def _operation_test(operation, label: str, headers: dict[str, str], ran: dict[str, int]):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        ran[label] += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    return check


@pytest.mark.parametrize("write", [False, True], ids=["read-token", "write-token"])
def test_no_server_error_and_every_answer_as_the_schema_says(world, api_schema, a_busy_api, write):
    _token, raw = token_create(user=world.leader_a, name="schemathesis", write=write)
    started = time.monotonic()
    ran, found = _run_every_operation(api_schema, {"Authorization": f"Bearer {raw}"})
    elapsed = time.monotonic() - started
    print(
        f"\nschemathesis, {'read-write' if write else 'read-only'} token: "
        f"{len(ran)} operations, {sum(ran.values())} requests, {elapsed:.1f} s"
    )
    assert not found, "\n\n".join(f"{label}:\n{text}" for label, text in found.items())
    assert len(ran) > 10
    assert all(ran.values())
