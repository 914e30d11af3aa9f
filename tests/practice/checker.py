"""An independent check of a schedule against its request, for the tests and the benchmark.

Written from the rules of issue 10 alone, on the request as JSON and the visits as the
command line prints them: it shares no code with the scheduler, so a schedule the
solver gets wrong cannot pass because the check made the same mistake.
"""

from __future__ import annotations

from collections import Counter

VISIT_KEYS = {"week", "day", "period", "host", "observer"}


def violations(request: dict, visits: list[dict]) -> list[str]:
    """Every rule ``visits`` breaks as a schedule for ``request`` (empty when valid)."""
    found: list[str] = []
    teachers = {t["id"]: t for t in request["teachers"]}
    teaches = {t["id"]: {tuple(slot) for slot in t["teaches"]} for t in request["teachers"]}
    cap = request["substitutes_per_period"]
    each = request["visits_each"]
    most = request.get("max_observers_per_visit", 3)
    same_team = request.get("same_team", True)

    for v in visits:
        if set(v) != VISIT_KEYS:
            found.append(f"{v}: keys are not {sorted(VISIT_KEYS)}")
            continue
        if not (
            1 <= v["week"] <= request["weeks"]
            and 1 <= v["day"] <= request["days"]
            and 1 <= v["period"] <= request["periods_per_day"]
        ):
            found.append(f"{v}: outside the window")
        if v["host"] not in teachers or v["observer"] not in teachers:
            found.append(f"{v}: unknown teacher")
            continue
        if v["host"] == v["observer"]:
            found.append(f"{v}: observes themselves")
        slot = (v["day"], v["period"])
        if slot not in teaches[v["host"]]:
            found.append(f"{v}: the host does not teach then")
        if slot not in teaches[v["observer"]]:
            found.append(f"{v}: the observer does not teach then (their prep time)")
        if same_team and teachers[v["host"]]["team"] != teachers[v["observer"]]["team"]:
            found.append(f"{v}: host and observer are in different teams")

    when = [(v["week"], v["day"], v["period"]) for v in visits]
    for period, n in Counter(when).items():
        if n > cap:
            found.append(f"{period}: {n} observers out, {cap} substitutes")
    observing = Counter((*w, v["observer"]) for w, v in zip(when, visits, strict=True))
    for key, n in observing.items():
        if n > 1:
            found.append(f"{key}: observes {n} lessons at once")
    hosting = Counter((*w, v["host"]) for w, v in zip(when, visits, strict=True))
    for key, n in hosting.items():
        if n > most:
            found.append(f"{key}: {n} observers in one lesson, at most {most}")
        if (*key[:3], key[3]) in observing:
            found.append(f"{key}: observes while being observed")
    daily = Counter((v["week"], v["day"], v["observer"]) for v in visits)
    found += [f"{key}: observes {n} times in a day" for key, n in daily.items() if n > 1]
    pairs = Counter((v["host"], v["observer"]) for v in visits)
    found += [f"{pair}: observed {n} times" for pair, n in pairs.items() if n > 1]
    observes = Counter(v["observer"] for v in visits)
    observed = Counter(v["host"] for v in visits)
    for teacher in teachers:
        if observes[teacher] != each:
            found.append(f"{teacher}: observes {observes[teacher]} times, not {each}")
        if observed[teacher] != each:
            found.append(f"{teacher}: is observed {observed[teacher]} times, not {each}")
    return found
