"""The teacher home in a browser: teacher_a signs in and finds what to do next first, on
a laptop and on a phone, with no serious accessibility problem and a light page; they
switch to French, and after signing in again on a fresh browser the page is French."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from efficacy.cycles.models import CycleStatus
from efficacy.cycles.plan.services import milestone_create
from efficacy.practice.services import ActionDraft, meeting_record
from tests.browser.helpers import axe_violations, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
#: HTML, CSS, script and images of one page, together.
MAX_PAGE_BYTES = 300_000


@pytest.fixture
def things_to_do(world, cycle):
    today = timezone.localdate()
    cycle.status = CycleStatus.IMPLEMENTING
    cycle.save()
    meeting_record(
        user=world.lead_english, cycle=cycle, date=today - dt.timedelta(days=7),
        attendees=[world.teacher_a],
        actions=[ActionDraft("Bring two anchor texts", owner=world.teacher_a,
                             due_date=today + dt.timedelta(days=2))],
    )  # fmt: skip
    milestone_create(user=world.lead_english, cycle=cycle, title="Choose the mentor texts",
                     owner=world.teacher_a, due_date=today - dt.timedelta(days=1))  # fmt: skip
    return cycle


def _weigh(page, url: str) -> int:
    """Bytes of the page and everything it loads, as the browser received them."""
    sizes: list[int] = []

    def count(response) -> None:
        try:
            sizes.append(len(response.body()))
        except Exception:  # a redirect has no body
            sizes.append(0)

    page.on("response", count)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", count)
    return sum(sizes)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_teacher_sees_what_to_do_next_first(page, world, things_to_do, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, "teacher_a", world.password)
    heading = page.get_by_role("heading", name="What to do next")
    assert heading.is_visible()
    items = page.locator("#what-next li")
    assert items.count() == 3
    assert "Choose the mentor texts" in items.nth(0).inner_text()
    assert "overdue" in items.nth(0).inner_text()
    assert "Bring two anchor texts" in items.nth(1).inner_text()
    assert "exit ticket" in items.nth(2).inner_text()
    assert axe_violations(page) == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    assert _weigh(page, f"{page.base}/") < MAX_PAGE_BYTES


def test_the_language_chosen_holds_after_signing_in_again(browser, page, world, things_to_do):
    sign_in(page, "teacher_a", world.password)
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    # A fresh browser (no language cookie, an English browser): the account's choice holds.
    browser.clear_cookies()
    sign_in(page, "teacher_a", world.password)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Vos classes").is_visible()
    assert page.locator("#todo-heading").inner_text() == "À faire ensuite"
