"""Starting ``efficacy`` commands as real processes for the tests, bounded in time.

Each gets its own data directory (SQLite, media, static files) and none of the
operator's settings: the tests decide what is set.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]

#: Settings a test's process never inherits from the environment running the tests.
CLEARED = (
    "DATABASE_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_HTTPS",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "EFFICACY_STATIC_COLLECTED",
    "EFFICACY_WEB_WORKERS",
    "EFFICACY_WORKER_SILENCE_SECONDS",
    "EFFICACY_TASKS_IMMEDIATE",
    # Set by the browser tests' conftest for Playwright in the test process: in a real
    # deployment it would fail `check --deploy` (async.E001).
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def environment(data_dir: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env["EFFICACY_DATA_DIR"] = str(data_dir)
    env.update(settings)
    return env


def efficacy(*args: str) -> list[str]:
    return [sys.executable, "-m", "efficacy", *args]


def run(data_dir: Path, *args: str, timeout: float = 120, **settings: str):
    """Run a command to its end; returns the completed process (text output)."""
    return subprocess.run(
        efficacy(*args),
        cwd=REPOSITORY,
        env=environment(data_dir, **settings),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Started:
    """A command running in the background, its output going to files."""

    def __init__(self, data_dir: Path, *args: str, **settings: str) -> None:
        self.stdout_path = data_dir / f"{args[0]}.stdout"
        self.stderr_path = data_dir / f"{args[0]}.stderr"
        data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(
                efficacy(*args),
                cwd=REPOSITORY,
                env=environment(data_dir, **settings),
                stdout=out,
                stderr=err,
            )

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text()

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def wait_for(self, condition: Callable[[], bool], *, seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"it stopped before {what}:\n{self.stdout}\n{self.stderr}")
            if condition():
                return
            time.sleep(0.3)
        raise AssertionError(f"no {what} within {seconds} s:\n{self.stdout}\n{self.stderr}")

    def terminate(self, *, seconds: float) -> int:
        """SIGTERM, then the exit code once it stopped (killed if it takes too long)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"still running {seconds} s after SIGTERM") from None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, headers: dict[str, str] | None = None):
    """(status, headers, body) of a GET, whatever the status; None if nothing answers."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None
