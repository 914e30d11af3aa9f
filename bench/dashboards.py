"""Issue 12: how fast the dashboards answer, how much they weigh, how long the school PDF
report takes to build.

On two sets of data: the demo school (``efficacy demo``) and a generated district of 100
schools, 2,000 cycles and 2 million scores (:mod:`bench.district_world`), each in a fresh
temporary SQLite database, and again on PostgreSQL when ``BENCH_DATABASE_URL`` is set (the
database is created if it does not exist, as for ``bench/surveys.py``; ``--drop-database``
removes it afterwards). Each database runs in its own process.

For each dashboard, signed in through Django's test client (no network, no web server) as
the person it is for:

===========================  ====================================================
``dashboards:school`` [id]   the school leader of the school
``dashboards:team`` [id]     a member (the team lead) of the team
``home``                     a teacher with classes and a team
``dashboards:district``      the district analyst
===========================  ====================================================

one request to warm up, then the median and 95th percentile of ``REPEAT`` requests (fewer,
3 at least, for a page that takes more than ``BUDGET`` seconds in all), the
number of queries of one request (``CaptureQueriesContext``), and the page weight: the
HTML, plus every CSS, script and image file it links under ``/static/`` (read from disk,
uncompressed), the inline SVG charts being part of the HTML (also shown apart). Then the
time :func:`efficacy.dashboards.reports.build` takes to build the school impact report
and the board summary (HTML and PDF) of each school, as the background worker runs it.

Goals: a median under 500 ms, a page under 300 KB (300,000 bytes), a report under 10 s.
``python -m bench dashboards`` runs it all on fresh data;
``python -m bench.dashboards [--json] [--schools N] [--keep DIR] [--drop-database]`` takes
options (``--help`` prints this).

``--keep DIR`` keeps the data for the next run instead of building it again (the district
takes a minute or two): the SQLite database lives in ``DIR``, the PostgreSQL one is not
dropped (unless ``--drop-database``, which also forgets it), and ``DIR`` remembers who to
sign in as in each. A later run with the same
``--keep DIR`` (and the same ``--schools``) measures at once. Remove ``DIR`` (and drop the
PostgreSQL database) to start afresh; data kept from an earlier day has its cycles' dates
relative to that day.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bench.common import child_figures, on_each_database

REPEAT = int(os.environ.get("BENCH_DASHBOARD_REPEAT", "20"))
#: A page slower than this many seconds in all is measured on fewer requests (3 at least).
BUDGET = float(os.environ.get("BENCH_DASHBOARD_BUDGET", "30"))
MIN_REPEAT = 3
MEDIAN_GOAL, WEIGHT_GOAL, REPORT_GOAL = 0.500, 300_000, 10.0
#: (label, URL name, who signs in, which id the URL takes).
PAGES = (
    ("school", "dashboards:school", "leader", "school"),
    ("team", "dashboards:team", "member", "team"),
    ("teacher home", "home", "teacher", None),
    ("district", "dashboards:district", "analyst", None),
)
REPORT_KINDS = ("impact", "board")
STATIC_REF = re.compile(r"""(?:href|src)\s*=\s*["'](/static/[^"'?#]+)""")
SVG = re.compile(rb"<svg\b.*?</svg>", re.S)


@dataclass
class Scope:
    """A set of data to measure: who signs in as whom, and which school and team."""

    name: str
    school_id: int
    team_id: int
    leader_id: int
    member_id: int
    teacher_id: int
    analyst_id: int


@dataclass
class PageFigures:
    scope: str
    page: str
    status: int | None = None
    note: str = ""
    first_ms: float = 0.0
    median_ms: float = 0.0
    p95_ms: float = 0.0
    queries: int = 0
    requests: int = 0
    html_bytes: int = 0
    static_bytes: int = 0
    svg_bytes: int = 0

    @property
    def total_bytes(self) -> int:
        return self.html_bytes + self.static_bytes

    @property
    def measured(self) -> bool:
        return self.status == 200

    @property
    def meets_goals(self) -> bool:
        return self.median_ms < MEDIAN_GOAL * 1000 and self.total_bytes < WEIGHT_GOAL


@dataclass
class ReportFigures:
    scope: str
    kind: str
    seconds: float | None = None
    status: str = ""
    pdf_bytes: int = 0
    note: str = ""

    @property
    def built(self) -> bool:
        return self.status == "done"


# --- measuring ----------------------------------------------------------------------------


def static_weight(html: str) -> tuple[int, list[str]]:
    """Bytes of the files under ``/static/`` the page links (each once), and those not found."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    total, missing = 0, []
    for ref in sorted(set(STATIC_REF.findall(html))):
        found = finders.find(ref.removeprefix(prefix))
        if found:
            total += Path(found).stat().st_size
        else:
            missing.append(ref)
    return total, missing


def page_measure(scope: Scope, label: str, url_name: str, who: str, arg: str | None) -> PageFigures:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from efficacy.roster.models import User

    figures = PageFigures(scope=scope.name, page=label)
    args = [] if arg is None else [getattr(scope, f"{arg}_id")]
    url = reverse(url_name, args=args)
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(pk=getattr(scope, f"{who}_id")))
    start = time.perf_counter()
    response = client.get(url)
    figures.first_ms = (time.perf_counter() - start) * 1000
    figures.status = response.status_code
    if response.status_code != 200:
        where = f" to {response.get('Location')}" if response.has_header("Location") else ""
        figures.note = f"answers {response.status_code}{where}: not measured"
        return figures
    times: list[float] = []
    while len(times) < REPEAT and (len(times) < MIN_REPEAT or sum(times) < BUDGET):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
    figures.requests = len(times)
    figures.median_ms = statistics.median(times) * 1000
    figures.p95_ms = float(np.percentile(times, 95)) * 1000
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    figures.queries = len(queries.captured_queries)
    body = response.content
    figures.html_bytes = len(body)
    figures.svg_bytes = sum(len(svg) for svg in SVG.findall(body))
    figures.static_bytes, missing = static_weight(body.decode("utf-8", "replace"))
    if missing:
        figures.note = f"linked but not found: {', '.join(missing)}"
    return figures


def report_measure(scope: Scope, kind: str) -> ReportFigures:
    from efficacy.dashboards.models import Report
    from efficacy.dashboards.reports import build

    figures = ReportFigures(scope=scope.name, kind=kind)
    report = Report.objects.create(
        school_id=scope.school_id, kind=kind, language="en", requested_by_id=scope.leader_id
    )
    start = time.perf_counter()
    build(report)
    figures.seconds = time.perf_counter() - start
    report.refresh_from_db()
    figures.status = str(report.status)
    if report.failure:
        figures.note = f"failure: {report.failure}"
    figures.pdf_bytes = len(report.pdf or b"")
    return figures


# --- the data -------------------------------------------------------------------------------


def demo_scope() -> tuple[Scope, float]:
    from efficacy.demo.services import demo_build
    from efficacy.roster.models import TeamMembership, User

    start = time.perf_counter()
    demo_build()
    took = time.perf_counter() - start
    people = {u.username: u for u in User.objects.filter(
        username__in=["principal", "teamlead", "teacher", "analyst"])}  # fmt: skip
    lead = people["teamlead"]
    membership = TeamMembership.objects.filter(user=lead).order_by("team__name").first()
    return Scope(
        name="demo school",
        school_id=people["principal"].school_id,
        team_id=membership.team_id,
        leader_id=people["principal"].pk,
        member_id=lead.pk,
        teacher_id=people["teacher"].pk,
        analyst_id=people["analyst"].pk,
    ), took


def district_scope(schools: int) -> tuple[Scope, str]:
    from bench.district_world import district_build

    world = district_build(schools=schools, tag=f"bench{int(time.time())}")
    return Scope(
        name=f"district of {schools}",
        school_id=world.school_ids[0],
        team_id=world.team_id,
        leader_id=world.leader_id,
        member_id=world.member_id,
        teacher_id=world.teacher_id,
        analyst_id=world.analyst_id,
    ), world.report()


# --- printing -------------------------------------------------------------------------------


def table(pages: list[PageFigures], reports: list[ReportFigures], database: str) -> str:
    lines = [
        f"dashboards on {database}, warm, {REPEAT} requests each through the test client "
        f"(goals: median < {MEDIAN_GOAL * 1000:.0f} ms, page < {WEIGHT_GOAL // 1000} KB, "
        f"report < {REPORT_GOAL:.0f} s)",
        f"  {'data':<18}{'page':<14}{'median':>9}{'p95':>9}{'first':>9}{'queries':>9}"
        f"{'HTML':>9}{'SVG':>8}{'CSS/JS':>9}{'total':>9}  goals",
    ]
    for f in pages:
        head = f"  {f.scope:<18}{f.page:<14}"
        if not f.measured:
            lines.append(f"{head}{f.note}")
            continue
        verdict = "met" if f.meets_goals else "MISSED"
        if f.requests < REPEAT:
            verdict += f" (median of {f.requests} requests)"
        lines.append(
            f"{head}{f.median_ms:7.0f}ms{f.p95_ms:7.0f}ms{f.first_ms:7.0f}ms{f.queries:9d}"
            f"{f.html_bytes / 1000:7.0f}KB{f.svg_bytes / 1000:6.0f}KB{f.static_bytes / 1000:7.0f}KB"
            f"{f.total_bytes / 1000:7.0f}KB  {verdict}" + (f"  ({f.note})" if f.note else "")
        )
    for r in reports:
        head = f"  {r.scope:<18}{r.kind + ' report':<14}"
        if r.seconds is None:
            lines.append(f"{head}{r.note}")
            continue
        verdict = "met" if r.seconds < REPORT_GOAL and r.built else "MISSED"
        if not r.built:
            verdict += f": not built ({r.note or r.status})"
        size = f", PDF {r.pdf_bytes / 1000:.0f} KB" if r.pdf_bytes else ""
        lines.append(f"{head}built in {r.seconds:.1f} s (status {r.status}{size})  {verdict}")
    return "\n".join(lines)


# --- one database, in this process ---------------------------------------------------------------


def scopes(schools: int, keep: Path | None) -> tuple[Scope, Scope]:
    """The demo school and the district: built, or read back from ``keep`` when an earlier
    run kept them there (one file per database)."""
    from django.db import connection

    saved = None
    if keep is not None:
        name = Path(str(connection.settings_dict["NAME"])).name
        saved = keep / f"scopes-{connection.vendor}-{name}.json"
        if saved.exists():
            kept = json.loads(saved.read_text())
            if kept["schools"] != schools:
                raise SystemExit(
                    f"{saved} holds a district of {kept['schools']} schools, not {schools}: "
                    "use another --keep folder (and database) or remove it"
                )
            print(f"reusing the data kept in {saved} (built {kept['built']})", flush=True)
            return Scope(**kept["demo"]), Scope(**kept["district"])
    demo, demo_seconds = demo_scope()
    print(f"demo built in {demo_seconds:.1f} s", flush=True)
    district, built = district_scope(schools)
    print(built, flush=True)
    if saved is not None:
        saved.write_text(json.dumps({
            "schools": schools, "built": time.strftime("%Y-%m-%d %H:%M"),
            "demo": asdict(demo), "district": asdict(district),
        }))  # fmt: skip
    return demo, district


def run(schools: int, keep: Path | None = None) -> dict:
    from bench.common import peak_memory_mib, setup_django_on_a_fresh_database

    workdir = setup_django_on_a_fresh_database("dashboards", workdir=keep)
    try:
        from django.db import connection

        pages: list[PageFigures] = []
        reports: list[ReportFigures] = []
        for scope in scopes(schools, keep):
            pages += [page_measure(scope, *page) for page in PAGES]
            reports += [report_measure(scope, kind) for kind in REPORT_KINDS]
        database = connection.vendor
        print(table(pages, reports, database))
        print(f"peak memory: {peak_memory_mib():.0f} MiB")
        return {
            "database": database,
            "pages": [asdict(p) | {"total_bytes": p.total_bytes} for p in pages],
            "reports": [asdict(r) for r in reports],
        }
    finally:
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


def _child(argv: list[str]) -> int:
    figures = child_figures(argv, run, schools=100, kept_as="scopes", marker="DASHBOARDS_JSON")
    pages = [p for p in figures["pages"] if p["status"] == 200]
    slow = [p for p in pages if p["median_ms"] >= MEDIAN_GOAL * 1000]
    heavy = [p for p in pages if p["total_bytes"] >= WEIGHT_GOAL]
    errors = [p for p in figures["pages"] if p["status"] not in (None, 200)]
    late = [
        r
        for r in figures["reports"]
        if r["seconds"] is not None and (r["seconds"] >= REPORT_GOAL or r["status"] != "done")
    ]
    return 1 if slow or heavy or errors or late else 0


def main(argv: list[str] | None = None) -> int:
    """SQLite, then PostgreSQL when ``BENCH_DATABASE_URL`` is set, each in its own process."""
    argv = sys.argv[1:] if argv is None else argv
    if "--help" in argv or "-h" in argv:
        print(__doc__)
        return 0
    if "--child" in argv:
        return _child(argv)
    return on_each_database("bench.dashboards", argv)


if __name__ == "__main__":
    sys.exit(main())
