"""The production recipe, run natively as the README tells a person to run it.

On a fresh PostgreSQL database of its own, with the production settings (DEBUG off, a
secret key, ALLOWED_HOSTS, SECURE_HTTPS behind TLS: on loopback the requests say
``X-Forwarded-Proto: https`` as the proxy would), it runs ``deploy/run-recipe.sh``'s
steps: ``setup`` (migrate, the first administrator, ``check --deploy``), ``web`` and
``worker`` (``efficacy serve`` and ``efficacy worker``), ``health`` (until /healthz has the
database and a live worker); then signs in over HTTP as the administrator, uploads a
OneRoster export that the worker imports, takes a ``backup`` and stops both processes with
SIGTERM. CI's PostgreSQL pass runs it, so the recipe cannot rot; on SQLite (the laptop's
database, which has no server to run) it is not collected as a test.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.ops.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "run-recipe.sh"
HOST = "efficacy.test"
ORIGIN = f"https://{HOST}"
ADMIN, PASSWORD = "first-admin", "Recipe-admin-" + secrets.token_hex(4)
SERVER_URL = os.environ.get("DATABASE_URL", "")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not SERVER_URL.startswith("postgres"),
        reason="the production recipe runs on PostgreSQL (CI's PostgreSQL pass runs it)",
    ),
]


@pytest.fixture
def fresh_database():
    """A database of its own beside the suite's (``<name>_recipe``), dropped afterwards."""
    import psycopg

    parts = urlsplit(SERVER_URL)
    name = parts.path.lstrip("/") + "_recipe"
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _session():
    """A browser behind the proxy: the site's cookies are Secure (TLS ends at the proxy),
    and are sent back over loopback. (A cookie policy set on the session's jar would not
    do: requests prepares each request with a fresh jar of the default policy.)"""
    import requests

    class BehindTheProxy(requests.Session):
        def prepare_request(self, request):
            for cookie in self.cookies:
                cookie.secure = False
            return super().prepare_request(request)

    session = BehindTheProxy()
    session.headers.update({"Host": HOST, "X-Forwarded-Proto": "https", "Origin": ORIGIN})
    return session


def _token(page) -> str:
    found = TOKEN.search(page.text)
    assert page.status_code == 200, page.text[:500]
    assert found, page.text[:500]
    return found.group(1)


def _stop(process: subprocess.Popen) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


def _import_status(database_url: str, run_id: int) -> str:
    import psycopg

    with psycopg.connect(database_url) as db:
        row = db.execute("SELECT status FROM roster_importrun WHERE id = %s", [run_id]).fetchone()
    return row[0]


def _count(database_url: str, table: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_the_readme_s_production_recipe_serves_imports_and_backs_up(fresh_database, tmp_path):
    from efficacy.roster.oneroster.generate import district_generate

    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("EFFICACY_", "DJANGO_"))},
        "EFFICACY": f"{sys.executable} -m efficacy",
        "PYTHON": sys.executable,
        "DATABASE_URL": fresh_database,
        "EFFICACY_DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": ORIGIN,
        "SECURE_HTTPS": "on",
        "EFFICACY_TRUSTED_PROXIES": "127.0.0.1",
        "DEBUG": "off",
        "EFFICACY_BIND": f"127.0.0.1:{port}",
        "EFFICACY_WEB_WORKERS": "2",
        "EFFICACY_ADMIN_USERNAME": ADMIN,
        "EFFICACY_ADMIN_EMAIL": "first-admin@example.org",
        "EFFICACY_ADMIN_PASSWORD": PASSWORD,
        "EFFICACY_DISTRICT_NAME": "Recipe district",
        "EFFICACY_DISTRICT_ID": "d-1",  # the generated export's district
        "EFFICACY_BACKUP_DIR": str(tmp_path / "backups"),
        "EFFICACY_HEALTH_WAIT": "60",
    }

    def step(name: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([str(SCRIPT), name], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120, **kwargs)  # fmt: skip

    setup = step("setup")
    assert setup.returncode == 0, setup.stdout + setup.stderr
    assert f"Administrator {ADMIN} created" in setup.stdout

    logs = {name: open(tmp_path / f"{name}.log", "w+", encoding="utf-8")  # noqa: SIM115
            for name in ("web", "worker")}  # fmt: skip
    processes = {
        name: subprocess.Popen(
            [str(SCRIPT), name], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        for name, log in logs.items()
    }
    try:
        health = step("health")
        assert health.returncode == 0, health.stdout + health.stderr + _tail(logs)

        session = _session()
        base = f"http://127.0.0.1:{port}"
        token = _token(session.get(f"{base}/accounts/login/"))
        signed_in = session.post(
            f"{base}/accounts/login/",
            data={"username": ADMIN, "password": PASSWORD, "csrfmiddlewaretoken": token},
            allow_redirects=False,
        )
        assert signed_in.status_code == 302, signed_in.text[:1000]

        export = district_generate(tmp_path / "export.zip", students=40, staff=6, classes=4,
                                   enrollments=80, as_zip=True)  # fmt: skip
        token = _token(session.get(f"{base}/roster/import/"))
        with export.open("rb") as upload:
            sent = session.post(
                f"{base}/roster/import/",
                data={"csrfmiddlewaretoken": token},
                files={"export": ("export.zip", upload, "application/zip")},
                allow_redirects=False,
            )
        assert sent.status_code == 302, sent.text[:1000]
        run_id = int(re.search(r"/roster/import/(\d+)/", sent.headers["Location"]).group(1))
        deadline = time.monotonic() + 60
        while (status := _import_status(fresh_database, run_id)) in ("queued", "running"):
            assert time.monotonic() < deadline, "the worker did not import the export" + _tail(logs)
            time.sleep(0.5)
        assert status == "succeeded", _tail(logs)
        assert _count(fresh_database, "roster_student") == 40
        page = session.get(f"{base}/roster/import/{run_id}/")
        assert page.status_code == 200

        backup = step("backup")
        assert backup.returncode == 0, backup.stdout + backup.stderr
        (made,) = (tmp_path / "backups").glob("efficacy-*.tar.gz")
        with tarfile.open(made) as archive:
            assert archive.getnames()
    finally:
        codes = {name: _stop(process) for name, process in processes.items()}
        for log in logs.values():
            log.close()
    assert codes == {"web": 0, "worker": 0}, _tail(logs)


def _tail(logs: dict) -> str:
    text = ""
    for name, log in logs.items():
        log.flush()
        content = Path(log.name).read_text(encoding="utf-8", errors="replace")
        text += f"\n--- {name} ---\n" + content[-3000:]
    return text
