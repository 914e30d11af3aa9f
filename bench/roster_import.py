"""OneRoster import of a large district: 50,000 students, 2,500 staff, 2,000 classes,
300,000 student enrollments. Goals: first import under 30 s, unchanged re-import under 10 s.

Runs on a fresh temporary SQLite database (or ``BENCH_DATABASE_URL``).
"""

from __future__ import annotations

import shutil
import sys
import time

SIZE = {"students": 50_000, "staff": 2_500, "classes": 2_000, "enrollments": 300_000}


def main() -> int:
    from bench.common import peak_memory_mib, setup_django_on_a_fresh_database, timed

    workdir = setup_django_on_a_fresh_database("roster")

    from efficacy.access.roster import ROSTER_SCOPE_ALL, roster_import_scope_for
    from efficacy.roster.models import District, Role, User
    from efficacy.roster.oneroster import roster_import
    from efficacy.roster.oneroster.generate import district_generate

    start = time.perf_counter()
    source = district_generate(workdir / "export", version="1.1", **SIZE)
    generated = time.perf_counter() - start
    rows = sum(
        p.read_bytes().count(b"\n") - 1 for p in source.glob("*.csv") if p.name != "manifest.csv"
    )
    print(
        f"generated export: {rows:,} rows in {generated:.1f} s ({', '.join(f'{k} {v:,}' for k, v in SIZE.items())})"
    )

    first, summary = timed(lambda: roster_import(scope=ROSTER_SCOPE_ALL, source=source))
    created = sum(c["created"] for c in summary.counts.values())
    print(
        f"first import:      {first:6.1f} s  {rows / first:10,.0f} rows/s  ({created:,} created)  goal < 30 s"
    )
    print(f"  write lock held: {summary.write_seconds:6.1f} s")
    again, summary = timed(lambda: roster_import(scope=ROSTER_SCOPE_ALL, source=source))
    unchanged = sum(c["unchanged"] for c in summary.counts.values())
    changed = sum(c["created"] + c["updated"] + c["retired"] for c in summary.counts.values())
    print(
        f"unchanged re-import:{again:6.1f} s  {rows / again:10,.0f} rows/s  ({unchanged:,} unchanged, {changed} changed)  goal < 10 s"
    )
    print(f"  write lock held: {summary.write_seconds:6.1f} s")
    # The same re-import from the web, checked against a district administrator's scope.
    admin = User.objects.create(
        username="bench-admin", role=Role.ADMINISTRATOR, district=District.objects.get()
    )
    scope = roster_import_scope_for(admin)
    scoped, summary = timed(lambda: roster_import(scope=scope, source=source))
    scoped_changed = sum(
        c["created"] + c["updated"] + c["retired"] for c in summary.counts.values()
    )
    print(
        f"scoped re-import:  {scoped:6.1f} s  {rows / scoped:10,.0f} rows/s  ({scoped_changed} changed, as the district's administrator)"
    )
    print(f"peak memory:       {peak_memory_mib():6.0f} MiB")
    shutil.rmtree(workdir, ignore_errors=True)
    ok = first < 30 and again < 10 and scoped < 10 and changed == 0 and scoped_changed == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
