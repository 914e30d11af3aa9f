"""The demo's fixtures."""

from __future__ import annotations

import pytest

from efficacy.demo.services import demo_build, demo_delete


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo district, built once per test module (seed 2026) and deleted after it."""
    with django_db_blocker.unblock():
        summary = demo_build(seed=2026)
        yield summary
        demo_delete()
