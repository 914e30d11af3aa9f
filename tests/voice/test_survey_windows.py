"""Opening a survey window (who is asked, what is refused), closing it early, and who
sees which window."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from efficacy.access.surveys import (
    access_window,
    can_answer,
    can_manage_window,
    can_open_window,
    can_see_running_counts,
    survey_windows_for,
)
from efficacy.roster.models import District, Role, Status
from efficacy.voice.models import SurveyInvitation, SurveyWindow
from efficacy.voice.services.surveys import (
    survey_answer,
    survey_window_close,
    survey_window_open,
)
from tests.voice import survey_fixtures
from tests.voice.survey_fixtures import ALL_FOURS, make_instrument, window_of

instrument = survey_fixtures.instrument
survey = survey_fixtures.survey

pytestmark = pytest.mark.django_db

ASKED = {"coach_a", "lead_english", "teacher_a", "lead_math", "teacher_a2"}


def _invited(window) -> set[str]:
    return set(window.invitations.values_list("user__username", flat=True))


# --- who is asked -----------------------------------------------------------------


def test_a_school_window_invites_the_schools_active_teaching_staff_at_once(world, survey):
    assert _invited(survey) == ASKED
    assert not survey.invitations.filter(answered=True).exists()


def test_the_school_leader_administrators_and_retired_staff_are_not_asked(world, survey):
    invited = _invited(survey)
    assert "leader_a" not in invited
    assert "admin_a" not in invited
    assert "retired_user" not in invited


def test_a_team_window_invites_the_teams_active_members(world, instrument, settings):
    settings.EFFICACY_MIN_STAFF_N = 3
    window = window_of(world, instrument, team=world.team_english)
    assert _invited(window) == {"lead_english", "teacher_a", "coach_a"}


def test_a_team_smaller_than_the_anonymity_threshold_is_refused_with_the_reason(world, instrument):
    with pytest.raises(ValidationError) as refused:
        window_of(world, instrument, team=world.team_english)
    assert "fewer than 5 staff" in " ".join(refused.value.messages)
    assert not SurveyWindow.objects.exists()


def test_a_school_with_too_few_teaching_staff_is_refused(world, instrument):
    world.teacher_a2.is_active = False
    world.teacher_a2.save()
    with pytest.raises(ValidationError) as refused:
        window_of(world, instrument)
    assert "could never be shown" in " ".join(refused.value.messages)


# --- what is refused ----------------------------------------------------------------


def test_a_window_that_closes_before_it_opens_is_refused(world, instrument, today):
    with pytest.raises(ValidationError) as refused:
        window_of(world, instrument, closes_on=today - dt.timedelta(days=5))
    assert "closes_on" in refused.value.message_dict


def test_an_overlapping_window_for_the_same_staff_and_instrument_is_refused(world, survey):
    with pytest.raises(ValidationError) as refused:
        window_of(world, survey.instrument, days_ago=0, title="Again")
    assert "already open" in " ".join(refused.value.messages)


def test_another_version_of_the_same_instrument_counts_as_the_same(world, survey):
    newer = make_instrument("surveys-test", version="2.0")
    with pytest.raises(ValidationError) as refused:
        window_of(world, newer, days_ago=0, title="Again")
    assert "already open" in " ".join(refused.value.messages)


def test_a_later_window_or_another_instrument_may_be_opened(world, survey):
    window_of(world, survey.instrument, days_ago=-30, title="Winter")
    window_of(world, make_instrument("pulse"), title="Pulse")
    assert SurveyWindow.objects.count() == 3


def test_a_window_closed_early_no_longer_blocks_the_following_days(world, survey):
    survey_window_close(user=world.leader_a, window=survey)
    window_of(world, survey.instrument, days_ago=0, title="Again, properly")
    assert SurveyWindow.objects.count() == 2


def test_another_districts_instrument_is_not_available(world):
    theirs = make_instrument("theirs", district=world.other_district)
    with pytest.raises(ValidationError) as refused:
        window_of(world, theirs)
    assert "instrument" in refused.value.message_dict


def test_the_schools_own_districts_instrument_is_available(world):
    ours = make_instrument("ours", district=world.district)
    assert window_of(world, ours).instrument == ours


def test_only_the_schools_leader_opens_a_window(world, instrument, today):
    for person in (world.teacher_a, world.lead_english, world.admin_a, world.analyst):
        with pytest.raises(PermissionDenied):
            survey_window_open(user=person, school=world.school_a, instrument=instrument,
                               title="x", opens_on=today, closes_on=today)  # fmt: skip
    assert not can_open_window(world.leader_a, world.school_b)
    assert not can_open_window(world.leader_a, world.school_a, world.team_b)


# --- closing early ------------------------------------------------------------------


def test_closing_early_ends_the_window_today(world, survey, today):
    survey_window_close(user=world.leader_a, window=survey)
    survey.refresh_from_db()
    assert survey.closed_early_on == today
    assert not survey.is_open(today)
    assert survey.is_closed(today)


def test_a_closed_window_cannot_be_closed_again(world, survey):
    survey_window_close(user=world.leader_a, window=survey)
    with pytest.raises(ValidationError):
        survey_window_close(user=world.leader_a, window=survey)


def test_only_the_leader_closes_a_window(world, survey):
    with pytest.raises(PermissionDenied):
        survey_window_close(user=world.teacher_a, window=survey)


# --- the window's days (model methods) ---------------------------------------------------


def test_a_window_is_open_from_its_first_to_its_last_day():
    window = SurveyWindow(opens_on=dt.date(2025, 3, 3), closes_on=dt.date(2025, 3, 14))
    assert not window.is_open(dt.date(2025, 3, 2))
    assert not window.has_opened(dt.date(2025, 3, 2))
    assert window.is_open(dt.date(2025, 3, 3))
    assert window.is_open(dt.date(2025, 3, 14))
    assert not window.is_closed(dt.date(2025, 3, 14))
    assert window.is_closed(dt.date(2025, 3, 15))
    window.closed_early_on = dt.date(2025, 3, 10)
    assert window.last_day == dt.date(2025, 3, 9)
    assert not window.is_open(dt.date(2025, 3, 10))
    assert window.overlaps(dt.date(2025, 3, 9), dt.date(2025, 3, 20))
    assert not window.overlaps(dt.date(2025, 3, 10), dt.date(2025, 3, 20))


# --- who sees which window --------------------------------------------------------------


def test_the_leader_sees_the_schools_windows_and_staff_see_those_they_are_asked(world, survey):
    assert list(survey_windows_for(world.leader_a)) == [survey]
    assert list(survey_windows_for(world.teacher_a)) == [survey]
    assert list(survey_windows_for(world.analyst)) == [survey]
    for person in (world.admin_a, world.teacher_b, world.teacher_c, world.retired_user,
                   world.district_admin):  # fmt: skip
        assert not survey_windows_for(person).exists()
        with pytest.raises(Http404):
            access_window(person, survey.pk)


def test_a_team_window_is_seen_by_its_members_not_by_the_rest_of_the_staff(
    world, instrument, settings
):
    settings.EFFICACY_MIN_STAFF_N = 3
    window = window_of(world, instrument, team=world.team_english)
    assert survey_windows_for(world.teacher_a).filter(pk=window.pk).exists()
    assert not survey_windows_for(world.teacher_a2).filter(pk=window.pk).exists()


def test_an_analyst_of_another_district_sees_nothing(world, survey):
    other = District.objects.get(pk=world.other_district.pk)
    world.analyst.district = other
    world.analyst.save()
    assert not survey_windows_for(world.analyst).exists()


def test_only_the_invited_answer_and_only_the_leader_manages(world, survey):
    assert can_answer(world.teacher_a, survey)
    assert not can_answer(world.leader_a, survey)
    assert not can_answer(world.analyst, survey)
    assert can_manage_window(world.leader_a, survey)
    assert not can_manage_window(world.teacher_a, survey)
    assert not can_manage_window(world.analyst, survey)


def test_an_invited_person_whose_account_was_deactivated_can_no_longer_answer(world, survey):
    world.teacher_a.is_active = False
    world.teacher_a.save()
    assert not can_answer(world.teacher_a, survey)


def test_nobody_sees_running_counts_while_a_window_is_open(world, survey, today):
    assert not can_see_running_counts(world.leader_a, survey, today)
    assert not can_see_running_counts(world.analyst, survey, today)
    survey_window_close(user=world.leader_a, window=survey)
    survey.refresh_from_db()
    assert can_see_running_counts(world.leader_a, survey, today)
    assert not can_see_running_counts(world.teacher_b, survey, today)


# --- the pages --------------------------------------------------------------------------


def test_the_leader_opens_a_window_from_the_page(client, world, instrument, today):
    client.force_login(world.leader_a)
    response = client.post(
        reverse("voice:survey_window_new", args=[world.school_a.pk]),
        {"title": "Spring survey", "instrument": instrument.pk, "team": "",
         "opens_on": today.isoformat(), "closes_on": (today + dt.timedelta(days=7)).isoformat()},
    )  # fmt: skip
    window = SurveyWindow.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("voice:survey_window", args=[window.pk])
    assert SurveyInvitation.objects.filter(window=window).count() == 5


def test_a_refused_window_keeps_what_the_leader_typed(client, world, instrument, today):
    client.force_login(world.leader_a)
    response = client.post(
        reverse("voice:survey_window_new", args=[world.school_a.pk]),
        {"title": "Grade 9 pulse", "instrument": instrument.pk, "team": world.team_english.pk,
         "opens_on": today.isoformat(), "closes_on": today.isoformat()},
    )  # fmt: skip
    assert response.status_code == 400
    assert b"fewer than 5 staff" in response.content
    assert b'value="Grade 9 pulse"' in response.content
    assert not SurveyWindow.objects.exists()


def test_dates_that_are_not_dates_get_a_message_not_an_error(client, world, instrument):
    client.force_login(world.leader_a)
    response = client.post(
        reverse("voice:survey_window_new", args=[world.school_a.pk]),
        {"title": "x", "instrument": instrument.pk, "opens_on": "someday", "closes_on": "31/02"},
    )
    assert response.status_code == 400
    assert b"Enter a valid date" in response.content


def _without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]*"', "", html)


def test_the_leaders_pages_are_the_same_before_and_after_an_answer(client, world, survey):
    client.force_login(world.leader_a)
    urls = [reverse("voice:survey_window", args=[survey.pk]), reverse("voice:surveys")]
    before = [_without_tokens(client.get(url).content.decode()) for url in urls]
    survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS)
    after = [_without_tokens(client.get(url).content.decode()) for url in urls]
    assert before == after
    assert "5 people" in before[0]  # asked: known when the window opened, not a running count


def test_the_surveys_page_lists_a_teachers_windows_with_their_own_state(client, world, survey):
    client.force_login(world.teacher_a)
    page = client.get(reverse("voice:surveys")).content.decode()
    assert survey.title in page
    assert reverse("voice:survey_answer", args=[survey.pk]) in page


def test_a_windows_state_on_the_surveys_page_ends_its_sentence_without_a_stray_space(
    client, world, survey
):
    """The state is included mid-sentence: "open until Dec. 11, 2026. Answer it", never "… 2026 ."."""
    client.force_login(world.teacher_a)
    page = client.get(reverse("voice:surveys")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "open until" in text
    assert " ." not in text


def test_the_surveys_page_offers_the_leader_to_open_a_window(client, world):
    client.force_login(world.leader_a)
    page = client.get(reverse("voice:surveys")).content.decode()
    assert reverse("voice:survey_window_new", args=[world.school_a.pk]) in page


def test_a_team_lead_is_not_offered_to_open_a_window(client, world):
    assert world.lead_english.role == Role.TEAM_LEAD
    client.force_login(world.lead_english)
    page = client.get(reverse("voice:surveys")).content.decode()
    assert "surveys/new" not in page


def test_the_leader_closes_a_window_from_its_page(client, world, survey, today):
    client.force_login(world.leader_a)
    response = client.post(reverse("voice:survey_close", args=[survey.pk]), follow=True)
    assert b"no more answers" in response.content
    survey.refresh_from_db()
    assert survey.closed_early_on == today


def test_the_new_window_page_says_the_threshold(client, world, settings):
    settings.EFFICACY_MIN_STAFF_N = 7
    client.force_login(world.leader_a)
    page = client.get(reverse("voice:survey_window_new", args=[world.school_a.pk]))
    assert "fewer than 7 people, so a window must ask at least 7" in page.content.decode()


def test_a_title_too_long_or_blank_is_refused_with_a_message(world, instrument):
    for title in ("   ", "x" * 201):
        with pytest.raises(ValidationError) as refused:
            window_of(world, instrument, title=title)
        assert "title" in refused.value.message_dict


@pytest.mark.parametrize(
    ("title", "message"),
    [("Autumn\u202e yevrus", "invisible control characters"),
     ("Autumn\x07 survey", "invisible control characters"),
     ("<b>Autumn</b> survey", "HTML tags such as &lt;b&gt;")],
)  # fmt: skip
def test_a_title_follows_the_free_text_rule_of_every_other_form(client, world, instrument, today, title,
                                                                message):  # fmt: skip
    """The title goes to every invited person's page and reminder e-mail, like a win."""
    client.force_login(world.leader_a)
    response = client.post(
        reverse("voice:survey_window_new", args=[world.school_a.pk]),
        {"title": title, "instrument": instrument.pk, "team": "",
         "opens_on": today.isoformat(), "closes_on": (today + dt.timedelta(days=7)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SurveyWindow.objects.exists()


def test_the_voice_page_lists_an_open_survey_to_answer_but_none_of_a_school_that_left(
    client, world, survey
):
    client.force_login(world.teacher_a)
    answer = reverse("voice:survey_answer", args=[survey.pk])
    assert answer in client.get(reverse("voice:home")).content.decode()
    world.school_a.status = Status.RETIRED
    world.school_a.save()
    assert answer not in client.get(reverse("voice:home")).content.decode()


def test_someone_who_moved_school_no_longer_answers_the_old_schools_window(client, world, survey):
    world.teacher_a.school = world.school_b
    world.teacher_a.save()
    client.force_login(world.teacher_a)
    response = client.get(reverse("voice:survey_answer", args=[survey.pk]))
    assert response.status_code in (403, 404)
    assert not SurveyInvitation.objects.get(window=survey, user=world.teacher_a).answered
