"""The REST API (``/api/v1/``): how fast its lists answer a page of up to 1,000 rows, how
long a batch of 500 scores takes to write (and to replay), and how many queries each
request makes, on a generated district (:mod:`bench.district_world`, 10 schools by
default: each school and each cycle is as big as in the dashboards' district of 100, only
the district is smaller), in a fresh temporary SQLite database, and again on PostgreSQL
when ``BENCH_DATABASE_URL`` is set (the database is created if it does not exist, as for
``bench/dashboards.py``; ``--drop-database`` removes it afterwards). Each database runs in
its own process.

Every request goes through Django's test client, in process (no network, no web server),
with ``Authorization: Bearer`` and a personal access token made by
:func:`efficacy.api.tokens.token_create` (a new token for each line, so that no line
meets the API's rate limit of a minute):

====================================  ============================================
``GET cycles/?limit=100``             the school leader of the first school, and the
                                      district analyst (every cycle of the district)
``GET cycles/{id}/evidence/``         the team lead of a closed cycle of 1,144 scores,
``?limit=1000``                       one page; then every page of the cycle,
                                      following ``next``
``GET students/?limit=1000``          the school leader (1,144 students)
``GET survey-results/``               the school leader (the windows), and one
                                      window's results (``survey-results/{id}/``)
``POST cycles/{id}/evidence/``        the team lead (a read-write token), 500 scores
                                      of the team's open cycle, a new external id
                                      and new values each time (500 updates); then
                                      the same batch again (answered 200, replayed)
====================================  ============================================

one request to warm up, then the median and 95th percentile of ``REPEAT`` requests
(fewer, 3 at least, for one slower than ``BUDGET`` seconds in all), the number of
queries of one request (``CaptureQueriesContext``), and again of one request for a small
page (``limit=10``, or a batch of 50 scores): the two counts are the same when the
queries do not grow with the page. Goal: a median under 500 ms (for a page of 1,000
rows; every line is held to it, and paging through all of a cycle's evidence to 500 ms
a page).

``python -m bench api`` runs it on fresh data;
``python -m bench.api [--json] [--schools N] [--keep DIR] [--drop-database]`` takes
options (``--help`` prints this). ``--keep DIR`` keeps the data for the next run, as
for ``bench/dashboards.py``; given the ``--keep`` folder of the dashboards' benchmark
(same database), the API's benchmark measures its district of 100 schools instead of
building one. The writes change scores of the kept district's open cycle (new values,
new evidence batches): harmless for the dashboards' figures, not nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from bench.common import child_figures, on_each_database

REPEAT = int(os.environ.get("BENCH_API_REPEAT", "20"))
#: A request slower than this many seconds in all is measured on fewer (3 at least).
BUDGET = float(os.environ.get("BENCH_API_BUDGET", "30"))
MIN_REPEAT = 3
MEDIAN_GOAL = 0.500
SCHOOLS = 10
PAGE, SMALL_PAGE = 1000, 10
BATCH, SMALL_BATCH = 500, 50
PREFIX = "/api/v1/"


@dataclass
class Scope:
    """Who asks, and about what: ids in the database measured."""

    name: str
    school_id: int
    team_id: int
    leader_id: int
    lead_id: int
    analyst_id: int


@dataclass
class Figures:
    label: str
    who: str
    request: str
    status: int | None = None
    expected: int = 200
    note: str = ""
    #: Rows in the answer (results of the page, or scores in the batch), and ``count``.
    rows: int = 0
    count: int | None = None
    first_ms: float = 0.0
    median_ms: float = 0.0
    p95_ms: float = 0.0
    requests: int = 0
    #: Queries of one request, and of one request for a small page (or batch).
    queries: int = 0
    queries_small: int | None = None
    small: str = ""
    body_bytes: int = 0
    #: Requests in one measure (pages followed when paging through all of it).
    pages: int = 1

    @property
    def measured(self) -> bool:
        return self.status == self.expected

    @property
    def goal_ms(self) -> float:
        return MEDIAN_GOAL * 1000 * self.pages

    @property
    def meets_goal(self) -> bool:
        return self.measured and self.median_ms < self.goal_ms


# --- measuring ----------------------------------------------------------------------------


def _bearer(user, *, write: bool = False) -> dict[str, str]:
    from efficacy.api.tokens import token_create

    _token, raw = token_create(user=user, name="bench api", write=write)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _rows_of(response) -> tuple[int, int | None]:
    try:
        body = response.json()
    except ValueError:
        return 0, None
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        return len(body["results"]), body.get("count")
    if isinstance(body, dict) and isinstance(body.get("groups"), list):  # a window's results
        return len(body["groups"]), None
    if isinstance(body, dict) and "rows" in body:  # an evidence batch
        return int(body["rows"]), None
    return 0, None


def measure(
    figures: Figures,
    send: Callable[[int], object],
    small: Callable[[], object] | None = None,
) -> Figures:
    """Warm up with ``send(0)``, time ``send(1..)``, count the queries of one more, and
    of ``small()``: each call makes one measured unit (a request, or all the pages)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = time.perf_counter()
    response = send(0)
    figures.first_ms = (time.perf_counter() - start) * 1000
    figures.status = response.status_code
    if response.status_code != figures.expected:
        figures.note = f"answers {response.status_code}: {response.content[:200]!r}"
        return figures
    times: list[float] = []
    odd: dict[int, int] = {}
    while len(times) < REPEAT and (len(times) < MIN_REPEAT or sum(times) < BUDGET):
        start = time.perf_counter()
        response = send(len(times) + 1)
        times.append(time.perf_counter() - start)
        if response.status_code != figures.expected:
            odd[response.status_code] = odd.get(response.status_code, 0) + 1
    figures.requests = len(times)
    figures.median_ms = statistics.median(times) * 1000
    figures.p95_ms = float(np.percentile(times, 95)) * 1000
    with CaptureQueriesContext(connection) as queries:
        response = send(len(times) + 1)
    figures.queries = len(queries.captured_queries)
    figures.body_bytes = getattr(response, "size", None) or len(response.content)
    if response.status_code == figures.expected:
        figures.rows, figures.count = _rows_of(response)
    if small is not None:
        with CaptureQueriesContext(connection) as queries:
            answer = small()
        figures.queries_small = len(queries.captured_queries)
        if answer.status_code not in (200, 201):
            figures.note = f"small request answers {answer.status_code}"
    if odd:
        answered = ", ".join(f"{n} answered {status}" for status, n in sorted(odd.items()))
        figures.note = f"{answered} (expected {figures.expected})"
        figures.status = min(odd)  # measured, but not as expected: not met
    return figures


def get_measure(client, headers, label, who, path, *, limit=None) -> Figures:
    """A page of a list (``limit`` given: and a page of ``SMALL_PAGE`` for the queries)."""
    url = PREFIX + path + (f"?limit={limit}" if limit else "")
    figures = Figures(label=label, who=who, request=f"GET {url}")
    small = None
    if limit:
        figures.small = f"limit={SMALL_PAGE}"
        small_url = PREFIX + path + f"?limit={SMALL_PAGE}"

        def small():
            return client.get(small_url, **headers)

    return measure(figures, lambda _i: client.get(url, **headers), small)


class _AllPages:
    """Every page of a list, following ``next``; its ``status_code`` is the worst page's."""

    def __init__(self, client, headers, url: str) -> None:
        self.pages, self.rows, self.status_code, self.content = 0, 0, 200, b""
        self.count, self.size = 0, 0
        while url:
            response = client.get(url, **headers)
            self.pages += 1
            self.size += len(response.content)
            if response.status_code != 200:
                self.status_code, self.content = response.status_code, response.content
                return
            body = response.json()
            self.rows += len(body["results"])
            self.count = body["count"]
            following = body["next"]
            url = None
            if following:
                parts = urlsplit(following)
                url = f"{parts.path}?{parts.query}"

    def json(self) -> dict:
        return {"results": [None] * self.rows, "count": self.count}


def all_pages_measure(client, headers, label, who, path) -> Figures:
    url = f"{PREFIX}{path}?limit={PAGE}"
    figures = Figures(label=label, who=who, request=f"GET {url}, then each next")
    first = _AllPages(client, headers, url)
    figures.pages = first.pages
    figures = measure(figures, lambda _i: _AllPages(client, headers, url))
    return figures


def post_measures(client, headers, replay_headers, cycle_id: int, scores: list[dict]):
    """The batch of ``BATCH`` scores, new each time, then the last one replayed."""
    url = f"{PREFIX}cycles/{cycle_id}/evidence/"
    run = f"bench-{time.time_ns()}"
    sent: dict[str, object] = {}

    def batch(i: int, rows: list[dict], tag: str) -> str:
        # New values each time (every score changes), under a new external id.
        body = {
            "external_id": f"{run}-{tag}-{i}",
            "scores": [dict(s, score=20 + (i + k) % 61) for k, s in enumerate(rows)],
        }
        return json.dumps(body)

    def post(i: int):
        sent["body"] = batch(i, scores[:BATCH], "big")
        return client.post(url, sent["body"], content_type="application/json", **headers)

    def post_small():
        body = batch(0, scores[:SMALL_BATCH], "small")
        return client.post(url, body, content_type="application/json", **headers)

    request = f"POST {url}"
    writes = measure(
        Figures(label=f"evidence, {BATCH} scores", who="team lead", request=request,
                expected=201, small=f"{SMALL_BATCH} scores"),
        post, post_small,
    )  # fmt: skip
    if not writes.measured or "body" not in sent:
        return [writes]
    last = sent["body"]

    def replay(_i: int):
        return client.post(url, last, content_type="application/json", **replay_headers)

    def replay_small():
        body = batch(0, scores[:SMALL_BATCH], "small")
        return client.post(url, body, content_type="application/json", **replay_headers)

    again = measure(
        Figures(label="the same batch again", who="team lead", request=request,
                small=f"{SMALL_BATCH} scores"),
        replay, replay_small,
    )  # fmt: skip
    return [writes, again]


def batch_scores(cycle) -> list[dict]:
    """``BATCH`` scores the team lead may enter in ``cycle``: its population's students
    (by their number), each measure and occasion, by name."""
    from efficacy.cycles.plan.selectors import cycle_population
    from efficacy.roster.models import Student

    population = cycle_population(cycle)
    students = list(
        Student.objects.filter(pk__in=population.focus | population.comparison)
        .order_by("pk")
        .values_list("identifier", flat=True)
    )
    measures = list(cycle.measures.order_by("pk").values_list("name", flat=True))
    occasions = list(cycle.occasions.order_by("order").values_list("name", flat=True))
    return [
        {"student": s, "measure": m, "occasion": o, "score": 50}
        for m in measures
        for o in occasions
        for s in students
    ][:BATCH]


def scope_measure(scope: Scope) -> list[Figures]:
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from efficacy.access.surveys import result_windows_for
    from efficacy.cycles.models import CycleStatus, InquiryCycle
    from efficacy.roster.models import User

    people = User.objects.in_bulk([scope.leader_id, scope.lead_id, scope.analyst_id])
    leader, lead, analyst = people[scope.leader_id], people[scope.lead_id], people[scope.analyst_id]
    cycles = InquiryCycle.objects.filter(team_id=scope.team_id).annotate(
        scores=Count("measures__scores")
    )
    read = cycles.filter(scores__gte=PAGE).order_by("pk").first()
    open_cycles = cycles.exclude(status=CycleStatus.CLOSED).order_by("-scores", "pk")
    client = Client(raise_request_exception=False)
    out: list[Figures] = []
    out.append(get_measure(client, _bearer(leader), "cycles", "school leader",
                           "cycles/", limit=100))  # fmt: skip
    out.append(get_measure(client, _bearer(analyst), "cycles", "district analyst",
                           "cycles/", limit=100))  # fmt: skip
    if read is None:
        out.append(Figures(label="evidence", who="team lead", request="-",
                           note=f"no cycle of the team has {PAGE} scores: not measured"))  # fmt: skip
    else:
        path = f"cycles/{read.pk}/evidence/"
        out.append(get_measure(client, _bearer(lead), "evidence, a page", "team lead",
                               path, limit=PAGE))  # fmt: skip
        out.append(all_pages_measure(client, _bearer(lead), "evidence, all pages",
                                     "team lead", path))  # fmt: skip
    out.append(get_measure(client, _bearer(leader), "students", "school leader",
                           "students/", limit=PAGE))  # fmt: skip
    out.append(get_measure(client, _bearer(leader), "survey windows", "school leader",
                           "survey-results/"))  # fmt: skip
    window = result_windows_for(leader, today=timezone.localdate()).order_by("-closes_on").first()
    if window is not None:
        out.append(get_measure(client, _bearer(leader), "survey results", "school leader",
                               f"survey-results/{window.pk}/"))  # fmt: skip
    scores = []
    target = next((c for c in open_cycles if len(scores := batch_scores(c)) >= BATCH), None)
    if target is None:
        out.append(Figures(label=f"evidence, {BATCH} scores", who="team lead", request="-",
                           note=f"no open cycle of the team takes {BATCH} scores"))  # fmt: skip
    else:
        out += post_measures(
            client, _bearer(lead, write=True), _bearer(lead, write=True), target.pk, scores
        )
    return out


# --- the data -------------------------------------------------------------------------------


def district_scope(schools: int) -> tuple[Scope, str]:
    from bench.district_world import district_build

    world = district_build(schools=schools, tag=f"benchapi{int(time.time())}")
    return Scope(
        name=f"district of {schools}",
        school_id=world.school_ids[0],
        team_id=world.team_id,
        leader_id=world.leader_id,
        lead_id=world.member_id,  # the first member of a team is its lead
        analyst_id=world.analyst_id,
    ), world.report()


def scope(schools: int, keep: Path | None) -> Scope:
    """The district: built, or read back from ``keep`` (this benchmark's file, or the
    dashboards' benchmark's, whose district it then measures)."""
    from django.db import connection

    saved = None
    if keep is not None:
        name = Path(str(connection.settings_dict["NAME"])).name
        saved = keep / f"api-{connection.vendor}-{name}.json"
        dashboards = keep / f"scopes-{connection.vendor}-{name}.json"
        if saved.exists():
            kept = json.loads(saved.read_text())
            if kept["schools"] != schools:
                raise SystemExit(
                    f"{saved} holds a district of {kept['schools']} schools, not {schools}: "
                    "use another --keep folder (and database) or remove it"
                )
            print(f"reusing the data kept in {saved} (built {kept['built']})", flush=True)
            return Scope(**kept["scope"])
        if dashboards.exists():
            kept = json.loads(dashboards.read_text())
            d = kept["district"]
            print(f"measuring the dashboards' district kept in {dashboards} "
                  f"(built {kept['built']})", flush=True)  # fmt: skip
            return Scope(name=d["name"], school_id=d["school_id"], team_id=d["team_id"],
                         leader_id=d["leader_id"], lead_id=d["member_id"],
                         analyst_id=d["analyst_id"])  # fmt: skip
    district, built = district_scope(schools)
    print(built, flush=True)
    if saved is not None:
        saved.write_text(json.dumps({
            "schools": schools, "built": time.strftime("%Y-%m-%d %H:%M"),
            "scope": asdict(district),
        }))  # fmt: skip
    return district


# --- printing -------------------------------------------------------------------------------


def table(rows: list[Figures], scope_name: str, database: str) -> str:
    lines = [
        f"API on {database}, {scope_name}, warm, {REPEAT} requests each through the test "
        f"client with a Bearer token (goal: median < {MEDIAN_GOAL * 1000:.0f} ms a page)",
        f"  {'what':<22}{'who':<18}{'rows':>6}{'median':>9}{'p95':>9}{'first':>9}"
        f"{'queries':>9}{'small':>7}{'KB':>7}  goal",
    ]
    for f in rows:
        head = f"  {f.label:<22}{f.who:<18}"
        if f.status is None or (not f.measured and not f.requests):
            lines.append(f"{head}{f.note or 'not measured'}")
            continue
        verdict = "met" if f.meets_goal else "MISSED"
        if f.pages > 1:
            verdict += f" (< {f.goal_ms:.0f} ms for {f.pages} pages)"
        if f.requests < REPEAT:
            verdict += f" (median of {f.requests})"
        small = "" if f.queries_small is None else str(f.queries_small)
        lines.append(
            f"{head}{f.rows:6d}{f.median_ms:7.0f}ms{f.p95_ms:7.0f}ms{f.first_ms:7.0f}ms"
            f"{f.queries:9d}{small:>7}{f.body_bytes / 1000:7.0f}  {verdict}"
            + (f"  ({f.note})" if f.note else "")
        )
    lines.append("  requests:")
    for f in rows:
        extra = f"; small: {f.small}" if f.small else ""
        count = f", count {f.count:,}" if f.count is not None else ""
        lines.append(f"    {f.label} ({f.who}): {f.request}{count}{extra}")
    return "\n".join(lines)


# --- one database, in this process ---------------------------------------------------------


def run(schools: int, keep: Path | None = None) -> dict:
    from bench.common import peak_memory_mib, setup_django_on_a_fresh_database

    workdir = setup_django_on_a_fresh_database("api", workdir=keep)
    try:
        from django.db import connection

        measured = scope(schools, keep)
        rows = scope_measure(measured)
        database = connection.vendor
        print(table(rows, measured.name, database))
        print(f"peak memory: {peak_memory_mib():.0f} MiB")
        return {
            "database": database,
            "scope": measured.name,
            "goal_ms": MEDIAN_GOAL * 1000,
            "rows": [asdict(f) | {"meets_goal": f.meets_goal} for f in rows],
        }
    finally:
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


def _child(argv: list[str]) -> int:
    figures = child_figures(argv, run, schools=SCHOOLS, kept_as="api", marker="API_JSON")
    return 0 if all(f["meets_goal"] for f in figures["rows"]) else 1


def main(argv: list[str] | None = None) -> int:
    """SQLite, then PostgreSQL when ``BENCH_DATABASE_URL`` is set, each in its own process."""
    argv = sys.argv[1:] if argv is None else argv
    if "--help" in argv or "-h" in argv:
        print(__doc__)
        return 0
    if "--child" in argv:
        return _child(argv)
    return on_each_database("bench.api", argv)


if __name__ == "__main__":
    sys.exit(main())
