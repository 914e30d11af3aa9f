"""The school dashboard: who opens it, what each reader sees, its downloads, its cost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from efficacy.cycles.models import CycleStatus, ImpactSummary, InquiryCycle, MasteryMoment
from efficacy.privacy import small_group
from efficacy.voice.models.trust import Commitment, Suggestion, SuggestionBox


def _url(world, **query):
    url = reverse("dashboards:school", args=[world.school_a.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _closed(world, title, effect, low, high, team=None, **extra):
    cycle = InquiryCycle.objects.create(
        team=team or world.team_english,
        title=title,
        status=CycleStatus.CLOSED,
        start_date=dt.date(2024, 9, 1),
        end_date=dt.date(2024, 12, 1),
    )
    ImpactSummary.objects.create(
        cycle=cycle,
        effect=effect,
        ci_low=low,
        ci_high=high,
        expected_growth=0.15,
        computed_at=timezone.now(),
        **extra,
    )
    return cycle


@pytest.mark.parametrize("who", ["leader_a", "admin_a", "analyst", "district_admin"])
def test_the_schools_leader_administrators_and_district_analysts_open_it(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(_url(world)).status_code == 200


@pytest.mark.parametrize("who", ["teacher_a", "lead_english", "coach_a", "teacher_b", "teacher_c"])
def test_anyone_else_gets_a_404(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(_url(world)).status_code == 404


def test_it_needs_a_sign_in(client, world):
    response = client.get(_url(world))
    assert response.status_code == 302


def test_the_forest_plot_pools_the_closed_cycles_with_a_plain_sentence(client, world):
    _closed(world, "Inference", 0.6, 0.3, 0.9)
    _closed(world, "Fractions", 0.4, 0.1, 0.7, team=world.team_math)
    _closed(world, "Ratios", 0.2, -0.1, 0.5, team=world.team_math)
    _closed(
        world, "Too few", None, None, None, n=None, reason=small_group(10, "focus_paired").to_dict()
    )
    client.force_login(world.leader_a)
    page = client.get(_url(world)).content.decode()
    assert "Impact of each closed cycle" in page
    assert "Across 3 closed cycles, students grew by" in page
    assert "1 closed cycle has no effect with an interval" in page
    assert "fewer than 10 focus students with both scores" in page
    assert "How to read this" in page


def test_a_small_group_never_shows_its_size(client, world, scored):
    # Eight focus and six comparison students: the gap per term is suppressed.
    client.force_login(world.leader_a)
    page = client.get(_url(world, a="pathway:applied", b="pathway:academic")).content.decode()
    assert "fewer than 10" in page
    for size in (" 8 students", " 6 students", "(8)", "(6)", "n = 8", "n = 6", "n=8", "n=6"):
        assert size not in page


def test_an_analyst_sees_aggregates_and_no_names(client, world, scored):
    moment_cycle = _closed(world, "Inference", 0.6, 0.3, 0.9)
    MasteryMoment.objects.create(
        cycle=moment_cycle, rule="x", reflection={"understanding": "Ava Brown got it"}
    )
    box = SuggestionBox.objects.create(
        school=world.school_a, title="Ideas", opened_on=dt.date(2024, 9, 1)
    )
    Suggestion.objects.create(box=box, text="More time", received_on=dt.date(2024, 9, 2))
    Commitment.objects.create(
        school=world.school_a,
        made_by=world.leader_a,
        asked_by=world.teacher_a,
        what="Look into planning time",
        due_on=dt.date(2030, 1, 1),
    )
    client.force_login(world.analyst)
    page = client.get(_url(world)).content.decode()
    assert "Impact of each closed cycle" in page
    for name in ("Ava", "Brown", "F0 Test", "Nguyen", "Okafor", "More time", "planning time"):
        assert name not in page
    client.force_login(world.leader_a)
    page = client.get(_url(world)).content.decode()
    assert "More time" in page
    assert "Look into planning time" in page
    assert "Latest mastery moments" in page


def test_the_board_downloads_as_csv_and_xlsx(client, world, ready_cycle):
    client.force_login(world.leader_a)
    url = reverse("dashboards:school_export", args=[world.school_a.pk, "board"])
    csv = client.get(url + "?format=csv")
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    assert "Inference in grade 9 applied English" in csv.content.decode()
    assert client.get(url + "?format=xlsx").status_code == 200
    assert client.get(url + "?format=pdf").status_code == 404
    missing = reverse("dashboards:school_export", args=[world.school_a.pk, "nothing"])
    assert client.get(missing + "?format=csv").status_code == 404


def test_an_export_is_refused_to_whoever_cannot_open_the_dashboard(client, world):
    client.force_login(world.teacher_a)
    url = reverse("dashboards:school_export", args=[world.school_a.pk, "board"])
    assert client.get(url + "?format=csv").status_code == 404


def test_the_page_reads_a_bounded_number_of_queries_whatever_the_number_of_cycles(
    client, world, scored, django_assert_max_num_queries
):
    client.force_login(world.leader_a)
    for i in range(2):
        _closed(world, f"Closed {i}", 0.5, 0.2, 0.8)
    InquiryCycle.objects.create(team=world.team_math, title="Open", status=CycleStatus.REVIEWING)
    client.get(_url(world))  # warm the session and the instrument caches
    with django_assert_max_num_queries(80) as few:
        assert client.get(_url(world)).status_code == 200
    for i in range(6):
        _closed(world, f"More {i}", 0.5, 0.2, 0.8, team=world.team_math)
        InquiryCycle.objects.create(
            team=world.team_math, title=f"Open {i}", status=CycleStatus.IMPLEMENTING
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_url(world)).status_code == 200


def _survey(world, title, opens, english, math):
    from tests.voice import results_world as rw

    people = rw.staff(world.school_a, english + math, f"s{opens.month}-")
    return rw.window(
        world.school_a,
        title=title,
        opens=opens,
        closes=opens + dt.timedelta(days=10),
        key="efficacy-collective-efficacy",
        invited=people,
        answers=rw.answers_for(world.team_english, english, 4.5, 1)
        + rw.answers_for(world.team_math, math, 3.5, 2),
    )


def test_collective_efficacy_by_team_over_time(client, world):
    _survey(world, "Autumn", dt.date(2024, 10, 1), english=6, math=6)
    _survey(world, "Spring", dt.date(2025, 3, 1), english=7, math=6)
    client.force_login(world.leader_a)
    page = client.get(_url(world)).content.decode()
    section = page.split('id="collective-heading"')[1].split("</section>")[0]
    assert "Grade 9 English" in section
    assert "Mathematics" in section
    assert "Autumn" in section
    assert "Spring" in section


def test_a_team_below_the_staff_threshold_is_left_out_of_the_trend(client, world):
    _survey(world, "Autumn", dt.date(2024, 10, 1), english=6, math=3)
    client.force_login(world.leader_a)
    page = client.get(_url(world)).content.decode()
    section = page.split('id="collective-heading"')[1].split("</section>")[0]
    assert "Mathematics" not in section


def test_a_school_leader_lands_on_the_dashboard_and_finds_it_in_the_navigation(client, world):
    client.force_login(world.leader_a)
    home = client.get(reverse("home"))
    assert home["Location"] == _url(world)
    page = client.get(_url(world)).content.decode()
    assert f'href="{_url(world)}"' in page
    assert "Teams and classes" in page


def test_the_team_page_links_to_the_team_dashboard(client, world):
    client.force_login(world.teacher_a)
    page = client.get(reverse("front:team", args=[world.team_english.pk])).content.decode()
    assert reverse("dashboards:team", args=[world.team_english.pk]) in page


def test_the_dashboards_have_no_inline_script_or_style(client, world, ready_cycle):
    import re

    client.force_login(world.leader_a)
    for url in (_url(world), reverse("dashboards:team", args=[world.team_english.pk])):
        body = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
        assert not re.search(r"\sstyle=|<style", body)
        assert not re.search(r"\son[a-z]+=", body)


def test_the_coverage_bars_sum_up_the_cycle_pages_own_coverage_and_rounds(world, ready_cycle):
    from efficacy.practice.models import ImplementationEntry, Observation
    from efficacy.practice.selectors import coverage, coverage_summaries, round_summary, week_of

    strategy = ready_cycle.cycle_strategies.get().strategy
    monday = week_of(timezone.localdate())
    ready_cycle.start_date = monday - dt.timedelta(weeks=3)  # four weeks so far
    ready_cycle.end_date = monday + dt.timedelta(weeks=4)
    ready_cycle.save()
    for weeks_ago, rating in ((0, 2), (1, 0), (3, 3)):
        ImplementationEntry.objects.create(
            cycle=ready_cycle,
            teacher=world.teacher_a,
            school_class=world.english_9_applied,
            week=monday - dt.timedelta(weeks=weeks_ago),
            strategy=strategy,
            rating=rating,
        )
    Observation.objects.create(cycle=ready_cycle, host=world.teacher_a, date=monday)
    summary = coverage_summaries([ready_cycle])[ready_cycle.pk]
    team_row = coverage(ready_cycle, by="team").rows[0]
    assert summary.implementation == pytest.approx(team_row.cells[0].share)
    assert summary.implementation == pytest.approx(2 / 4)
    rounds = round_summary(ready_cycle)
    assert summary.observation == pytest.approx(rounds.hosts / rounds.members)
    assert summary.rounds == 1


def test_both_dashboards_render_in_french_with_french_numbers(client, world, settings):
    _closed(world, "Inférence", 0.6, 0.3, 0.9)
    _closed(world, "Fractions", 0.4, 0.1, 0.7, team=world.team_math)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(world.leader_a)
    body = client.get(_url(world)).content.decode()
    assert '<html lang="fr">' in body
    assert "0,60" in body  # the first cycle's effect, written the French way
    team = client.get(reverse("dashboards:team", args=[world.team_english.pk]))
    assert team.status_code == 200
