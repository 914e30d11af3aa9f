"""The school dashboard in a browser: a leader signs in and lands on it; it passes axe at
a laptop's and a phone's width, fits the screen, and weighs under 300 KB."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from efficacy.cycles.models import CycleStatus, ImpactSummary, InquiryCycle
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import axe_violations, sign_in
from tests.voice import results_world as rw

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
#: HTML, CSS, script and charts together (issue 12).
MAX_BYTES = 300_000


@pytest.fixture
def busy_school(strategy_library, world, ready_cycle):
    """An open cycle, three closed ones with their impact, and two surveys."""
    for i, (team, effect) in enumerate(
        ((world.team_english, 0.55), (world.team_math, 0.30), (world.team_english, 0.10))
    ):
        cycle = InquiryCycle.objects.create(
            team=team,
            title=f"Closed cycle {i + 1}",
            status=CycleStatus.CLOSED,
            start_date=dt.date(2024, 1, 8),
            end_date=dt.date(2024, 4, 26),
        )
        ImpactSummary.objects.create(
            cycle=cycle,
            effect=effect,
            ci_low=effect - 0.3,
            ci_high=effect + 0.3,
            expected_growth=0.15,
            computed_at=timezone.now(),
        )
    for title, opens, level in (
        ("Autumn", dt.date(2024, 9, 1), 3.5),
        ("Spring", dt.date(2025, 3, 1), 4.2),
    ):
        people = rw.staff(world.school_a, 12, f"{title.lower()}-")
        rw.window(
            world.school_a,
            title=title,
            opens=opens,
            closes=opens + dt.timedelta(days=10),
            key="efficacy-collective-efficacy",
            invited=people,
            answers=rw.answers_for(world.team_english, 6, level, 1)
            + rw.answers_for(world.team_math, 6, level - 0.5, 2),
        )


def page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def page_weight(page) -> int:
    return page.evaluate(
        "() => [...performance.getEntriesByType('navigation'),"
        " ...performance.getEntriesByType('resource')]"
        ".reduce((total, entry) => total + entry.decodedBodySize, 0)"
    )


def test_a_leader_lands_on_the_school_dashboard_which_passes_axe_and_stays_light(
    page, world, busy_school
):
    sign_in(page, "leader_a", world.password)
    assert page.url.rstrip("/").endswith(f"/schools/{world.school_a.pk}/dashboard")
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.get_by_role("img", name="Impact of each closed cycle").is_visible()
    assert page.get_by_role("img", name="Collective efficacy by team").is_visible()
    assert page_weight(page) < MAX_BYTES
    for viewport in (PHONE, LAPTOP):  # the screenshot saved is the laptop's
        page.set_viewport_size(viewport)
        page.reload()
        assert axe_violations(page) == []
        assert page_width(page) <= viewport["width"]


def test_the_team_dashboard_and_the_digest_settings_pass_axe_and_open_by_keyboard(
    page, world, busy_school
):
    sign_in(page, "lead_english", world.password)
    page.goto(f"{page.base}/teams/{world.team_english.pk}/dashboard/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert page_weight(page) < MAX_BYTES
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        page.reload()
        assert axe_violations(page) == []
        assert page_width(page) <= viewport["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "team-dashboard.png"), full_page=True, caret="initial")
    # A chart's data table opens from the keyboard, and its focus is visible.
    summary = page.locator("details.chart-data > summary").first
    summary.focus()
    outline = summary.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.locator("details.chart-data").first.get_attribute("open") is not None
    page.goto(f"{page.base}/accounts/digest/")
    for viewport in (PHONE, LAPTOP):
        page.set_viewport_size(viewport)
        page.reload()
        assert axe_violations(page) == []
