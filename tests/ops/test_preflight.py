"""``efficacy serve`` refuses an unsafe configuration; the documented one passes ``check --deploy``."""

from __future__ import annotations

import secrets

import pytest

from efficacy.ops.preflight import is_loopback, secret_key_problem, unsafe_configuration
from tests.ops.processes import run

GOOD_KEY = secrets.token_urlsafe(64)


@pytest.fixture
def production(settings, monkeypatch):
    """The documented production configuration, on SQLite; each test breaks one thing."""
    settings.DEBUG = False
    settings.SECRET_KEY = GOOD_KEY
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("ALLOWED_HOSTS", "efficacy.school.example")
    return settings


def test_the_documented_configuration_has_no_problem(production):
    assert unsafe_configuration(bind="0.0.0.0:8000") == []


def test_debug_on_is_refused(production):
    production.DEBUG = True
    (problem,) = unsafe_configuration(bind="127.0.0.1:8000")
    assert problem.startswith("DEBUG is on")
    assert "DEBUG=off" in problem


def test_another_address_without_allowed_hosts_is_refused(production, monkeypatch):
    monkeypatch.delenv("ALLOWED_HOSTS")
    (problem,) = unsafe_configuration(bind="0.0.0.0:8000")
    assert "ALLOWED_HOSTS is not set" in problem
    assert "ALLOWED_HOSTS=efficacy.school.example" in problem


@pytest.mark.parametrize(
    "bind", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "unix:/run/e.sock"]
)
def test_loopback_only_is_allowed_without_allowed_hosts(production, monkeypatch, bind):
    monkeypatch.delenv("ALLOWED_HOSTS")
    assert unsafe_configuration(bind=bind) == []


@pytest.mark.parametrize(
    ("bind", "loopback"),
    [
        ("127.0.0.1:8000", True),
        ("127.0.0.2:8000", True),
        ("localhost:80", True),
        ("[::1]:8000", True),
        ("unix:/tmp/efficacy.sock", True),
        ("0.0.0.0:8000", False),
        ("[::]:8000", False),
        ("10.0.0.5:8000", False),
        ("efficacy.school.example:8000", False),
    ],
)
def test_which_addresses_are_this_machine_only(bind, loopback):
    assert is_loopback(bind) is loopback


@pytest.mark.parametrize(
    "key",
    [
        "efficacy-insecure-development-key-change-me-in-production",
        "django-insecure-" + secrets.token_urlsafe(50),
        "change-me-" + secrets.token_urlsafe(50),
        secrets.token_urlsafe(20),
        "ab" * 40,
    ],
    ids=["published", "django-insecure", "placeholder", "short", "few-characters"],
)
def test_a_secret_key_anyone_could_know_is_refused(production, monkeypatch, key):
    production.SECRET_KEY = key
    monkeypatch.setenv("SECRET_KEY", key)
    assert secret_key_problem(key)
    (problem,) = unsafe_configuration(bind="127.0.0.1:8000")
    assert problem.startswith("SECRET_KEY is one anyone could know")
    assert "secrets.token_urlsafe(64)" in problem


def test_the_generated_key_is_enough_for_one_machine_on_sqlite(production, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    assert unsafe_configuration(bind="127.0.0.1:8000") == []


def test_the_generated_key_is_refused_with_postgresql(production, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    monkeypatch.setitem(production.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    (problem,) = unsafe_configuration(bind="127.0.0.1:8000")
    assert problem.startswith("SECRET_KEY is not set")
    assert "the same on every machine" in problem


@pytest.mark.slow
def test_serve_refuses_to_start_saying_each_problem_with_exit_code_2(tmp_path):
    result = run(tmp_path, "serve", "--bind", "0.0.0.0:8000", DEBUG="on", SECRET_KEY="short")
    assert result.returncode == 2
    problems = [line for line in result.stderr.splitlines() if line.startswith("- ")]
    assert [p.split(" ")[1] for p in problems] == ["DEBUG", "ALLOWED_HOSTS", "SECRET_KEY"]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "static").exists()  # nothing done before refusing


@pytest.mark.slow
def test_check_deploy_is_clean_in_the_documented_production_configuration(tmp_path):
    result = run(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECURE_HTTPS="on",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="efficacy.school.example",
        DEBUG="off",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stderr
