"""The demo school's voice: collective efficacy over the year, exit tickets, trust tools."""

from __future__ import annotations

import pytest

from efficacy.analysis.survey import index_change_by
from efficacy.demo.voice import WINDOWS
from efficacy.voice.models import (
    Commitment,
    ExitTicket,
    Reply,
    SurveyInvitation,
    SurveyResponse,
    SurveyWindow,
    Win,
)
from efficacy.voice.services.results import window_results
from efficacy.voice.services.tickets import answer_themes
from tests.demo.conftest import BUILT_ON

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]

MAIN_SCHOOL = "demo-th-school"


def windows() -> list[SurveyWindow]:
    return list(
        SurveyWindow.objects.filter(
            school__sourced_id=MAIN_SCHOOL, instrument__key="efficacy-collective-efficacy"
        ).order_by("opens_on")
    )


def team_figure(window: SurveyWindow, team: str):
    results = window_results(window=window, language="en")
    return next(g for g in results.teams if g.label == team)


def test_three_collective_efficacy_windows_closed_and_a_pulse_open_for_the_demo_teacher(demo):
    autumn, winter, spring = windows()
    assert autumn.closes_on < winter.opens_on < spring.opens_on
    pulse = SurveyWindow.objects.get(school__sourced_id=MAIN_SCHOOL, title=WINDOWS[-1][0])
    assert pulse.opens_on <= BUILT_ON <= pulse.closes_on
    assert not SurveyInvitation.objects.get(window=pulse, user__username="teacher").answered
    for window in (autumn, winter, spring):
        answered = SurveyInvitation.objects.filter(window=window, answered=True).count()
        assert SurveyResponse.objects.filter(window=window).count() == answered


def test_collective_efficacy_rises_in_the_team_whose_cycle_met_its_goal(demo):
    autumn, _winter, spring = windows()

    def change(team: str):
        before = team_figure(autumn, team).overall.index
        after = team_figure(spring, team).overall.index
        return index_change_by(
            before.n, before.mean, before.sd, after.n, after.mean, after.sd
        ).iloc[0]

    assert change("Grade 9 English").ci_low > 0
    assert not change("Grade 9 Mathematics").changed


def test_the_literacy_team_is_hidden_in_winter_with_its_size_unsaid(demo):
    _autumn, winter, _spring = windows()
    literacy = team_figure(winter, "Literacy across the curriculum")
    assert literacy.size.suppressed
    assert not literacy.overall.shown
    assert "4" not in str(literacy.size)


def test_the_science_students_stuck_answers_fall_into_themes(demo):
    ticket_answers = [
        answer
        for ticket in ExitTicket.objects.filter(cycle__team__name="Science")
        for answer in ticket.answers.all()
    ]
    stuck = answer_themes(ticket_answers, language="en")[0]
    assert stuck.question == "stuck"
    assert len(stuck.themes) >= 3


def test_wins_commitments_and_replies_tell_the_trust_story(demo):
    assert Win.objects.filter(celebrated_by__isnull=False, mastery_moment__isnull=False).exists()
    statuses = set(Commitment.objects.values_list("status", flat=True))
    assert {Commitment.Status.DONE, Commitment.Status.DECLINED, Commitment.Status.OPEN} <= statuses
    declined = Commitment.objects.get(status=Commitment.Status.DECLINED)
    assert "answer is no" in declined.receipts.get().text
    assert Reply.objects.count() >= 3
