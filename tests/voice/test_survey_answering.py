"""Answering a survey: one page, every item a fieldset, once per person, nothing lost
when something is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from efficacy.roster.models import TeamMembership
from efficacy.voice.models import SurveyInvitation, SurveyResponse, SurveyWindow
from efficacy.voice.services.surveys import survey_answer, survey_window_close
from tests.voice import survey_fixtures
from tests.voice.survey_fixtures import ALL_FOURS, window_of

instrument = survey_fixtures.instrument
survey = survey_fixtures.survey

pytestmark = pytest.mark.django_db


def _posted(answers: dict, **extra) -> dict:
    return {**{f"item_{key}": value for key, value in answers.items()}, **extra}


# --- the service --------------------------------------------------------------------


def test_an_answer_is_stored_and_the_ledger_says_answered(world, survey):
    survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS)
    stored = SurveyResponse.objects.get()
    assert stored.answers == ALL_FOURS
    assert stored.window == survey
    assert SurveyInvitation.objects.get(window=survey, user=world.teacher_a).answered


def test_a_second_submission_is_refused_and_stores_nothing(world, survey):
    survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS)
    with pytest.raises(ValidationError) as refused:
        survey_answer(user=world.teacher_a, window=survey, answers={"gc1": 1})
    assert refused.value.messages == ["You have already answered this survey."]
    assert SurveyResponse.objects.count() == 1
    assert SurveyResponse.objects.get().answers == ALL_FOURS


@pytest.mark.parametrize("value", [0, 7, -1, "4.5", 4.5, 4.0, "four", None, True, "", [4], "٣"])
def test_an_answer_outside_the_scale_is_refused_by_item(world, survey, value):
    with pytest.raises(ValidationError) as refused:
        survey_answer(user=world.teacher_a, window=survey, answers={**ALL_FOURS, "gc2": value})
    assert set(refused.value.message_dict) == {"gc2"}
    assert not SurveyResponse.objects.exists()
    assert not SurveyInvitation.objects.filter(answered=True).exists()


def test_an_answer_to_an_unknown_item_is_refused(world, survey):
    with pytest.raises(ValidationError) as refused:
        survey_answer(user=world.teacher_a, window=survey, answers={**ALL_FOURS, "zz9": 3})
    assert "no item zz9" in " ".join(refused.value.messages)
    assert not SurveyResponse.objects.exists()


def test_an_item_left_out_is_absent_from_the_stored_answers(world, survey):
    survey_answer(user=world.teacher_a, window=survey, answers={"gc1": 6, "ta1": 1})
    assert SurveyResponse.objects.get().answers == {"gc1": 6, "ta1": 1}


def test_a_closed_window_takes_no_answers(world, survey):
    survey_window_close(user=world.leader_a, window=survey)
    survey.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS)
    assert "closed" in " ".join(refused.value.messages)
    assert not SurveyResponse.objects.exists()


def test_a_window_that_has_not_opened_takes_no_answers(world, instrument):
    later = window_of(world, instrument, days_ago=-3)
    with pytest.raises(ValidationError) as refused:
        survey_answer(user=world.teacher_a, window=later, answers=ALL_FOURS)
    assert "opens on" in " ".join(refused.value.messages)


def test_the_day_after_the_last_day_takes_no_answers(world, survey):
    with pytest.raises(ValidationError):
        survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS,
                      today=survey.closes_on + dt.timedelta(days=1))  # fmt: skip
    survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS, today=survey.closes_on)


def test_someone_not_invited_cannot_answer(world, survey):
    for person in (world.leader_a, world.teacher_b, world.admin_a, world.retired_user):
        with pytest.raises(PermissionDenied):
            survey_answer(user=person, window=survey, answers=ALL_FOURS)
    assert not SurveyResponse.objects.exists()


# --- the team an answer counts for --------------------------------------------------


def test_a_member_of_one_team_answers_as_a_member_of_it(world, survey):
    survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS)
    assert SurveyResponse.objects.get().team == world.team_english


def test_a_member_of_no_team_answers_for_the_school_only(world, survey):
    TeamMembership.objects.filter(user=world.teacher_a).delete()
    survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS)
    assert SurveyResponse.objects.get().team is None


def test_a_member_of_several_teams_chooses_one_of_them(world, survey):
    TeamMembership.objects.create(team=world.team_math, user=world.teacher_a)
    with pytest.raises(ValidationError) as refused:
        survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS)
    assert "team" in refused.value.message_dict
    with pytest.raises(ValidationError):
        survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS, team=world.team_b)
    survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS, team=world.team_math)
    assert SurveyResponse.objects.get().team == world.team_math


def test_a_team_windows_answers_are_its_teams(world, instrument, settings):
    settings.EFFICACY_MIN_STAFF_N = 3
    TeamMembership.objects.create(team=world.team_math, user=world.teacher_a)
    window = window_of(world, instrument, team=world.team_english)
    survey_answer(user=world.teacher_a, window=window, answers=ALL_FOURS, team=world.team_math)
    assert SurveyResponse.objects.get().team == world.team_english


# --- the page -----------------------------------------------------------------------


def test_each_item_is_a_fieldset_whose_legend_is_the_question(client, world, survey):
    client.force_login(world.teacher_a)
    page = client.get(reverse("voice:survey_answer", args=[survey.pk])).content.decode()
    assert page.count('<fieldset class="survey-item') == 4
    assert "<legend>How confident are you that your colleagues can reach every student?" in page
    assert page.count('type="radio"') == 4 * 7  # six options and "Prefer not to answer"
    assert "Completely confident" in page
    assert "Prefer not to answer" in page


def test_the_page_is_in_the_readers_language(client, world, survey):
    client.force_login(world.teacher_a)
    client.cookies["django_language"] = "fr"
    page = client.get(
        reverse("voice:survey_answer", args=[survey.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Entièrement confiant" in page
    assert "vos collègues peuvent rejoindre chaque élève" in page


def test_answering_through_the_page_leads_to_the_thank_you_page(client, world, survey):
    client.force_login(world.teacher_a)
    url = reverse("voice:survey_answer", args=[survey.pk])
    response = client.post(url, _posted({"gc1": "5", "gc2": "skip", "ta1": "2", "ta2": "6"}))
    assert response.status_code == 302
    assert response["Location"] == reverse("voice:survey_thanks", args=[survey.pk])
    assert SurveyResponse.objects.get().answers == {"gc1": 5, "ta1": 2, "ta2": 6}
    thanks = client.get(response["Location"]).content.decode()
    assert "What happens next" in thanks
    assert "at least 5 people" in thanks


def test_an_item_without_a_choice_is_marked_and_the_other_choices_are_kept(client, world, survey):
    client.force_login(world.teacher_a)
    url = reverse("voice:survey_answer", args=[survey.pk])
    response = client.post(url, _posted({"gc1": "5", "ta1": "2", "ta2": "6"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose an answer, or “Prefer not to answer”." in page
    assert 'value="5" id="id_item_gc1_4" required checked' in page
    assert 'value="6" id="id_item_ta2_5" required checked' in page
    assert not SurveyResponse.objects.exists()
    assert not SurveyInvitation.objects.filter(answered=True).exists()


def test_a_forged_value_outside_the_scale_gets_a_message_not_an_error(client, world, survey):
    client.force_login(world.teacher_a)
    url = reverse("voice:survey_answer", args=[survey.pk])
    response = client.post(url, _posted({**ALL_FOURS, "gc1": "99"}))
    assert response.status_code == 400
    assert "Choose one of the answers offered." in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_second_submission_through_the_page_is_refused_clearly(client, world, survey):
    client.force_login(world.teacher_a)
    url = reverse("voice:survey_answer", args=[survey.pk])
    client.post(url, _posted(ALL_FOURS))
    again = client.post(url, _posted({**ALL_FOURS, "gc1": "1"}))
    assert again.status_code == 200
    assert "You have already answered this survey." in again.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_a_submission_racing_another_in_a_second_tab_is_refused_with_the_choices_kept(
    client, world, survey
):
    client.force_login(world.teacher_a)
    url = reverse("voice:survey_answer", args=[survey.pk])
    page = client.get(url)
    assert page.status_code == 200
    # The other tab's submission lands between this page's GET and its POST.
    survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS)
    response = client.post(url, _posted({**ALL_FOURS, "gc1": "2"}))
    assert "already answered" in response.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_a_member_of_several_teams_chooses_on_the_page(client, world, survey):
    TeamMembership.objects.create(team=world.team_math, user=world.teacher_a)
    client.force_login(world.teacher_a)
    url = reverse("voice:survey_answer", args=[survey.pk])
    page = client.get(url).content.decode()
    assert "You answer as a member of" in page
    missing = client.post(url, _posted(ALL_FOURS))
    assert missing.status_code == 400
    assert "Choose the team you answer as a member of." in missing.content.decode()
    client.post(url, _posted(ALL_FOURS, team=world.team_math.pk))
    assert SurveyResponse.objects.get().team == world.team_math


def test_a_closed_window_page_says_so_without_a_form(client, world, survey):
    survey_window_close(user=world.leader_a, window=survey)
    client.force_login(world.teacher_a)
    url = reverse("voice:survey_answer", args=[survey.pk])
    page = client.get(url).content.decode()
    assert "This survey has closed" in page
    assert '<form method="post" class="survey-form"' not in page
    client.post(url, _posted(ALL_FOURS))
    assert not SurveyResponse.objects.exists()


def test_scripted_text_in_a_title_is_shown_escaped(client, world, instrument):
    window = window_of(world, instrument)
    # Refused by the service (free text), so written as a row from before that rule would be.
    SurveyWindow.objects.filter(pk=window.pk).update(title="<script>alert(1)</script>")
    client.force_login(world.teacher_a)
    page = client.get(reverse("voice:survey_answer", args=[window.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_leader_may_not_answer(client, world, survey):
    client.force_login(world.leader_a)
    assert client.get(reverse("voice:survey_answer", args=[survey.pk])).status_code == 403
