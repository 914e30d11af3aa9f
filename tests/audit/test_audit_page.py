"""The administrators' audit log: their scope only, filters, pages, and its export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from efficacy.access.audit import audit_events_for, can_see_audit_log
from efficacy.audit.models import Action, AuditEvent
from efficacy.audit.services import record
from efficacy.front.navigation import navigation_for

pytestmark = pytest.mark.django_db


def at(day: dt.date, **fields) -> AuditEvent:
    """An event recorded at noon on ``day``."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return record(**fields)


@pytest.fixture
def events(world):
    """One event of school A, one of school B, one by district staff, one of the other district."""
    day = dt.date(2025, 3, 10)
    return {
        "a": at(day, actor=world.lead_english, action=Action.SCORE_SET, school=world.school_a),
        "b": at(day + dt.timedelta(days=1), actor=world.teacher_b, action=Action.SIGNED_IN,
                school=world.school_b),
        "district": at(day + dt.timedelta(days=2), actor=world.analyst, action=Action.SIGNED_IN),
        "c": at(day + dt.timedelta(days=3), actor=world.teacher_c, action=Action.SIGNED_IN,
                school=world.school_c),
    }  # fmt: skip


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_a_school_administrator_sees_only_their_schools_events(world, events):
    assert ids(audit_events_for(world.admin_a)) == {events["a"].pk}


def test_a_school_administrator_sees_their_staffs_events_without_a_school(world):
    mine = record(actor=world.teacher_a, action=Action.SIGNED_OUT)
    assert mine.pk in ids(audit_events_for(world.admin_a))


def test_a_district_administrator_sees_every_school_of_the_district_and_its_staff(world, events):
    assert ids(audit_events_for(world.district_admin)) == {
        events["a"].pk, events["b"].pk, events["district"].pk,
    }  # fmt: skip


@pytest.mark.parametrize("name", ["leader_a", "teacher_a", "analyst", "retired_user"])
def test_nobody_but_administrators_sees_the_log(world, events, name):
    person = getattr(world, name)
    assert not can_see_audit_log(person)
    assert not audit_events_for(person).exists()


def test_the_page_lists_the_events_newest_first(client, world, events):
    client.force_login(world.district_admin)
    body = client.get(reverse("audit:log")).content.decode()
    assert body.index("analyst") < body.index("teacher_b") < body.index("lead_english")
    assert "teacher_c" not in body
    assert "Southgate Secondary" in body  # the school column, district-wide


def test_a_teacher_is_refused_the_page_and_the_export(client, world):
    client.force_login(world.teacher_a)
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.get(reverse("audit:export", args=["csv"])).status_code == 403


def test_the_navigation_links_to_the_log_for_administrators_only(world):
    def has_link(person) -> bool:
        return reverse("audit:log") in [item.url for item in navigation_for(person)]

    assert has_link(world.admin_a)
    assert has_link(world.district_admin)
    assert not has_link(world.leader_a)


def listed(client, query: dict) -> str:
    return client.get(reverse("audit:log"), query).content.decode()


def test_filters_by_who_action_kind_dates_and_school(client, world, events):
    client.force_login(world.district_admin)
    assert "lead_english" in listed(client, {"who": "lead"})
    assert "teacher_b" not in listed(client, {"who": "lead"})
    by_kind = listed(client, {"action": "kind:sign_in"})
    assert "teacher_b" in by_kind
    assert "lead_english" not in by_kind
    by_action = listed(client, {"action": Action.SCORE_SET})
    assert "lead_english" in by_action
    assert "analyst" not in by_action
    dated = listed(client, {"date_from": "2025-03-11", "date_to": "2025-03-11"})
    assert "teacher_b" in dated
    assert "lead_english" not in dated
    assert "analyst" not in dated
    school_b = listed(client, {"school": world.school_b.pk})
    assert "teacher_b" in school_b
    assert "lead_english" not in school_b


def test_dates_the_wrong_way_round_say_how_to_fix_them(client, world, events):
    client.force_login(world.district_admin)
    body = listed(client, {"date_from": "2025-03-12", "date_to": "2025-03-10"})
    assert "swap them" in body


def test_a_school_administrator_cannot_pick_another_school(client, world, events):
    client.force_login(world.admin_a)
    body = listed(client, {"school": world.school_b.pk})
    assert 'name="school"' not in body
    assert "teacher_b" not in body


def test_the_log_is_paginated(client, world):
    for _n in range(55):
        record(actor=world.teacher_a, action=Action.SIGNED_IN, school=world.school_a)
    client.force_login(world.admin_a)
    first = listed(client, {})
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in listed(client, {"page": 2})


def test_the_csv_export_holds_the_filtered_events_and_is_never_cached(client, world, events):
    client.force_login(world.district_admin)
    response = client.get(reverse("audit:export", args=["csv"]), {"action": "kind:sign_in"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    # The administrator's own sign-in (force_login) first, newest.
    assert [row["Who"] for row in rows] == ["district_admin", "analyst", "teacher_b"]
    assert rows[2]["School"] == "Southgate Secondary"
    assert rows[2]["Action"] == "signed in"


def test_the_xlsx_export_opens_in_a_spreadsheet(client, world, events):
    client.force_login(world.admin_a)
    response = client.get(reverse("audit:export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["When", "Who", "Action"]
    # The administrator's own sign-in (force_login) and school A's score.
    assert {row[1] for row in values[1:]} == {"admin_a", "lead_english"}


def test_an_unknown_export_format_is_a_404(client, world):
    client.force_login(world.admin_a)
    assert client.get(reverse("audit:export", args=["pdf"])).status_code == 404
