"""An observation on a phone whose network drops: nothing typed is lost or sent twice.

Screenshots of each step are saved in ``test-artifacts/`` (beside the ones the
``page`` fixture saves of every browser test's last state).
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from efficacy.practice.models import EngagementTally, LookForTally, Note, Photo
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import axe_violations, sign_in
from tests.practice.fixtures import english_round

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def round_(strategy_library, world):
    return english_round(world)


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / f"observation_{name}.png"), full_page=True, caret="initial"
    )


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), "teal").save(out, format="PNG")
    return out.getvalue()


def _add_note(page, text: str) -> None:
    page.get_by_label("What did you see or hear?").fill(text)
    page.get_by_role("button", name="Add the note").click()


def test_notes_typed_offline_reach_the_server_exactly_once(page, world, round_):
    sign_in(page, "lead_english", world.password)
    page.set_viewport_size(PHONE)
    page.goto(f"{page.base}/rounds/{round_.pk}/")
    pending = page.locator("[data-pending] li")

    _add_note(page, "09:05 Ava: the narrator is lying, look at line 4.")
    page.locator('[data-pending] li[data-state="sent"]').first.wait_for()
    page.locator("#look-fors form").first.get_by_role("button", name="+1").click()
    engaged = page.locator("#engagement form").first
    engaged.get_by_role("button", name="+1").click()

    page.context.set_offline(True)
    _add_note(page, "09:12 Ben asks a partner for evidence.")
    _add_note(page, "09:15 Teacher waits six seconds after asking why.")
    page.locator("#look-fors form").first.get_by_role("button", name="+1").click()
    page.locator("#look-fors form").first.get_by_role("button", name="+1").click()
    page.locator("#id_photo").set_input_files(
        {"name": "work.png", "mimeType": "image/png", "buffer": _png()}
    )
    page.get_by_role("button", name="Add the photo").click()
    page.locator('[data-pending] li[data-state="waiting"]').nth(2).wait_for()
    assert "offline" in page.locator("[data-sync-status]").inner_text()
    _shot(page, "offline_390")
    assert Note.objects.count() == 1
    assert page.locator("#look-fors [data-count-out]").first.inner_text() == "3"

    page.context.set_offline(False)
    page.wait_for_function(
        "() => document.querySelectorAll('[data-pending] li[data-state=\"sent\"]').length === 4"
    )
    page.wait_for_function(
        f"() => (localStorage.getItem('{_store_key(round_, world)}') || '[]') === '[]'"
    )
    _shot(page, "back_online_390")
    assert pending.count() == 4
    assert page.locator("#notes li").count() == 3  # listed as stored, before any reload

    page.reload()  # a reload sends nothing again
    page.wait_for_load_state("networkidle")
    texts = sorted(Note.objects.values_list("text", flat=True))
    assert texts == sorted([
        "09:05 Ava: the narrator is lying, look at line 4.",
        "09:12 Ben asks a partner for evidence.",
        "09:15 Teacher waits six seconds after asking why.",
    ])  # fmt: skip
    assert Photo.objects.count() == 1
    assert LookForTally.objects.get().count == 3
    assert EngagementTally.objects.get().count == 1
    assert page.locator("#notes li").count() == 3
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"]


def _cache_of(page, url: str):
    """Open ``url`` and keep what it loaded (its HTML, scripts, styles): the returned
    route handler serves that, as a phone's browser cache would, and fails the rest as
    a network that is down."""
    seen = []

    def keep(response):
        seen.append(response)

    page.on("response", keep)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", keep)
    kept = {
        r.url: (r.status, r.headers, r.body())
        for r in seen
        if r.request.method == "GET" and r.status == 200
    }

    def answer(route):
        found = kept.get(route.request.url)
        if route.request.method == "GET" and found is not None:
            status, headers, body = found
            route.fulfill(status=status, headers=headers, body=body)
        else:
            route.abort("internetdisconnected")

    return answer


def test_a_photo_added_offline_survives_a_reload_offline_and_arrives_once(page, world, round_):
    sign_in(page, "lead_english", world.password)
    page.set_viewport_size(PHONE)
    cache = _cache_of(page, f"{page.base}/rounds/{round_.pk}/")

    page.context.set_offline(True)
    page.locator("#id_photo").set_input_files(
        {"name": "work.png", "mimeType": "image/png", "buffer": _png()}
    )
    page.get_by_role("button", name="Add the photo").click()
    page.locator('[data-pending] li[data-state="waiting"]').first.wait_for()
    # The queue in localStorage names the photo; its bytes are in IndexedDB.
    queued = page.evaluate(f"JSON.parse(localStorage.getItem('{_store_key(round_, world)}'))")
    assert [(item["type"], "data" in item) for item in queued] == [("photo", False)]

    page.context.route("**/*", cache)
    page.reload()  # offline: the page comes from the browser's cache, as on a phone
    page.locator('[data-pending] li[data-state="waiting"]').first.wait_for()
    _shot(page, "photo_after_offline_reload_390")
    assert Photo.objects.count() == 0

    page.context.unroute("**/*")
    page.context.set_offline(False)
    page.locator('[data-pending] li[data-state="sent"]').first.wait_for()
    page.wait_for_function(
        f"() => (localStorage.getItem('{_store_key(round_, world)}') || '[]') === '[]'"
    )
    page.reload()
    page.wait_for_load_state("networkidle")
    assert Photo.objects.count() == 1
    assert page.locator("#photos li").count() == 1


def test_a_sent_note_joins_the_notes_list_without_a_reload(page, world, round_):
    sign_in(page, "lead_english", world.password)
    page.set_viewport_size(PHONE)
    page.goto(f"{page.base}/rounds/{round_.pk}/")
    assert page.locator("#notes li").count() == 0
    _add_note(page, "09:05 Ava: the narrator is lying, look at line 4.")
    stored = page.locator("#notes li", has_text="the narrator is lying")
    stored.wait_for()
    assert stored.get_by_role("link", name="Correct or delete").count() == 1
    assert page.locator("#notes li").count() == 1
    assert not page.get_by_text("No note yet.").is_visible()


def _store_key(round_, world) -> str:
    return f"efficacy-observation-{round_.pk}-{world.lead_english.pk}"


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_the_practice_pages_have_no_serious_accessibility_problem(page, world, round_, viewport):
    sign_in(page, "lead_english", world.password)
    page.set_viewport_size(viewport)
    urls = {
        "rounds": f"/cycles/{round_.cycle_id}/rounds/",
        "plan": f"/cycles/{round_.cycle_id}/rounds/new/",
        "observation": f"/rounds/{round_.pk}/",
        "debrief": f"/rounds/{round_.pk}/debrief/",
    }
    found = {}
    for name, url in urls.items():
        page.goto(page.base + url)
        found[name] = axe_violations(page)
        _shot(page, f"{name}_{viewport['width']}")
    assert found == {name: [] for name in urls}


def test_a_judgement_being_typed_gets_a_hint_that_blocks_nothing(page, world, round_):
    sign_in(page, "lead_english", world.password)
    page.set_viewport_size(PHONE)
    page.goto(f"{page.base}/rounds/{round_.pk}/")
    hint = page.get_by_text("Describe what you saw or heard: who said or did what?")
    field = page.get_by_label("What did you see or hear?")
    field.press_sequentially("Ava reads line 4")
    assert not hint.is_visible()
    field.press_sequentially(", a great answer")
    hint.wait_for()
    _shot(page, "judgement_hint_390")
    page.get_by_role("button", name="Add the note").click()
    page.locator("#notes li", has_text="a great answer").wait_for()
    assert not hint.is_visible()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_the_implementation_log_and_coverage_fit_a_phone_and_pass_axe(
    page, world, round_, viewport
):
    """The weekly log is filled on a phone: it and the coverage table fit 390 px without
    sideways scrolling, and axe finds nothing serious at either size."""
    sign_in(page, "lead_english", world.password)
    page.set_viewport_size(viewport)
    urls = {
        "log": f"/cycles/{round_.cycle_id}/log/",
        "coverage": f"/cycles/{round_.cycle_id}/coverage/",
    }
    found, too_wide = {}, {}
    for name, url in urls.items():
        response = page.goto(page.base + url)
        assert response is not None, name
        assert response.status == 200, name
        found[name] = axe_violations(page)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        too_wide[name] = width > viewport["width"]
        _shot(page, f"{name}_{viewport['width']}")
    assert found == {name: [] for name in urls}
    assert too_wide == dict.fromkeys(urls, False)
