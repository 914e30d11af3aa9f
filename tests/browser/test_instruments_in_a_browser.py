"""The instruments pages in Chromium, on a phone (390 px) and a laptop: nothing wider than
the screen, no serious accessibility violation (axe), a file loaded through the form."""

from __future__ import annotations

import pytest

from efficacy.voice.models import Instrument
from tests.browser.helpers import axe_violations, sign_in
from tests.voice.test_instrument_pages import BROKEN, example_yaml

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


def page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


@pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_instruments_pages_fit_the_screen_and_pass_axe(page, world, size):
    sign_in(page, "leader_a", world.password)
    page.set_viewport_size(size)
    page.goto(f"{page.base}/instruments/")
    assert page.get_by_role("heading", name="Survey instruments").is_visible()
    assert page_width(page) <= size["width"]
    assert axe_violations(page) == []

    page.get_by_role("link", name="Collective efficacy in our school").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Group competence").is_visible()
    assert page_width(page) <= size["width"]
    assert axe_violations(page) == []

    page.goto(f"{page.base}/instruments/new/")
    page.get_by_label("…or paste its YAML").fill(BROKEN)
    page.get_by_role("button", name="Check and load").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").first.is_visible()
    assert "nothing was loaded" in page.content()
    assert page_width(page) <= size["width"]
    assert axe_violations(page) == []


def test_a_leader_uploads_a_file_and_lands_on_its_page(page, world, tmp_path):
    path = tmp_path / "climate.yaml"
    path.write_text(example_yaml(), encoding="utf-8")
    sign_in(page, "leader_a", world.password)
    page.set_viewport_size(PHONE)
    page.goto(f"{page.base}/instruments/new/")
    page.get_by_label("Instrument file (.yaml)").set_input_files(str(path))
    page.get_by_role("button", name="Check and load").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Our school climate").is_visible()
    assert Instrument.objects.filter(key="district-climate", district=world.district).exists()
