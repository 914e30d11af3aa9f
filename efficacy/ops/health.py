"""``/healthz``: is the database answering, and is a background worker alive?

For a load balancer, a container's health check or a monitor: no sign-in, never cached,
JSON, and nothing about the installation (no version, no host name)::

    {"status": "ok" | "degraded" | "down",
     "database": {"ok": true, "ms": 1.2},
     "worker": {"ok": true, "last_beat_seconds": 2.1, "workers": 1}}

200 while the database answers: "ok" with a worker alive, "degraded" without (pages
work; imports and reports wait). 503 when the database does not: "down".
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from efficacy.ops import workers

logger = logging.getLogger(__name__)


def database_status() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("health: the database does not answer", exc_info=True)
        return {"ok": False, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def worker_status() -> dict[str, Any]:
    now = timezone.now()
    try:
        beats = workers.last_beats()
    except Exception:  # the storage does not answer: no worker can be vouched for
        logger.warning("health: the workers' heartbeats cannot be read", exc_info=True)
        return {"ok": False, "last_beat_seconds": None, "workers": 0}
    alive = [at for at in beats.values() if now - at <= workers.silence_limit()]
    last = max(beats.values(), default=None)
    return {
        "ok": bool(alive),
        "last_beat_seconds": None if last is None else round((now - last).total_seconds(), 1),
        "workers": len(alive),
    }


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_status()
    worker = worker_status()
    if not database["ok"]:
        status = "down"
    elif not worker["ok"]:
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {"status": status, "database": database, "worker": worker},
        status=200 if database["ok"] else 503,
    )
