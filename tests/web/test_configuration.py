"""Configuration from the environment: a typo stops the start, and the secret key is never public."""

from __future__ import annotations

import multiprocessing
import os
import runpy
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

import efficacy.settings
from efficacy import config

SETTINGS = Path(efficacy.settings.__file__)
PUBLISHED_DEVELOPMENT_KEY = "efficacy-insecure-development-key-change-me-in-production"


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """A clean environment with its own data directory; returns a settings loader."""
    for name in ("SECRET_KEY", "DEBUG", "SECURE_HTTPS", "AXES_FAILURE_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EFFICACY_DATA_DIR", str(tmp_path / "data"))

    def load(**env: str) -> dict:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    load.data_dir = tmp_path / "data"
    return load


# --- the secret key ------------------------------------------------------------


def test_without_a_secret_key_a_random_one_is_generated_never_the_published_one(environment):
    first = environment()["SECRET_KEY"]
    assert first != PUBLISHED_DEVELOPMENT_KEY
    assert len(first) >= 50
    key_file = environment.data_dir / "secret_key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_the_generated_key_is_reused_on_later_runs(environment):
    assert environment()["SECRET_KEY"] == environment()["SECRET_KEY"]


def test_two_data_directories_get_different_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert config.secret_key(tmp_path / "a") != config.secret_key(tmp_path / "b")


def test_a_configured_secret_key_is_used_and_nothing_is_written(environment):
    key = "k" * 20 + "-configured-by-the-operator-" + "z" * 20
    assert environment(SECRET_KEY=key)["SECRET_KEY"] == key
    assert not (environment.data_dir / "secret_key").exists()


def _key_in_a_new_process(data_dir: str, barrier, results) -> None:
    barrier.wait()
    results.put(config.secret_key(Path(data_dir)))


def test_processes_starting_at_once_agree_on_one_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(6), context.Queue()
    processes = [
        context.Process(target=_key_in_a_new_process, args=(str(tmp_path), barrier, results))
        for _ in range(6)
    ]
    for process in processes:
        process.start()
    keys = {results.get(timeout=30) for _ in processes}
    for process in processes:
        process.join(timeout=30)
    assert len(keys) == 1
    assert (tmp_path / "secret_key").read_text().strip() in keys
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left


def test_an_empty_key_file_is_an_error_naming_the_file(environment):
    environment.data_dir.mkdir()
    (environment.data_dir / "secret_key").write_text("\n")
    with pytest.raises(ImproperlyConfigured, match="secret_key"):
        environment()


def _deploy_warnings(settings) -> set[str]:
    return {message.id for message in checks.run_checks(include_deployment_checks=True)}


def test_check_deploy_accepts_the_generated_key(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings.SECRET_KEY = config.secret_key(tmp_path)
    assert "security.W009" not in _deploy_warnings(settings)


def test_check_deploy_warns_about_a_short_key(settings):
    settings.SECRET_KEY = "too-short"
    assert "security.W009" in _deploy_warnings(settings)


# --- strict booleans and numbers ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [("SECURE_HTTPS", "ture"), ("DEBUG", "yes please"), ("SECURE_HTTPS", "2")],
)
def test_a_setting_that_is_not_a_boolean_stops_the_start(environment, name, value):
    with pytest.raises(ImproperlyConfigured) as error:
        environment(**{name: value})
    message = str(error.value)
    assert name in message
    assert repr(value) in message
    assert "true" in message
    assert "false" in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("TRUE", True), (" on ", True), ("yes", True), ("0", False), ("Off", False),
     ("no", False), ("false", False), ("", False)],
)  # fmt: skip
def test_the_usual_spellings_of_a_boolean_are_accepted(environment, value, expected):
    assert environment(SECURE_HTTPS=value)["SESSION_COOKIE_SECURE"] is expected


def test_a_number_that_is_not_a_number_stops_the_start(environment):
    with pytest.raises(
        ImproperlyConfigured, match=r"AXES_FAILURE_LIMIT='five' is not a whole number"
    ):
        environment(AXES_FAILURE_LIMIT="five")


def test_a_failure_limit_below_one_stops_the_start(environment):
    with pytest.raises(ImproperlyConfigured, match="AXES_FAILURE_LIMIT=0 is too small"):
        environment(AXES_FAILURE_LIMIT="0")


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start(environment):
    with pytest.raises(ImproperlyConfigured, match=r"EFFICACY_TRUSTED_PROXIES: 'proxy\.local'"):
        environment(EFFICACY_TRUSTED_PROXIES="10.0.0.1, proxy.local")


def test_the_command_line_says_what_is_wrong_without_a_traceback(tmp_path):
    env = {**os.environ, "EFFICACY_DATA_DIR": str(tmp_path), "SECURE_HTTPS": "ture"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "efficacy", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "SECURE_HTTPS='ture' is not a boolean" in result.stderr
    assert "Traceback" not in result.stderr
