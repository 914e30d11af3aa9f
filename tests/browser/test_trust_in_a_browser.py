"""The trust tools in a browser: a teacher shares a win and a suggestion, the leader
celebrates the win and replies, the teacher reads "you said, we did"; axe on the
pages, and the home page's win prompt on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from efficacy.voice.models import OfficeHour, Reply, Suggestion, SuggestionBox, Win
from tests.browser.helpers import axe_violations, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


def _fits(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


@pytest.fixture
def box(world):
    return SuggestionBox.objects.create(school=world.school_a, title="Our Fridays",
                                        prompt="What would make Fridays better?",
                                        opened_by=world.leader_a,
                                        opened_on=timezone.localdate())  # fmt: skip


def test_a_win_and_a_suggestion_go_round_the_school(browser, page, world, box):
    page.set_viewport_size(PHONE)
    sign_in(page, "teacher_a", world.password)
    # The home page asks the weekly prompt, and fits a phone.
    page.goto(page.base + "/")
    assert page.get_by_role("heading", name="What's one professional win from the past week?")
    assert _fits(page)
    page.get_by_label("Your win").fill("Every student in 9 applied wrote a claim.")
    page.get_by_role("button", name="Share with the school").click()
    page.wait_for_load_state()
    assert Win.objects.get().text == "Every student in 9 applied wrote a claim."
    # A suggestion, anonymously.
    page.goto(f"{page.base}/suggestion-boxes/{box.pk}/")
    page.get_by_label("Your suggestion").fill("Our Friday meeting runs two hours; I lose focus.")
    page.get_by_role("button", name="Post anonymously").click()
    page.wait_for_load_state()
    assert Suggestion.objects.count() == 1

    browser.clear_cookies()
    page.set_viewport_size(LAPTOP)
    sign_in(page, "leader_a", world.password)
    page.goto(f"{page.base}/schools/{world.school_a.pk}/wins/")
    page.get_by_role("link", name="Celebrate this win").click()
    page.get_by_label("What you celebrate").fill("Claims with evidence, from everyone!")
    page.get_by_role("button", name="Celebrate").click()
    page.wait_for_load_state()
    assert Win.objects.get().is_celebrated
    page.goto(f"{page.base}/suggestion-boxes/{box.pk}/")
    page.get_by_role("link", name="Reply: you said, we did").click()
    page.get_by_label("You said").fill("Friday meetings are too long.")
    page.get_by_label("We did").fill("They now end after 45 minutes.")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    assert Reply.objects.count() == 1

    browser.clear_cookies()
    page.set_viewport_size(PHONE)
    sign_in(page, "teacher_a", world.password)
    page.goto(f"{page.base}/schools/{world.school_a.pk}/you-said-we-did/")
    assert page.get_by_text("They now end after 45 minutes.").is_visible()
    assert page.get_by_text("I lose focus").count() == 0
    page.goto(f"{page.base}/schools/{world.school_a.pk}/wins/")
    assert page.get_by_text("Claims with evidence, from everyone!").is_visible()
    assert _fits(page)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_the_trust_pages_have_no_serious_accessibility_problem(page, world, box, viewport):
    school = world.school_a.pk
    win = Win.objects.create(school=world.school_a, author=world.teacher_a, text="A good week",
                             week=Win.week_of(timezone.localdate()),
                             celebration="Well done", celebrated_by=world.leader_a,
                             celebrated_at=timezone.now())  # fmt: skip
    start = timezone.now() + dt.timedelta(days=2)
    OfficeHour.objects.create(school=world.school_a, leader=world.leader_a, starts_at=start,
                              ends_at=start + dt.timedelta(minutes=30), place="Room 4")  # fmt: skip
    suggestion = Suggestion.objects.create(box=box, text="More time to plan together",
                                           received_on=timezone.localdate())  # fmt: skip
    pages = {
        "teacher_a": {
            "home": "/",
            "voice": "/voice/",
            "wins": f"/schools/{school}/wins/",
            "win_edit": f"/wins/{win.pk}/edit/",
            "office_hours": f"/schools/{school}/office-hours/",
            "commitments": "/commitments/",
            "boxes": f"/schools/{school}/suggestions/",
            "box": f"/suggestion-boxes/{box.pk}/",
            "replies": f"/schools/{school}/you-said-we-did/",
        },
        "leader_a": {
            "voice_leader": "/voice/",
            "celebrate": f"/wins/{win.pk}/celebrate/",
            "check_ins": f"/schools/{school}/check-ins/",
            "office_hours_leader": f"/schools/{school}/office-hours/",
            "commitment_new": f"/schools/{school}/commitments/new/",
            "box_leader": f"/suggestion-boxes/{box.pk}/",
            "reply": f"/suggestions/{suggestion.pk}/reply/",
        },
    }
    found = {}
    for person, urls in pages.items():
        page.context.clear_cookies()
        sign_in(page, person, world.password)
        page.set_viewport_size(viewport)
        for name, url in urls.items():
            page.goto(page.base + url)
            found[name] = axe_violations(page)
            if viewport is PHONE:
                assert _fits(page), name
    assert found == {name: [] for urls in pages.values() for name in urls}
