"""Office hours: a leader offers slots, the school's staff book one (one a slot) and
cancel; the leader sees who booked and why, the booker their own bookings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from efficacy.voice.models import Booking, OfficeHour
from efficacy.voice.services.trust import booking_make
from tests.voice.trust_fixtures import as_, leader_of_school_b

pytestmark = pytest.mark.django_db


def _page(world):
    return reverse("voice:office_hours", args=[world.school_a.pk])


def _slot(world, days=2, **extra) -> OfficeHour:
    start = timezone.now() + dt.timedelta(days=days)
    return OfficeHour.objects.create(school=world.school_a, leader=world.leader_a,
                                     starts_at=start, ends_at=start + dt.timedelta(minutes=30),
                                     place="Room 104", **extra)  # fmt: skip


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_leader_offers_an_office_hour_that_staff_then_see(client, world):
    start = timezone.now() + dt.timedelta(days=3)
    as_(client, world.leader_a)
    response = client.post(_page(world), {"starts_at": _local(start),
                                          "ends_at": _local(start + dt.timedelta(hours=1)),
                                          "place": "Library"})  # fmt: skip
    assert response.status_code == 302
    page = as_(client, world.teacher_a).get(_page(world)).content.decode()
    assert "Library" in page
    assert "Book this slot" in page


def test_an_office_hour_that_ends_before_it_starts_or_is_past_is_refused(client, world):
    start = timezone.now() - dt.timedelta(days=1)
    as_(client, world.leader_a)
    response = client.post(_page(world), {"starts_at": _local(start),
                                          "ends_at": _local(start - dt.timedelta(hours=1)),
                                          "place": "Kept place"})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 400
    assert "ends after it starts" in page
    assert "Offer a time in the future." in page
    assert "Kept place" in page
    assert not OfficeHour.objects.exists()


def test_staff_cannot_offer_office_hours(client, world):
    start = timezone.now() + dt.timedelta(days=3)
    as_(client, world.teacher_a)
    response = client.post(
        _page(world), {"starts_at": _local(start), "ends_at": _local(start + dt.timedelta(hours=1))}
    )
    assert response.status_code == 403


def test_a_teacher_books_a_slot_and_the_leader_sees_who_and_why(client, world):
    slot = _slot(world)
    as_(client, world.teacher_a)
    response = client.post(reverse("voice:office_hour_book", args=[slot.pk]),
                           {"topic": "My timetable"})  # fmt: skip
    assert response.status_code == 302
    assert "booked by you" in client.get(_page(world)).content.decode()
    page = as_(client, world.leader_a).get(_page(world)).content.decode()
    assert "booked by Tom Nguyen" in page
    assert "My timetable" in page


def test_colleagues_see_a_slot_is_booked_but_not_by_whom(client, world):
    slot = _slot(world)
    booking_make(user=world.teacher_a, office_hour=slot, topic="My timetable")
    page = as_(client, world.teacher_a2).get(_page(world)).content.decode()
    assert "booked" in page
    assert "Tom Nguyen" not in page
    assert "My timetable" not in page


def test_a_slot_is_booked_once(client, world):
    slot = _slot(world)
    booking_make(user=world.teacher_a, office_hour=slot)
    as_(client, world.teacher_a2)
    response = client.post(reverse("voice:office_hour_book", args=[slot.pk]), {"topic": "Mine"})
    assert response.status_code == 400
    assert "Someone has just booked this office hour" in response.content.decode()
    assert Booking.objects.count() == 1


def test_a_cancelled_booking_frees_the_slot(client, world):
    slot = _slot(world)
    booking = booking_make(user=world.teacher_a, office_hour=slot)
    as_(client, world.teacher_a)
    client.post(reverse("voice:booking_cancel", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.is_cancelled
    booking_make(user=world.teacher_a2, office_hour=slot)
    assert slot.active_booking().booked_by == world.teacher_a2


def test_a_cancelled_slot_cannot_be_booked(client, world):
    slot = _slot(world)
    as_(client, world.leader_a)
    client.post(reverse("voice:office_hour_cancel", args=[slot.pk]))
    as_(client, world.teacher_a)
    response = client.post(reverse("voice:office_hour_book", args=[slot.pk]))
    assert response.status_code == 400
    assert "This office hour was cancelled" in response.content.decode()
    assert not Booking.objects.exists()


def test_cancelling_a_slot_cancels_its_booking(client, world):
    slot = _slot(world)
    booking = booking_make(user=world.teacher_a, office_hour=slot)
    as_(client, world.leader_a).post(reverse("voice:office_hour_cancel", args=[slot.pk]))
    booking.refresh_from_db()
    assert booking.is_cancelled


def test_a_started_slot_cannot_be_booked(world):
    slot = _slot(world, days=0)
    OfficeHour.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    slot.refresh_from_db()
    with pytest.raises(ValidationError, match="already started"):
        booking_make(user=world.teacher_a, office_hour=slot)


def test_the_leader_does_not_book_their_own_slot(client, world):
    slot = _slot(world)
    as_(client, world.leader_a)
    assert client.post(reverse("voice:office_hour_book", args=[slot.pk])).status_code == 403


def test_only_the_booker_cancels_a_booking(client, world):
    booking = booking_make(user=world.teacher_a, office_hour=_slot(world))
    url = reverse("voice:booking_cancel", args=[booking.pk])
    assert as_(client, world.teacher_a2).post(url).status_code == 404
    assert as_(client, world.leader_a).post(url).status_code == 403
    booking.refresh_from_db()
    assert not booking.is_cancelled


def test_the_booker_finds_their_booking_on_the_home_page(client, world):
    booking_make(user=world.teacher_a, office_hour=_slot(world))
    page = as_(client, world.teacher_a).get(reverse("home")).content.decode()
    assert "Office hour:" in page
    assert "with Lena Okafor" in page


def test_another_school_sees_no_office_hours(client, world):
    slot = _slot(world)
    for person in (world.teacher_b, leader_of_school_b(world)):
        as_(client, person)
        assert client.get(_page(world)).status_code == 404
        assert client.get(reverse("voice:office_hour_book", args=[slot.pk])).status_code == 404


def test_a_place_longer_than_its_column_is_refused(client, world):
    start = timezone.now() + dt.timedelta(days=3)
    as_(client, world.leader_a)
    response = client.post(_page(world), {"starts_at": _local(start),
                                          "ends_at": _local(start + dt.timedelta(hours=1)),
                                          "place": "P" * 201})  # fmt: skip
    assert response.status_code == 400
    assert "to 200 characters or fewer" in response.content.decode()
    assert not OfficeHour.objects.exists()
