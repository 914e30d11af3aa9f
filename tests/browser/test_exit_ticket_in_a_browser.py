"""An exit ticket in a browser: a teacher opens one, a student answers it on a phone with
the class code and no account, the teacher reads the answer; axe on the pages."""

from __future__ import annotations

import pytest

from efficacy.voice.models import TicketAnswer
from tests.browser.helpers import axe_violations, sign_in
from tests.voice.tickets_fixtures import FRACTIONS, add_answers, open_ticket

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


def _fits(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_a_student_answers_on_a_phone_with_the_code_and_the_teacher_reads_it(browser, page, world):
    sign_in(page, "teacher_a", world.password)
    page.goto(f"{page.base}/tickets/new/")
    page.get_by_label("Class").select_option(label="English 9 Applied")
    page.get_by_label("What was the lesson about?").fill("Adding fractions")
    page.get_by_role("button", name="Open the exit ticket").click()
    page.wait_for_load_state()
    code = page.locator(".ticket-code").inner_text().strip()
    assert len(code) == 6
    assert page.locator("img.ticket-qr").evaluate("img => img.complete && img.naturalWidth > 0")

    # The student: another browser profile, signed out, on a phone.
    teacher_cookies = browser.cookies()
    browser.clear_cookies()
    student = browser.new_page()
    try:
        student.set_viewport_size(PHONE)
        student.goto(f"{page.base}/t/")
        assert _fits(student)
        assert axe_violations(student) == []
        student.get_by_label("Code").fill(code.lower())
        student.get_by_role("button", name="Go to the questions").click()
        student.wait_for_load_state()
        assert "Adding fractions" in student.content()
        assert _fits(student)
        assert axe_violations(student) == []
        student.get_by_label("What did you understand today?").fill("Adding with like denominators")
        student.get_by_label("Where are you stuck?").fill(
            "Is 1/2 < 3/4? Finding a common denominator"
        )
        student.get_by_label("4 · Confident").check()
        student.get_by_role("button", name="Send my answer").click()
        student.wait_for_load_state()
        # A comparison sign is plain text, not a tag: it goes through.
        assert student.get_by_role("heading", name="Thank you").is_visible()
        assert _fits(student)
        assert axe_violations(student) == []
    finally:
        student.close()

    answer = TicketAnswer.objects.get()
    assert (answer.stuck, answer.confidence) == ("Is 1/2 < 3/4? Finding a common denominator", 4)
    browser.add_cookies(teacher_cookies)
    page.reload()
    assert page.get_by_text("Is 1/2 < 3/4? Finding a common denominator").is_visible()
    assert page.get_by_text("1 answer", exact=False).first.is_visible()


def test_a_wrong_code_is_refused_on_the_phone_and_kept_in_the_box(page, world):
    open_ticket(world)
    page.set_viewport_size(PHONE)
    page.goto(f"{page.base}/t/")
    page.get_by_label("Code").fill("WRONG9")
    page.get_by_role("button", name="Go to the questions").click()
    page.wait_for_load_state()
    assert page.get_by_text("No open exit ticket has this code").is_visible()
    assert page.get_by_label("Code").input_value() == "WRONG9"
    assert axe_violations(page) == []


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_the_exit_ticket_pages_have_no_serious_accessibility_problem(page, world, cycle, viewport):
    ticket = open_ticket(world, cycle=cycle)
    add_answers(ticket, FRACTIONS)
    sign_in(page, "teacher_a", world.password)
    page.set_viewport_size(viewport)
    urls = {
        "tickets": "/tickets/",
        "new": "/tickets/new/",
        "ticket": f"/tickets/{ticket.pk}/",
        "class": f"/tickets/classes/{ticket.school_class_id}/",
        "cycle": f"/cycles/{cycle.pk}/student-voice/",
    }
    found = {}
    for name, url in urls.items():
        page.goto(page.base + url)
        found[name] = axe_violations(page)
        if viewport is PHONE:
            assert _fits(page), name
    assert found == {name: [] for name in urls}
