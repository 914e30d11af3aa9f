"""The ``efficacy`` command line.

``efficacy analyze ...`` runs the analyst's statistics, ``efficacy
schedule-rounds`` the coverage scheduler and ``efficacy instrument check`` the
survey instrument checker, without touching Django or a database (``efficacy
instrument load`` sets Django up itself); every other subcommand is a Django management command
(``efficacy migrate``, ``efficacy import-roster``, ``efficacy demo``, ...).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

#: What the production server and worker change before the settings are read (a variable
#: set in the environment wins): logs as JSON lines at INFO, and the static files collected
#: into STATIC_ROOT, hashed and compressed (``efficacy collectstatic`` collects them so).
COMMAND_ENVIRONMENT = {
    "serve": {"LOG_FORMAT": "json", "LOG_LEVEL": "INFO", "EFFICACY_STATIC_COLLECTED": "on"},
    "worker": {"LOG_FORMAT": "json", "LOG_LEVEL": "INFO"},
    "collectstatic": {"EFFICACY_STATIC_COLLECTED": "on"},
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "analyze":
        from efficacy.analyze_cli import main as analyze_main

        return _to_a_pipe(lambda: analyze_main(argv[2:]))
    if len(argv) > 1 and argv[1] == "schedule-rounds":
        from efficacy.schedule_cli import main as schedule_main

        return _to_a_pipe(lambda: schedule_main(argv[2:]))
    if len(argv) > 1 and argv[1] == "instrument":
        from efficacy.instrument_cli import main as instrument_main

        return _to_a_pipe(lambda: instrument_main(argv[2:]))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "efficacy.settings")
    if len(argv) > 1:
        for name, value in COMMAND_ENVIRONMENT.get(argv[1], {}).items():
            os.environ.setdefault(name, value)
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    except ImproperlyConfigured as error:  # a setting that cannot be read: say which
        print(f"efficacy: {error}", file=sys.stderr)
        return 2
    # `efficacy import-roster` runs the management command module `import_roster`.
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)
    return 0


def _to_a_pipe(run: Callable[[], int]) -> int:
    """Run a command whose output may go to a reader that stops early (``| head``):
    a closed pipe ends it quietly, as Unix tools do, instead of an error message."""
    try:
        status = run()
        sys.stdout.flush()
    except BrokenPipeError:
        # Python's own advice: point stdout at devnull so the flush at exit is silent too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
