"""The feed and the cycle story in a real browser: accessible, and printable without navigation."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, sign_in
from tests.cycles.test_pages_story import close_with_moment

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def moment(strategy_library, world, ready_cycle, rubric, baseline, final, rubric_goal):
    return close_with_moment(world, ready_cycle, rubric, baseline, final, rubric_goal=rubric_goal)


@pytest.mark.parametrize("where", ["feed", "story", "empty feed"])
def test_the_feed_and_the_story_have_no_serious_accessibility_violations(
    page,
    world,
    moment,
    where,
):
    if where == "empty feed":
        moment.delete()
    sign_in(page, "lead_english", world.password)
    url = (
        f"/mastery-moments/{moment.pk}/"
        if where == "story"
        else (f"/schools/{world.school_a.pk}/mastery-moments/")
    )
    page.goto(page.base + url)
    assert page.get_by_role("heading", level=1).is_visible()
    assert axe_violations(page) == []


def test_printing_the_story_hides_the_navigation_and_the_buttons(page, world, moment):
    sign_in(page, "lead_english", world.password)
    page.goto(f"{page.base}/mastery-moments/{moment.pk}/")
    assert page.locator(".site-header nav").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_role("button", name="Share with the school").is_visible()
    assert page.get_by_role("heading", name="The evidence that earned it").is_visible()
