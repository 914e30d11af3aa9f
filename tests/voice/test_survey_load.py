"""Sixty staff answer the same survey within six seconds, against gunicorn with several
workers on 127.0.0.1, driven by locust headless (``bench/surveys.py``): every answer
stored exactly once, none lost or duplicated, no server error. ``make bench`` runs the
same code with three hundred staff over 45 s and prints its figures (a minute and a half
of the suite's time otherwise).

It runs on the database the suite runs on: a temporary SQLite file, or, when
``DATABASE_URL`` names PostgreSQL, a database of its own on that server, created for
the run and dropped after. The figures (throughput, p95) are printed; ``make bench``
prints the same.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("load")]

ROOT = Path(__file__).resolve().parents[2]
#: Sixty staff arriving over six seconds: ten answers a second, as in the bench's run.
STAFF, SPREAD = 60, 6


def _bench_database() -> str:
    """The suite's PostgreSQL server with a database of the load test's own, or "" (SQLite)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return ""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_survey_load_{os.getpid()}"))


def test_sixty_staff_answer_at_once_each_stored_once():
    env = {**os.environ, "BENCH_DATABASE_URL": _bench_database()}
    if not env["BENCH_DATABASE_URL"]:
        del env["BENCH_DATABASE_URL"]
    done = subprocess.run(
        [sys.executable, "-m", "bench.surveys", "--json", "--drop-database",
         "--staff", str(STAFF), "--spread", str(SPREAD)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=150,
    )  # fmt: skip
    print(done.stdout)
    lines = [line for line in done.stdout.splitlines() if line.startswith("SURVEY_LOAD_JSON ")]
    assert lines, done.stdout + done.stderr
    figures = json.loads(lines[-1].removeprefix("SURVEY_LOAD_JSON "))
    assert figures["stored"] == STAFF
    assert figures["ledger_answered"] == STAFF
    assert figures["ledger_duplicates"] == 0
    assert figures["answers_sent"] == STAFF
    assert figures["failures"] == 0
    assert figures["server_errors"] == 0
    assert figures["locked"] == 0
    assert figures["static_ok"]
    assert figures["seconds"] < SPREAD + 30  # they arrive over 6 s; locust starts and stops
