"""The API's interactive documentation in a browser: ninja's Swagger UI from our own
static files, under the strict Content Security Policy, and a signed-in person's
"Try it out" answered through their session."""

from __future__ import annotations

import pytest

from tests.browser.helpers import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_the_docs_load_from_our_server_and_try_a_read_with_the_session(page, world):
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(page.base) else None
        ),
    )
    sign_in(page, "leader_a", world.password)
    page.goto(f"{page.base}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Efficacy API" in page.inner_text(".swagger-ui .info .title")
    # Open the schools list, try it, and read the leader's school in the answer.
    page.click("#operations-roster-efficacy_api_routers_roster_schools .opblock-summary")
    page.click("text=Try it out")
    page.click("text=Execute")
    page.wait_for_selector(".responses-wrapper .live-responses-table .response-col_status")
    answer = page.inner_text(".live-responses-table")
    assert "Northview Secondary" in answer
    assert "200" in answer
    assert outside == [], outside
