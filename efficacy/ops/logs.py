"""Log lines a machine can read: one JSON object a line, each carrying its request's id.

``LOG_FORMAT=json`` (the default under ``efficacy serve`` and ``efficacy worker``) formats
every record as one JSON object: ``time`` (ISO 8601, UTC), ``level``, ``logger``,
``message``, ``request_id`` (null outside a request), ``exception`` (the traceback, when
there is one) and whatever the caller passed in ``extra``. The request id comes from
:class:`efficacy.ops.middleware.RequestId`, through a context variable, so a line logged
anywhere while a request is answered carries it.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

#: The id of the request being answered in this thread (or task), if any.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

#: An id from outside (a proxy's, a client's) is kept when it is short and plain: letters,
#: digits and ``._:=@/+-``, at most 128 characters. Anything else (a newline that would
#: forge a log line, a megabyte of text) is replaced by an id of our own.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:=@/+-]{1,128}")


def request_id_from(incoming: str | None) -> str:
    """The incoming id if it is safe to log and repeat, else a new one (a uuid4)."""
    if incoming and SAFE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class TextFormatter(logging.Formatter):
    """``time level logger [request id] message``, a dash outside a request."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = "-"
            try:
                return super().format(record)
            finally:
                record.request_id = None
        return super().format(record)


class JsonFormatter(_LibraryJsonFormatter):
    """One JSON object a line (python-json-logger), with our field names."""

    def __init__(self) -> None:
        super().__init__(
            "{levelname}{name}{message}{request_id}",
            style="{",
            rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
            rename_fields_keep_missing=True,
            json_ensure_ascii=False,
        )

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(
            timespec="milliseconds"
        )
        super().add_fields(log_data, record, message_dict)
