"""The cycle story's PDF is made by the worker and kept in the storage.

The request queues it and answers with a page that reloads itself; the worker writes
``stories/<moment>-<hash of the html>.pdf``; the next request serves that file without
rendering again. The tests use the database task backend (the site's) and run the queued
task as the worker would.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from efficacy.cycles.stories import pdf, story
from tests.cycles.test_pages_story import close_with_moment

pytestmark = pytest.mark.django_db

MAKE = "efficacy.cycles.stories.tasks.story_pdf_make"


@pytest.fixture
def moment(world, ready_cycle, rubric, baseline, final, rubric_goal):
    return close_with_moment(world, ready_cycle, rubric, baseline, final, rubric_goal=rubric_goal)


@pytest.fixture
def renders(monkeypatch):
    """Each HTML WeasyPrint is asked to render (a tiny stand-in PDF is returned)."""
    seen: list[str] = []

    def render(html: str) -> bytes:
        seen.append(html)
        return b"%PDF-1.7 made by the worker\n%%EOF"

    monkeypatch.setattr(story, "render_pdf", render)
    return seen


def _queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=MAKE))


def _run_queued() -> None:
    """What the worker does: run each queued task, once."""
    for queued in _queued():
        queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
        queued.delete()


def _get(client, moment):
    return client.get(reverse("cycles:story_pdf", args=[moment.pk]))


def test_the_first_request_queues_the_pdf_and_says_it_is_being_prepared(
    client, world, moment, renders
):
    client.force_login(world.lead_english)
    response = _get(client, moment)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "The PDF is being prepared" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert len(_queued()) == 1
    assert renders == []  # nothing rendered inside the request


def test_reloading_while_it_is_prepared_queues_nothing_more(client, world, moment, renders):
    client.force_login(world.lead_english)
    _get(client, moment)
    assert "being prepared" in _get(client, moment).content.decode()
    assert len(_queued()) == 1


def test_once_the_worker_made_it_the_stored_pdf_is_served_without_rendering_again(
    client, world, moment, renders
):
    client.force_login(world.lead_english)
    _get(client, moment)
    _run_queued()
    assert len(renders) == 1
    (name,) = [f"stories/{f}" for f in default_storage.listdir("stories")[1]]
    assert name.startswith(f"stories/{moment.pk}-")
    assert name.endswith(".pdf")  # the waiting HTML is gone
    response = _get(client, moment)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == b"%PDF-1.7 made by the worker\n%%EOF"
    assert "no-store" in response["Cache-Control"]
    assert len(renders) == 1
    assert _queued() == []


def test_a_story_that_changed_is_made_again(client, world, moment, renders):
    client.force_login(world.lead_english)
    _get(client, moment)
    _run_queued()
    moment.cycle.title = "Inference, renamed"
    moment.cycle.save(update_fields=["title"])
    assert "being prepared" in _get(client, moment).content.decode()
    _run_queued()
    assert "Inference, renamed" in renders[-1]
    assert _get(client, moment)["Content-Type"] == "application/pdf"


def test_a_pdf_left_waiting_by_a_worker_that_died_is_queued_again(
    client, world, moment, renders, monkeypatch
):
    client.force_login(world.lead_english)
    _get(client, moment)
    DBTaskResult.objects.filter(task_path=MAKE).delete()  # the worker lost it
    later = timezone.now() + pdf.LOST_AFTER + dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "being prepared" in _get(client, moment).content.decode()
    assert len(_queued()) == 1


def test_a_pdf_the_worker_could_not_make_sends_the_reader_to_the_printable_page_once(
    client, world, moment, monkeypatch
):
    def broken(html: str) -> bytes:
        raise OSError("no fonts")

    monkeypatch.setattr(story, "render_pdf", broken)
    client.force_login(world.lead_english)
    _get(client, moment)
    _run_queued()
    response = client.get(reverse("cycles:story_pdf", args=[moment.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("cycles:story", args=[moment.pk])
    assert "The PDF could not be made just now" in response.content.decode()
    # Asking again tries again.
    assert "being prepared" in _get(client, moment).content.decode()
    assert len(_queued()) == 1


def test_a_reader_who_may_not_read_the_story_queues_nothing(client, world, moment, renders):
    client.force_login(world.teacher_b)
    assert _get(client, moment).status_code == 404
    assert _queued() == []
