"""Proof under crashes: real processes on 127.0.0.1, killed with SIGKILL at the worst moment.

1. The server (and the worker) killed in the middle of a large score upload: the
   database holds all of it or none of it, its integrity check passes, and after a
   restart the same upload gives the right scores.
2. The server killed while many staff send their survey answers: every answer that
   was thanked for is stored, none twice, none in part; after a restart, everyone who
   was not thanked can answer, once.
3. The worker killed in the middle of a large roster import: the run is recorded as
   failed ("the worker stopped"), never left running, nothing of it is written, and a
   new worker imports the same export to success.

They run on the suite's database (SQLite, then PostgreSQL in CI): see ``conftest.py``.
A kill lands at a random moment inside the write (the seed is printed, to replay it).
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

import pytest
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from efficacy.audit.models import Action, AuditEvent
from efficacy.cycles.models import Score
from efficacy.cycles.plan.services import cycle_create, measure_create, occasion_create
from efficacy.roster.models import Enrollment, Student
from tests.ops.fault_processes import (
    busy_for,
    csrf_token,
    signed_in,
    sqlite_integrity,
    wait_until,
    writer_busy,
)
from tests.ops.processes import free_port

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("faults")]


def _seeded() -> random.Random:
    seed = random.randrange(1_000_000)
    print(f"kill moment seed: {seed}")
    return random.Random(seed)


# --- 1. killed mid evidence import ------------------------------------------------------

#: 3,500 students × 2 measures × 3 occasions: 21,000 scores in one upload.
STUDENTS, MEASURES, OCCASIONS = 3_500, 2, 3


def _large_upload(world) -> tuple[object, bytes, int, float]:
    """A cycle of 3,500 focus students and its score file: (cycle, CSV, rows, sum of scores)."""
    lead = world.lead_english
    cycle = cycle_create(
        user=lead, team=world.team_english, title="Inference at scale",
        problem_of_practice="Applied students struggle to infer from texts.",
        focus={"grades": ["09"], "pathways": ["applied"]}, comparison={},
        mastery_goal="Students infer from texts.",
        start_date=dt.date(2024, 9, 15), end_date=dt.date(2024, 12, 15),
    )  # fmt: skip
    measures = [
        measure_create(user=lead, cycle=cycle, name=f"Rubric {m}", kind="rubric",
                       min_score=1, max_score=4)
        for m in range(MEASURES)
    ]  # fmt: skip
    occasions = [
        occasion_create(user=lead, cycle=cycle, name=name, kind=kind)
        for name, kind in (("Baseline", "baseline"), ("Midway", "checkpoint"), ("Final", "final"))
    ][:OCCASIONS]
    school, klass = world.school_a, world.english_9_applied
    students = Student.objects.bulk_create(
        Student(school=school, given_name=f"S{i}", family_name="Many", identifier=f"F{i:05}",
                grade="09", pathway="applied")
        for i in range(STUDENTS)
    )  # fmt: skip
    Enrollment.objects.bulk_create(
        Enrollment(school_class=klass, school=school, student=s,
                   role=Enrollment.EnrollmentRole.STUDENT)
        for s in students
    )  # fmt: skip
    lines, total = ["student,class,measure,occasion,score"], 0
    for i in range(STUDENTS):
        for m, measure in enumerate(measures):
            for o, occasion in enumerate(occasions):
                value = 1 + (i + m + o) % 4
                total += value
                lines.append(f"F{i:05},,{measure.name},{occasion.name},{value}")
    return cycle, ("\n".join(lines) + "\n").encode(), len(lines) - 1, total


def _post_upload(http, base: str, url: str, content: bytes, outcome: dict) -> None:
    """Send the score file as the upload page does; ``outcome`` gets the status or the error."""
    try:
        token = csrf_token(http.get(base + url, timeout=30))
        sent = http.post(
            base + url, data={"csrfmiddlewaretoken": token},
            files={"file": ("scores.csv", content, "text/csv")},
            allow_redirects=False, timeout=120,
        )  # fmt: skip
        outcome["status"] = sent.status_code
    except Exception as error:  # the server was killed under it: that is the point
        outcome["error"] = repr(error)


def _scores(cycle) -> tuple[int, float]:
    rows = Score.objects.filter(measure__cycle=cycle)
    return rows.count(), sum(rows.values_list("value", flat=True))


def test_a_server_killed_mid_upload_keeps_all_or_none_and_the_upload_can_be_repeated(
    world, processes
):
    cycle, content, expected, total = _large_upload(world)
    url = f"/cycles/{cycle.pk}/evidence/upload/"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server, worker = processes.server(port), processes.worker()
    rng = _seeded()
    table = Score._meta.db_table
    outcome: dict = {}

    with signed_in(world.lead_english) as http:
        sender = threading.Thread(target=_post_upload, args=(http, base, url, content, outcome))
        sender.start()
        try:
            # Scores are being written (a write held a while: no short bookkeeping write).
            wait_until(busy_for(table, 0.1), seconds=60, what="the scores being written",
                       alive=server)  # fmt: skip
            time.sleep(rng.uniform(0, 0.4))
            mid_write = writer_busy(table)
            server.kill()
            worker.kill()
        finally:
            sender.join(130)
    stored, _sum = _scores(cycle)
    print(f"killed {'inside' if mid_write else 'after'} the write; the upload: {outcome}; "
          f"stored {stored} of {expected}")  # fmt: skip

    assert sqlite_integrity() == "ok"
    assert stored in (0, expected), f"half an import: {stored} of {expected} scores"
    saved_events = AuditEvent.objects.filter(
        action=Action.EVIDENCE_SAVED, target_id=str(cycle.pk)
    ).count()
    assert saved_events == (1 if stored else 0)  # the record commits with the scores, or not

    # Started again, the server takes the same upload and stores every score, once.
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    processes.server(port)
    processes.worker()
    again: dict = {}
    with signed_in(world.lead_english) as http:
        _post_upload(http, base, url, content, again)
    assert "error" not in again, again
    wait_until(lambda: _scores(cycle)[0] == expected, seconds=60, what="every score stored")
    assert _scores(cycle) == (expected, total)
    assert sqlite_integrity() == "ok"
    # Whatever task the kill cut off is marked failed by the new worker, not left running.
    wait_until(lambda: not DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).exists(),
               seconds=30, what="no task left running", every=0.5)  # fmt: skip


# --- 2. killed mid survey submissions ---------------------------------------------------

#: Staff answering one survey, six at a time.
STAFF, AT_ONCE = 48, 6
ALREADY = "You have already answered this survey."


def _answer(base: str, plan: dict, session: str) -> str:
    """One member of staff opens the survey and sends every item: "thanked", "already"
    (the page says so), or what went wrong."""
    import requests

    with requests.Session() as http:
        http.cookies.set("sessionid", session)
        try:
            page = http.get(base + plan["answer_url"], timeout=30)
            if ALREADY in page.text:
                return "already"
            answers = {f"item_{key}": str(random.randint(1, plan["scale_max"]))
                       for key in plan["items"]}  # fmt: skip
            answers["csrfmiddlewaretoken"] = csrf_token(page)
            sent = http.post(base + plan["answer_url"], data=answers, allow_redirects=False,
                             timeout=30)  # fmt: skip
        except Exception as error:  # the server was killed under it
            return f"error: {error!r}"
    if sent.status_code == 302 and sent.headers.get("Location", "").endswith("/thanks/"):
        return "thanked"
    return f"status {sent.status_code}"


def _answer_all(base: str, plan: dict, sessions: list[str], outcomes: dict, *, stop=None):
    """Six at a time, each session once, until done or ``stop`` is set."""
    queue = list(sessions)
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not queue or (stop is not None and stop.is_set()):
                    return
                session = queue.pop()
            outcome = _answer(base, plan, session)
            with lock:
                outcomes[session] = outcome

    threads = [threading.Thread(target=work) for _ in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    return threads


def _ledger(window_id: int, session_users: dict[str, int]) -> dict:
    from django.db.models import Count

    from efficacy.voice.models import SurveyInvitation, SurveyResponse

    ledger = SurveyInvitation.objects.filter(window_id=window_id)
    answered = set(ledger.filter(answered=True).values_list("user_id", flat=True))
    return {
        "answered": answered,
        "duplicates": ledger.values("user_id").annotate(n=Count("id")).filter(n__gt=1).count(),
        "responses": list(
            SurveyResponse.objects.filter(window_id=window_id).values_list("answers", flat=True)
        ),
    }


def _whole(answers: dict, plan: dict) -> bool:
    """An answer with every item, each on the scale: nothing half written."""
    return set(answers) == set(plan["items"]) and all(
        isinstance(v, int) and 1 <= v <= plan["scale_max"] for v in answers.values()
    )


def test_a_server_killed_mid_survey_answers_loses_none_and_duplicates_none(processes, tmp_path):
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    from bench.surveys import _prepare

    plan = _prepare(tmp_path, staff=STAFF, spread=0)
    sessions = plan["sessions"]
    user_of = {key: int(Session.objects.get(pk=key).get_decoded()[SESSION_KEY]) for key in sessions}
    rng = _seeded()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = processes.server(port, workers=2)
    first: dict[str, str] = {}
    stop = threading.Event()
    threads = _answer_all(base, plan, sessions, first, stop=stop)
    kill_after = rng.randint(STAFF // 4, STAFF // 2)
    wait_until(lambda: sum(o == "thanked" for o in first.values()) >= kill_after,
               seconds=60, what=f"{kill_after} answers thanked", alive=server)  # fmt: skip
    server.kill()
    stop.set()
    for thread in threads:
        thread.join(60)
    thanked = {user_of[s] for s, o in first.items() if o == "thanked"}
    lost_in_flight = sum(o.startswith("error") for o in first.values())
    state = _ledger(plan["window"], user_of)
    print(f"killed after {len(thanked)} thanked answers, {lost_in_flight} requests cut off; "
          f"stored {len(state['responses'])}")  # fmt: skip

    assert sqlite_integrity() == "ok"
    assert thanked <= state["answered"], "an answer that was thanked for is not stored"
    assert len(state["responses"]) == len(state["answered"]), "an answer without its ledger row"
    assert state["duplicates"] == 0
    assert all(_whole(answers, plan) for answers in state["responses"])

    # Started again: whoever was not thanked answers now, or is told they already have.
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    processes.server(port, workers=2)
    second: dict[str, str] = {}
    rest = [s for s in sessions if first.get(s) != "thanked"]
    for thread in _answer_all(base, plan, rest, second):
        thread.join(60)
    assert set(second.values()) <= {"thanked", "already"}, second
    already = {user_of[s] for s, o in second.items() if o == "already"}
    assert already <= state["answered"]  # told so only if their first answer was stored
    state = _ledger(plan["window"], user_of)
    assert state["answered"] == set(user_of.values())
    assert len(state["responses"]) == STAFF
    assert state["duplicates"] == 0
    assert all(_whole(answers, plan) for answers in state["responses"])


# --- 3. the worker killed mid-task --------------------------------------------------------

#: A district's export, large enough that its import writes for a few seconds even on a
#: quiet machine (3,000 students were written in under half a second there, before the kill).
ROSTER = {"students": 6_000, "staff": 300, "classes": 240, "enrollments": 36_000}


def _roster_counts() -> dict[str, int]:
    from efficacy.roster.models import SchoolClass, User

    return {
        "students": Student.objects.count(),
        "staff": User.objects.count(),
        "classes": SchoolClass.objects.count(),
        "enrollments": Enrollment.objects.count(),
    }


def test_a_worker_killed_mid_roster_import_fails_the_run_writes_nothing_and_a_new_worker_imports(
    processes, settings, tmp_path, client
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from efficacy.roster.models import District, ImportRun, Role, User
    from efficacy.roster.oneroster.generate import district_generate
    from efficacy.roster.services import import_run_start, import_run_start_again

    riverside = District.objects.create(name="Riverside District", sourced_id="d-1")
    admin = User.objects.create(username="river_admin", role=Role.ADMINISTRATOR,
                                district=riverside)  # fmt: skip
    export = district_generate(tmp_path / "export.zip", as_zip=True, **ROSTER)
    before = _roster_counts()
    run = import_run_start(by=admin, upload=SimpleUploadedFile("district.zip", export.read_bytes()))
    rng = _seeded()

    worker = processes.worker()
    wait_until(busy_for(Student._meta.db_table, 0.1), seconds=60, what="the roster being written",
               alive=worker)  # fmt: skip
    time.sleep(rng.uniform(0, 0.25))
    worker.kill()
    run.refresh_from_db()
    print(f"worker killed at {run.status!r}")
    (killed_task,) = DBTaskResult.objects.filter(task_path__endswith=".roster_import_run")
    assert killed_task.status == TaskResultStatus.RUNNING  # what the worker left

    assert sqlite_integrity() == "ok"
    assert _roster_counts() == before, "half an import"
    # The page notices the silence and says what happened; nothing says "Importing…" for ever.
    client.force_login(admin)
    page = reverse("roster:import_run", args=[run.pk])
    wait_until(lambda: client.get(page) and _status(run) == ImportRun.RunStatus.FAILED,
               seconds=30, what="the run recorded as failed", every=0.5)  # fmt: skip
    run.refresh_from_db()
    assert run.failure == ImportRun.Failure.INTERRUPTED
    assert "stopped before it finished" in client.get(page).content.decode()
    assert _roster_counts() == before

    # A new worker marks the dead one's task failed, and imports the same export, started
    # again, to the end.
    processes.worker()
    wait_until(lambda: _task_status(killed_task) == TaskResultStatus.FAILED,
               seconds=30, what="the dead worker's task marked failed", every=0.5)  # fmt: skip
    killed_task.refresh_from_db()
    assert "the worker running this task stopped" in killed_task.traceback
    again = import_run_start_again(by=admin, run=run)
    wait_until(lambda: _status(again) != ImportRun.RunStatus.QUEUED and
               _status(again) != ImportRun.RunStatus.RUNNING,
               seconds=90, what="the import started again to finish", every=0.5)  # fmt: skip
    assert _status(again) == ImportRun.RunStatus.SUCCEEDED
    after = _roster_counts()
    assert after["students"] == before["students"] + ROSTER["students"]
    assert after["enrollments"] >= before["enrollments"] + ROSTER["enrollments"]
    assert sqlite_integrity() == "ok"


def _status(run) -> str:
    run.refresh_from_db()
    return run.status


def _task_status(result) -> str:
    result.refresh_from_db()
    return result.status
