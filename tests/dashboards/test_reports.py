"""A school's reports: asked for on the page, built by the worker, downloaded as PDF and HTML."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from efficacy.dashboards import reports
from efficacy.dashboards.models import Report
from efficacy.dashboards.report_tasks import build_report
from tests.dashboards.reports_fixtures import SMALL_TITLE, closed_cycles

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
QUEUED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def closed(world):
    return closed_cycles(world)


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def queued(settings):
    settings.TASKS = QUEUED


def ask(client, world, kind="impact", *, person=None):
    client.force_login(person or world.leader_a)
    url = reverse("dashboards:reports", args=[world.school_a.pk])
    return client.post(url, {"kind": kind})


# --- the model and the task -------------------------------------------------------------


def test_a_requested_report_waits_queued_for_the_worker(client, world, queued):
    response = ask(client, world)
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:report", args=[report.pk])
    assert report.status == Report.ReportStatus.QUEUED
    assert report.requested_by == world.leader_a
    assert report.language == "en"
    page = client.get(reverse("dashboards:report_status", args=[report.pk]))
    assert b"hx-get" in page.content  # the page keeps polling
    assert b"efficacy worker" in page.content


def test_the_worker_builds_a_queued_report_to_done_with_its_pdf(world, closed, queued):
    report = reports.report_request(user=world.leader_a, school=world.school_a, kind="impact")
    assert build_report.call(report_id=report.pk) == Report.ReportStatus.DONE
    report.refresh_from_db()
    assert report.status == Report.ReportStatus.DONE
    assert report.finished_at is not None
    assert report.stage == ""
    assert report.failure == ""
    assert bytes(report.pdf).startswith(b"%PDF-")
    assert "Northview Secondary" in report.html
    assert "Northview Secondary" in pdf_text(bytes(report.pdf))


def test_a_report_that_breaks_fails_with_a_plain_message_and_never_stays_running(
    world, queued, monkeypatch
):
    report = reports.report_request(user=world.leader_a, school=world.school_a, kind="board")

    def broken(*args, **kwargs):
        raise RuntimeError("weasyprint fell over")

    monkeypatch.setattr(reports.story, "render_pdf", broken)
    build_report.call(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.ReportStatus.FAILED
    assert report.failure == Report.Failure.ERROR
    assert "Ask for it again" in report.failure_text
    assert "weasyprint" not in report.failure_text
    assert report.finished_at is not None


def test_a_report_whose_worker_died_is_failed_when_its_page_is_next_read(client, world, queued):
    ask(client, world)
    report = Report.objects.get()
    long_ago = timezone.now() - Report.LOST_AFTER - dt.timedelta(minutes=1)
    Report.objects.filter(pk=report.pk).update(status="running", stage="pdf", updated_at=long_ago)
    page = client.get(reverse("dashboards:report_status", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == Report.ReportStatus.FAILED
    assert report.failure == Report.Failure.LOST
    assert b"hx-get" not in page.content
    assert "The background worker stopped" in page.content.decode()


def test_a_report_delivered_twice_is_built_once(world, queued, monkeypatch):
    report = reports.report_request(user=world.leader_a, school=world.school_a, kind="impact")
    build_report.call(report_id=report.pk)
    monkeypatch.setattr(reports, "build", lambda report: pytest.fail("built twice"))
    assert build_report.call(report_id=report.pk) == Report.ReportStatus.DONE


def test_a_requester_who_lost_the_school_gets_a_failed_report_not_its_figures(world, queued):
    report = reports.report_request(user=world.leader_a, school=world.school_a, kind="impact")
    world.leader_a.school = world.school_b
    world.leader_a.save()
    build_report.call(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.ReportStatus.FAILED
    assert report.failure == Report.Failure.NO_ACCESS
    assert report.html == ""
    assert bytes(report.pdf) == b""


# --- the pages ----------------------------------------------------------------------------


def test_a_leader_asks_for_a_report_and_downloads_it(client, world, closed, immediate):
    response = ask(client, world, "board")
    report = Report.objects.get()
    assert report.status == Report.ReportStatus.DONE
    page = client.get(response["Location"])
    pdf_url = reverse("dashboards:report_pdf", args=[report.pk])
    print_url = reverse("dashboards:report_print", args=[report.pk])
    assert pdf_url in page.content.decode()
    assert print_url in page.content.decode()
    assert b"hx-get" not in page.content
    pdf = client.get(pdf_url)
    assert pdf["Content-Type"] == "application/pdf"
    assert "northview-secondary-board-summary-" in pdf["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF-")
    printable = client.get(print_url)
    assert "Board summary" in printable.content.decode()
    assert "css/dash_print.css" in printable.content.decode()
    listing = client.get(reverse("dashboards:reports", args=[world.school_a.pk]))
    assert reverse("dashboards:report", args=[report.pk]) in listing.content.decode()


def test_a_report_not_ready_has_no_download(client, world, queued):
    ask(client, world)
    report = Report.objects.get()
    assert client.get(reverse("dashboards:report_pdf", args=[report.pk])).status_code == 404
    assert client.get(reverse("dashboards:report_print", args=[report.pk])).status_code == 404


def test_a_report_is_its_requesters_alone(client, world, closed, immediate):
    ask(client, world)
    report = Report.objects.get()
    client.force_login(world.admin_a)  # may ask for school A's reports, not read leader_a's
    assert client.get(reverse("dashboards:report", args=[report.pk])).status_code == 404
    assert client.get(reverse("dashboards:report_pdf", args=[report.pk])).status_code == 404
    listing = client.get(reverse("dashboards:reports", args=[world.school_a.pk]))
    assert reverse("dashboards:report", args=[report.pk]) not in listing.content.decode()


def test_a_teacher_may_not_ask_for_a_report(client, world, immediate):
    response = ask(client, world, person=world.teacher_a)
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_an_unknown_kind_is_refused_on_the_form(client, world, immediate):
    response = ask(client, world, "league-table")
    assert response.status_code == 200
    assert not Report.objects.exists()
    assert b"errorlist" in response.content


# --- privacy and language -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["impact", "board"])
def test_a_report_names_no_student_and_gives_no_small_group_size(
    client, world, closed, immediate, kind
):
    ask(client, world, kind)
    report = Report.objects.get()
    text = pdf_text(bytes(report.pdf)) + report.html
    for student in (world.ava, world.ben, world.chloe, world.dev, world.eli):
        assert student.given_name not in text
        assert student.family_name not in text
    if kind == "impact":  # the small cycle is on the board with its reason, not its size
        assert SMALL_TITLE in report.html
        assert "fewer than 10 students" in " ".join(report.html.split())


def test_an_analysts_report_is_built_as_the_analyst_sees(client, world, closed, immediate):
    ask(client, world, "board", person=world.analyst)
    report = Report.objects.get()
    assert report.status == Report.ReportStatus.DONE
    assert "Northview Secondary" in pdf_text(bytes(report.pdf))
    for name in ("Okafor", "Yilmaz", "Nguyen", "Singh", "Brown"):
        assert name not in report.html


def ask_in_french(client, world, kind):
    client.force_login(world.leader_a)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    client.post(reverse("dashboards:reports", args=[world.school_a.pk]), {"kind": kind})
    return Report.objects.get()


def test_a_report_asked_for_in_french_is_written_in_french(client, world, closed, immediate):
    report = ask_in_french(client, world, "board")
    assert report.language == "fr"
    assert 'lang="fr"' in reports.render_document(report, body="")
    text = pdf_text(bytes(report.pdf))
    assert "déc." in text  # dates in French
    with translation.override("en"):
        moments = reports.story.feed_moments(world.leader_a, world.school_a)
        english = reports.report_stories(moments, limit=1)[0].headline
    with translation.override("fr"):
        french = reports.report_stories(moments, limit=1)[0].headline
    assert english != french
    flat = " ".join(text.split())
    assert french[:40] in flat  # the mastery story, in French
    assert english[:40] not in flat


def test_no_english_heading_is_left_in_a_french_report(client, world, closed, immediate):
    text = pdf_text(bytes(ask_in_french(client, world, "board").pdf))
    for heading in ("At a glance", "Mastery stories", "What these figures can and cannot say"):
        assert heading not in text


def test_a_school_with_no_cycle_yet_gets_a_report_that_says_so(client, world, immediate):
    client.force_login(world.district_admin)
    client.post(reverse("dashboards:reports", args=[world.school_b.pk]), {"kind": "impact"})
    report = Report.objects.get()
    assert report.status == Report.ReportStatus.DONE
    assert "No inquiry cycles yet." in pdf_text(bytes(report.pdf))


def test_a_running_report_shows_how_far_it_got_and_keeps_polling(client, world, queued):
    ask(client, world)
    Report.objects.update(status="running", stage="pdf", updated_at=timezone.now())
    page = client.get(reverse("dashboards:report_status", args=[Report.objects.get().pk]))
    assert "making the PDF" in page.content.decode()
    assert b"hx-get" in page.content


def test_the_school_dashboard_leads_to_its_reports(client, world):
    client.force_login(world.leader_a)
    page = client.get(reverse("dashboards:school", args=[world.school_a.pk])).content.decode()
    assert reverse("dashboards:reports", args=[world.school_a.pk]) in page
