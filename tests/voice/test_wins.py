"""Wins: the weekly prompt on the home page, the school's wins feed, the author's
edits and the leader's celebration, with links only for those who may open them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from efficacy.cycles.models import MasteryMoment
from efficacy.cycles.plan.services import cycle_create
from efficacy.voice.models import Win
from efficacy.voice.services.trust import MAX_TEXT, win_share
from tests.voice.trust_fixtures import as_, leader_of_school_b

pytestmark = pytest.mark.django_db

PROMPT = "What's one professional win from the past week?"


def _wins(world):
    return reverse("voice:wins", args=[world.school_a.pk])


def _share(world, author=None, text="Every student wrote a claim with evidence."):
    return win_share(user=author or world.teacher_a, school=world.school_a, text=text)


@pytest.fixture
def english_cycle(world):
    return cycle_create(
        user=world.lead_english, team=world.team_english, title="Inference in grade 9",
        focus={"grades": ["09"], "pathways": ["applied"]}, comparison={},
        start_date=dt.date(2024, 9, 15), end_date=dt.date(2024, 12, 15),
    )  # fmt: skip


# --- the weekly prompt ---------------------------------------------------------


def test_the_home_page_asks_the_weekly_prompt_until_the_person_answers(client, world):
    as_(client, world.teacher_a)
    page = client.get(reverse("home")).content.decode()
    assert PROMPT in page
    response = client.post(_wins(world), {"text": "Ava explained her inference.", "next": "home"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    page = client.get(reverse("home")).content.decode()
    assert PROMPT not in page
    assert "Thank you for this week" in page


def test_not_this_week_puts_the_prompt_off_until_next_week(client, world):
    as_(client, world.teacher_a)
    client.post(reverse("voice:win_prompt_dismiss", args=[world.school_a.pk]))
    assert "win-prompt" not in client.get(reverse("home")).content.decode()
    assert not Win.objects.exists()


def test_a_win_of_last_week_does_not_answer_this_weeks_prompt(client, world):
    win = _share(world)
    Win.objects.filter(pk=win.pk).update(week=win.week - dt.timedelta(days=7))
    as_(client, world.teacher_a)
    assert "win-prompt" in client.get(reverse("home")).content.decode()


def test_a_win_is_stamped_with_the_monday_of_its_week(world):
    win = _share(world)
    assert win.week.weekday() == 0
    assert win.week == Win.week_of(timezone.localdate())


# --- the feed --------------------------------------------------------------------


def test_the_schools_staff_read_the_feed_with_who_and_which_team(client, world):
    as_(client, world.teacher_a)
    client.post(
        _wins(world), {"text": "Pairs argued with evidence.", "team": world.team_english.pk}
    )
    page = as_(client, world.teacher_a2).get(_wins(world)).content.decode()
    assert "Pairs argued with evidence." in page
    assert "Tom Nguyen" in page
    assert world.team_english.name in page


def test_the_feed_is_newest_first(client, world):
    _share(world, text="The older win")
    _share(world, author=world.lead_math, text="The newer win")
    page = as_(client, world.teacher_a).get(_wins(world)).content.decode()
    assert page.index("The newer win") < page.index("The older win")


def test_another_schools_staff_never_see_the_feed(client, world):
    _share(world)
    for person in (world.teacher_b, leader_of_school_b(world), world.analyst, world.teacher_c):
        assert as_(client, person).get(_wins(world)).status_code == 404


def test_a_win_can_only_be_shared_for_ones_own_team(client, world):
    as_(client, world.teacher_a)
    response = client.post(_wins(world), {"text": "x win", "team": world.team_math.pk})
    assert response.status_code == 400
    assert not Win.objects.exists()


def test_a_win_is_shown_escaped(client, world):
    _share(world, text='2 < 3 & "quotes"')
    page = as_(client, world.teacher_a2).get(_wins(world)).content.decode()
    assert "2 &lt; 3 &amp; &quot;quotes&quot;" in page


def test_scripted_text_is_refused_and_kept(client, world):
    as_(client, world.teacher_a)
    response = client.post(_wins(world), {"text": "<script>alert(1)</script> great lesson"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "HTML tags" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; great lesson" in page
    assert not Win.objects.exists()


def test_an_oversized_win_is_refused_with_its_length(client, world):
    as_(client, world.teacher_a)
    response = client.post(_wins(world), {"text": "a" * (MAX_TEXT + 1)})
    assert response.status_code == 400
    assert f"to {MAX_TEXT} characters or fewer" in response.content.decode()


def test_control_characters_are_refused(client, world):
    as_(client, world.teacher_a)
    response = client.post(_wins(world), {"text": "a bell\x07 rang"})
    assert response.status_code == 400
    assert "control characters" in response.content.decode()


# --- the author's edits ----------------------------------------------------------


def test_the_author_edits_and_deletes_their_win(client, world):
    win = _share(world)
    as_(client, world.teacher_a)
    client.post(reverse("voice:win_edit", args=[win.pk]), {"text": "Corrected win"})
    assert Win.objects.get().text == "Corrected win"
    client.post(reverse("voice:win_delete", args=[win.pk]))
    assert not Win.objects.exists()


def test_no_one_else_edits_or_deletes_a_win(client, world):
    win = _share(world)
    for person in (world.teacher_a2, world.leader_a):
        as_(client, person)
        assert (
            client.post(reverse("voice:win_edit", args=[win.pk]), {"text": "x"}).status_code == 403
        )
        assert client.post(reverse("voice:win_delete", args=[win.pk])).status_code == 403
    assert Win.objects.get().text == win.text


# --- celebrations ------------------------------------------------------------------


def test_the_leader_celebrates_a_win_and_the_feed_marks_it(client, world):
    win = _share(world)
    as_(client, world.leader_a)
    response = client.post(reverse("voice:win_celebrate", args=[win.pk]),
                           {"celebration": "This is what we hoped for."})  # fmt: skip
    assert response.status_code == 302
    win.refresh_from_db()
    assert win.is_celebrated
    assert win.celebrated_by == world.leader_a
    page = as_(client, world.teacher_a2).get(_wins(world)).content.decode()
    assert "Celebrated by Lena Okafor:" in page
    assert "This is what we hoped for." in page


def test_only_the_school_leader_celebrates(client, world):
    win = _share(world)
    as_(client, world.coach_a)
    response = client.post(reverse("voice:win_celebrate", args=[win.pk]), {"celebration": "Yes"})
    assert response.status_code == 403
    as_(client, leader_of_school_b(world))
    response = client.post(reverse("voice:win_celebrate", args=[win.pk]), {"celebration": "Yes"})
    assert response.status_code == 404


def test_a_published_mastery_moment_behind_a_win_is_linked_for_every_reader(
    client, world, english_cycle
):
    moment = MasteryMoment.objects.create(cycle=english_cycle, rule="prepost_gain", published=True)
    win = _share(world)
    as_(client, world.leader_a)
    client.post(reverse("voice:win_celebrate", args=[win.pk]),
                {"celebration": "Well done", "mastery_moment": moment.pk})  # fmt: skip
    page = as_(client, world.teacher_a2).get(_wins(world)).content.decode()
    assert reverse("cycles:story", args=[moment.pk]) in page


def test_a_cycle_behind_a_win_is_linked_only_for_those_who_may_open_it(
    client, world, english_cycle
):
    win = _share(world)
    as_(client, world.leader_a)
    client.post(reverse("voice:win_celebrate", args=[win.pk]),
                {"celebration": "Well done", "cycle": english_cycle.pk})  # fmt: skip
    link = reverse("cycles:detail", args=[english_cycle.pk])
    assert link in as_(client, world.teacher_a).get(_wins(world)).content.decode()
    # teacher_a2 is in the maths team: the English team's cycle is not theirs to open.
    page = as_(client, world.teacher_a2).get(_wins(world)).content.decode()
    assert link not in page
    assert "Well done" in page


def test_an_unpublished_moment_is_not_linked_for_other_teams(client, world, english_cycle):
    moment = MasteryMoment.objects.create(cycle=english_cycle, rule="prepost_gain")
    win = _share(world)
    as_(client, world.leader_a)
    client.post(reverse("voice:win_celebrate", args=[win.pk]),
                {"celebration": "Well done", "mastery_moment": moment.pk})  # fmt: skip
    link = reverse("cycles:story", args=[moment.pk])
    assert link in as_(client, world.teacher_a).get(_wins(world)).content.decode()
    assert link not in as_(client, world.teacher_a2).get(_wins(world)).content.decode()


def test_a_moment_of_another_school_cannot_be_linked(client, world):
    cycle_b = cycle_create(
        user=world.teacher_b, team=world.team_b, title="B cycle", focus={}, comparison={},
        start_date=dt.date(2024, 9, 15), end_date=dt.date(2024, 12, 15),
    )  # fmt: skip
    moment = MasteryMoment.objects.create(cycle=cycle_b, rule="prepost_gain", published=True)
    win = _share(world)
    as_(client, world.leader_a)
    response = client.post(reverse("voice:win_celebrate", args=[win.pk]),
                           {"celebration": "Well done", "mastery_moment": moment.pk})  # fmt: skip
    assert response.status_code == 400
    win.refresh_from_db()
    assert not win.is_celebrated


@pytest.mark.parametrize(
    "text", ["<b>bold</b> move", "<img src=x onerror=alert(1)>", "<script", "<!-- hidden -->"]
)
def test_every_kind_of_markup_is_refused(world, text):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="HTML tags"):
        _share(world, text=text)


def test_comparisons_are_plain_text(world):
    assert _share(world, text="Scores: 2 < 3, and a < b > c held.").pk


def test_the_voice_page_offers_the_trust_tools_by_role(client, world):
    assert ">Voice</a>" in as_(client, world.teacher_a).get(reverse("home")).content.decode()
    teacher = as_(client, world.teacher_a).get(reverse("voice:home")).content.decode()
    for label in ("Wins", "Office hours", "Commitments", "Suggestion box", "Exit tickets"):
        assert f">{label}</a>" in teacher
    assert ">Check-ins</a>" not in teacher
    leader = as_(client, world.leader_a).get(reverse("voice:home")).content.decode()
    assert ">Check-ins</a>" in leader
    analyst = as_(client, world.analyst).get(reverse("voice:home")).content.decode()
    assert ">Wins</a>" not in analyst
    assert ">Survey results</a>" in analyst
