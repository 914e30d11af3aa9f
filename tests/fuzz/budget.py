"""How many examples each fuzzing property tries, and where hypothesis keeps nothing.

The suite tries a few dozen examples a property, so that all of ``tests/fuzz`` adds
seconds to ``make test``; ``python -m bench fuzz`` sets ``EFFICACY_FUZZ_EXAMPLES`` (or
``HYPOTHESIS_PROFILE=long`` does) and tries thousands. Inputs are bounded in size, so
no example can hang; ``deadline`` is off because the first example of a property
pays for imports and the database, which says nothing about the importer.
Nothing is written to a ``.hypothesis/`` folder (``database=None``): a failure is
pinned as an explicit ``@example`` or a regression test instead.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: Examples a property tries when nothing else is asked (the suite).
SUITE_EXAMPLES = 40
LONG_EXAMPLES = 2_000


def examples(default: int = SUITE_EXAMPLES) -> int:
    """The examples a property tries: ``EFFICACY_FUZZ_EXAMPLES`` when set, else
    :data:`LONG_EXAMPLES` under ``HYPOTHESIS_PROFILE=long``, else ``default``."""
    asked = os.environ.get("EFFICACY_FUZZ_EXAMPLES", "")
    if asked:
        return max(1, int(asked))
    if os.environ.get("HYPOTHESIS_PROFILE") == "long":
        return LONG_EXAMPLES
    return default


def fuzz(default: int = SUITE_EXAMPLES, *, most: int | None = None) -> settings:
    """The settings of one fuzzing property (a decorator); ``most`` caps a long run for a
    property whose every example is slow (a page that may run the scheduler)."""
    count = examples(default)
    return settings(
        max_examples=count if most is None else min(count, most),
        deadline=None,
        database=None,
        # The database fixtures are read-only for the property: each example that writes
        # rolls its writes back (tests/fuzz/mutations.py, rolled_back).
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
