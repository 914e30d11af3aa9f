"""Three hundred staff answer the same survey within a minute, against a real
multi-process server. Goals: every answer stored exactly once, no server error,
p95 latency under 300 ms on a two-core machine.

The set-up (in this process): a fresh database (a temporary SQLite file, or
``BENCH_DATABASE_URL``, created if it does not exist), a school with 300
teachers who share one password hash, an open window of a 12-item, 6-point
instrument that invites them all, and a signed-in session for each (made
directly, so that neither Argon2 nor the sign-in lockout is in the
measurement). Then gunicorn serves the app on a free port of 127.0.0.1 with
several workers (WhiteNoise serving the static files), and locust, headless,
plays the 300 (``bench/_surveys_locustfile.py``): each opens the survey page
and sends its answers once. Afterwards the tables are counted.

``python -m bench surveys`` prints the figures; ``python -m bench.surveys --json``
also prints them as one JSON line (``tests/voice/test_survey_load.py`` reads it),
and ``--drop-database`` removes a PostgreSQL database it used.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.common import free_port, postgres_ensure

HERE = Path(__file__).resolve().parent
LOCUSTFILE = HERE / "_surveys_locustfile.py"
STAFF = 300
WORKERS = 3
#: The 300 arrive evenly over this many seconds ("within one minute"), one every 0.15 s.
SPREAD_SECONDS = 45
#: Locust starts its simulated users this fast; each then waits for its turn.
SPAWN_RATE = 100
#: Locust gives up after this long, and the whole run is killed this much later.
RUN_TIME = 75
GOAL_P95_MS = 300
PASSWORD = "Bench-survey-2025"
SCALE = [
    "Not at all confident", "Slightly confident", "Somewhat confident",
    "Fairly confident", "Very confident", "Completely confident",
]  # fmt: skip


def _definition() -> dict:
    """A 12-item, two-subscale instrument on a 6-point scale (the size of the shipped one)."""
    items = [
        {"key": f"{prefix}{i}", "subscale": subscale, "scale": "confidence",
         "reverse": i == 6, "text": {"en": f"How confident are you about {subscale} {i}?"}}
        for prefix, subscale in (("gc", "group_competence"), ("ta", "task_analysis"))
        for i in range(1, 7)
    ]  # fmt: skip
    return {
        "key": "bench-collective-efficacy",
        "version": "1.0",
        "title": {"en": "Bench collective efficacy"},
        "description": {"en": "For the load test."},
        "languages": ["en"],
        "index": {"en": "Collective efficacy index"},
        "scales": {"confidence": {"min": 1, "max": 6, "options": [
            {"value": v + 1, "label": {"en": label}} for v, label in enumerate(SCALE)]}},
        "subscales": [{"key": "group_competence", "name": {"en": "Group competence"}},
                      {"key": "task_analysis", "name": {"en": "Task analysis"}}],
        "items": items,
    }  # fmt: skip


def _prepare(workdir: Path, *, staff: int, spread: float) -> dict:
    """The school, its staff, the window and a session each; returns the locust plan."""
    import datetime as dt

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.urls import reverse
    from django.utils import timezone

    from efficacy.roster.models import District, Role, School, User
    from efficacy.voice.models import Instrument
    from efficacy.voice.services.surveys import survey_window_open

    run = f"{int(time.time())}"
    district = District.objects.create(name=f"Bench district {run}")
    school = School.objects.create(district=district, name=f"Bench school {run}")
    password = make_password(PASSWORD)  # one Argon2 hash for everyone
    leader = User.objects.create(username=f"leader-{run}", role=Role.SCHOOL_LEADER,
                                 school=school, district=district, password=password)  # fmt: skip
    User.objects.bulk_create(
        User(username=f"staff-{run}-{i:03}", role=Role.TEACHER, school=school,
             district=district, password=password, email=f"staff{i:03}@example.org")
        for i in range(staff)
    )  # fmt: skip
    staff = list(User.objects.filter(school=school, role=Role.TEACHER))
    definition = _definition()
    instrument, _ = Instrument.objects.get_or_create(
        key=definition["key"], version="1.0", district=None,
        defaults={"source": "", "sha256": "", "definition": definition},
    )  # fmt: skip
    today = timezone.localdate()
    window = survey_window_open(
        user=leader, school=school, instrument=instrument, title="Load test",
        opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=14),
    )  # fmt: skip
    store = SessionStore()
    expires = timezone.now() + dt.timedelta(hours=8)
    sessions = []
    for person in staff:
        key = store._get_new_session_key()
        data = {
            SESSION_KEY: str(person.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: person.get_session_auth_hash(),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data),
                                expire_date=expires))  # fmt: skip
    Session.objects.bulk_create(sessions)
    return {
        "window": window.pk,
        "answer_url": reverse("voice:survey_answer", args=[window.pk]),
        "items": [item["key"] for item in definition["items"]],
        "scale_max": 6,
        "expected": len(staff),
        "spread_seconds": spread,
        "sessions": [s.session_key for s in sessions],
    }


def _run_time(plan: dict) -> int:
    """Locust gives up this long after it starts: the spread and time to finish."""
    return int(plan["spread_seconds"]) + RUN_TIME - SPREAD_SECONDS


def _wait_until_serving(base: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped before it served")
        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


def _stats(prefix: Path) -> dict[str, dict[str, str]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def _serve_and_load(workdir: Path, plan: dict) -> dict:
    plan_file = workdir / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(workdir / "gunicorn.log", "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "efficacy.wsgi", "-w", str(WORKERS),
         "-b", f"127.0.0.1:{port}", "--timeout", "60", "--preload"],
        # Each worker keeps its database connection, as a deployment would (DB_CONN_MAX_AGE).
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "DB_CONN_MAX_AGE": "60"},
    )  # fmt: skip
    try:
        _wait_until_serving(base, server)
        with urllib.request.urlopen(f"{base}/static/css/surveys.css", timeout=5) as css:
            static_ok = css.status == 200
        started = time.perf_counter()
        locust = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
             "-u", str(plan["expected"]), "-r", str(SPAWN_RATE), "--run-time", f"{_run_time(plan)}s",
             "--stop-timeout", "5", "--host", base, "--csv", str(workdir / "locust"),
             "--only-summary", "--loglevel", "WARNING"],
            env={**os.environ, "SURVEY_LOAD_PLAN": str(plan_file)},
            capture_output=True, text=True, timeout=_run_time(plan) + 30,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    server_log = (workdir / "gunicorn.log").read_text(encoding="utf-8")
    stats = _stats(workdir / "locust")
    answers, page, total = stats["answers"], stats["survey page"], stats["Aggregated"]
    return {
        "seconds": round(elapsed, 2),
        "static_ok": static_ok,
        "locust_exit": locust.returncode,
        "answers_sent": int(answers["Request Count"]),
        "failures": int(total["Failure Count"]),
        "requests_per_s": round(float(total["Requests/s"]), 1),
        "answers_per_s": round(int(answers["Request Count"]) / elapsed, 1),
        "p50_ms": float(answers["50%"]),
        "p95_ms": float(answers["95%"]),
        "page_p95_ms": float(page["95%"]),
        "all_p95_ms": float(total["95%"]),
        "server_errors": server_log.count("Internal Server Error") + server_log.count("Traceback"),
        "locked": server_log.count("database is locked"),
        "locust_errors": locust.stderr[-2000:] if locust.returncode not in (0, 1) else "",
    }


def _count(window_id: int) -> dict:
    from django.db import connection
    from django.db.models import Count

    from efficacy.voice.models import SurveyInvitation, SurveyResponse

    connection.close()  # a fresh look at what the server processes wrote
    ledger = SurveyInvitation.objects.filter(window_id=window_id)
    duplicates = ledger.values("user_id").annotate(n=Count("id")).filter(n__gt=1).count()
    return {
        "stored": SurveyResponse.objects.filter(window_id=window_id).count(),
        "ledger_answered": ledger.filter(answered=True).count(),
        "ledger_duplicates": duplicates,
    }


def run(*, drop_database: bool = False, staff: int = STAFF, spread: float = SPREAD_SECONDS) -> dict:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if url.startswith("postgres"):
        postgres_ensure(url)
    from bench.common import setup_django_on_a_fresh_database

    workdir = setup_django_on_a_fresh_database("surveys")
    try:
        from django.db import connection

        plan = _prepare(workdir, staff=staff, spread=spread)
        connection.close()  # the server's processes write from here on
        figures = _serve_and_load(workdir, plan)
        figures.update(_count(plan["window"]), expected=plan["expected"], spread_seconds=spread,
                       database=connection.vendor, workers=WORKERS)  # fmt: skip
        connection.close()
        return figures
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if drop_database and url.startswith("postgres"):
            postgres_ensure(url, drop=True)


def _option(argv: list[str], name: str, default: int) -> int:
    """``--staff 60``: a smaller run (the suite's), the same code."""
    if name in argv:
        return int(argv[argv.index(name) + 1])
    return default


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    figures = run(
        drop_database="--drop-database" in argv,
        staff=_option(argv, "--staff", STAFF),
        spread=_option(argv, "--spread", SPREAD_SECONDS),
    )
    f = figures
    print(f"{f['expected']} staff answer one survey on {f['database']}, gunicorn with "
          f"{f['workers']} workers on 127.0.0.1, locust headless, arriving over {f['spread_seconds']} s")  # fmt: skip
    print(f"  answers stored: {f['stored']} (ledger: {f['ledger_answered']} answered, "
          f"{f['ledger_duplicates']} duplicated)  failures: {f['failures']}  "
          f"server errors: {f['server_errors']}  'database is locked': {f['locked']}")  # fmt: skip
    print(f"  all answered in {f['seconds']:.1f} s: {f['answers_per_s']:.1f} answers/s, "
          f"{f['requests_per_s']:.1f} requests/s")  # fmt: skip
    print(f"  sending the answers: p50 {f['p50_ms']:.0f} ms, p95 {f['p95_ms']:.0f} ms "
          f"(goal < {GOAL_P95_MS} ms); the survey page: p95 {f['page_p95_ms']:.0f} ms")  # fmt: skip
    if "--json" in argv:
        print("SURVEY_LOAD_JSON " + json.dumps(figures))
    whole = f["stored"] == f["expected"] == f["ledger_answered"]
    return 0 if whole and not f["failures"] and not f["server_errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
