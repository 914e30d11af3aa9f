"""A closed window's results and its trend on a phone (390 px) and a laptop: nothing wider
than the screen, no serious accessibility violation, no Content Security Policy violation."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.helpers import axe_violations, sign_in
from tests.voice import results_world as rw

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def two_windows(world):
    invited = [world.teacher_a, world.lead_math]
    rw.window(world.school_a, title="Autumn survey", opens=dt.date(2024, 9, 1),
              closes=dt.date(2024, 9, 10), invited=invited,
              answers=rw.answers_for(world.team_english, 8, 3.0, seed=1)
              + rw.answers_for(world.team_math, 4, 4.0, seed=2))  # fmt: skip
    return rw.window(world.school_a, title="Spring survey", opens=dt.date(2024, 10, 1),
                     closes=dt.date(2024, 10, 10), invited=invited,
                     answers=rw.answers_for(world.team_english, 9, 4.5, seed=3)
                     + rw.answers_for(world.team_math, 7, 3.5, seed=4))  # fmt: skip


def page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_results_and_the_trend_fit_the_screen_and_pass_axe(page, world, two_windows, viewport):
    sign_in(page, "leader_a", world.password)
    page.set_viewport_size(viewport)
    for path in (f"/results/{two_windows.pk}/", f"/results/{two_windows.pk}/trend/"):
        page.goto(page.base + path)
        assert page.get_by_role("heading", level=1).is_visible()
        assert page_width(page) <= viewport["width"]
        assert axe_violations(page) == []


def test_a_teacher_reads_the_school_and_their_team_on_a_phone(page, world, two_windows):
    sign_in(page, "teacher_a", world.password)
    page.set_viewport_size(PHONE)
    page.goto(f"{page.base}/results/")
    page.get_by_role("link", name="Spring survey").click()
    table = page.get_by_role("table", name="Collective efficacy index and its subscales, by group")
    assert table.get_by_role("rowheader", name="Northview Secondary").is_visible()
    assert table.get_by_role("rowheader", name="Grade 9 English").is_visible()
    assert table.get_by_role("rowheader", name="Mathematics").count() == 0
    assert page_width(page) <= PHONE["width"]
