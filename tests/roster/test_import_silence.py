"""How long a running import's worker may be silent before the run is taken as dead:
the limit every worker is held to, ``EFFICACY_WORKER_SILENCE_SECONDS``."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from efficacy.progress import heartbeat_seconds
from efficacy.roster.models import ImportRun
from efficacy.roster.tasks import worker_is_silent


def _running_since(world, seconds: float) -> ImportRun:
    return ImportRun.objects.create(
        created_by=world.admin_a, file_name="roster.zip", stored_name="imports/nowhere.zip",
        status=ImportRun.RunStatus.RUNNING,
        started_at=timezone.now() - timedelta(seconds=seconds),
    )  # fmt: skip


def test_a_run_silent_longer_than_the_setting_has_lost_its_worker(world, settings):
    settings.EFFICACY_WORKER_SILENCE_SECONDS = 2
    assert worker_is_silent(_running_since(world, 3))


def test_a_run_silent_for_less_than_the_setting_still_has_its_worker(world, settings):
    settings.EFFICACY_WORKER_SILENCE_SECONDS = 60
    assert not worker_is_silent(_running_since(world, 3))


def test_the_heartbeat_comes_several_times_within_the_limit(settings):
    settings.EFFICACY_WORKER_SILENCE_SECONDS = 2
    assert heartbeat_seconds() == 0.5
    settings.EFFICACY_WORKER_SILENCE_SECONDS = 600
    assert heartbeat_seconds() == 5
