"""The administrator's data-rights pages: find, correct, erase (with its confirmation)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from efficacy.rights.models import Correction, Erasure

pytestmark = pytest.mark.django_db


def test_an_administrator_finds_a_student_and_a_staff_member_of_their_scope(client, world):
    client.force_login(world.admin_a)
    page = client.get(reverse("rights:index"), {"q": "ava"}).content.decode()
    assert reverse("rights:student", args=[world.ava.pk]) in page
    page = client.get(reverse("rights:index"), {"q": "teacher_a"}).content.decode()
    assert reverse("rights:staff", args=[world.teacher_a.pk]) in page


def test_a_school_administrator_does_not_find_another_schools_student(client, world):
    client.force_login(world.admin_a)
    page = client.get(reverse("rights:index"), {"q": world.student_b.given_name}).content.decode()
    assert reverse("rights:student", args=[world.student_b.pk]) not in page
    response = client.get(reverse("rights:student", args=[world.student_b.pk]))
    assert response.status_code == 404


def test_a_district_administrator_reaches_every_school_of_the_district_only(client, world):
    client.force_login(world.district_admin)
    assert client.get(reverse("rights:student", args=[world.student_b.pk])).status_code == 200
    assert client.get(reverse("rights:student", args=[world.student_c.pk])).status_code == 404


def test_an_administrator_cannot_erase_their_own_account(client, world):
    client.force_login(world.admin_a)
    response = client.get(reverse("rights:staff_erase", args=[world.admin_a.pk]))
    assert response.status_code == 404


def test_a_correction_is_saved_recorded_and_the_form_says_an_import_overwrites_it(client, world):
    client.force_login(world.admin_a)
    url = reverse("rights:student", args=[world.ava.pk])
    assert "roster import overwrites" in client.get(url).content.decode()
    data = {
        "given_name": "Ava-Marie",
        "family_name": world.ava.family_name,
        "identifier": world.ava.identifier,
        "grade": world.ava.grade,
        "pathway": world.ava.pathway,
        "attributes": '{"ell": true}',
    }
    assert client.post(url, data).status_code == 302
    world.ava.refresh_from_db()
    assert (world.ava.given_name, world.ava.attributes) == ("Ava-Marie", {"ell": True})
    correction = Correction.objects.get(student=world.ava)
    assert correction.corrected_by == world.admin_a
    assert correction.changes["given_name"][1] == "Ava-Marie"


def test_bad_attributes_get_a_message_saying_how_to_write_them(client, world):
    client.force_login(world.admin_a)
    url = reverse("rights:student", args=[world.ava.pk])
    data = {"given_name": "A", "family_name": "B", "attributes": "[1, 2]"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "pairs of a name and a value" in response.content.decode()
    assert not Correction.objects.exists()


def test_a_staff_members_name_and_email_are_corrected(client, world):
    client.force_login(world.admin_a)
    url = reverse("rights:staff", args=[world.teacher_a.pk])
    data = {"first_name": "Tess", "last_name": "Avery", "email": "tess@example.org"}
    assert client.post(url, data).status_code == 302
    world.teacher_a.refresh_from_db()
    assert world.teacher_a.email == "tess@example.org"
    assert Correction.objects.filter(account=world.teacher_a).exists()


def test_erasure_asks_for_the_name_and_a_get_erases_nothing(client, world):
    client.force_login(world.admin_a)
    url = reverse("rights:student_erase", args=[world.ava.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"confirm": "someone else"})
    assert response.status_code == 200
    assert "That is not the name" in response.content.decode()
    assert not Erasure.objects.exists()
    response = client.post(url, {"confirm": f"  {str(world.ava).upper()} "})
    assert response.status_code == 302
    assert Erasure.objects.get().student_id == world.ava.pk
    # The erased student is gone from the pages: nothing left to export or erase.
    assert client.get(reverse("rights:student", args=[world.ava.pk])).status_code == 404


def test_erasing_a_staff_member_from_the_page(client, world):
    client.force_login(world.district_admin)
    url = reverse("rights:staff_erase", args=[world.teacher_a.pk])
    response = client.post(url, {"confirm": world.teacher_a.get_full_name()})
    assert response.status_code == 302
    world.teacher_a.refresh_from_db()
    assert world.teacher_a.is_erased
