"""A teacher answers a staff survey on a phone; axe on the survey pages."""

from __future__ import annotations

import pytest

from efficacy.voice.models import SurveyInvitation, SurveyResponse
from tests.browser.helpers import axe_violations, sign_in
from tests.voice import survey_fixtures

instrument = survey_fixtures.instrument
survey = survey_fixtures.survey

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


def _fits(page, viewport) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]


def test_a_teacher_answers_a_survey_on_a_phone_and_sees_what_happens_next(page, world, survey):
    page.set_viewport_size(PHONE)
    sign_in(page, "teacher_a", world.password)
    page.goto(f"{page.base}/surveys/")
    page.get_by_role("link", name="Answer it").click()
    page.wait_for_load_state()
    assert _fits(page, PHONE)
    questions = page.get_by_role("group")
    assert questions.count() == 4
    choices = ["Fairly confident", "Very confident", "Prefer not to answer", "Slightly confident"]
    for i, choice in enumerate(choices):
        # The whole label is the tap target.
        questions.nth(i).get_by_text(choice, exact=True).click()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Thank you").is_visible()
    assert page.get_by_role("heading", name="What happens next").is_visible()
    assert _fits(page, PHONE)
    assert SurveyResponse.objects.get().answers == {"gc1": 4, "gc2": 5, "ta2": 2}
    assert SurveyInvitation.objects.get(user=world.teacher_a).answered


def test_a_forgotten_question_is_marked_and_the_other_choices_stay(page, world, survey):
    page.set_viewport_size(PHONE)
    sign_in(page, "teacher_a", world.password)
    page.goto(f"{page.base}/surveys/{survey.pk}/answer/")
    questions = page.get_by_role("group")
    questions.nth(0).get_by_text("Very confident", exact=True).click()
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_role("group").nth(0).get_by_label("Very confident").is_checked()
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_the_survey_pages_have_no_serious_accessibility_problem(page, world, survey, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, "teacher_a", world.password)
    for path in ("/surveys/", f"/surveys/{survey.pk}/", f"/surveys/{survey.pk}/answer/"):
        page.goto(f"{page.base}{path}")
        assert axe_violations(page) == [], path
        assert _fits(page, viewport), path
    page.get_by_role("button", name="Send my answers").click()  # nothing chosen: the errors
    page.wait_for_load_state()
    assert axe_violations(page) == []
    page.goto(f"{page.base}/surveys/{survey.pk}/thanks/")
    assert axe_violations(page) == []
    page.context.clear_cookies()
    sign_in(page, "leader_a", world.password)
    for path in (f"/surveys/{survey.pk}/", f"/schools/{world.school_a.pk}/surveys/new/"):
        page.goto(f"{page.base}{path}")
        assert axe_violations(page) == [], path
        assert _fits(page, viewport), path


def test_once_reminders_went_today_the_button_looks_unavailable_not_like_the_others(
    page, world, survey
):
    """A disabled button drawn in the accent colour looks like one that does nothing."""
    sign_in(page, "leader_a", world.password)
    page.goto(f"{page.base}/surveys/{survey.pk}/")
    remind = page.get_by_role("button", name="Remind those who have not answered")
    close = page.get_by_role("button", name="Close the window now")
    enabled = remind.evaluate("b => getComputedStyle(b).backgroundColor")
    remind.click()
    page.wait_for_load_state()
    assert remind.is_disabled()
    assert page.get_by_text("Reminders went today").is_visible()
    style = "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).cursor]"
    background, cursor = remind.evaluate(style)
    assert background != enabled
    assert background != close.evaluate("b => getComputedStyle(b).backgroundColor")
    assert cursor == "not-allowed"
    assert axe_violations(page) == []
