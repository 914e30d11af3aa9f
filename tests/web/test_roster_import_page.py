"""The web roster upload: limits, the background task, and the progress page."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from efficacy.roster.models import ImportRun, Student
from efficacy.roster.oneroster.generate import district_generate
from efficacy.roster.tasks import progress_write

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def admin_client(client, world, settings):
    settings.TASKS = IMMEDIATE
    client.force_login(world.district_admin)
    return client


def zip_upload(name: str, files: dict[str, str]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for filename, text in files.items():
            archive.writestr(filename, text)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def upload(client, file) -> object:
    return client.post(reverse("roster:import"), {"export": file}, follow=True)


def test_a_valid_export_is_imported_in_the_background_and_shows_its_summary(admin_client, tmp_path):
    export = district_generate(
        tmp_path / "export.zip", students=30, staff=6, classes=4, enrollments=60, as_zip=True
    )
    before = Student.objects.count()
    response = upload(admin_client, SimpleUploadedFile("district.zip", export.read_bytes()))

    run = ImportRun.objects.get()
    assert run.status == ImportRun.RunStatus.SUCCEEDED
    assert Student.objects.count() == before + 30
    body = response.content.decode()
    assert "The roster was imported." in body
    assert '<th scope="row">users</th>' in body
    assert run.summary["counts"]["users"]["created"] == 36
    # The saved file is under MEDIA_ROOT/imports, not under the uploaded name.
    assert "/imports/" in run.stored_path
    assert not run.stored_path.endswith("district.zip")


def test_an_invalid_export_lists_every_problem_and_imports_nothing(admin_client):
    bad = zip_upload(
        "bad.zip",
        {
            "manifest.csv": "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n"
            "file.users,bulk\n",
            "users.csv": "sourcedId,status\nu1,active\n",
        },
    )
    before = Student.objects.count()
    response = upload(admin_client, bad)

    run = ImportRun.objects.get()
    assert run.status == ImportRun.RunStatus.FAILED
    assert len(run.problems) >= 2
    body = response.content.decode()
    assert "nothing was imported" in body
    for problem in run.problems:
        assert problem["text"].startswith(f"{problem['file']}:")
        assert problem["text"].replace('"', "&quot;").replace("'", "&#x27;") in body
    assert Student.objects.count() == before


def test_a_file_that_is_not_a_zip_gets_a_clear_message(admin_client):
    response = upload(admin_client, SimpleUploadedFile("users.csv", b"sourcedId\n1\n"))
    assert response.status_code == 200
    assert "This is not a zip file" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_file_over_the_size_limit_gets_a_clear_message_not_an_error_page(admin_client, settings):
    settings.EFFICACY_MAX_UPLOAD_BYTES = 100
    big = zip_upload("big.zip", {"manifest.csv": "x" * 5000})
    response = upload(admin_client, big)
    assert response.status_code == 200
    assert "the limit is 100" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_teacher_cannot_upload_a_roster(client, world, settings):
    settings.TASKS = IMMEDIATE
    client.force_login(world.teacher_a)
    response = upload(client, zip_upload("x.zip", {"manifest.csv": ""}))
    assert response.status_code == 403
    assert not ImportRun.objects.exists()


def make_run(world, **fields) -> ImportRun:
    defaults = {"created_by": world.admin_a, "file_name": "roster.zip", "stored_path": "/nowhere"}
    return ImportRun.objects.create(**{**defaults, **fields})


def status_of(client, run):
    return client.get(reverse("roster:import_run_status", args=[run.pk])).content.decode()


def test_a_queued_run_keeps_polling_and_says_the_worker_must_run(client, world):
    client.force_login(world.admin_a)
    body = status_of(client, make_run(world))
    assert 'hx-trigger="every 1s"' in body
    assert "efficacy db_worker" in body


def test_a_running_run_shows_its_stage_and_progress(client, world):
    client.force_login(world.admin_a)
    run = make_run(world, status="running", stage="writing users", done=250, total=1000)
    body = status_of(client, run)
    assert 'hx-trigger="every 1s"' in body
    assert "writing users" in body
    assert '<progress id="import-progress" max="1000" value="250">25%</progress>' in body


def test_a_finished_run_stops_polling(client, world):
    client.force_login(world.admin_a)
    done = make_run(
        world,
        status="succeeded",
        summary={
            "version": "1.1",
            "counts": {"orgs": {"created": 3, "updated": 0, "unchanged": 0, "retired": 0}},
        },
    )
    failed = make_run(
        world, status="failed", problems=[{"text": "users.csv:2:role: unknown role (use teacher)"}]
    )
    assert "hx-trigger" not in status_of(client, done)
    assert "orgs" in status_of(client, done)
    failed_body = status_of(client, failed)
    assert "hx-trigger" not in failed_body
    assert "users.csv:2:role: unknown role (use teacher)" in failed_body


def test_another_schools_administrator_cannot_follow_a_run(client, world):
    run = make_run(world, created_by=world.district_admin)
    client.force_login(world.admin_a)
    assert client.get(reverse("roster:import_run", args=[run.pk])).status_code == 404
    client.force_login(world.district_admin)
    assert client.get(reverse("roster:import_run", args=[run.pk])).status_code == 200


def test_a_running_run_shows_the_progress_the_worker_reports_during_the_import(
    client, world, tmp_path
):
    run = make_run(world, status="running", stored_path=str(tmp_path / "x.zip"))
    progress_write(run, stage="writing enrollments", done=30, total=120)
    client.force_login(world.admin_a)
    body = status_of(client, run)
    assert "writing enrollments" in body
    assert 'max="120" value="30"' in body
