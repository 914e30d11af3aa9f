"""The coverage scheduler's pages: the timetable checked whole, solve, edit, accept once, export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html import unescape

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


# --- the reasons in the reader's language -----------------------------------------

#: French words for the reasons these pages show, standing in for the catalogue until
#: the translators' .po has them (keyed by msgid, the plural's for a count above one).
FRENCH = {
    "substitutes_per_period is 0, so no observer can leave their class, but the visits "
    "need %(needed)s periods of substitute cover.": "Aucun remplaçant par période : aucun "
    "observateur ne peut quitter sa classe, mais les visites demandent %(needed)s périodes "
    "de remplacement.",
    "%(teacher)s observes %(count)s; the team asked for %(wanted)s.": "%(teacher)s observe "
    "%(count)s ; l'équipe a demandé %(wanted)s.",
    "%(teacher)s is observed %(count)s; the team asked for %(wanted)s.": "%(teacher)s est "
    "observé·e %(count)s ; l'équipe a demandé %(wanted)s.",
    "once": "une fois",
    "never": "jamais",
    "%(observer)s observes %(host)s %(times)s times; nobody observes the same colleague "
    "twice.": "%(observer)s observe %(host)s %(times)s fois ; personne n'observe deux fois "
    "le même collègue.",
}


@pytest.fixture
def french(client, monkeypatch):
    """A browser whose language cookie says French, and a French catalogue that has the
    reasons' words (see :data:`FRENCH`)."""
    from django.conf import settings
    from django.utils.translation import trans_real

    catalogue = trans_real.translation("fr")
    gettext, ngettext = catalogue.gettext, catalogue.ngettext
    monkeypatch.setattr(catalogue, "gettext", lambda m: FRENCH.get(m) or gettext(m))
    monkeypatch.setattr(
        catalogue,
        "ngettext",
        lambda one, many, n: FRENCH.get(one if n <= 1 else many) or ngettext(one, many, n),
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


def _with_a_visit_twice(world, client) -> RoundSchedule:
    """A proposed schedule where one visit is removed and another happens twice (as an
    edit from before the checker refused it would leave it): short, and broken."""
    _propose(client, world)
    schedule = RoundSchedule.objects.get()
    _removed, *rest = schedule.result["visits"]
    again = {**rest[0], "week": 2}
    schedule.request = {**schedule.request, "weeks": 2}
    schedule.result = {**schedule.result, "visits": [*rest, again]}
    schedule.save()
    return schedule


def test_a_french_page_says_why_no_schedule_exists_in_french(french, world):
    french.force_login(world.leader_a)
    response = _propose(french, world, substitutes_per_period=0)
    page = unescape(french.get(response["Location"]).content.decode())
    assert '<html lang="fr">' in page
    assert 'data-code="no_substitutes"' in page
    assert "les visites demandent 3 périodes de remplacement" in page
    assert "so no observer can leave their class" not in page
    # The English text stays what the scheduler said, for the command line and the record.
    stored = RoundSchedule.objects.get().result["reasons"][0]
    assert stored["text"].startswith("substitutes_per_period is 0, so no observer")


def test_a_french_page_names_the_broken_rules_and_the_teachers_short_in_french(french, world):
    french.force_login(world.leader_a)
    schedule = _with_a_visit_twice(world, french)
    page = unescape(french.get(reverse("practice:schedule", args=[schedule.pk])).content.decode())
    assert "fois ; personne n'observe deux fois le même collègue." in page
    # The visit removed leaves its observer and its host short.
    assert "observe jamais ; l'équipe a demandé une fois." in page
    assert "est observé·e jamais ; l'équipe a demandé une fois." in page
    assert "the team asked for" not in page
    assert "nobody observes the same colleague twice" not in page


def test_the_english_page_keeps_the_schedulers_words(leader, world):
    schedule = _with_a_visit_twice(world, leader)
    visits = schedule.result["visits"]
    page = leader.get(reverse("practice:schedule", args=[schedule.pk])).content.decode()
    again = visits[-1]
    assert f"{again['observer']} observes {again['host']} 2 times; nobody observes" in page
    assert "; the team asked for once." in page


def test_every_word_of_the_reasons_goes_through_translation(monkeypatch, leader, world):
    """A pseudo-language wraps whatever passes through gettext in ⟦ ⟧: the reasons, the
    broken rules and the teachers short of visits are all inside but for names and numbers."""
    import re

    from django.utils import translation as django_translation

    schedule = _with_a_visit_twice(world, leader)
    _propose(leader, world, substitutes_per_period=0)
    impossible = RoundSchedule.objects.exclude(pk=schedule.pk).get()
    trans = django_translation._trans
    gettext, ngettext = trans.gettext, trans.ngettext
    monkeypatch.setattr(trans, "gettext", lambda m: f"⟦{gettext(m)}⟧")
    monkeypatch.setattr(trans, "ngettext", lambda one, many, n: f"⟦{ngettext(one, many, n)}⟧")
    items = []
    for shown in (schedule, impossible):
        page = unescape(leader.get(reverse("practice:schedule", args=[shown.pk])).content.decode())
        items += re.findall(r"<li[^>]*>(.*?)</li>", page[page.index("<h1") :], flags=re.S)
    assert len(items) >= 4
    for item in items:
        text = item
        while "⟦" in text:
            text = re.sub(r"⟦[^⟦⟧]*⟧", " ", text)
        leftover = set(re.sub(r"[\s\d.,:;()']+", " ", text).split())
        assert leftover <= {"lead_english", "teacher_a", "coach_a"}, item
