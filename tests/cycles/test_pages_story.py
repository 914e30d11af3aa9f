"""The school's feed of mastery moments, the cycle story page, and publishing it.

Moments are made the way a team makes them: evidence entered, the cycle
started, reviewed, reflected on and closed through the services.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import numpy as np
import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from statsmodels.stats.proportion import proportion_confint

from efficacy.cycles.evidence.services import score_set
from efficacy.cycles.models import CycleStrategy, MasteryMoment
from efficacy.cycles.plan.services import (
    cycle_advance,
    cycle_start,
    cycle_strategy_decide,
    milestone_create,
)
from efficacy.cycles.stories.services import cycle_close, mastery_moment_publish, reflection_save
from efficacy.roster.models import Student

pytestmark = pytest.mark.django_db

# Twelve focus students (grade 09 applied), baseline and final on the 1-4 rubric.
FOCUS_PRE = [1, 2, 2, 1, 2, 3, 1, 2, 2, 1, 2, 2]
FOCUS_POST = [3, 3, 2, 2, 3, 4, 2, 3, 3, 2, 3, 3]
#: Students are named so that a leak is easy to see.
STUDENT_FAMILY = "Quillfeather"
STUDENT_GIVEN = "Zephyrine"
WORLD_STUDENTS = ["Ava", "Brown", "Ben", "Clark", "Chloe", "Dupont", "Dev", "Patel"]

REFLECTION = {
    "strategy_impact": "Asking what makes you think that made students quote the text.",
    "understanding": "Their written answers cite evidence from the passage.",
    "continue_change_stop": "Continue the routine; change the exit ticket.",
    "years_growth": "More than a year's growth for this group.",
}


def close_with_moment(world, cycle, rubric, baseline, final, *, rubric_goal=None) -> MasteryMoment:
    """Score twelve focus students, run the cycle to closed, return its mastery moment."""
    lead = world.lead_english
    # Move the world's own applied students out of the focus group.
    Student.objects.filter(pk__in=[world.ava.pk, world.ben.pk]).update(grade="08")
    for i, (pre, post) in enumerate(zip(FOCUS_PRE, FOCUS_POST, strict=True)):
        student = world.enrolled_student(
            world.english_9_applied,
            given_name=f"{STUDENT_GIVEN}{i}",
            family_name=STUDENT_FAMILY,
            identifier=f"QF-{i:03d}",
            grade="09",
            pathway="applied",
        )
        score_set(user=lead, measure=rubric, occasion=baseline, student=student, value=pre)
        score_set(user=lead, measure=rubric, occasion=final, student=student, value=post)
    if rubric_goal is not None:
        rubric_goal(cycle, threshold=3, target=50)
    cycle_start(user=lead, cycle=cycle)
    milestone_create(
        user=lead,
        cycle=cycle,
        title="Peer observation round",
        owner=world.teacher_a,
        due_date=dt.date(2024, 10, 20),
    )
    cycle_advance(user=lead, cycle=cycle)
    use = CycleStrategy.objects.get(cycle=cycle)
    reflection_save(
        user=world.teacher_a,
        cycle=cycle,
        strategy_notes={str(use.strategy_id): "Students waited less for the teacher."},
        **REFLECTION,
    )
    cycle_strategy_decide(
        user=lead, cycle_strategy=use, decision="adopt", note="It worked in every class."
    )
    moment = cycle_close(user=lead, cycle=cycle)
    assert moment is not None
    return moment


@pytest.fixture
def moment(world, ready_cycle, rubric, baseline, final, rubric_goal):
    """A mastery moment earned on a performance goal: 3 or above for 50% of focus students."""
    return close_with_moment(world, ready_cycle, rubric, baseline, final, rubric_goal=rubric_goal)


@pytest.fixture
def gain_moment(world, ready_cycle, rubric, baseline, final):
    """A mastery moment earned on the pre/post gain (no performance goal)."""
    return close_with_moment(world, ready_cycle, rubric, baseline, final)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def page(client, user, url) -> str:
    response = get(client, user, url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def feed_url(world, school=None) -> str:
    return reverse("cycles:feed", args=[(school or world.school_a).pk])


def story_url(moment) -> str:
    return reverse("cycles:story", args=[moment.pk])


def publish(moment, world):
    return mastery_moment_publish(user=world.lead_english, moment=moment)


# --- the feed -----------------------------------------------------------------------


def test_a_teacher_of_the_school_sees_a_published_moment_in_the_feed(client, world, moment):
    publish(moment, world)
    body = page(client, world.teacher_a2, feed_url(world))
    assert moment.cycle.title in body
    assert story_url(moment) in body
    assert "Not yet shared with the school" not in body


def test_an_unpublished_moment_is_hidden_from_teachers_outside_the_team(client, world, moment):
    body = page(client, world.teacher_a2, feed_url(world))
    assert moment.cycle.title not in body
    assert "No mastery moments yet." in body


@pytest.mark.parametrize("person", ["lead_english", "teacher_a", "coach_a", "leader_a"])
def test_an_unpublished_moment_is_marked_for_those_who_see_the_team(client, world, moment, person):
    body = page(client, getattr(world, person), feed_url(world))
    assert moment.cycle.title in body
    assert "Not yet shared with the school" in body


@pytest.mark.parametrize("person", ["teacher_b", "teacher_c", "analyst", "district_admin"])
def test_another_schools_feed_is_not_found(client, world, moment, person):
    publish(moment, world)
    assert get(client, getattr(world, person), feed_url(world)).status_code == 404


def test_a_feed_address_that_is_not_a_school_is_not_found(client, world):
    url = reverse("cycles:feed", args=[999999])
    assert get(client, world.teacher_a, url).status_code == 404


def test_signing_in_is_required_for_the_feed(client, world):
    response = client.get(feed_url(world))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_feed_entry_shows_goal_evidence_strategies_and_the_start_of_the_reflection(
    client, world, moment
):
    body = page(client, world.lead_english, feed_url(world))
    assert "Grade 9 English" in body
    assert moment.cycle.mastery_goal in body
    assert "67% of 12 focus students reached 3 or above on Inference rubric (target 50%)." in body
    assert "What makes you think that?" in body
    assert "decision: adopt" in body
    assert REFLECTION["strategy_impact"] in body
    assert f'href="{story_url(moment)}"' in body


def test_the_feed_lists_the_newest_moment_first_and_pages(client, world, moment):
    publish(moment, world)
    # Volume for paging only: plain rows, the services path is covered above.
    for i in range(20):
        MasteryMoment.objects.create(
            cycle=moment.cycle,
            reflection={"strategy_impact": f"Older reflection {i}"},
            evidence_summary=moment.evidence_summary,
            rule=moment.rule,
            published=True,
        )
    newest = MasteryMoment.objects.order_by("-created_at", "-pk").first()
    first = page(client, world.teacher_a2, feed_url(world))
    assert first.index(f'id="moment-{newest.pk}"') < first.index('class="pagination"')
    assert "Page 1 of 2" in first
    second = page(client, world.teacher_a2, feed_url(world) + "?page=2")
    assert f'id="moment-{moment.pk}"' in second  # the oldest, alone on page 2
    assert f'id="moment-{moment.pk}"' not in first


def test_the_empty_feed_explains_what_a_mastery_moment_is(client, world):
    body = page(client, world.teacher_a, feed_url(world))
    assert "No mastery moments yet." in body
    assert "met its goal" in body


def test_the_feed_never_names_a_student(client, world, moment):
    body = page(client, world.leader_a, feed_url(world))
    for name in [STUDENT_FAMILY, STUDENT_GIVEN, "QF-0", *WORLD_STUDENTS]:
        assert name not in body


def test_staff_with_a_school_find_the_feed_in_the_navigation(client, world):
    teacher = page(client, world.teacher_a, reverse("home"))
    assert f'href="{feed_url(world)}"' in teacher
    analyst = page(client, world.analyst, reverse("roster:district"))
    assert "Mastery moments" not in analyst


def test_the_school_page_links_to_its_feed(client, world):
    body = page(client, world.leader_a, reverse("front:school", args=[world.school_a.pk]))
    assert f'href="{feed_url(world)}"' in body


# --- the story ----------------------------------------------------------------------


def test_the_story_tells_strategies_decisions_plan_evidence_and_reflection(client, world, moment):
    body = page(client, world.lead_english, story_url(moment))
    cycle = moment.cycle
    strategy = cycle.cycle_strategies.get().strategy
    assert cycle.title in body
    assert cycle.problem_of_practice in body
    assert "grade 09; applied" in body  # the focus group in words
    assert "fewer than 10 students today" not in body  # 12 focus students: the size is shown
    assert "12 students today" in body
    assert "grade 09; academic" in body  # the comparison group
    assert cycle.mastery_goal in body
    assert "50% of focus students at 3 or above on Inference rubric" in body
    assert cycle.prediction in body
    assert strategy.name in body
    assert strategy.description in body
    assert strategy.look_fors.first().text in body
    assert "<strong>Decision:</strong> Adopt" in body
    assert "It worked in every class." in body
    assert "Students waited less for the teacher." in body
    assert "Peer observation round" in body
    assert "Tom Nguyen" in body  # the milestone's owner and a member, for school staff
    assert "Elif Yilmaz (lead)" in body
    for prompt, answer in REFLECTION.items():
        assert answer in body, prompt
    assert "<h3>What was the impact of each strategy?</h3>" in body
    assert "<h3>Are we getting a year's growth for a year's input?</h3>" in body


def test_the_story_shows_the_snapshot_with_its_n_and_a_wilson_interval(client, world, moment):
    body = page(client, world.lead_english, story_url(moment))
    meeting = sum(score >= 3 for score in FOCUS_POST)
    low, high = proportion_confint(meeting, len(FOCUS_POST), alpha=0.05, method="wilson")
    assert meeting == 8
    row = body.split("Focus students at 3 or above")[1].split("</tr>")[0]
    assert '<td class="number">67%</td>' in row
    assert f"{100 * low:.0f}% to {100 * high:.0f}%" in row
    assert '<td class="number">12</td>' in row
    assert "The share is counted at the final occasion only" in body


def test_a_gain_moment_shows_the_growth_with_its_range_beside_the_expected(
    client, world, gain_moment
):
    body = page(client, world.lead_english, story_url(gain_moment))
    pre, post = np.array(FOCUS_PRE, float), np.array(FOCUS_POST, float)
    gain = post - pre
    d_av = gain.mean() / ((pre.std(ddof=1) + post.std(ddof=1)) / 2)
    row = body.split("Mean gain (points)")[1].split("</tr>")[0]
    assert f"{gain.mean():.2f}" in row
    assert '<td class="number">12</td>' in row
    growth = body.split("Growth (standardised)")[1].split("</tr>")[0]
    summary = gain_moment.evidence_summary
    assert f"{d_av:.2f}" in growth
    assert f"{summary['ci_low']:.2f} to {summary['ci_high']:.2f}" in growth
    expected = body.split("Growth expected over the cycle")[1].split("</tr>")[0]
    assert f"{0.40 * 13 / 40:.2f}" in expected
    assert f"{np.mean(FOCUS_PRE):.2f}" in body
    assert "includes the growth students make anyway" in body  # the snapshot's own caveat


def test_small_evidence_is_suppressed_with_its_reason(client, world, moment, settings):
    settings.EFFICACY_MIN_STUDENT_N = 20
    body = page(client, world.lead_english, story_url(moment))
    assert "fewer than 20 students, so its figures are not shown" in body
    assert "67%" not in body
    assert 'class="story-figures"' not in body
    assert "fewer than 20 students today" in body  # the focus group's size too


def test_the_story_never_names_a_student(client, world, moment):
    publish(moment, world)
    for person in (world.lead_english, world.teacher_a2, world.leader_a):
        body = page(client, person, story_url(moment))
        for name in [STUDENT_FAMILY, STUDENT_GIVEN, "QF-0", *WORLD_STUDENTS]:
            assert name not in body, (person, name)


def test_the_snapshot_not_todays_cycle_tells_the_evidence(client, world, moment):
    # Whatever happens to the cycle's row later, the story tells the goal it met.
    moment.cycle.performance_target_percent = 90
    moment.cycle.save()
    body = page(client, world.lead_english, story_url(moment))
    assert "(target 50%)" in body
    assert "50% of focus students at 3 or above on Inference rubric" in body
    assert "90%" not in body


def test_an_analyst_reads_roles_not_colleagues_names(client, world, moment):
    body = page(client, world.analyst, story_url(moment))
    assert moment.cycle.title in body
    assert "Elif Yilmaz" not in body
    assert "Tom Nguyen" not in body
    assert "Lead" in body
    assert "shown to the staff of the team's school only" in body


def test_an_unpublished_story_is_not_found_outside_the_team(client, world, moment):
    assert get(client, world.teacher_a2, story_url(moment)).status_code == 404
    publish(moment, world)
    assert get(client, world.teacher_a2, story_url(moment)).status_code == 200
    assert get(client, world.teacher_b, story_url(moment)).status_code == 404


def test_the_story_page_offers_the_pdf_and_hides_navigation_when_printed(client, world, moment):
    body = page(client, world.teacher_a, story_url(moment))
    assert reverse("cycles:story_pdf", args=[moment.pk]) in body
    assert "css/story.css" in body
    css = Path(finders.find("css/story.css")).read_text()
    print_rules = css.split("@media print")[1].split("}")[0]
    assert ".site-header" in print_rules
    assert ".story-actions" in print_rules


# --- publishing ---------------------------------------------------------------------


def publish_url(moment) -> str:
    return reverse("cycles:publish", args=[moment.pk])


def test_an_editor_publishes_and_returns_to_the_story_with_a_message(client, world, moment):
    client.force_login(world.lead_english)
    response = client.post(publish_url(moment), {"action": "publish"}, follow=True)
    assert response.redirect_chain[-1][0] == story_url(moment)
    assert "shared with everyone at Northview Secondary" in response.content.decode()
    moment.refresh_from_db()
    assert moment.published


def test_an_editor_withdraws_and_can_return_to_the_cycle_page(client, world, moment):
    publish(moment, world)
    client.force_login(world.coach_a)
    response = client.post(publish_url(moment), {"action": "withdraw", "next": "cycle"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cycles:detail", args=[moment.cycle_id])
    moment.refresh_from_db()
    assert not moment.published


def test_a_team_member_who_is_not_an_editor_gets_403(client, world, moment):
    client.force_login(world.teacher_a)
    response = client.post(publish_url(moment), {"action": "publish"})
    assert response.status_code == 403
    moment.refresh_from_db()
    assert not moment.published


def test_a_school_colleague_cannot_withdraw_a_published_story(client, world, moment):
    publish(moment, world)
    client.force_login(world.teacher_a2)
    assert client.post(publish_url(moment), {"action": "withdraw"}).status_code == 403
    moment.refresh_from_db()
    assert moment.published


def test_publishing_a_moment_one_cannot_see_is_not_found(client, world, moment):
    client.force_login(world.teacher_b)
    assert client.post(publish_url(moment), {"action": "publish"}).status_code == 404


def test_publishing_needs_a_post(client, world, moment):
    assert get(client, world.lead_english, publish_url(moment)).status_code == 405


def test_only_editors_see_the_share_button(client, world, moment):
    assert "Share with the school" in page(client, world.lead_english, story_url(moment))
    assert "Share with the school" not in page(client, world.teacher_a, story_url(moment))
