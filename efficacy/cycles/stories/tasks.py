"""Background work of the stories: making a cycle story's PDF (django-tasks).

A worker runs it (``efficacy worker``); the story's PDF link shows a page that reloads
until the PDF is in the storage (:mod:`efficacy.cycles.stories.pdf`).
"""

from __future__ import annotations

from django_tasks import task

from efficacy.cycles.stories import pdf


@task()
def story_pdf_make(*, name: str) -> str:
    """Make the story PDF ``name`` from the HTML the request left beside it."""
    return pdf.story_pdf_render(name)
