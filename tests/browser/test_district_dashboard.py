"""The district dashboard in a browser: an analyst lands on it, narrows it by keyboard, and
it passes axe and fits the screen at 1280 and 390 px, under 300 KB in all."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, sign_in
from tests.dashboards.district_fixtures import district_cycles

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
#: Page weight budget (issue 12): HTML, CSS, script and charts together.
MAX_BYTES = 300_000


def page_weight(page) -> int:
    """Bytes of the document and everything it loaded (decoded, so compression flatters nothing)."""
    return page.evaluate(
        """() => performance.getEntriesByType('navigation')
            .concat(performance.getEntriesByType('resource'))
            .reduce((sum, e) => sum + (e.decodedBodySize || 0), 0)"""
    )


def test_an_analyst_lands_on_the_dashboard_and_filters_it_by_keyboard(page, world):
    district_cycles(world)
    sign_in(page, "analyst", world.password)
    assert page.url.endswith("/district/dashboard/")
    assert page.get_by_role("heading", level=1).is_visible()
    schools = page.get_by_role(
        "table", name="Cycles by stage and pooled impact of the closed cycles, by school"
    )
    assert schools.get_by_role("rowheader", name="Northview Secondary").is_visible()

    school = page.get_by_label("School", exact=True)
    school.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # All → Northview → Southgate
    assert school.input_value() == str(world.school_b.pk)
    page.get_by_role("button", name="Apply filters").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"school={world.school_b.pk}" in page.url
    schools = page.get_by_role(
        "table", name="Cycles by stage and pooled impact of the closed cycles, by school"
    )
    assert schools.get_by_role("rowheader", name="Southgate Secondary").is_visible()
    assert schools.get_by_role("rowheader", name="Northview Secondary").count() == 0


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_dashboard_fits_the_screen_passes_axe_and_stays_light(page, world, viewport):
    district_cycles(world)
    sign_in(page, "analyst", world.password)
    page.set_viewport_size(viewport)
    page.goto(page.base + "/district/dashboard/")
    page.wait_for_load_state("load")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
    assert axe_violations(page) == []
    assert page_weight(page) < MAX_BYTES
