"""Each school's day is its own: a school keeps a time zone (its district's unless set), and
whatever is dated "today" (a cycle's start, a round, a meeting, an exit ticket, a survey
window's open and close) is dated in it, with a request or without one (a task, a command).

The clock is stopped by replacing ``django.utils.timezone.now``: 21:30 on a January evening
in Toronto is 02:30 the next day in UTC, and 13:30 UTC is already 02:30 the next morning in
Auckland (UTC+13 in January).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from efficacy import config
from efficacy.access.roster import ROSTER_SCOPE_ALL
from efficacy.audit.models import Action, AuditEvent
from efficacy.cycles.plan.services import cycle_start
from efficacy.front.time_zone import UserTimeZoneMiddleware
from efficacy.practice.forms import MeetingForm
from efficacy.practice.services import observation_cancel, observation_replan
from efficacy.roster import time
from efficacy.roster.models import District, School
from efficacy.roster.oneroster import roster_import
from efficacy.roster.oneroster.generate import district_generate
from efficacy.roster.selectors import time_zone_of
from efficacy.roster.services import district_time_zone_set, school_time_zone_set
from efficacy.voice.services.surveys import survey_answer
from efficacy.voice.services.tickets import ticket_open
from efficacy.voice.services.trust import suggestion_box_open
from tests.practice.fixtures import english_round
from tests.voice.survey_fixtures import ALL_FOURS, make_instrument, window_of

pytestmark = pytest.mark.django_db

UTC = dt.UTC
#: 21:30 on Monday 20 January 2025 in Toronto (EST, UTC-5).
TORONTO_EVENING = dt.datetime(2025, 1, 21, 2, 30, tzinfo=UTC)
#: 02:30 on Tuesday 21 January 2025 in Auckland (NZDT, UTC+13), still the 20th in UTC.
AUCKLAND_MORNING = dt.datetime(2025, 1, 20, 13, 30, tzinfo=UTC)
MONDAY, TUESDAY = dt.date(2025, 1, 20), dt.date(2025, 1, 21)


@pytest.fixture
def clock(monkeypatch):
    """Stop the clock at a given moment (an aware datetime)."""

    def stop(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return stop


def in_zone(school: School, name: str) -> School:
    school.district.time_zone = name
    school.district.save(update_fields=["time_zone"])
    school.refresh_from_db()
    return school


def unstarted(cycle) -> None:
    """A cycle without a start date (it takes the day it starts), ending in June 2025."""
    cycle.start_date, cycle.end_date = None, dt.date(2025, 6, 30)
    cycle.save(update_fields=["start_date", "end_date"])


# --- where a time zone comes from --------------------------------------------------------


def test_a_district_starts_in_the_sites_time_zone_and_its_schools_keep_it(world, settings):
    settings.TIME_ZONE = "Europe/Paris"
    district = District.objects.create(name="Rive Gauche")
    school = School.objects.create(district=district, name="Lycée Montaigne")
    assert (district.time_zone, school.time_zone) == ("", "")  # set: neither
    assert district.time_zone_name == "Europe/Paris"
    assert school.time_zone_name == "Europe/Paris"
    assert school.zone == zoneinfo.ZoneInfo("Europe/Paris")


def test_a_schools_own_time_zone_wins_over_its_districts(world):
    in_zone(world.school_a, "America/Toronto")
    world.school_a.time_zone = "America/Winnipeg"
    assert world.school_a.time_zone_name == "America/Winnipeg"
    assert world.school_a.today(TORONTO_EVENING) == MONDAY  # 20:30 in Winnipeg


def test_an_imported_school_takes_its_districts_time_zone_and_a_reimport_keeps_it(tmp_path):
    size = {"students": 10, "staff": 4, "classes": 2, "enrollments": 20}
    roster_import(
        scope=ROSTER_SCOPE_ALL, source=district_generate(tmp_path / "a", schools=1, **size)
    )
    District.objects.update(time_zone="America/Toronto")
    roster_import(
        scope=ROSTER_SCOPE_ALL, source=district_generate(tmp_path / "b", schools=2, **size)
    )
    assert District.objects.get().time_zone == "America/Toronto"
    schools = School.objects.all()
    assert len(schools) == 2
    assert {school.time_zone_name for school in schools} == {"America/Toronto"}


def test_a_time_zone_the_system_does_not_know_is_refused_with_a_hint():
    with pytest.raises(ValidationError) as error:
        time.validate_time_zone("America/Ottawa")
    assert "America/Ottawa is not a time zone" in error.value.messages[0]
    assert "America/Toronto" in error.value.messages[0]


def test_a_bad_time_zone_setting_stops_the_start_naming_it(monkeypatch):
    monkeypatch.setenv("TIME_ZONE", "Mars/Olympus")
    with pytest.raises(ImproperlyConfigured, match="TIME_ZONE='Mars/Olympus' is not a time zone"):
        config.envzone("TIME_ZONE")
    monkeypatch.setenv("TIME_ZONE", "Pacific/Auckland")
    assert config.envzone("TIME_ZONE") == "Pacific/Auckland"


# --- what is dated today -----------------------------------------------------------------


def test_a_cycle_started_at_half_past_nine_in_the_evening_in_toronto_is_dated_that_day(
    world, ready_cycle, clock
):
    in_zone(world.school_a, "America/Toronto")
    unstarted(ready_cycle)
    clock(TORONTO_EVENING)
    cycle_start(user=world.lead_english, cycle=ready_cycle)
    ready_cycle.refresh_from_db()
    assert ready_cycle.start_date == MONDAY


def test_a_cycle_started_early_in_the_morning_in_auckland_is_dated_that_day(
    world, ready_cycle, clock
):
    in_zone(world.school_a, "Pacific/Auckland")
    unstarted(ready_cycle)
    clock(AUCKLAND_MORNING)
    cycle_start(user=world.lead_english, cycle=ready_cycle)
    ready_cycle.refresh_from_db()
    assert ready_cycle.start_date == TUESDAY


def test_a_cycle_started_from_its_page_in_the_evening_in_toronto_is_dated_that_day(
    client, world, ready_cycle, clock
):
    in_zone(world.school_a, "America/Toronto")
    unstarted(ready_cycle)
    clock(TORONTO_EVENING)
    client.force_login(world.lead_english)
    response = client.post(reverse("cycles:status", args=[ready_cycle.pk]), {"action": "start"})
    assert response.status_code == 302
    ready_cycle.refresh_from_db()
    assert ready_cycle.start_date == MONDAY


def test_a_round_of_this_evening_in_toronto_may_still_be_changed_or_cancelled(world, clock):
    in_zone(world.school_a, "America/Toronto")
    observation = english_round(world)
    observation.date = MONDAY
    observation.save(update_fields=["date"])
    clock(TORONTO_EVENING)  # still Monday in Toronto, already Tuesday in UTC
    observation_replan(
        user=world.lead_english,
        observation=observation,
        date=MONDAY,
        observers=[world.lead_english],
        strategies=list(observation.strategies.all()),
    )
    observation_cancel(user=world.lead_english, observation=observation)


def test_a_meeting_recorded_in_the_evening_in_toronto_is_dated_that_day(world, cycle, clock):
    in_zone(world.school_a, "America/Toronto")
    clock(TORONTO_EVENING)
    assert MeetingForm(cycle=cycle).initial["date"] == MONDAY


def test_an_exit_ticket_opened_in_the_evening_in_toronto_closes_at_the_end_of_that_day(
    world, clock
):
    in_zone(world.school_a, "America/Toronto")
    clock(TORONTO_EVENING)
    ticket = ticket_open(
        user=world.teacher_a, school_class=world.english_9_applied, lesson="Fractions"
    )
    assert ticket.opened_on == MONDAY
    toronto = zoneinfo.ZoneInfo("America/Toronto")
    assert ticket.closes_at == dt.datetime(2025, 1, 20, 23, 59, tzinfo=toronto)


def test_a_suggestion_box_opened_in_the_morning_in_auckland_is_dated_that_day(world, clock):
    in_zone(world.school_a, "Pacific/Auckland")
    clock(AUCKLAND_MORNING)
    box = suggestion_box_open(user=world.leader_a, school=world.school_a, title="Timetable")
    assert box.opened_on == TUESDAY


# --- survey windows open and close on the school's days --------------------------------


def test_a_survey_window_takes_answers_until_its_last_evening_in_toronto(world, clock):
    in_zone(world.school_a, "America/Toronto")
    window = window_of(world, make_instrument(), opens_on=dt.date(2025, 1, 13), closes_on=MONDAY)
    clock(TORONTO_EVENING)
    assert window.is_open(world.school_a.today())
    survey_answer(user=world.teacher_a, window=window, answers=ALL_FOURS)


def test_a_survey_window_opens_on_its_first_morning_in_auckland(world, clock):
    in_zone(world.school_a, "Pacific/Auckland")
    window = window_of(world, make_instrument(), opens_on=TUESDAY, closes_on=dt.date(2025, 2, 3))
    clock(AUCKLAND_MORNING)  # Monday still in UTC
    survey_answer(user=world.teacher_a, window=window, answers=ALL_FOURS)


def test_a_survey_window_is_closed_on_the_morning_after_its_last_day_in_auckland(world, clock):
    in_zone(world.school_a, "Pacific/Auckland")
    window = window_of(world, make_instrument(), opens_on=dt.date(2025, 1, 6), closes_on=MONDAY)
    clock(AUCKLAND_MORNING)  # Monday still in UTC, Tuesday in Auckland
    with pytest.raises(ValidationError, match="closed"):
        survey_answer(user=world.teacher_a, window=window, answers=ALL_FOURS)


# --- a person's pages are in their school's time zone -----------------------------------


def _zone_seen_by(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    middleware = UserTimeZoneMiddleware(
        lambda request: HttpResponse(timezone.get_current_timezone_name())
    )
    return middleware(request).content.decode()


def test_a_teacher_sees_their_schools_time_zone_and_district_staff_their_districts(world):
    in_zone(world.school_a, "America/Toronto")
    world.school_c.time_zone = "America/Vancouver"
    world.school_c.save(update_fields=["time_zone"])
    assert _zone_seen_by(world.teacher_a) == "America/Toronto"
    assert _zone_seen_by(world.teacher_c) == "America/Vancouver"
    assert _zone_seen_by(world.analyst) == "America/Toronto"
    assert _zone_seen_by(world.district_admin) == "America/Toronto"


def test_anonymous_pages_are_in_the_sites_time_zone_and_nothing_outlives_a_request(world, settings):
    from django.contrib.auth.models import AnonymousUser

    in_zone(world.school_a, "Pacific/Auckland")
    assert _zone_seen_by(AnonymousUser()) == settings.TIME_ZONE
    _zone_seen_by(world.teacher_a)
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


def test_the_time_zone_of_a_person_costs_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert time_zone_of(world.teacher_a) == world.district.time_zone_name


# --- administrators set them ---------------------------------------------------------


def test_a_district_administrator_sets_the_districts_and_a_schools_time_zone(client, world):
    client.force_login(world.district_admin)
    page = client.get(reverse("roster:time_zones"))
    assert page.status_code == 200
    assert '<datalist id="time-zones">' in page.content.decode()
    assert '<option value="America/Toronto">' in page.content.decode()
    data = {"district": "America/Toronto", f"school_{world.school_b.pk}": "America/Winnipeg"}
    response = client.post(reverse("roster:time_zones"), data)
    assert response.status_code == 302
    world.school_a.refresh_from_db()
    world.school_b.refresh_from_db()
    assert world.school_a.time_zone_name == "America/Toronto"
    assert world.school_b.time_zone_name == "America/Winnipeg"
    events = AuditEvent.objects.filter(action=Action.TIME_ZONE_SET)
    assert events.count() == 2


def test_an_unknown_time_zone_is_refused_and_what_was_typed_stays(client, world):
    client.force_login(world.district_admin)
    data = {"district": "America/Ottawa", f"school_{world.school_b.pk}": "America/Winnipeg"}
    response = client.post(reverse("roster:time_zones"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "America/Ottawa is not a time zone" in body
    assert 'value="America/Winnipeg"' in body
    world.school_b.refresh_from_db()
    assert world.school_b.time_zone == ""


def test_a_school_administrator_sets_only_their_schools_time_zone(client, world):
    client.force_login(world.admin_a)
    page = client.get(reverse("roster:time_zones")).content.decode()
    assert 'name="district"' not in page
    assert f'name="school_{world.school_b.pk}"' not in page
    client.post(reverse("roster:time_zones"), {f"school_{world.school_a.pk}": "America/Halifax"})
    world.school_a.refresh_from_db()
    assert world.school_a.time_zone == "America/Halifax"
    with pytest.raises(PermissionDenied):
        district_time_zone_set(by=world.admin_a, district=world.district, time_zone="UTC")
    with pytest.raises(PermissionDenied):
        school_time_zone_set(by=world.admin_a, school=world.school_b, time_zone="UTC")
