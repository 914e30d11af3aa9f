"""The locust users of the survey load test (:mod:`bench.surveys` runs them headless).

Each simulated member of staff takes one of the pre-made signed-in sessions of
the plan file (``SURVEY_LOAD_PLAN``), so Argon2 sign-ins and the sign-in
lockout stay out of the measurement, waits for its turn (arrivals are spread
evenly over ``spread_seconds``: locust's own spawn rate would start new users as
others finish), opens the survey page, sends its answers once, and then idles.
When every one of them has answered, the run ends.

Not a benchmark module itself (the leading underscore keeps it out of
``python -m bench``), and outside the test paths, so pytest never imports locust.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import HttpUser, constant, events, task

PLAN = json.loads(Path(os.environ["SURVEY_LOAD_PLAN"]).read_text(encoding="utf-8"))
SESSIONS: list[str] = list(PLAN["sessions"])
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
started_at = time.monotonic()
arrived = 0
finished = 0


@events.test_start.add_listener
def _start(environment, **kwargs) -> None:
    global started_at
    random.shuffle(SESSIONS)
    started_at = time.monotonic()


class StaffMember(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        global arrived
        self.done = not SESSIONS  # a user locust starts beyond the plan does nothing
        if self.done:
            return
        self.client.cookies.set("sessionid", SESSIONS.pop())
        self.turn = started_at + arrived * PLAN["spread_seconds"] / PLAN["expected"]
        arrived += 1

    @task
    def answer_the_survey(self) -> None:
        global finished
        if self.done:
            gevent.sleep(3600)  # until the run ends
            return
        gevent.sleep(max(0.0, self.turn - time.monotonic()))
        try:
            self._answer()
        finally:
            self.done = True
            finished += 1
            if finished >= PLAN["expected"]:
                # Every member of staff has answered: end the run now, not at --run-time.
                gevent.spawn_later(1, self.environment.runner.quit)

    def _answer(self) -> None:
        url = PLAN["answer_url"]
        with self.client.get(url, name="survey page", catch_response=True) as page:
            token = TOKEN.search(page.text or "")
            if page.status_code != 200 or token is None:
                page.failure(f"survey page: {page.status_code}")
                return
        answers = {
            f"item_{key}": str(random.randint(1, PLAN["scale_max"])) for key in PLAN["items"]
        }
        answers["csrfmiddlewaretoken"] = token.group(1)
        with self.client.post(url, data=answers, name="answers", allow_redirects=False,
                              catch_response=True) as sent:  # fmt: skip
            thanked = sent.headers.get("Location", "").endswith("/thanks/")
            if sent.status_code != 302 or not thanked:
                sent.failure(f"answers: {sent.status_code}")
