"""Fifty staff browse dashboards and enter evidence for two minutes against
``efficacy serve`` on 127.0.0.1, on SQLite and on PostgreSQL; then the same again while
the worker imports a large roster; then a stress run. Goals: no failure, nothing lost,
p95 under 500 ms on a two-core machine at a person's pace (each waits 2 to 8 s between
actions: reads the page, types the next score); the stress run (0.5 to 2 s) shows the
capacity, with no failure and nothing lost.

Each database gets a fresh demo school (``efficacy migrate`` and ``efficacy demo`` in a new
folder: an SQLite file there, or the PostgreSQL database ``BENCH_LOAD_DATABASE_URL``
names, default ``efficacy_bench_load`` on 127.0.0.1, created and dropped). The production
server (``efficacy serve``, its default processes: two a core and one) and a worker
(``efficacy worker``) run it with DEBUG off, and locust, headless
(``bench/_load_locustfile.py``), plays the staff: each signs in for real, browses its
home, dashboards, cycles and evidence grid, and, when a member of a cycle under way,
enters scores cell by cell as the evidence grid does. After
each run every cell is read back: it must hold the last value the server said it saved.

In the second run an administrator uploads a generated OneRoster export (50,000 students,
300,000 enrollments by default) on the Import roster page as locust starts, and the
worker imports it while the staff work.

``python -m bench load`` prints a table, and each kind of request's p50 and p95;
``python -m bench.load --users 5 --minutes 0.1 --import-students 2000 --sqlite-only
--no-stress`` is a quick run while developing (``--json`` adds one JSON line).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from bench.common import free_port, postgres_ensure

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LOCUSTFILE = HERE / "_load_locustfile.py"
PASSWORD = "demo-efficacy"  # the demo's, for every account
GOAL_P95_MS = 500
#: Seconds a simulated person waits between actions. A person reads the page they opened
#: or types the next score: 2 to 8 s. The stress run waits 0.5 to 2 s, about three times
#: a person's pace, to show the capacity; the p95 goal is for a person's pace.
PERSON_PACE = (2.0, 8.0)
STRESS_PACE = (0.5, 2.0)
RUN_PERSON = "browse and enter evidence"
RUN_IMPORT = "the same, while a roster imports"
RUN_STRESS = "stress: 0.5 to 2 s between actions"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/efficacy_bench_load"
#: Who the simulated staff are, in turn (three teachers, a team lead, a school leader).
ROLES = ["teacher", "team_lead", "teacher", "school_leader", "teacher"]
CELLS_EACH = 40
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- in the child process: one database -------------------------------------------


def _plan(users: int) -> dict:
    """The simulated staff: an account, the pages it browses, the cells it may enter."""
    from django.urls import reverse

    from efficacy.cycles.evidence.selectors import class_cycle_students
    from efficacy.cycles.evidence.views import _entry_classes
    from efficacy.cycles.models import CycleStatus, InquiryCycle, Score
    from efficacy.roster.models import Role, School, TeamMembership, User

    school = School.objects.get(staff__username="principal")
    cycles = list(InquiryCycle.objects.filter(team__school=school).select_related("team"))
    open_cycles = [c for c in cycles if c.status != CycleStatus.CLOSED and c.measures.exists()]
    members = {}
    for m in TeamMembership.objects.filter(team__school=school).select_related("user"):
        members.setdefault(m.user_id, []).append(m.team_id)
    by_role = {
        role: list(User.objects.filter(school=school, role=role, is_active=True,
                                       pk__in=list(members) if role != Role.SCHOOL_LEADER else
                                       User.objects.values("pk")).order_by("username"))
        for role in (Role.TEACHER, Role.TEAM_LEAD, Role.SCHOOL_LEADER)
    }  # fmt: skip
    # Members of a cycle under way first, so that most teachers and leads enter evidence.
    entering = {m for c in open_cycles for m, teams in members.items() if c.team_id in teams}
    for role in (Role.TEACHER, Role.TEAM_LEAD):
        by_role[role].sort(key=lambda u: (u.pk not in entering, u.username))
    people, taken, turn = [], {}, {}
    for i in range(users):
        role = ROLES[i % len(ROLES)]
        accounts = by_role[role]
        account = accounts[turn.get(role, 0) % len(accounts)]
        turn[role] = turn.get(role, 0) + 1
        teams = members.get(account.pk, [])
        pages = [(reverse("home"), "home")]
        pages += [(reverse("dashboards:team", args=[t]), "team dashboard") for t in teams]
        if role == Role.SCHOOL_LEADER:
            pages.append((reverse("dashboards:school", args=[school.pk]), "school dashboard"))
        mine = [c for c in cycles if c.team_id in teams] or cycles[:2]
        pages += [(reverse("cycles:detail", args=[c.pk]), "cycle page") for c in mine]
        cells = []
        for cycle in open_cycles:
            if cycle.team_id not in teams:
                continue
            pages.append((reverse("cycles:evidence", args=[cycle.pk]), "evidence page"))
            measure = cycle.measures.first()
            url = reverse("cycles:score_cell", args=[cycle.pk])
            # A score entered for another class is its teacher's alone: leave those cells.
            entered_in = {
                (o, s): c
                for o, s, c in Score.objects.filter(measure=measure).values_list(
                    "occasion_id", "student_id", "school_class_id"
                )
            }
            for school_class in _entry_classes(account, cycle):
                students = class_cycle_students(cycle, school_class_id=school_class.pk)
                for occasion in cycle.occasions.all():
                    for student in students:
                        key = f"{measure.pk}-{occasion.pk}-{student.pk}"
                        theirs = entered_in.get((occasion.pk, student.pk), school_class.pk)
                        if key in taken or theirs != school_class.pk or len(cells) >= CELLS_EACH:
                            continue
                        taken[key] = i
                        cells.append({
                            "key": key, "url": url, "measure": measure.pk,
                            "occasion": occasion.pk, "student": student.pk,
                            "class": school_class.pk, "low": int(measure.min_score),
                            "high": int(measure.max_score),
                        })  # fmt: skip
        people.append({"username": account.username, "role": role, "pages": pages,
                       "cells": cells})  # fmt: skip
    return {"password": PASSWORD, "people": people}


def _large_export(workdir: Path, students: int, district_sid: str) -> Path:
    """A generated OneRoster export of the demo's district (its sourcedId), zipped."""
    from efficacy.roster.oneroster.generate import district_generate

    folder = district_generate(workdir / "large-export", students=students,
                               staff=max(10, students // 20), classes=max(4, students // 25),
                               enrollments=students * 6)  # fmt: skip
    target = workdir / "large-export.zip"
    field = re.compile(r"(?<![^,\n])d-1(?![^,\r\n])")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            text = path.read_text(encoding="utf-8")
            archive.writestr(path.name, field.sub(district_sid, text))
    shutil.rmtree(folder)
    return target


def _wait_healthy(base: str, processes: list[subprocess.Popen], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError("the server or the worker stopped before it was healthy")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                body = json.loads(answer.read())
                if body.get("worker", {}).get("ok") and body.get("database", {}).get("ok"):
                    return
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"/healthz did not say the database and a worker were alive in {seconds} s")


def _upload_import(base: str, export: Path, outcome: dict) -> None:
    """The district administrator uploads the export on the Import roster page."""
    import requests

    session = requests.Session()
    started = time.perf_counter()
    page = session.get(f"{base}/accounts/login/")
    token = TOKEN.search(page.text).group(1)
    session.post(f"{base}/accounts/login/", data={"username": "admin", "password": PASSWORD,
                                                   "csrfmiddlewaretoken": token})  # fmt: skip
    token = TOKEN.search(session.get(f"{base}/roster/import/").text).group(1)
    with export.open("rb") as upload:
        sent = session.post(f"{base}/roster/import/", data={"csrfmiddlewaretoken": token},
                            files={"export": (export.name, upload, "application/zip")},
                            allow_redirects=False, timeout=300)  # fmt: skip
    found = re.search(r"/roster/import/(\d+)/", sent.headers.get("Location", ""))
    outcome["upload_seconds"] = round(time.perf_counter() - started, 1)
    outcome["run"] = int(found.group(1)) if found else None
    outcome["started"] = started
    if outcome["run"] is None:
        outcome["status"] = f"upload refused ({sent.status_code})"


def _import_outcome(outcome: dict) -> None:
    from django.db import connection

    from efficacy.roster.models import ImportRun

    if outcome.get("run") is None:
        return
    connection.close()
    run = ImportRun.objects.get(pk=outcome["run"])
    outcome["status"] = run.status
    if run.finished_at and run.created_at:
        outcome["import_seconds"] = round((run.finished_at - run.created_at).total_seconds(), 1)


def _check_saved(workdir: Path) -> dict:
    """Every cell holds the last value the server said it saved there."""
    from django.db import connection

    from efficacy.cycles.models import Score

    last: dict[str, int] = {}
    answered = 0
    for path in workdir.glob("saved-*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                last[entry["key"]] = entry["value"]
                answered += 1
        path.unlink()
    connection.close()
    stored = {
        f"{m}-{o}-{s}": v
        for m, o, s, v in Score.objects.values_list(
            "measure_id", "occasion_id", "student_id", "value"
        )
    }
    lost = sum(1 for key, value in last.items() if stored.get(key) != value)
    return {"saves_answered": answered, "cells_saved": len(last), "lost": lost}


def _sign_ins(workdir: Path) -> dict:
    """Everyone's sign-in (the page and the POST), all in the first seconds of a run."""
    lines = []
    for path in workdir.glob("signins-*.jsonl"):
        lines += [json.loads(line) for line in path.read_text().splitlines() if line]
        path.unlink()
    times = [line["ms"] for line in lines if "ms" in line]
    early = [line for line in lines if "failures" in line]
    out: dict = {
        "people": len(times),
        "failures": sum(line["failures"] for line in early),
        "failure_kinds": [kind for line in early for kind in line["kinds"]],
    }
    if times:
        p50, p95 = np.percentile(times, [50, 95])
        out.update(p50_ms=round(float(p50)), p95_ms=round(float(p95)))
    return out


def _stats(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as f:
        # A kind with no request since the figures started afresh has no percentiles.
        rows = {row["Name"]: row for row in csv.DictReader(f) if int(row["Request Count"])}
    total = rows.pop("Aggregated")
    scores = rows.get("score entry", {})
    return {
        # Each kind of request (the locustfile names them): where the time goes.
        "pages": {
            name: {
                "requests": int(row["Request Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
            }
            for name, row in sorted(rows.items())
        },
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "requests_per_s": round(float(total["Requests/s"]), 1),
        "score_p95_ms": float(scores["95%"]) if scores else None,
    }


def _one_run(workdir: Path, env: dict, plan: dict, *, users: int, seconds: int,
             export: Path | None, pace: tuple[float, float]) -> dict:  # fmt: skip
    plan_file = workdir / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    logs = {name: open(workdir / f"{name}.log", "w", encoding="utf-8")  # noqa: SIM115
            for name in ("web", "worker")}  # fmt: skip
    efficacy = [sys.executable, "-m", "efficacy"]
    processes = [
        # With its own number of processes (EFFICACY_WEB_WORKERS), as a server runs it.
        subprocess.Popen([*efficacy, "serve", "--bind", f"127.0.0.1:{port}"],
                         cwd=ROOT, env=env, stdout=logs["web"], stderr=subprocess.STDOUT),
        subprocess.Popen([*efficacy, "worker"], cwd=ROOT, env=env, stdout=logs["worker"],
                         stderr=subprocess.STDOUT),
    ]  # fmt: skip
    outcome: dict = {}
    try:
        _wait_healthy(base, processes)
        uploader = None
        if export is not None:
            uploader = threading.Thread(target=_upload_import, args=(base, export, outcome))
            uploader.start()
        locust = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
             "-u", str(users), "-r", str(max(1, users // 10)), "--run-time", f"{seconds}s",
             "--stop-timeout", "10", "--host", base, "--csv", str(workdir / "locust"),
             "--only-summary", "--loglevel", "WARNING"],
            env={**env, "LOAD_PLAN": str(plan_file), "LOAD_WAIT": "{},{}".format(*pace)},
            capture_output=True, text=True,
            timeout=seconds + 120,
        )  # fmt: skip
        if uploader is not None:
            uploader.join(timeout=600)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()
    server_log = (workdir / "web.log").read_text(encoding="utf-8", errors="replace")
    figures = _stats(workdir / "locust")
    figures.update(_check_saved(workdir))
    figures["sign_in"] = _sign_ins(workdir)
    # A failure while the staff arrived counts as much as one after.
    figures["failures"] += figures["sign_in"]["failures"]
    figures["server_errors"] = server_log.count("Traceback")
    if figures["server_errors"]:
        first = server_log.index("Traceback")
        figures["first_server_error"] = server_log[first : first + 3000]
    failures_file = workdir / "locust_failures.csv"
    if failures_file.exists():
        with failures_file.open(encoding="utf-8", newline="") as f:
            figures["failure_kinds"] = [
                f"{row['Occurrences']} x {row['Method']} {row['Name']}: {row['Error'][:200]}"
                for row in csv.DictReader(f)
            ]
    figures["failure_kinds"] = figures["sign_in"]["failure_kinds"] + figures.get(
        "failure_kinds", []
    )
    figures["locust_exit"] = locust.returncode
    if locust.returncode not in (0, 1):
        figures["locust_errors"] = locust.stderr[-2000:]
    if export is not None:
        _import_outcome(outcome)
        figures["import"] = {k: v for k, v in outcome.items() if k != "started"}
    return figures


def run_database(url: str, *, users: int, seconds: int, import_students: int,
                 with_import: bool, with_stress: bool) -> dict:  # fmt: skip
    """Both runs on one database (in this process: Django is set up for it)."""
    workdir = Path(tempfile.mkdtemp(prefix="efficacy-bench-load-"))
    postgres = url.startswith("postgres")
    if postgres:
        postgres_ensure(url, drop=True)  # a fresh database each run
        postgres_ensure(url)
    database_url = url if postgres else f"sqlite:///{workdir / 'load.sqlite3'}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("EFFICACY_", "DJANGO_"))},
        "DATABASE_URL": database_url,
        "EFFICACY_DATA_DIR": str(workdir),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "off",
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(DATABASE_URL=database_url, EFFICACY_DATA_DIR=str(workdir),
                      DJANGO_SETTINGS_MODULE="efficacy.settings")  # fmt: skip
    try:
        started = time.perf_counter()
        for command in (["migrate", "--noinput", "-v", "0"], ["demo"]):
            subprocess.run([sys.executable, "-m", "efficacy", *command], cwd=ROOT, env=env,
                           check=True, capture_output=True)  # fmt: skip
        import django

        django.setup()
        from django.db import connection

        from efficacy.roster.models import District

        plan = _plan(users)
        export = None
        if with_import:
            district = District.objects.get(staff__username="admin")
            export = _large_export(workdir, import_students, district.sourced_id)
        vendor = connection.vendor
        connection.close()
        prepared = round(time.perf_counter() - started, 1)
        results = {"database": vendor, "prepared_seconds": prepared, "runs": {}}
        runs = [(RUN_PERSON, PERSON_PACE, None)]
        if with_import:
            runs.append((RUN_IMPORT, PERSON_PACE, export))
        if with_stress:
            runs.append((RUN_STRESS, STRESS_PACE, None))
        for name, pace, upload in runs:
            results["runs"][name] = _one_run(workdir, env, plan, users=users, seconds=seconds,
                                             export=upload, pace=pace)  # fmt: skip
        results["entering"] = sum(1 for p in plan["people"] if p["cells"])
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if postgres:
            from django.db import connections

            connections.close_all()
            postgres_ensure(url, drop=True)


# --- in the parent: every database, one table -------------------------------------


def _postgres_reachable(url: str) -> bool:
    try:
        import psycopg

        parts = urlsplit(url)
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), connect_timeout=3):
            return True
    except Exception:
        return False


def _print_table(results: list[dict], *, users: int, seconds: int, students: int) -> None:
    from efficacy.settings import EFFICACY_WEB_WORKERS

    print(f"{users} staff for {seconds} s against efficacy serve "
          f"({EFFICACY_WEB_WORKERS} processes) "
          f"and a worker on 127.0.0.1; locust headless; each person waits "
          f"{PERSON_PACE[0]:g} to {PERSON_PACE[1]:g} s between actions; goal p95 < "
          f"{GOAL_P95_MS} ms (the stress run: no failure and nothing lost)")  # fmt: skip
    header = ("database", "run", "requests", "failures", "p50", "p95", "p99", "req/s",
              "saves", "lost", "5xx")  # fmt: skip
    rows = [header]
    for result in results:
        for name, f in result["runs"].items():
            rows.append((result["database"], name, f"{f['requests']:,}", str(f["failures"]),
                         f"{f['p50_ms']:.0f} ms", f"{f['p95_ms']:.0f} ms", f"{f['p99_ms']:.0f} ms",
                         f"{f['requests_per_s']:.1f}", f"{f['saves_answered']:,}", str(f["lost"]),
                         str(f["server_errors"])))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    for result in results:
        for name, f in result["runs"].items():
            pages = ", ".join(f"{page} {p['p50_ms']:.0f}/{p['p95_ms']:.0f}"
                              for page, p in f.get("pages", {}).items())  # fmt: skip
            print(f"  {result['database']} ({name}), p50/p95 ms per request: {pages}")
            arrived = f.get("sign_in", {})
            if arrived.get("people"):
                print(f"    and the {arrived['people']} signing in as the run starts "
                      f"(the sign-in page and the password, apart from the figures above): "
                      f"p50 {arrived['p50_ms']} ms, p95 {arrived['p95_ms']} ms")  # fmt: skip
    for result in results:
        for name, f in result["runs"].items():
            if "import" in f:
                i = f["import"]
                print(f"  {result['database']}: the roster import of {students:,} students "
                      f"({name}): {i.get('status')}, upload {i.get('upload_seconds')} s, "
                      f"import {i.get('import_seconds')} s")  # fmt: skip
            for kind in f.get("failure_kinds", []):
                print(f"  {result['database']} ({name}) failed: {kind}")
            if f.get("first_server_error"):
                print(f"  the server's first error:\n{f['first_server_error']}")
            if f.get("locust_errors"):
                print(f"  locust said: {f['locust_errors']}")


def _ok(results: list[dict]) -> bool:
    for result in results:
        for name, f in result["runs"].items():
            if f["failures"] or f["lost"] or f["server_errors"]:
                return False
            if name != RUN_STRESS and f["p95_ms"] >= GOAL_P95_MS:
                return False
            if "import" in f and f["import"].get("status") != "succeeded":
                return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--import-students", type=int, default=50_000)
    parser.add_argument("--no-import", action="store_true", help="skip the run with an import")
    parser.add_argument("--no-stress", action="store_true", help="skip the stress run")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--database", help=argparse.SUPPRESS)  # the child's
    options = parser.parse_args(sys.argv[1:] if argv is None else argv)
    seconds = max(5, round(options.minutes * 60))
    if options.database:
        result = run_database(options.database, users=options.users, seconds=seconds,
                              import_students=options.import_students,
                              with_import=not options.no_import,
                              with_stress=not options.no_stress)  # fmt: skip
        print("LOAD_JSON " + json.dumps(result))
        return 0
    databases = ["sqlite"]
    postgres = os.environ.get("BENCH_LOAD_DATABASE_URL", DEFAULT_POSTGRES)
    if not options.sqlite_only:
        if _postgres_reachable(postgres):
            databases.append(postgres)
        else:
            print(f"PostgreSQL at {postgres} does not answer: SQLite only")
    results = []
    for database in databases:
        child = subprocess.run(
            [sys.executable, "-m", "bench.load", "--database", database,
             "--users", str(options.users), "--minutes", str(options.minutes),
             "--import-students", str(options.import_students)]
            + (["--no-import"] if options.no_import else [])
            + (["--no-stress"] if options.no_stress else []),
            cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        line = next((x for x in child.stdout.splitlines() if x.startswith("LOAD_JSON ")), None)
        if child.returncode != 0 or line is None:
            print(f"the run on {database} failed:\n{child.stdout[-3000:]}{child.stderr[-3000:]}")
            return 1
        results.append(json.loads(line.removeprefix("LOAD_JSON ")))
    _print_table(results, users=options.users, seconds=seconds,
                 students=options.import_students)  # fmt: skip
    if options.json:
        print("LOAD_JSON " + json.dumps(results))
    return 0 if _ok(results) else 1


if __name__ == "__main__":
    sys.exit(main())
