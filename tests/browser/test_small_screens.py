"""Pages on a phone (390 px) and a laptop (1280 px): nothing wider than the screen, the
grid's header row in view, no serious accessibility violation, no Content Security Policy
violation when a score is saved."""

from __future__ import annotations

import pytest

from efficacy.cycles.plan.services import cycle_start, occasion_create
from efficacy.roster.models import Student
from tests.browser.helpers import axe_violations, sign_in
from tests.browser.test_cycle_walkthrough import COMPARISON, FOCUS, classes_of_twelve  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def four_occasions(
    strategy_library,
    world,
    classes_of_twelve,  # noqa: F811
    ready_cycle,
    enter_rubric_scores,
):
    """A started cycle with a baseline, two checkpoints and a final, and every student's
    baseline and final scores, so the impact panel shows all its figures."""
    for name in ("Checkpoint October", "Checkpoint November"):
        occasion_create(user=world.lead_english, cycle=ready_cycle, name=name, kind="checkpoint")
    cycle_start(user=world.lead_english, cycle=ready_cycle)
    enter_rubric_scores(
        {
            Student.objects.get(given_name=given, family_name=family): scores
            for (given, family), scores in {**FOCUS, **COMPARISON}.items()
        }
    )
    return ready_cycle


def page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def grid_url(page, cycle, klass, measure) -> str:
    return f"{page.base}/cycles/{cycle.pk}/evidence/grid/?class={klass.pk}&measure={measure.pk}"


def test_the_score_grid_fits_a_phone_with_every_occasion_on_screen(
    page, world, four_occasions, rubric
):
    sign_in(page, "lead_english", world.password)
    page.set_viewport_size(PHONE)
    page.goto(grid_url(page, four_occasions, world.english_9_academic, rubric))
    assert page_width(page) <= PHONE["width"]
    last = page.locator(".score-grid thead th").last
    assert "Final" in last.inner_text()
    box = last.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]


def test_the_grids_header_row_stays_on_screen_while_the_page_scrolls(
    page, world, four_occasions, rubric
):
    sign_in(page, "lead_english", world.password)
    page.set_viewport_size(PHONE)
    page.goto(grid_url(page, four_occasions, world.english_9_academic, rubric))
    page.locator(".score-grid tbody tr").last.scroll_into_view_if_needed()
    page.mouse.wheel(0, 2000)
    page.wait_for_timeout(200)
    assert page.evaluate("window.scrollY") > 300
    header = page.locator(".score-grid thead th").first.bounding_box()
    assert 0 <= header["y"] < 5


@pytest.mark.parametrize("form", ["new", "edit"])
def test_the_cycle_forms_fit_a_phone(page, world, four_occasions, form):
    sign_in(page, "lead_english", world.password)
    page.set_viewport_size(PHONE)
    url = (
        f"/teams/{world.team_english.pk}/cycles/new/"
        if form == "new"
        else f"/cycles/{four_occasions.pk}/edit/"
    )
    page.goto(page.base + url)
    assert page_width(page) <= PHONE["width"]


def test_the_cycle_page_fits_a_phone_and_has_no_serious_accessibility_violation(
    page, world, four_occasions
):
    sign_in(page, "lead_english", world.password)
    page.set_viewport_size(PHONE)
    page.goto(f"{page.base}/cycles/{four_occasions.pk}/")
    page.wait_for_selector("#impact .impact-panel")
    assert page_width(page) <= PHONE["width"]
    assert axe_violations(page) == []


def test_the_reflection_page_shows_the_whole_impact_column_on_a_laptop(page, world, four_occasions):
    sign_in(page, "lead_english", world.password)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{page.base}/cycles/{four_occasions.pk}/reflection/")
    page.wait_for_selector("#impact .impact-panel")
    width, visible = page.evaluate(
        "(() => { const e = document.getElementById('impact'); "
        "return [e.scrollWidth, e.clientWidth]; })()"
    )
    assert width <= visible


def test_saving_a_score_breaks_no_content_security_policy_rule(page, world, four_occasions, rubric):
    sign_in(page, "lead_english", world.password)
    page.goto(grid_url(page, four_occasions, world.english_9_academic, rubric))
    cell = page.locator(".score-grid tbody input").first
    cell.fill("1")
    cell.press("Tab")
    page.locator(".cell-saved").first.wait_for()
    page.wait_for_timeout(500)  # htmx settles after the swap
    assert page.csp_errors == []
