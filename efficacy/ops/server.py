"""The production web server: the WSGI app under gunicorn, in this process.

Gunicorn's arbiter forks ``workers`` processes that each load the app and answer
requests; SIGTERM stops it gracefully (each worker finishes the request it is answering,
within ``graceful_timeout``), SIGINT and SIGQUIT at once, SIGHUP reloads the workers.
Its access log goes to stdout, one line a request, as JSON when ``LOG_FORMAT=json``
(with the request's id, from the ``X-Request-ID`` answer header): method, path (without
its query string, which may hold a search or a token), status, bytes, duration.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from efficacy.ops.logs import JsonFormatter


class AccessLog(Logger):
    """Gunicorn's logs in our format: JSON objects (``LOG_FORMAT=json``) or plain lines."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if settings.LOG_FORMAT == "json":
            for handler in (*self.error_log.handlers, *self.access_log.handlers):
                handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict, request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = {name.lower(): value for name, value in resp.headers}
        fields = {
            "request_id": headers.get("x-request-id"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status),
            # A file sent by sendfile() is not counted in `sent`: its length is.
            "bytes": getattr(resp, "sent", None) or int(headers.get("content-length") or 0),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote_addr": environ.get("REMOTE_ADDR"),
        }
        if settings.LOG_FORMAT == "json":
            message = "{method} {path} {status}".format(**fields)
        else:
            message = "{remote_addr} {method} {path} {status} {bytes} {duration_ms}ms {request_id}".format(
                **fields
            )
        try:
            self.access_log.info(message, extra=fields)
        except Exception:
            logging.getLogger(__name__).exception("could not write the access log")


def warm(worker: Any = None) -> None:
    """Import every page's code (the URL configuration, its views, the statistics they
    load) in a new worker before it takes a request: else each worker's first request,
    and the first after each replacement (``max_requests``), pays two seconds for it."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URL conf and every view


class Server(BaseApplication):
    """``efficacy serve``'s gunicorn, configured here rather than by a file or its own flags."""

    def __init__(self, *, bind: str, workers: int) -> None:
        self.options = {
            "bind": [bind],
            "workers": workers,
            "worker_class": "sync",
            "timeout": settings.EFFICACY_WEB_TIMEOUT,
            "graceful_timeout": 30,
            # A worker is replaced after this many requests (and a few more, at random, so
            # they are not all replaced at once): any slow leak stays bounded.
            "max_requests": 1000,
            "max_requests_jitter": 100,
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": settings.LOG_LEVEL.lower(),
            "logger_class": AccessLog,
            "proc_name": "efficacy",
            # No control socket in the home folder: several servers may run on one
            # machine, and a hardened service has no home to write to.
            "control_socket_disable": True,
            "post_worker_init": warm,
        }
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()
