"""A roster import's run says what happened: its outcome commits with the roster's rows.

A worker can die at any moment (SIGKILL, out of memory, its machine gone). If the rows
committed first and the run's outcome after, a death between the two would leave a run
"running" whose page then says, wrongly, that nothing was imported. Killing a process at
that exact moment cannot be arranged reliably (tests/ops/test_faults.py kills at random
moments of the write); here the worker "dies" where the run records its outcome.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from efficacy.audit.models import Action
from efficacy.roster import tasks
from efficacy.roster.models import District, ImportRun, Role, Student, User
from efficacy.roster.oneroster.generate import district_generate
from efficacy.roster.services import import_run_start


class WorkerDied(BaseException):
    """Stands for SIGKILL: nothing catches it and nothing after it runs."""


@pytest.fixture
def queued_run(db, tmp_path) -> ImportRun:
    riverside = District.objects.create(name="Riverside District", sourced_id="d-1")
    admin = User.objects.create(username="river_admin", role=Role.ADMINISTRATOR,
                                district=riverside)  # fmt: skip
    export = district_generate(
        tmp_path / "export.zip", students=30, staff=6, classes=4, enrollments=60, as_zip=True
    )
    # The database backend only queues it: the test runs the task itself.
    return import_run_start(by=admin, upload=SimpleUploadedFile("d.zip", export.read_bytes()))


def test_a_worker_that_dies_before_the_outcome_is_recorded_has_imported_nothing(
    queued_run, monkeypatch
):
    before = Student.objects.count()
    real_record = tasks.record

    def dies_at_the_outcome(**event):
        if event["action"] == Action.ROSTER_IMPORT_FINISHED:
            raise WorkerDied
        return real_record(**event)

    monkeypatch.setattr(tasks, "record", dies_at_the_outcome)
    with pytest.raises(WorkerDied):
        tasks.roster_import_run.call(queued_run.pk)

    queued_run.refresh_from_db()
    assert queued_run.status == ImportRun.RunStatus.RUNNING  # the page will say it stopped...
    assert Student.objects.count() == before  # ...and that nothing was imported: true


def test_a_worker_that_lives_records_the_outcome_with_the_rows(queued_run):
    before = Student.objects.count()
    assert tasks.roster_import_run.call(queued_run.pk) == ImportRun.RunStatus.SUCCEEDED
    queued_run.refresh_from_db()
    assert queued_run.status == ImportRun.RunStatus.SUCCEEDED
    assert queued_run.summary["counts"]["users"]["created"] == 36
    assert queued_run.finished_at is not None
    assert Student.objects.count() == before + 30
