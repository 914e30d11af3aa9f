"""Recording a team meeting on a phone, ticking an action with htmx, and axe on the pages."""

from __future__ import annotations

import datetime as dt

import pytest

from efficacy.practice.models import Action, Meeting
from efficacy.practice.services import ActionDraft, meeting_record
from tests.browser.helpers import axe_violations, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def meeting(world, cycle, rubric, baseline):
    return meeting_record(
        user=world.lead_english,
        cycle=cycle,
        date=dt.date(2024, 10, 9),
        attendees=[world.teacher_a, world.lead_english],
        evidence="Baseline rubric scores.",
        measures=[rubric],
        decisions="Model a justified inference every lesson.",
        actions=[
            ActionDraft(
                "Bring three samples", owner=world.teacher_a, due_date=dt.date(2024, 10, 16)
            )
        ],
    )


def test_a_teacher_records_a_meeting_on_a_phone_and_ticks_an_action(page, world, cycle):
    sign_in(page, "teacher_a", world.password)
    page.set_viewport_size(PHONE)
    page.goto(f"{page.base}/cycles/{cycle.pk}/meetings/new/")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Date").fill("2024-10-09")
    page.locator("#id_action-0-text").fill("Share a think-aloud")
    page.locator("#id_action-0-owner").select_option(label="Tom Nguyen")
    page.get_by_role("button", name="Record the meeting").click()
    page.wait_for_load_state()
    recorded = Meeting.objects.get()
    assert recorded.attendees.count() == 3  # the whole team, ticked for you
    checkbox = page.get_by_label("Done?: Share a think-aloud")
    checkbox.click()  # htmx swaps the form: check() would race the swap
    page.get_by_label("Done: Share a think-aloud").wait_for()
    assert Action.objects.get().done


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_the_meeting_pages_have_no_serious_accessibility_problem(page, world, meeting, viewport):
    sign_in(page, "teacher_a", world.password)
    page.set_viewport_size(viewport)
    urls = {
        "home": "/",
        "meetings": f"/cycles/{meeting.cycle_id}/meetings/",
        "record": f"/cycles/{meeting.cycle_id}/meetings/new/",
        "meeting": f"/meetings/{meeting.pk}/",
    }
    found = {}
    for name, url in urls.items():
        page.goto(page.base + url)
        found[name] = axe_violations(page)
        if viewport is PHONE:
            assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], name
    assert found == {name: [] for name in urls}
