"""The coverage scheduler's pages: the timetable checked whole, solve, edit, accept once, export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from icalendar import Calendar

from efficacy.cycles.models import Strategy
from efficacy.cycles.plan.services import cycle_create, cycle_strategies_set
from efficacy.practice.models import Observation, RoundSchedule
from efficacy.roster.models import TeamMembership

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2024, 10, 7)
#: The English team's three active members teach periods 1 to 3 every day.
TIMETABLE = "teacher,day,period\n" + "".join(
    f"{who},{day},{period}\n"
    for who in ("lead_english", "teacher_a", "coach_a")
    for day in range(1, 6)
    for period in range(1, 4)
)


def _form(**extra):
    return {
        "timetable_text": TIMETABLE,
        "start_date": MONDAY.isoformat(),
        "weeks": 1,
        "days": 5,
        "periods_per_day": 6,
        "substitutes_per_period": 1,
        "visits_each": 1,
        "max_observers_per_visit": 2,
        "same_team": "on",
        **extra,
    }


@pytest.fixture
def leader(client, world):
    client.force_login(world.leader_a)
    return client


@pytest.fixture
def open_cycle(world):
    cycle = cycle_create(
        user=world.lead_english,
        team=world.team_english,
        title="Inference",
        focus={"grades": ["09"]},
        start_date=dt.date(2024, 9, 15),
        end_date=dt.date(2024, 12, 15),
    )
    strategy = Strategy.objects.filter(school=None, look_fors__isnull=False).first()
    cycle_strategies_set(user=world.lead_english, cycle=cycle, strategy_ids=[strategy.pk])
    return cycle


def _propose(client, world, **extra):
    url = reverse("practice:schedule_new", args=[world.school_a.pk])
    return client.post(url, _form(**extra))


def test_every_problem_of_the_timetable_is_listed_with_its_line_and_column(leader, world):
    text = (
        "teacher,day,period\n"
        "lead_english,1,1\n"
        "nobody,1,1\n"
        "teacher_a,Funday,9\n"
        "lead_english,Monday,1\n"
    )
    response = _propose(leader, world, timetable_text=text)
    assert response.status_code == 400
    page = response.content.decode()
    assert "pasted timetable:3:teacher: nobody is not an active member of staff" in page
    assert "pasted timetable:4:day:" in page
    assert "pasted timetable:4:period:" in page
    assert "lead_english is in two places at once: day 1, period 1 is also on line 2" in page
    assert not RoundSchedule.objects.exists()


def test_a_teacher_in_several_teams_must_say_which(leader, world):
    TeamMembership.objects.create(team=world.team_math, user=world.teacher_a)
    page = _propose(leader, world).content.decode()
    assert "teacher_a is in several teams: Grade 9 English, Mathematics" in page
    with_team = TIMETABLE.replace("teacher,day,period", "teacher,day,period,team").replace(
        "\n", ",\n"
    )
    with_team = with_team.replace("teacher_a,1,1,", "teacher_a,1,1,Grade 9 English")
    response = _propose(leader, world, timetable_text=with_team)
    assert response.status_code == 302


def test_an_impossible_window_shows_the_schedulers_reasons(leader, world):
    response = _propose(leader, world, substitutes_per_period=0)
    page = leader.get(response["Location"]).content.decode()
    assert "No schedule exists" in page
    assert "substitutes_per_period is 0, so no observer can leave their class" in page
    assert 'data-code="no_substitutes"' in page


def test_solve_edit_and_accept_plan_the_rounds_exactly_once(leader, world, open_cycle):
    response = _propose(leader, world)
    schedule = RoundSchedule.objects.get()
    assert response["Location"] == reverse("practice:schedule", args=[schedule.pk])
    visits = schedule.result["visits"]
    assert schedule.result["status"] == "feasible"
    assert len(visits) == 3
    visit_url = reverse("practice:schedule_visit", args=[schedule.pk, 0])

    # Into period 5, the observer's prep time: refused, with the rule named.
    moved = {"action": "move", "week": 1, "day": visits[0]["day"], "period": 5}
    page = leader.post(visit_url, moved, follow=True).content.decode()
    assert "The visit cannot move there" in page
    assert "observing then would take their prep time" in page
    schedule.refresh_from_db()
    assert schedule.result["visits"] == visits

    leader.post(visit_url, {"action": "remove"})
    schedule.refresh_from_db()
    assert len(schedule.result["visits"]) == 2
    page = leader.get(reverse("practice:schedule", args=[schedule.pk])).content.decode()
    assert "Teachers short of their visits" in page

    accept = reverse("practice:schedule_accept", args=[schedule.pk])
    page = leader.post(accept, follow=True).content.decode()
    assert "2 rounds planned" in page
    planned = Observation.objects.filter(cycle=open_cycle)
    assert planned.count() == 2
    assert {o.date for o in planned} <= {MONDAY + dt.timedelta(days=d) for d in range(5)}
    assert all(o.strategies.exists() and o.observers.count() == 1 for o in planned)

    page = leader.post(accept, follow=True).content.decode()
    assert "This schedule is accepted" in page
    assert Observation.objects.count() == 2
    schedule.refresh_from_db()
    assert schedule.status == "accepted"


def test_accepting_without_an_open_cycle_is_refused_and_plans_nothing(leader, world):
    _propose(leader, world)
    schedule = RoundSchedule.objects.get()
    accept = reverse("practice:schedule_accept", args=[schedule.pk])
    page = leader.post(accept, follow=True).content.decode()
    assert "Grade 9 English has no open inquiry cycle" in page
    assert not Observation.objects.exists()
    schedule.refresh_from_db()
    assert schedule.is_proposed


def test_the_csv_and_icalendar_exports_read_back(leader, world):
    _propose(leader, world)
    schedule = RoundSchedule.objects.get()
    visits = schedule.result["visits"]
    body = leader.get(reverse("practice:schedule_export", args=[schedule.pk, "csv"])).content
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [(r["host"], r["observer"], int(r["period"])) for r in rows] == [
        (v["host"], v["observer"], v["period"]) for v in visits
    ]
    assert {r["team"] for r in rows} == {"Grade 9 English"}

    body = leader.get(reverse("practice:schedule_export", args=[schedule.pk, "ics"])).content
    events = Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == len(visits)
    first = visits[0]
    assert events[0].decoded("dtstart") == MONDAY + dt.timedelta(days=first["day"] - 1)
    assert f"{first['observer']} observes {first['host']}" in str(events[0]["summary"])


def test_the_last_timetable_can_be_used_again(leader, world):
    _propose(leader, world)
    response = _propose(leader, world, timetable_text="", reuse="on", weeks=2)
    assert response.status_code == 302
    assert RoundSchedule.objects.count() == 2
    assert RoundSchedule.objects.first().timetable == TIMETABLE.strip()
