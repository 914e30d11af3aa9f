"""The cycle story's PDF, made by the worker and kept in Django's default storage.

WeasyPrint takes seconds on a long story, too long for a request that a proxy or a
server times out. The request renders the story's HTML as the reader sees it (cheap,
and it is what decides what they may read), and names the PDF after it:
``stories/<moment>-<hash of the html>.pdf``. If that file is in the storage, it is the
reader's story as it stands now, and it is served. If not, the HTML is put beside it
(``.html``) and :func:`efficacy.cycles.stories.tasks.story_pdf_make` is queued; the
worker writes the PDF (or, if WeasyPrint fails, a ``.failed`` mark) and removes the
HTML. Meanwhile the reader's page says it is being prepared and reloads itself.

The folder is a cache: a story edited, or read by another reader, gets a new file, and
one made again is the same. ``efficacy purge`` removes what is older than the
``story_pdfs`` retention (:func:`story_files_delete`), and erasing a staff member removes
it all, since a story names the colleagues of its moment.

A reader never gets a PDF made from another reader's HTML: the hash is of their own.
Web and worker processes share only the database and the storage (a folder on one
machine, or an S3-compatible store), so any number of each may run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from datetime import timedelta
from enum import Enum

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from efficacy.cycles.stories import story

logger = logging.getLogger(__name__)

FOLDER = "stories"
#: Waiting HTML older than this lost its worker (it died, or the task was lost): queue again.
LOST_AFTER = timedelta(minutes=10)


class State(Enum):
    READY = "ready"
    PREPARING = "preparing"
    FAILED = "failed"


def pdf_name(moment_id: int, html: str) -> str:
    """Where the PDF of ``html`` (one reader's story of a moment) is kept."""
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    return f"{FOLDER}/{moment_id}-{digest}.pdf"


def _html_name(name: str) -> str:
    return name.removesuffix(".pdf") + ".html"


def _failed_name(name: str) -> str:
    return name + ".failed"


def _save(name: str, content: bytes) -> None:
    """Write ``content`` at exactly ``name`` (a storage renames rather than overwrite)."""
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(content))


def _waiting(name: str) -> bool:
    """The HTML of ``name`` is queued, and recently enough that a worker may still take it."""
    html_name = _html_name(name)
    if not default_storage.exists(html_name):
        return False
    try:
        written = default_storage.get_modified_time(html_name)
    except (NotImplementedError, OSError):
        return True
    return timezone.now() - written < LOST_AFTER


def story_pdf_state(*, moment_id: int, html: str) -> tuple[State, str]:
    """Where the PDF of this HTML stands, and its name; queues it when it is neither
    made, nor waiting, nor just failed. A failure is reported once: asking again tries
    again (WeasyPrint's trouble may have been passing)."""
    from efficacy.cycles.stories.tasks import story_pdf_make

    name = pdf_name(moment_id, html)
    if default_storage.exists(name):
        return State.READY, name
    if default_storage.exists(_failed_name(name)):
        default_storage.delete(_failed_name(name))
        return State.FAILED, name
    if not _waiting(name):
        _save(_html_name(name), html.encode("utf-8"))
        story_pdf_make.enqueue(name=name)
        # With the immediate backend (tests, EFFICACY_TASKS_IMMEDIATE) it is already made.
        if default_storage.exists(name):
            return State.READY, name
        if default_storage.exists(_failed_name(name)):
            default_storage.delete(_failed_name(name))
            return State.FAILED, name
    return State.PREPARING, name


def story_pdf_read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def story_pdf_render(name: str) -> str:
    """Make the PDF ``name`` from its waiting HTML (the worker's part): ``ready``,
    ``failed`` (a mark the next request reports), or ``gone`` (nothing waiting: made or
    handled meanwhile)."""
    html_name = _html_name(name)
    if default_storage.exists(name):
        return State.READY.value
    if not default_storage.exists(html_name):
        return "gone"
    html = story_pdf_read(html_name).decode("utf-8")
    try:
        pdf = story.render_pdf(html)
    except Exception:  # the reader is told and may print the page instead; we keep the trace
        logger.exception("Cycle story PDF %s failed", name)
        _save(_failed_name(name), b"")
        default_storage.delete(html_name)
        return State.FAILED.value
    _save(name, pdf)
    default_storage.delete(html_name)
    return State.READY.value


def _story_names() -> list[str]:
    """Every file of the stories folder (PDFs, waiting HTML, failure marks)."""
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:  # nothing made yet
        return []
    return [f"{FOLDER}/{base}" for base in names]


def story_files(*, before: dt.datetime | None = None) -> list[tuple[str, dt.datetime]]:
    """The files of the stories folder and when each was written, oldest first; with
    ``before``, those written before it only."""
    files = []
    for name in _story_names():
        try:
            written = default_storage.get_modified_time(name)
        except FileNotFoundError:  # removed meanwhile
            continue
        if before is None or written < before:
            files.append((name, written))
    return sorted(files, key=lambda item: item[1])


def story_files_delete(*, before: dt.datetime | None = None) -> int:
    """Remove the files :func:`story_files` lists (every one without ``before``, with no
    need to ask the storage when each was written); how many. A reader who asks for a
    PDF again gets it made again."""
    names = _story_names() if before is None else [n for n, _w in story_files(before=before)]
    for name in names:
        default_storage.delete(name)
    return len(names)
