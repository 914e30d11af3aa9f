"""With an S3-compatible store configured, uploads, import files, progress and photos go
there, not to the local disk: web and workers on different machines share them."""

from __future__ import annotations

import io
import uuid

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from efficacy import progress
from efficacy.practice.services import photo_add
from efficacy.roster.models import District, ImportRun, Role, Student, User
from efficacy.roster.oneroster.generate import district_generate

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_the_default_storage_is_the_bucket(s3):
    name = default_storage.save("imports/hello.zip", io.BytesIO(b"PK"))
    assert s3.keys() == [name]
    assert default_storage.open(name).read() == b"PK"


def test_a_roster_upload_is_kept_and_imported_through_the_store(client, db, s3, settings, tmp_path):
    settings.TASKS = IMMEDIATE
    riverside = District.objects.create(name="Riverside District", sourced_id="d-1")
    client.force_login(
        User.objects.create(username="river_admin", role=Role.ADMINISTRATOR, district=riverside)
    )
    export = district_generate(
        tmp_path / "export.zip", students=12, staff=3, classes=2, enrollments=20, as_zip=True
    )
    response = client.post(
        reverse("roster:import"),
        {"export": SimpleUploadedFile("district.zip", export.read_bytes())},
        follow=True,
    )

    run = ImportRun.objects.get()
    assert run.status == ImportRun.RunStatus.SUCCEEDED, run.problems
    assert "The roster was imported." in response.content.decode()
    assert Student.objects.filter(school__district=riverside).count() == 12
    # The upload is in the bucket; its progress object went when the run finished.
    assert s3.keys() == [run.stored_name]
    assert run.stored_name.startswith("imports/")


def test_starting_again_finds_the_upload_in_the_store(client, world, s3, settings):
    settings.TASKS = IMMEDIATE
    run = ImportRun.objects.create(
        created_by=world.admin_a,
        file_name="roster.zip",
        stored_name="imports/gone.zip",
        status="failed",
        failure="interrupted",
    )
    client.force_login(world.admin_a)
    response = client.post(reverse("roster:import_run_start_again", args=[run.pk]), follow=True)
    assert "no longer on the server" in response.content.decode()
    assert ImportRun.objects.count() == 1


def test_progress_and_heartbeat_go_through_the_store(s3):
    progress.write("roster-import-7", stage="writing users", done=3, total=10)
    assert s3.keys() == ["progress/roster-import-7.json"]
    assert progress.read("roster-import-7") == {
        **progress.read("roster-import-7"),
        "stage": "writing users",
        "done": 3,
        "total": 10,
    }
    first = progress.last_beat("roster-import-7")
    progress.beat("roster-import-7")
    assert progress.last_beat("roster-import-7") >= first
    assert progress.read("roster-import-7")["done"] == 3  # a beat keeps the progress
    assert not progress.is_silent("roster-import-7", started_at=None)
    progress.clear("roster-import-7")
    assert s3.keys() == []
    assert progress.read("roster-import-7") is None


def test_a_photo_is_stored_served_and_deleted_through_the_store(client, world, s3, observation):
    data = _png()
    photo, created = photo_add(user=world.lead_english, observation=observation,
                               uuid=uuid.uuid4(), upload=SimpleUploadedFile("w.png", data))  # fmt: skip
    assert created
    assert s3.keys() == [photo.file.name]
    with photo.file.open("rb") as stored:
        assert stored.read()[:8] == b"\x89PNG\r\n\x1a\n"
    client.force_login(world.lead_english)
    served = client.get(reverse("practice:photo", args=[observation.pk, photo.pk]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    photo.file.delete(save=False)
    assert s3.keys() == []


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 10), "teal").save(out, format="PNG")
    return out.getvalue()
