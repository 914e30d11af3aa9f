"""``efficacy worker``: run the background tasks, with a heartbeat, reaping what dead workers left.

django-tasks-db's worker (``efficacy db_worker``: the same options), plus a heartbeat
through the storage that /healthz reads, and the tasks of workers that died marked
failed (efficacy/ops/workers.py). SIGTERM (or Ctrl-C) lets the running task finish, then
stops; a second one stops at once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from efficacy.ops.workers import WORKER_ID, Heartbeat, new_worker_id


class Command(DatabaseWorkerCommand):
    help = (
        "Run the background worker: imports, recomputes, reports. It writes a heartbeat "
        "(/healthz) and marks failed the tasks of workers that stopped."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        # A new id per start (see new_worker_id); no reloading in production.
        parser.set_defaults(worker_id=None, reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reload"]:
            raise CommandError(
                "efficacy worker does not reload on code changes: restart it, or use "
                "`efficacy db_worker --reload` while developing."
            )
        worker_id = options["worker_id"] or new_worker_id()
        if not WORKER_ID.fullmatch(worker_id):
            raise CommandError(
                f"--worker-id {worker_id!r}: use letters, digits, '-' and '_' only, "
                f"at most 64 characters (or leave it out: one is made up)."
            )
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        heartbeat = Heartbeat(worker_id)
        heartbeat.start()
        try:
            worker.configure_signals()
            worker.run()
        finally:
            heartbeat.stop()
