"""The ``efficacy`` command line.

``efficacy analyze ...`` runs the analyst's statistics and ``efficacy
schedule-rounds`` the coverage scheduler, without touching Django or a
database; every other subcommand is a Django management command
(``efficacy migrate``, ``efficacy import-roster``, ``efficacy demo``, ...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "analyze":
        from efficacy.analyze_cli import main as analyze_main

        return analyze_main(argv[2:])
    if len(argv) > 1 and argv[1] == "schedule-rounds":
        from efficacy.schedule_cli import main as schedule_main

        return schedule_main(argv[2:])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "efficacy.settings")
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


if __name__ == "__main__":
    sys.exit(main())
