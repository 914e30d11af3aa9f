"""Observing is idempotent: a note, a photo or a tally sent twice is stored once."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from efficacy.practice.models import EngagementTally, LookForTally, Note, Photo
from efficacy.practice.photos import MAX_PDF_PAGES
from efficacy.practice.selectors import round_summary
from efficacy.practice.services import (
    debrief_save,
    note_add,
    observation_plan,
    observation_share,
    observer_debrief_save,
    photo_add,
    tally_set,
)
from tests.practice.fixtures import pdf_of_work

pytestmark = pytest.mark.django_db


def test_a_round_is_planned_with_its_focus_from_the_cycle(world, observation):
    assert observation.host == world.teacher_a
    assert list(observation.observers.all()) == [world.lead_english]
    assert observation.look_fors().exists()


def test_planning_refuses_a_host_from_another_team_and_a_foreign_strategy(world, observation):
    from efficacy.cycles.models import Strategy

    other = Strategy.objects.exclude(pk__in=observation.strategies.all()).first()
    with pytest.raises(ValidationError) as refused:
        observation_plan(user=world.lead_english, cycle=observation.cycle, host=world.teacher_a2,
                         observers=[world.teacher_a], date=dt.date(2024, 10, 9),
                         strategies=[other])  # fmt: skip
    assert set(refused.value.message_dict) == {"host", "strategies"}


def test_a_member_who_does_not_lead_cannot_plan(world, observation):
    with pytest.raises(PermissionDenied):
        observation_plan(user=world.teacher_a, cycle=observation.cycle, host=world.teacher_a,
                         observers=[world.lead_english], date=dt.date(2024, 10, 9),
                         strategies=list(observation.strategies.all()))  # fmt: skip


def test_a_note_sent_twice_is_stored_once(world, observation):
    key = uuid.uuid4()
    first, created = note_add(user=world.lead_english, observation=observation, uuid=key,
                              text="Five students quote the text.")  # fmt: skip
    again, created_again = note_add(user=world.lead_english, observation=observation, uuid=key,
                                    text="Five students quote the text.")  # fmt: skip
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert Note.objects.count() == 1


def test_a_note_is_never_dated_in_the_future(world, observation):
    future = timezone.now() + dt.timedelta(days=2)
    note, _ = note_add(user=world.lead_english, observation=observation, uuid=uuid.uuid4(),
                       text="Pairs talk.", noted_at=future)  # fmt: skip
    assert note.noted_at <= timezone.now()


def test_someone_elses_uuid_is_refused(world, observation):
    key = uuid.uuid4()
    note_add(user=world.lead_english, observation=observation, uuid=key, text="A")
    with pytest.raises(ValidationError):
        note_add(user=world.teacher_a, observation=observation, uuid=key, text="B")


def test_a_teammate_who_does_not_observe_cannot_write(world, observation):
    with pytest.raises(PermissionDenied):
        note_add(user=world.coach_a, observation=observation, uuid=uuid.uuid4(), text="A")


def test_a_tally_keeps_the_newest_version_only(world, observation):
    look_for = observation.look_fors().first()
    tally_set(
        user=world.lead_english, observation=observation, look_for=look_for, count=2, version=2
    )
    tally_set(
        user=world.lead_english, observation=observation, look_for=look_for, count=1, version=1
    )
    tally_set(
        user=world.lead_english, observation=observation, look_for=look_for, count=2, version=2
    )
    assert LookForTally.objects.get().count == 2
    tally_set(user=world.lead_english, observation=observation, level="engaged", count=7, version=1)
    assert EngagementTally.objects.get().count == 7


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "orange")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (43.0, 39.0, 0.0), 1: "N"}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_loses_its_location_and_is_stored_once(world, observation):
    data = _jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif()
    key = uuid.uuid4()
    upload = SimpleUploadedFile("work.png", data, content_type="image/png")
    photo, created = photo_add(user=world.lead_english, observation=observation, uuid=key,
                               upload=upload)  # fmt: skip
    assert (created, photo.content_type) == (True, "image/jpeg")
    with photo.file.open("rb") as stored:
        assert not Image.open(stored).getexif()
    again = SimpleUploadedFile("work.jpg", data)
    assert photo_add(user=world.lead_english, observation=observation, uuid=key,
                     upload=again)[1] is False  # fmt: skip
    assert Photo.objects.count() == 1


def test_a_pdf_is_accepted_by_its_bytes_and_a_renamed_file_is_refused(world, observation):
    pdf = SimpleUploadedFile("work.pdf", pdf_of_work())
    photo, _ = photo_add(user=world.lead_english, observation=observation, uuid=uuid.uuid4(),
                         upload=pdf)  # fmt: skip
    assert photo.content_type == "application/pdf"
    fake = SimpleUploadedFile("work.jpg", b"MZ\x90\x00 not a photo")
    with pytest.raises(ValidationError) as refused:
        photo_add(user=world.lead_english, observation=observation, uuid=uuid.uuid4(), upload=fake)
    assert "not a JPEG or PNG photo or a PDF" in refused.value.message_dict["photo"][0]


def test_a_pdf_loses_its_author_creator_and_xmp_and_keeps_its_pages(world, observation):
    sent = pdf_of_work(pages=2, author="Ms Secret")
    assert b"Ms Secret" in sent
    photo, _ = photo_add(user=world.lead_english, observation=observation, uuid=uuid.uuid4(),
                         upload=SimpleUploadedFile("work.pdf", sent))  # fmt: skip
    with photo.file.open("rb") as stored:
        kept = stored.read()
    assert b"Ms Secret" not in kept
    reader = PdfReader(io.BytesIO(kept))
    assert len(reader.pages) == 2
    assert not reader.metadata
    assert "/Metadata" not in reader.trailer["/Root"]


def test_a_pdf_too_long_or_unreadable_is_refused_with_a_message(world, observation):
    for sent, words in [(pdf_of_work(pages=MAX_PDF_PAGES + 1), "pages"),
                        (b"%PDF-1.4\n%%EOF\n", "could not be read")]:  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            photo_add(user=world.lead_english, observation=observation, uuid=uuid.uuid4(),
                      upload=SimpleUploadedFile("work.pdf", sent))  # fmt: skip
        assert words in refused.value.message_dict["photo"][0]
    assert Photo.objects.count() == 0


def test_a_file_over_the_limit_is_refused_with_the_limit(world, observation, settings):
    settings.EFFICACY_MAX_PHOTO_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        photo_add(user=world.lead_english, observation=observation, uuid=uuid.uuid4(), upload=big)
    assert "at most 1 MB" in refused.value.message_dict["photo"][0]


def test_the_debrief_and_observer_takeaways_are_saved(world, observation):
    debrief_save(user=world.teacher_a, observation=observation, describe="Pairs quoted.")
    mine = observer_debrief_save(user=world.lead_english, observation=observation,
                                 will_try="Sentence stems", for_host="Your stems worked.")  # fmt: skip
    assert observation.debrief.describe == "Pairs quoted."
    assert mine.for_host == "Your stems worked."
    with pytest.raises(ValidationError):
        observer_debrief_save(user=world.teacher_a, observation=observation, will_try="x",
                              for_host="y")  # fmt: skip


def test_only_the_host_shares(world, observation):
    with pytest.raises(PermissionDenied):
        observation_share(user=world.lead_english, observation=observation, shared=True)
    observation_share(user=world.teacher_a, observation=observation, shared=True)
    observation.refresh_from_db()
    assert observation.shared


def test_the_summary_counts_without_naming(world, observation):
    look_for = observation.look_fors().first()
    tally_set(
        user=world.lead_english, observation=observation, look_for=look_for, count=3, version=1
    )
    note_add(user=world.lead_english, observation=observation, uuid=uuid.uuid4(), text="A")
    summary = round_summary(observation.cycle)
    counts = (summary.observations, summary.observed, summary.hosts, summary.observers)
    assert counts == (1, 1, 1, 1)
    assert summary.members == 3
    assert {f.look_for.pk: f.ticks for f in summary.look_fors}[look_for.pk] == 3
