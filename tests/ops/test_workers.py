"""Workers' heartbeats through the storage, and the tasks dead workers left RUNNING."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from efficacy.ops import workers
from efficacy.ops.workers import HEARTBEATS, WORKER_ID

LIMIT = timedelta(seconds=60)


@pytest.fixture(autouse=True)
def _silence_limit(settings):
    settings.EFFICACY_WORKER_SILENCE_SECONDS = int(LIMIT.total_seconds())


def beat_files() -> list[str]:
    try:
        return sorted(default_storage.listdir(HEARTBEATS)[1])
    except FileNotFoundError:
        return []


def running_task(*, worker_id: str | None, started_ago: timedelta) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="efficacy.cycles.impact.tasks.recompute",
        backend_name="default",
        run_after=now - started_ago,
        started_at=now - started_ago,
        worker_ids=[worker_id] if worker_id else [],
    )


# --- heartbeats ------------------------------------------------------------------


def test_a_beat_is_read_back_as_the_workers_last_beat():
    at = timezone.now().replace(microsecond=123000)
    workers.beat("host-1-aa", started=at - timedelta(minutes=5), now=at)
    assert workers.last_beats() == {"host-1-aa": at}


def test_a_new_beat_replaces_the_one_before_it():
    # Whole milliseconds: a beat's time is kept to the millisecond (its file's name).
    start = timezone.now().replace(microsecond=250000) - timedelta(seconds=30)
    workers.beat("host-1-aa", started=start, now=start)
    workers.beat("host-1-aa", started=start, now=start + timedelta(seconds=5))
    assert len(beat_files()) == 1
    assert workers.last_beats() == {"host-1-aa": start + timedelta(seconds=5)}


def test_a_beat_holds_the_host_pid_and_times_for_a_person_looking():
    import json

    now = timezone.now()
    workers.beat("host-1-aa", started=now, now=now)
    (name,) = beat_files()
    content = json.loads(default_storage.open(f"{HEARTBEATS}/{name}").read())
    assert set(content) == {"worker_id", "host", "pid", "started", "beat"}
    assert content["worker_id"] == "host-1-aa"


def test_a_worker_silent_longer_than_the_limit_is_not_alive():
    now = timezone.now()
    workers.beat("alive", started=now, now=now - LIMIT + timedelta(seconds=1))
    workers.beat("silent", started=now, now=now - LIMIT - timedelta(seconds=1))
    assert set(workers.alive_workers(now=now)) == {"alive"}
    assert set(workers.last_beats()) == {"alive", "silent"}


def test_forgetting_a_worker_deletes_its_beats_only():
    now = timezone.now()
    workers.beat("leaving", started=now, now=now)
    workers.beat("staying", started=now, now=now)
    workers.forget("leaving")
    assert set(workers.last_beats()) == {"staying"}


def test_no_heartbeat_folder_means_no_worker():
    assert workers.last_beats() == {}
    assert workers.alive_workers() == {}


def test_other_files_in_the_heartbeat_folder_are_ignored():
    default_storage.save(f"{HEARTBEATS}/notes.txt", ContentFile(b"hello"))
    default_storage.save(f"{HEARTBEATS}/bad id!.123.json", ContentFile(b"{}"))
    default_storage.save(f"{HEARTBEATS}/w.not-a-time.json", ContentFile(b"{}"))
    assert workers.last_beats() == {}


def test_a_new_worker_id_is_valid_and_never_repeats():
    first, second = workers.new_worker_id(), workers.new_worker_id()
    assert WORKER_ID.fullmatch(first)
    assert first != second


# --- abandoned tasks ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_running_task_whose_worker_went_silent_is_marked_failed():
    now = timezone.now()
    workers.beat("dead-1", started=now, now=now - 2 * LIMIT)
    task = running_task(worker_id="dead-1", started_ago=5 * LIMIT)

    assert workers.reap_abandoned(now=now) == 1

    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.finished_at == now
    assert task.exception_class_path == "efficacy.ops.workers.WorkerStopped"
    assert "the worker running this task stopped" in task.traceback
    assert "dead-1" in task.traceback


@pytest.mark.django_db
def test_a_running_task_of_a_worker_that_never_beat_is_marked_failed():
    task = running_task(worker_id="db-worker-without-heartbeat", started_ago=2 * LIMIT)
    assert workers.reap_abandoned() == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED


@pytest.mark.django_db
def test_a_running_task_of_a_live_worker_is_left_alone():
    now = timezone.now()
    workers.beat("alive-1", started=now, now=now - timedelta(seconds=3))
    task = running_task(worker_id="alive-1", started_ago=10 * LIMIT)
    assert workers.reap_abandoned(now=now) == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_the_last_worker_to_claim_a_task_is_the_one_that_counts():
    now = timezone.now()
    workers.beat("second", started=now, now=now)
    task = running_task(worker_id=None, started_ago=2 * LIMIT)
    task.worker_ids = ["first-died", "second"]
    task.save()
    assert workers.reap_abandoned(now=now) == 0


@pytest.mark.django_db
def test_a_task_started_within_the_limit_is_left_alone_whatever_its_worker():
    task = running_task(worker_id="no-beat-yet", started_ago=timedelta(seconds=5))
    assert workers.reap_abandoned() == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_finished_and_waiting_tasks_are_never_touched():
    task = running_task(worker_id="gone", started_ago=2 * LIMIT)
    DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.SUCCESSFUL)
    waiting = running_task(worker_id=None, started_ago=2 * LIMIT)
    DBTaskResult.objects.filter(pk=waiting.pk).update(status=TaskResultStatus.READY)
    assert workers.reap_abandoned() == 0
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL,
        TaskResultStatus.READY,
    }


@pytest.mark.django_db
def test_heartbeats_of_workers_gone_a_day_are_deleted_when_reaping():
    now = timezone.now()
    workers.beat("long-gone", started=now, now=now - timedelta(days=1, minutes=1))
    workers.beat("recently-gone", started=now, now=now - 2 * LIMIT)
    workers.reap_abandoned(now=now)
    assert set(workers.last_beats()) == {"recently-gone"}


@pytest.mark.django_db
def test_a_heartbeat_starts_with_a_beat_and_a_reap_and_stopping_forgets_it():
    task = running_task(worker_id="dead-2", started_ago=2 * LIMIT)
    heartbeat = workers.Heartbeat("starting-1")
    heartbeat.start()
    try:
        assert set(workers.alive_workers()) == {"starting-1"}
        task.refresh_from_db()
        assert task.status == TaskResultStatus.FAILED
    finally:
        heartbeat.stop()
    assert workers.last_beats() == {}
