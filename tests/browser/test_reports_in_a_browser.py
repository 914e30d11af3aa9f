"""A school leader asks for the school impact report, waits for it, downloads its PDF and
finds the dashboard's pooled figure in it; the printable page prints without the site around it."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from efficacy.dashboards.models import Report
from tests.browser.helpers import axe_violations, sign_in
from tests.dashboards.reports_fixtures import closed_cycles

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_a_leader_asks_for_the_impact_report_and_its_pdf_has_the_dashboards_pooled_figure(
    page, world, immediate_tasks
):
    closed_cycles(world)
    sign_in(page, "leader_a", world.password)
    page.goto(f"{page.base}/schools/{world.school_a.pk}/dashboard/")
    pooled = " ".join(page.locator(".pooled-sentence").inner_text().split())
    assert pooled
    page.goto(f"{page.base}/schools/{world.school_a.pk}/reports/")
    assert axe_violations(page) == []
    page.get_by_label("School impact report").check()
    page.get_by_role("button", name="Build the report").click()
    page.get_by_text("The report is ready").wait_for()
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    pdf = download.value
    assert pdf.suggested_filename.startswith("northview-secondary-impact-report-")
    with open(pdf.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert pooled in text
    assert Report.objects.get().status == Report.ReportStatus.DONE


def test_the_printable_page_prints_without_the_site_navigation(page, world, immediate_tasks):
    closed_cycles(world)
    sign_in(page, "leader_a", world.password)
    page.goto(f"{page.base}/schools/{world.school_a.pk}/reports/")
    page.get_by_label("Board summary").check()
    page.get_by_role("button", name="Build the report").click()
    page.get_by_role("link", name="Open the printable page").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name="Board summary").is_visible()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".report-actions").is_visible()
    assert page.get_by_role("heading", name="What these figures can and cannot say").is_visible()
