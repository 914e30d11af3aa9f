"""``efficacy serve``: the production web server (gunicorn, several workers, WhiteNoise).

It refuses to start on an unsafe configuration (efficacy/ops/preflight.py), exit code 2,
saying what to set; collects the static files into STATIC_ROOT (hashed names,
compressed) unless told not to; runs the system checks; then serves until SIGTERM.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from efficacy.ops.preflight import unsafe_configuration

#: HOST:PORT, [IPv6]:PORT or unix:PATH.
BIND = re.compile(r"(unix:.+|\[[0-9A-Fa-f:.]+\]:\d{1,5}|[A-Za-z0-9.-]+:\d{1,5})")


class Command(BaseCommand):
    help = (
        "Serve Efficacy in production: gunicorn with several worker processes, static files "
        "collected and served compressed with long caching. Stops gracefully on SIGTERM."
    )
    # The checks run once the static files are collected (the URLs name hashed files).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--bind",
            default="127.0.0.1:8000",
            help="HOST:PORT (or unix:PATH) to listen on (default: %(default)s, this machine only).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Worker processes (default: EFFICACY_WEB_WORKERS, else two a core and one, "
            "at most 8).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_false",
            dest="collectstatic",
            help="Do not collect the static files first (an image that collected them when built).",
        )

    def handle(
        self, *args: Any, bind: str, workers: int | None, collectstatic: bool, **options: Any
    ) -> None:
        if not BIND.fullmatch(bind):
            raise CommandError(
                f"--bind {bind!r}: write HOST:PORT (127.0.0.1:8000, 0.0.0.0:8000, "
                f"[::1]:8000) or unix:PATH."
            )
        workers = settings.EFFICACY_WEB_WORKERS if workers is None else workers
        if workers < 1:
            raise CommandError(f"--workers {workers}: at least 1.")
        problems = unsafe_configuration(bind=bind)
        if problems:
            self.stderr.write("efficacy serve: refusing to start on an unsafe configuration:")
            for problem in problems:
                self.stderr.write(f"- {problem}")
            sys.exit(2)
        if collectstatic and settings.EFFICACY_STATIC_COLLECTED:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.check(display_num_errors=False)
        # The workers are forked from this process: none may inherit its connections.
        connections.close_all()

        from efficacy.ops.server import Server

        Server(bind=bind, workers=workers).run()
