#!/usr/bin/env python3
"""Is Efficacy up? Asks its ``/healthz`` and exits 0 when the database answers (and, with
``--require-worker``, a worker is alive), 1 otherwise, printing the answer.

Only the standard library, so that it runs anywhere Python does: the container's
HEALTHCHECK, ``deploy/run-recipe.sh health``, a monitoring probe. It asks as the site's
reverse proxy would: the ``Host`` is the first of ``ALLOWED_HOSTS`` and, when
``SECURE_HTTPS`` is on, ``X-Forwarded-Proto: https`` says that TLS was ended in front.

    python3 deploy/healthcheck.py [--url http://127.0.0.1:8000/healthz] [--wait 60] [--require-worker]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request

TRUE = ("1", "true", "yes", "on")


def ask(url: str, timeout: float = 5) -> tuple[int, dict]:
    """The status code and JSON body of one request to ``url`` (0 and {} when unreachable)."""
    headers = {"Accept": "application/json"}
    host = os.environ.get("ALLOWED_HOSTS", "").split(",")[0].strip().lstrip(".")
    if host and host != "*":
        headers["Host"] = host
    if os.environ.get("SECURE_HTTPS", "").strip().lower() in TRUE:
        headers["X-Forwarded-Proto"] = "https"
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"{}")
        except ValueError:
            return error.code, {}
    except (OSError, ValueError):
        return 0, {}


def healthy(status: int, body: dict, *, require_worker: bool) -> bool:
    if status != 200 or not body.get("database", {}).get("ok"):
        return False
    return not require_worker or bool(body.get("worker", {}).get("ok"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000/healthz")
    parser.add_argument("--wait", type=float, default=0, help="seconds to keep asking")
    parser.add_argument("--require-worker", action="store_true")
    options = parser.parse_args(argv)
    deadline = time.monotonic() + options.wait
    while True:
        status, body = ask(options.url)
        ok = healthy(status, body, require_worker=options.require_worker)
        if ok or time.monotonic() >= deadline:
            break
        time.sleep(1)
    print(json.dumps({"http": status, **body}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
