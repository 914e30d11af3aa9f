"""Structured logs: one JSON object a line, each carrying the id of the request it belongs to."""

from __future__ import annotations

import io
import json
import logging
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

import efficacy.settings
from efficacy.ops.logs import JsonFormatter, RequestIdFilter, TextFormatter, request_id

SETTINGS = Path(efficacy.settings.__file__)


@pytest.fixture
def lines():
    """What the console handler would print, as the settings configure it (JSON)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger("django.request"), logging.getLogger("tests.ops")]
    for logger in loggers:
        logger.addHandler(handler)
    loggers[1].setLevel(logging.INFO)

    def read() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield read
    for logger in loggers:
        logger.removeHandler(handler)


# --- the request id --------------------------------------------------------------


@pytest.mark.django_db
def test_each_answer_carries_a_new_request_id(client):
    first = client.get(reverse("healthz"))["X-Request-ID"]
    second = client.get(reverse("healthz"))["X-Request-ID"]
    assert len(first) == 32
    assert first != second


@pytest.mark.django_db
def test_a_plain_request_id_from_the_proxy_is_kept(client):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "Root=1-5759e988:bd86"})
    assert response["X-Request-ID"] == "Root=1-5759e988:bd86"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hostile",
    ["a" * 129, "abc\nINFO forged line", 'x" onload="', "", "id with spaces", "é"],
    ids=["too-long", "newline", "quotes", "empty", "spaces", "not-ascii"],
)
def test_a_hostile_request_id_is_replaced(client, hostile):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": hostile})
    assert response["X-Request-ID"] != hostile
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_line_logged_while_a_request_is_answered_carries_its_id(client, lines):
    # Django logs a 404 once the middleware has returned: the id is still there.
    response = client.get("/no-such-page/", headers={"X-Request-ID": "trace-42"})
    assert response.status_code == 404
    (line,) = [line for line in lines() if line["logger"] == "django.request"]
    assert line["request_id"] == "trace-42"
    assert line["level"] == "WARNING"
    assert "Not Found" in line["message"]


@pytest.mark.django_db
def test_a_line_logged_after_the_request_has_none(client, lines):
    client.get(reverse("healthz"), headers={"X-Request-ID": "trace-43"})
    logging.getLogger("tests.ops").info("between requests")
    assert lines()[-1]["request_id"] is None


# --- the line --------------------------------------------------------------------


def test_a_json_line_has_time_level_logger_message_request_id_and_extras(lines):
    token = request_id.set("trace-44")
    try:
        logging.getLogger("tests.ops").info("imported %d rows", 12, extra={"rows": 12})
    finally:
        request_id.reset(token)
    (line,) = lines()
    assert line["time"].endswith("+00:00")
    assert {k: line[k] for k in ("level", "logger", "message", "request_id", "rows")} == {
        "level": "INFO",
        "logger": "tests.ops",
        "message": "imported 12 rows",
        "request_id": "trace-44",
        "rows": 12,
    }


def test_an_exception_is_logged_with_its_traceback_in_the_same_line(lines):
    try:
        raise ValueError("row 3: no such class")
    except ValueError:
        logging.getLogger("tests.ops").exception("import failed")
    (line,) = lines()
    assert line["message"] == "import failed"
    assert "Traceback" in line["exception"]
    assert "ValueError: row 3: no such class" in line["exception"]


def test_a_text_line_shows_the_request_id_or_a_dash():
    record = logging.LogRecord("tests.ops", logging.INFO, __file__, 1, "hello", (), None)
    RequestIdFilter().filter(record)
    assert "tests.ops [-] hello" in TextFormatter().format(record)
    record.request_id = "trace-45"
    assert "tests.ops [trace-45] hello" in TextFormatter().format(record)


# --- the settings ----------------------------------------------------------------


@pytest.fixture
def load_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("EFFICACY_DATA_DIR", str(tmp_path))
    for name in ("LOG_FORMAT", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)

    def load(**env: str) -> dict:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return load


def test_logs_are_text_at_warning_unless_told_otherwise(load_settings):
    logging_config = load_settings()["LOGGING"]
    assert logging_config["handlers"]["console"]["formatter"] == "text"
    assert logging_config["handlers"]["console"]["filters"] == ["request_id"]
    assert logging_config["root"]["level"] == "WARNING"


def test_log_format_and_level_are_read_from_the_environment(load_settings):
    logging_config = load_settings(LOG_FORMAT="JSON", LOG_LEVEL="info")["LOGGING"]
    assert logging_config["handlers"]["console"]["formatter"] == "json"
    assert logging_config["root"]["level"] == "INFO"


@pytest.mark.parametrize(("name", "value"), [("LOG_FORMAT", "xml"), ("LOG_LEVEL", "loud")])
def test_a_log_setting_that_cannot_be_read_stops_the_start_naming_it(load_settings, name, value):
    with pytest.raises(ImproperlyConfigured, match=f"{name}='{value}' is not one of"):
        load_settings(**{name: value})
