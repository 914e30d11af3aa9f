"""Run every benchmark, each in its own process so its peak memory is its own.

``python -m bench`` runs them all; ``python -m bench NAME ...`` runs some.
A benchmark is a module ``bench/NAME.py`` with a ``main()`` that prints its figures.
``bench/district_world.py`` is the generated district the dashboards' benchmark builds; it
runs only when named (``python -m bench district_world`` builds one and prints its phases).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Modules other benchmarks use; run only when named.
ON_REQUEST = {"district_world"}


def available() -> list[str]:
    return sorted(
        p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_") and p.stem != "common"
    )


def main(argv: list[str]) -> int:
    names = argv or [name for name in available() if name not in ON_REQUEST]
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; have {', '.join(available())}")
        return 2
    failed = []
    for name in names:
        print(f"\n=== {name} " + "=" * (60 - len(name)), flush=True)
        if subprocess.call([sys.executable, "-m", f"bench.{name}"]) != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
