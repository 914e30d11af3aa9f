"""Small helpers shared by the benchmarks."""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable


def peak_memory_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], object], *, repeat: int = 1) -> tuple[float, object]:
    """Median wall time in seconds of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "efficacy.settings")
    import django

    django.setup()
