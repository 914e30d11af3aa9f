"""The demo school's practice: rounds, meetings and the implementation log of its cycles."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from efficacy.cycles.impact.panel import cycle_impact
from efficacy.cycles.models import CycleStatus, InquiryCycle
from efficacy.demo.services import demo_build
from efficacy.practice.models import (
    Action,
    Debrief,
    EngagementTally,
    ImplementationEntry,
    LookForTally,
    Meeting,
    Note,
    Observation,
    ObserverDebrief,
)
from efficacy.roster.models import User
from tests.demo.conftest import BUILT_ON, this_years_cycles

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

MAIN_SCHOOL = "demo-th-school"
STARTED = ["Grade 9 English", "Grade 9 Mathematics", "Science", "Student success"]


def cycle_of(team_name: str) -> InquiryCycle:
    """The team's cycle of this school year (last year's has no practice recorded)."""
    return this_years_cycles().get(team__name=team_name)


def test_every_started_cycle_has_rounds_debriefs_meetings_and_a_log(demo):
    for team in STARTED:
        cycle = cycle_of(team)
        rounds = Observation.objects.filter(cycle=cycle)
        assert rounds.count() >= 2, team
        for observation in rounds:
            observers = set(observation.observers.values_list("pk", flat=True))
            assert len(observers) == 2, team
            assert observation.host_id not in observers, team
            assert observation.school_class is not None
            assert Note.objects.filter(observation=observation).count() >= 5, team
            assert LookForTally.objects.filter(observation=observation).exists(), team
            assert EngagementTally.objects.filter(observation=observation).exists(), team
            debrief = Debrief.objects.get(observation=observation)
            assert all(getattr(debrief, prompt) for prompt in Debrief.PROMPTS)
            assert ObserverDebrief.objects.filter(observation=observation).count() == 2
        assert rounds.filter(shared=True).exists(), team
        meetings = Meeting.objects.filter(cycle=cycle)
        assert meetings.count() >= 2, team
        assert Action.objects.filter(meeting__cycle=cycle, done=True).exists(), team
        assert ImplementationEntry.objects.filter(cycle=cycle).count() > 100, team


def test_the_planning_cycle_has_no_practice_yet(demo):
    cycle = cycle_of("Literacy across the curriculum")
    assert cycle.status == CycleStatus.PLANNING
    assert not Observation.objects.filter(cycle=cycle).exists()
    assert not Meeting.objects.filter(cycle=cycle).exists()
    assert not ImplementationEntry.objects.filter(cycle=cycle).exists()


def test_meetings_are_two_or_three_weeks_apart_and_look_at_the_evidence(demo):
    english = cycle_of("Grade 9 English")
    days = sorted(Meeting.objects.filter(cycle=english).values_list("date", flat=True))
    gaps = {(b - a).days for a, b in itertools.pairwise(days)}
    assert gaps <= set(range(14, 25)), gaps
    assert Meeting.objects.filter(cycle=english, occasions__isnull=False).count() >= 3


def mean_rating(cycle: InquiryCycle) -> float:
    ratings = ImplementationEntry.objects.filter(cycle=cycle).values_list("rating", flat=True)
    return sum(ratings) / len(ratings)


def test_the_showcase_uses_its_strategies_more_fully_than_the_mathematics_team(demo):
    english, mathematics = cycle_of("Grade 9 English"), cycle_of("Grade 9 Mathematics")
    assert mean_rating(english) > mean_rating(mathematics) + 0.3
    # Use of the strategies every member shares rises over the cycle.
    shared = english.cycle_strategies.filter(used_by_every_member=True).values("strategy")
    entries = ImplementationEntry.objects.filter(cycle=english, strategy__in=shared)
    weeks = sorted(set(entries.values_list("week", flat=True)))

    def mean_of(part):
        ratings = entries.filter(week__in=part).values_list("rating", flat=True)
        return sum(ratings) / len(ratings)

    assert mean_of(weeks[-4:]) > mean_of(weeks[:4]) + 0.5


def test_the_english_cycle_computes_its_dose_and_impact_figures(demo):
    impact = cycle_impact(cycle_of("Grade 9 English"))
    for kind in ("logged", "observed"):
        result = impact.dose[kind]
        assert not result.suppressed, kind
        assert result.k >= 3, kind
        assert result.slope is not None


def practice_dates() -> list[tuple[str, dt.date]]:
    cycles = InquiryCycle.objects.filter(team__school__sourced_id=MAIN_SCHOOL)
    rounds = Observation.objects.filter(cycle__in=cycles)
    days = [("round", d) for d in rounds.values_list("date", flat=True)]
    days += [("meeting", d) for d in Meeting.objects.filter(cycle__in=cycles).values_list("date", flat=True)]  # fmt: skip
    stamps = {
        "round planned": rounds.values_list("created_at", flat=True),
        "round shared": rounds.filter(shared=True).values_list("shared_at", flat=True),
        "note": Note.objects.filter(observation__in=rounds).values_list("noted_at", flat=True),
        "note received": Note.objects.filter(observation__in=rounds).values_list(
            "received_at", flat=True
        ),
        "tally": LookForTally.objects.filter(observation__in=rounds).values_list(
            "updated_at", flat=True
        ),
        "engagement": EngagementTally.objects.filter(observation__in=rounds).values_list(
            "updated_at", flat=True
        ),
        "debrief": Debrief.objects.filter(observation__in=rounds).values_list(
            "updated_at", flat=True
        ),
        "take-away": ObserverDebrief.objects.filter(observation__in=rounds).values_list(
            "updated_at", flat=True
        ),
        "meeting recorded": Meeting.objects.filter(cycle__in=cycles).values_list(
            "created_at", flat=True
        ),
        "action done": Action.objects.filter(meeting__cycle__in=cycles, done=True).values_list(
            "done_at", flat=True
        ),
        "log": ImplementationEntry.objects.filter(cycle__in=cycles).values_list(
            "updated_at", flat=True
        ),
    }
    for what, values in stamps.items():
        days += [(what, timezone.localdate(v)) for v in values]
    days += [
        ("logged week", w + dt.timedelta(days=4))
        for w in ImplementationEntry.objects.filter(cycle__in=cycles).values_list("week", flat=True)
    ]
    return days


def assert_no_practice_on_or_after(today: dt.date) -> None:
    days = practice_dates()
    assert len(days) > 1000
    assert sorted({(what, day) for what, day in days if day >= today}) == []


def test_no_practice_is_dated_on_or_after_the_day_the_demo_was_built(demo):
    assert_no_practice_on_or_after(BUILT_ON)


def test_built_in_december_no_practice_is_dated_after_it_either(demo):
    today = dt.date(2026, 12, 2)
    demo_build(seed=2026, reset=True, today=today)
    try:
        assert_no_practice_on_or_after(today)
        for team in STARTED:
            assert Observation.objects.filter(cycle=cycle_of(team)).exists(), team
    finally:
        demo_build(seed=2026, reset=True, today=BUILT_ON)


def practice_dump() -> list[str]:
    """Notes, log entries and actions by natural keys, as text."""
    notes = Note.objects.values_list(
        "observation__cycle__title", "author__username", "text", "noted_at"
    )
    log = ImplementationEntry.objects.values_list(
        "cycle__title", "teacher__username", "school_class__class_code", "week", "strategy__slug",
        "rating",
    )  # fmt: skip
    actions = Action.objects.values_list(
        "meeting__date", "text", "owner__username", "due_date", "done"
    )
    return sorted(map(str, [*notes, *log, *actions]))


def test_the_same_seed_and_day_build_the_same_practice(demo):
    before = practice_dump()
    demo_build(seed=2026, reset=True, today=BUILT_ON)
    assert practice_dump() == before


def test_the_demo_teacher_sees_an_overdue_action_on_their_home_page(demo, client, monkeypatch):
    # The home page judges "overdue" by today's date: the day the demo was built.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: BUILT_ON)
    client.force_login(User.objects.get(username="teacher"))
    overdue = Action.objects.filter(
        owner__username="teacher", done=False, due_date__lt=BUILT_ON
    ).exclude(meeting__cycle__status=CycleStatus.CLOSED)
    assert overdue.exists()
    page = client.get("/").content.decode()
    assert overdue.first().text in page
    assert 'class="overdue"' in page
