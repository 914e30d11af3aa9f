"""The deployment recipe's files (deploy/) say the same as the script CI runs.

CI has no Docker and no systemd, so the compose file, the image and the units are read
here as text and data: the services and volumes are there, every command they run is one
the recipe script runs (``deploy/run-recipe.sh``, which tests/ops/test_recipe.py runs for
real), and every command is a real ``efficacy`` subcommand. A renamed command or option
breaks this test, not a school's server.
"""

from __future__ import annotations

import configparser
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
EFFICACY_SOURCE = DEPLOY.parent / "efficacy"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def command_of(service: dict) -> str:
    command = service["command"]
    return command if isinstance(command, str) else shlex.join(command)


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd's keys keep their case
    parser.read_string((DEPLOY / "systemd" / name).read_text(encoding="utf-8"))
    return parser


def script_commands() -> list[str]:
    """The efficacy commands run-recipe.sh runs, as ``efficacy SUBCOMMAND ARGS``."""
    text = (DEPLOY / "run-recipe.sh").read_text(encoding="utf-8")
    text = text.replace("\\\n", " ")
    found = re.findall(r"\$EFFICACY ([^\n;]+)", text)
    return ["efficacy " + " ".join(line.split()) for line in found]


def efficacy_calls(text: str) -> list[str]:
    """``efficacy SUBCOMMAND [--options]`` in a command line, paths stripped."""
    return list(re.findall(r"(?:^|[\s/'\"])(efficacy [a-z-]+(?: --?[a-z-]+)*)", text))


def test_the_script_is_valid_bash_and_names_its_steps():
    subprocess.run(["bash", "-n", str(DEPLOY / "run-recipe.sh")], check=True)
    usage = subprocess.run([str(DEPLOY / "run-recipe.sh")], capture_output=True, text=True)
    assert usage.returncode == 2
    for step in ("setup", "web", "worker", "health", "backup"):
        assert f"run-recipe.sh {step}" in usage.stderr


def test_every_command_the_script_runs_is_an_efficacy_subcommand():
    from django.core.management import get_commands

    known = set(get_commands())
    subcommands = {c.split()[1].replace("-", "_") for c in script_commands()}
    assert subcommands >= {"migrate", "create_administrator", "serve", "worker", "backup"}
    assert subcommands <= known, f"unknown: {subcommands - known}"


def test_compose_runs_postgresql_web_and_worker_on_shared_volumes():
    data = compose()
    services = data["services"]
    assert set(services) == {"db", "web", "worker"}
    db = services["db"]
    assert db["image"] == "postgres:15"
    assert "db:/var/lib/postgresql/data" in db["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    web, worker = services["web"], services["worker"]
    assert "media:/data" in web["volumes"]
    assert web["volumes"] == worker["volumes"]
    assert web["env_file"] == worker["env_file"] == ".env"
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert set(data["volumes"]) >= {"db", "media"}


def test_compose_runs_the_script_s_commands():
    script = script_commands()
    web = command_of(compose()["services"]["web"])
    assert "efficacy migrate --noinput" in script
    assert "efficacy migrate --noinput && exec efficacy serve --bind 0.0.0.0:8000" in web
    assert "efficacy worker" in script
    assert command_of(compose()["services"]["worker"]) == "efficacy worker"


def test_every_variable_compose_interpolates_is_in_the_example_env():
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    example = example_variables()
    for name in set(re.findall(r"\$\{([A-Z_]+)", text)):
        assert name in example


def example_variables() -> set[str]:
    text = (DEPLOY / "env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_every_variable_in_the_example_env_is_read_by_something_and_explained():
    """No stale setting: each is read by Efficacy, the compose file or the recipe."""
    sources = [p.read_text(encoding="utf-8") for p in EFFICACY_SOURCE.rglob("*.py")]
    sources += [(DEPLOY / name).read_text(encoding="utf-8") for name in
                ("compose.yaml", "run-recipe.sh")]  # fmt: skip
    readers = "\n".join(sources)
    for name in example_variables():
        assert re.search(rf"\b{name}\b", readers), f"{name} is read by nothing"
    lines = (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]*=", line) and not lines[i - 1].startswith("#"):
            # A variable in a run of them shares the comment above the run.
            assert re.match(r"^[A-Z][A-Z0-9_]*=", lines[i - 1]), line


@pytest.mark.parametrize(
    "name", ["DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS",
             "SECURE_HTTPS", "EFFICACY_TRUSTED_PROXIES", "DEBUG", "EFFICACY_DATA_DIR"],
)  # fmt: skip
def test_the_example_env_lists_the_production_essentials(name):
    assert name in example_variables()


def test_the_image_installs_the_lock_with_hashes_and_runs_the_server_unprivileged():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim$", text, flags=re.MULTILINE)
    assert "pip install --require-hashes --no-deps -r requirements.lock" in text
    assert "pip install --no-deps --no-build-isolation ." in text
    assert "efficacy collectstatic --noinput" in text
    user = re.findall(r"^USER (\S+)$", text, flags=re.MULTILINE)
    assert user
    assert user[-1] not in ("root", "0")
    assert re.search(r"^VOLUME \[\"/data\"\]$", text, flags=re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*\n.*healthcheck\.py.*/healthz", text, flags=re.MULTILINE)
    cmd = re.search(r"^CMD (\[.*\])$", text, flags=re.MULTILINE)
    assert cmd is not None
    assert " ".join(yaml.safe_load(cmd.group(1))).startswith("efficacy serve --bind 0.0.0.0:8000")
    copied = re.findall(r"^COPY (\S+(?: \S+)*) \S+$", text, flags=re.MULTILINE)
    for sources in copied:
        for source in sources.split():
            assert (DEPLOY.parent / source).exists(), source


@pytest.mark.parametrize(
    ("name", "command"),
    [("efficacy-web.service", "efficacy serve --bind"),
     ("efficacy-worker.service", "efficacy worker"),
     ("efficacy-backup.service", "efficacy backup")],
)  # fmt: skip
def test_each_unit_runs_the_script_s_command_hardened_as_its_own_user(name, command):
    service = unit(name)["Service"]
    assert any(call.startswith(command) for call in efficacy_calls(service["ExecStart"]))
    assert any(line.startswith(command) for line in script_commands())
    assert service["User"] == "efficacy"
    assert service["EnvironmentFile"] == "/etc/efficacy/env"
    assert service["ProtectSystem"] == "strict"
    assert service["NoNewPrivileges"] == "yes"
    assert service["PrivateTmp"] == "yes"


def test_the_web_unit_migrates_first_as_the_script_does():
    calls = efficacy_calls(unit("efficacy-web.service")["Service"]["ExecStartPre"])
    assert calls == ["efficacy migrate --noinput"]


def test_the_backup_runs_nightly_and_catches_up_after_a_shutdown():
    timer = unit("efficacy-backup.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 02:30:00"
    assert timer["Persistent"] == "true"
    assert unit("efficacy-backup.service")["Service"]["Type"] == "oneshot"


def test_the_health_check_asks_as_the_proxy_would(monkeypatch):
    """Host from ALLOWED_HOSTS, X-Forwarded-Proto when TLS ends in front: otherwise the
    site would answer 400 (unknown host) or redirect to HTTPS."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("healthcheck", DEPLOY / "healthcheck.py")
    healthcheck = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(healthcheck)
    assert healthcheck.healthy(200, {"database": {"ok": True}, "worker": {"ok": False}},
                               require_worker=False)  # fmt: skip
    assert not healthcheck.healthy(200, {"database": {"ok": True}, "worker": {"ok": False}},
                                   require_worker=True)  # fmt: skip
    assert not healthcheck.healthy(503, {"database": {"ok": False}}, require_worker=False)
    assert healthcheck.ask("http://127.0.0.1:9/healthz", timeout=1) == (0, {})
