"""The locust users of the load test (:mod:`bench.load` runs them headless).

Each simulated person signs in for real (the sign-in page, its CSRF token, the password)
as one of the demo school's staff the plan file (``LOAD_PLAN``) gives it, in turn: teachers,
team leads, school leaders. Then, until the run ends, it browses its pages (home, its
dashboards, its cycles, the evidence grid) and, when it is a member of a cycle under way,
enters scores cell by cell as the evidence grid does (``cycles:score_cell``, htmx's POST),
each simulated person on cells of its own. Every save the server says it made (200 and the
``HX-Trigger: evidence-changed`` it sends only on success) is written to ``saved-<pid>.jsonl``
beside the plan, in order, so that :mod:`bench.load` checks afterwards that each cell holds
the last value saved in it: nothing lost.

Not a benchmark module itself (the leading underscore keeps it out of ``python -m bench``).
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN_FILE = Path(os.environ["LOAD_PLAN"])
PLAN = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SAVED = open(PLAN_FILE.parent / f"saved-{os.getpid()}.jsonl", "a", encoding="utf-8")  # noqa: SIM115
#: Each person's sign-in (the page and the POST), in ms: they all arrive in the first
#: seconds, so they are measured apart from the work that follows.
SIGN_INS = open(PLAN_FILE.parent / f"signins-{os.getpid()}.jsonl", "a", encoding="utf-8")  # noqa: SIM115
next_person = 0
signed_in = 0


@events.quitting.add_listener
def _close(environment, **kwargs) -> None:
    SAVED.close()
    SIGN_INS.close()


#: Seconds each person waits between actions, "low,high" (bench.load sets it: a person's
#: pace, or the stress run's).
WAIT = tuple(float(x) for x in os.environ.get("LOAD_WAIT", "2,8").split(","))


class StaffMember(HttpUser):
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        global next_person
        self.person = PLAN["people"][next_person % len(PLAN["people"])]
        next_person += 1
        self.cells = list(self.person["cells"])
        self.token = ""
        started = time.perf_counter()
        page = self.client.get("/accounts/login/", name="sign-in page")
        found = TOKEN.search(page.text or "")
        if found is not None:
            self.client.post(
                "/accounts/login/",
                data={"username": self.person["username"], "password": PLAN["password"],
                      "csrfmiddlewaretoken": found.group(1)},
                name="sign in",
            )  # fmt: skip
        SIGN_INS.write(json.dumps({"ms": (time.perf_counter() - started) * 1000}) + "\n")
        SIGN_INS.flush()
        self._arrived()

    def _arrived(self) -> None:
        """Once everyone has signed in, the figures start afresh: they are of the staff
        at work. The failures until then are written down first, and counted."""
        global signed_in
        signed_in += 1
        if signed_in == len(PLAN["people"]):
            stats = self.environment.runner.stats
            errors = [f"{e.occurrences} x {e.method} {e.name}: {str(e.error)[:200]}"
                      for e in stats.errors.values()]  # fmt: skip
            SIGN_INS.write(json.dumps({"failures": stats.total.num_failures,
                                       "kinds": errors}) + "\n")  # fmt: skip
            SIGN_INS.flush()
            stats.reset_all()

    @task(3)
    def browse(self) -> None:
        url, name = random.choice(self.person["pages"])
        with self.client.get(url, name=name, catch_response=True) as page:
            if page.status_code != 200 or "/accounts/login/" in page.url:
                page.failure(f"{name}: {page.status_code} at {page.url}")
                return
            found = TOKEN.search(page.text or "")
            if found:
                self.token = found.group(1)

    @task(2)
    def enter_a_score(self) -> None:
        if not self.cells:
            self.browse()
            return
        if not self.token:
            self.client.get(self.person["pages"][0][0], name=self.person["pages"][0][1])
            self.browse()
            if not self.token:
                return
        cell = self.cells.pop(0)
        self.cells.append(cell)  # round and round: a cell is saved again later
        value = random.randint(cell["low"], cell["high"])
        data = {
            "measure": cell["measure"], "occasion": cell["occasion"], "student": cell["student"],
            "class": cell["class"], "row": 0, "col": 0,
            f"score-{cell['student']}-{cell['occasion']}": str(value),
        }  # fmt: skip
        with self.client.post(cell["url"], data=data, name="score entry",
                              headers={"X-CSRFToken": self.token, "HX-Request": "true"},
                              catch_response=True) as sent:  # fmt: skip
            if sent.status_code != 200 or sent.headers.get("HX-Trigger") != "evidence-changed":
                sent.failure(f"score entry: {sent.status_code}")
                return
        SAVED.write(json.dumps({"key": cell["key"], "value": value}) + "\n")
        SAVED.flush()
