"""Shared test configuration.

Each area keeps its own fixtures in ``tests/<area>/conftest.py``; only what
every area needs lives here.
"""

from __future__ import annotations

import os

import pytest

# The cycle fixtures (a ready cycle, its measure and occasions) serve the cycle tests
# and the browser walk-throughs alike.
pytest_plugins = ["tests.cycles.fixtures"]


@pytest.fixture(autouse=True)
def _isolated_data_dir(settings, tmp_path):
    """Uploads, media and exports written by a test stay in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def world(db):
    """The named people and places of ``tests/world.py`` (school A, school B, every role)."""
    from tests.world import World

    return World()
