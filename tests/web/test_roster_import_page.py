"""The web roster upload: limits, the background task, and the progress page."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from efficacy import progress
from efficacy.access import roster as access
from efficacy.roster.models import District, ImportRun, Role, School, Student, User
from efficacy.roster.oneroster.generate import district_generate, export_write
from efficacy.roster.tasks import roster_import_run
from efficacy.tabular.problems import SHOWN
from tests.roster.conftest import base_files, staff_row, unknown_role_users

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


def test_a_valid_export_is_imported_in_the_background_and_shows_its_summary(
    client, db, settings, tmp_path
):
    settings.TASKS = IMMEDIATE
    # The generated export is of "Riverside District" (d-1): its administrator uploads it.
    riverside = District.objects.create(name="Riverside District", sourced_id="d-1")
    client.force_login(
        User.objects.create(username="river_admin", role=Role.ADMINISTRATOR, district=riverside)
    )
    export = district_generate(
        tmp_path / "export.zip", students=30, staff=6, classes=4, enrollments=60, as_zip=True
    )
    before = Student.objects.count()
    response = upload(client, SimpleUploadedFile("district.zip", export.read_bytes()))

    run = ImportRun.objects.get()
    assert run.status == ImportRun.RunStatus.SUCCEEDED
    assert Student.objects.count() == before + 30
    body = response.content.decode()
    assert "The roster was imported." in body
    assert '<th scope="row">users</th>' in body
    assert run.summary["counts"]["users"]["created"] == 36
    assert run.summary["scope"] == {"kind": "district", "name": "Riverside District"}
    assert "Imported for Riverside District." in body
    # The saved file is in the storage's imports/, not under the uploaded name.
    assert run.stored_name.startswith("imports/")
    assert not run.stored_name.endswith("district.zip")
    assert default_storage.open(run.stored_name).read() == export.read_bytes()
    # Its progress went with the run: nothing is left to beat.
    assert progress.read(run.progress_key) is None


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


def test_past_the_problems_shown_the_page_says_how_many_more_there_are(
    client, db, settings, tmp_path
):
    settings.TASKS = IMMEDIATE
    north = District.objects.create(name="North District", sourced_id="d1")
    client.force_login(
        User.objects.create(username="north_admin", role=Role.ADMINISTRATOR, district=north)
    )
    files = base_files()
    files["users"] += unknown_role_users(SHOWN + 50)
    export = export_write(tmp_path / "bad.zip", version="1.1", files=files, as_zip=True)

    response = upload(client, SimpleUploadedFile("bad.zip", export.read_bytes()))

    run = ImportRun.objects.get()
    assert (len(run.problems), run.problems_more) == (SHOWN, 50)
    body = response.content.decode()
    assert f"The export has {SHOWN + 50} problems, so nothing was imported." in body
    assert body.count("unknown role") == SHOWN
    assert "… and 50 more problems." in body


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
    defaults = {
        "created_by": world.admin_a,
        "file_name": "roster.zip",
        "stored_name": "imports/nowhere.zip",
    }
    return ImportRun.objects.create(**{**defaults, **fields})


def status_of(client, run):
    return client.get(reverse("roster:import_run_status", args=[run.pk])).content.decode()


def test_a_queued_run_keeps_polling_and_says_the_worker_must_run(client, world):
    client.force_login(world.admin_a)
    body = status_of(client, make_run(world))
    assert 'hx-trigger="every 1s"' in body
    assert "efficacy worker" in body


def test_a_running_run_shows_its_stage_and_progress(client, world):
    client.force_login(world.admin_a)
    run = make_run(
        world,
        status="running",
        started_at=timezone.now(),
        stage="writing users",
        done=250,
        total=1000,
    )
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


def test_a_running_run_shows_the_progress_the_worker_reports_during_the_import(client, world):
    run = make_run(world, status="running", started_at=timezone.now())
    progress.write(run.progress_key, stage="writing enrollments", done=30, total=120)
    client.force_login(world.admin_a)
    body = status_of(client, run)
    assert "writing enrollments" in body
    assert 'max="120" value="30"' in body


def export_upload(tmp_path, files, **options) -> SimpleUploadedFile:
    path = export_write(tmp_path / "export.zip", version="1.1", files=files, as_zip=True, **options)
    return SimpleUploadedFile("export.zip", path.read_bytes(), content_type="application/zip")


def test_a_school_administrators_upload_cannot_touch_another_school(
    client, world, settings, tmp_path
):
    settings.TASKS = IMMEDIATE
    client.force_login(world.admin_a)
    files = {
        "orgs": [
            {"sourcedId": "s-new", "name": "New", "type": "school", "parentSourcedId": "d-lake"}
        ],
        "users": [
            staff_row("u-teacher_b", "s-north", username="teacher_b", enabledUser="false"),
        ],
    }

    response = upload(client, export_upload(tmp_path, files, modes={"orgs": "delta"}))

    run = ImportRun.objects.get()
    assert run.status == ImportRun.RunStatus.FAILED
    texts = [problem["text"] for problem in run.problems]
    assert texts[0].startswith("orgs.csv:2:sourcedId: adds a new school")
    assert texts[1].startswith(
        "users.csv:2:sourcedId: 'u-teacher_b' is a record outside your scope"
    )
    assert "nothing was imported" in response.content.decode()
    world.teacher_b.refresh_from_db()
    assert (world.teacher_b.school, world.teacher_b.is_active) == (world.school_b, True)
    assert not School.objects.filter(sourced_id="s-new").exists()
    # The teacher stayed out of the administrator's reach.
    staff_page = client.get(reverse("roster:staff_member", args=[world.teacher_b.pk]))
    assert staff_page.status_code == 404


def test_a_district_administrators_upload_cannot_touch_another_district(
    client, world, settings, tmp_path
):
    settings.TASKS = IMMEDIATE
    client.force_login(world.district_admin)
    files = {
        "users": [staff_row("u-teacher_c", "s-hill", username="teacher_c", enabledUser="false")]
    }

    upload(client, export_upload(tmp_path, files))

    run = ImportRun.objects.get()
    assert run.status == ImportRun.RunStatus.FAILED
    assert run.problems[0]["text"].startswith("users.csv:2:sourcedId: 'u-teacher_c'")
    world.teacher_c.refresh_from_db()
    assert world.teacher_c.is_active


def test_an_upload_runs_with_the_uploaders_scope_as_it_is_when_the_import_runs(
    client, world, settings, tmp_path
):
    # Queued while an administrator, run after they became a teacher: nothing is imported.
    client.force_login(world.admin_a)
    files = {"users": [staff_row("u-teacher_a", "s-north", username="teacher_a")]}
    upload(client, export_upload(tmp_path, files))
    User.objects.filter(pk=world.admin_a.pk).update(role=Role.TEACHER)
    roster_import_run.call(ImportRun.objects.get().pk)

    run = ImportRun.objects.get()
    assert run.status == ImportRun.RunStatus.FAILED
    assert "may no longer import a roster" in run.problems[0]["text"]


# --- a worker that died (issue 8, defect 8) -----------------------------------


def long_ago(minutes: int):
    return timezone.now() - timedelta(minutes=minutes)


def stale_progress(run, minutes: int) -> None:
    """The progress a worker wrote ``minutes`` ago, before it died."""
    at = (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat()
    body = f'{{"stage": "importing enrollments", "done": 100, "total": 100, "at": "{at}"}}'
    default_storage.save(progress.name_of(run.progress_key), ContentFile(body.encode()))


def test_a_run_whose_worker_died_is_shown_as_failed_not_importing_forever(client, world):
    run = make_run(world, status="running", started_at=long_ago(30))
    stale_progress(run, minutes=10)
    client.force_login(world.admin_a)

    body = status_of(client, run)

    assert "hx-trigger" not in body
    assert "The import did not finish, so nothing was imported." in body
    assert "The worker running this import stopped before it finished" in body
    assert "Start the import again" in body
    run.refresh_from_db()
    assert (run.status, run.failure) == ("failed", "interrupted")
    assert run.finished_at is not None


def test_a_run_whose_worker_still_beats_keeps_importing(client, world):
    run = make_run(world, status="running", started_at=long_ago(30))
    progress.beat(run.progress_key)
    client.force_login(world.admin_a)

    body = status_of(client, run)

    assert 'hx-trigger="every 1s"' in body
    run.refresh_from_db()
    assert run.status == "running"


def test_a_silent_heartbeat_is_noticed_on_the_import_page_too(client, world):
    run = make_run(world, status="running", started_at=long_ago(30))
    stale_progress(run, minutes=10)
    client.force_login(world.admin_a)

    client.get(reverse("roster:import"))

    run.refresh_from_db()
    assert run.status == "failed"


def test_a_run_whose_worker_died_can_be_started_again_from_its_upload(
    client, world, settings, tmp_path
):
    settings.TASKS = IMMEDIATE
    files = {"users": [staff_row("u-new", "s-north", username="newbie")]}
    stored = default_storage.save("imports/stored.zip", export_upload(tmp_path, files))
    run = make_run(world, status="running", stored_name=stored, started_at=long_ago(30))
    client.force_login(world.admin_a)
    status_of(client, run)

    response = client.post(reverse("roster:import_run_start_again", args=[run.pk]), follow=True)

    again = ImportRun.objects.exclude(pk=run.pk).get()
    assert response.redirect_chain[-1][0] == reverse("roster:import_run", args=[again.pk])
    assert (again.status, again.created_by, again.stored_name) == (
        "succeeded",
        world.admin_a,
        stored,
    )
    assert User.objects.get(sourced_id="u-new").school == world.school_a
    assert "The roster was imported." in response.content.decode()


def test_only_a_failed_run_that_was_not_the_exports_fault_can_be_started_again(
    client, world, settings
):
    settings.TASKS = IMMEDIATE
    client.force_login(world.admin_a)
    for fields in (
        {"status": "running", "started_at": timezone.now()},
        {"status": "succeeded"},
        {"status": "failed", "failure": "invalid"},
    ):
        run = make_run(world, **fields)
        url = reverse("roster:import_run_start_again", args=[run.pk])
        assert client.post(url).status_code == 403
        assert "Start the import again" not in status_of(client, run)
    assert ImportRun.objects.count() == 3


def test_who_may_start_a_run_again_is_who_may_follow_it_and_import(client, world, settings):
    settings.TASKS = IMMEDIATE
    run = make_run(world, created_by=world.district_admin, status="failed", failure="interrupted")
    url = reverse("roster:import_run_start_again", args=[run.pk])
    client.force_login(world.admin_a)  # cannot follow a district administrator's run
    assert client.post(url).status_code == 404
    client.force_login(world.teacher_a)
    assert client.post(url).status_code == 404
    assert not access.can_start_import_again(world.teacher_a, run)
    assert access.can_start_import_again(world.district_admin, run)


def test_the_task_beats_while_it_imports_and_stops_when_done(world, tmp_path, monkeypatch):
    seen = []
    stored = default_storage.save("imports/x.zip", export_upload(tmp_path, {"users": []}))
    run = make_run(world, stored_name=stored)

    def spy(*args, **kwargs):
        seen.append(progress.last_beat(run.progress_key) is not None)
        raise RuntimeError("boom")

    monkeypatch.setattr("efficacy.roster.oneroster.services.roster_import", spy)
    roster_import_run.call(run.pk)

    run.refresh_from_db()
    assert seen == [True]
    assert progress.last_beat(run.progress_key) is None
    assert (run.status, run.failure) == ("failed", "error")
    assert run.started_at is not None
