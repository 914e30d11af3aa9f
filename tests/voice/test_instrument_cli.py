"""``efficacy instrument check`` and ``load``, run as a person runs them: a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from efficacy.voice.instruments import SHIPPED
from efficacy.voice.models import Instrument
from tests.voice.test_instrument_pages import BROKEN, example_yaml

ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str | Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "efficacy", "instrument", *map(str, argv)],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_a_valid_file_prints_its_key_version_and_size_and_exits_0():
    result = run("check", SHIPPED["efficacy-collective-efficacy"])

    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "collective_efficacy.yaml: valid: efficacy-collective-efficacy 1.0, "
        "12 items in 2 subscales\n"
    )
    assert result.stderr == ""


def test_a_file_with_problems_prints_each_with_its_line_and_hint_and_exits_1(tmp_path):
    path = tmp_path / "climate.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = run("check", path)

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "climate.yaml:7: The scale 'extent' has 4 options; a scale needs at least 5. "
        "(five or more options measure more finely; label each one)",
        "climate.yaml:10: The label has no French text (fr). (add a line 'fr: …' under it)",
        "climate.yaml:13: The subscale 'together' needs at least 2 items; it has 1. "
        "(one item alone cannot tell its reliability; add items or merge the subscale into "
        "another)",
        "climate.yaml:17: Item t2 names the subscale 'togetherr', which is not one of the "
        "subscales: together. (did you mean 'together'?)",
    ]


def test_a_yaml_syntax_error_is_printed_with_its_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("key: x\nitems: [a, b\nversion: 1\n", encoding="utf-8")
    result = run("check", path)

    assert result.returncode == 1
    assert result.stdout.startswith("broken.yaml:3: This is not valid YAML:")


def test_a_missing_file_exits_2_with_a_message():
    result = run("check", "no-such-file.yaml")

    assert result.returncode == 2
    assert result.stderr == "efficacy instrument: no-such-file.yaml: no such file\n"


def test_a_folder_or_a_file_that_is_not_utf8_exits_2(tmp_path):
    assert run("check", tmp_path).returncode == 2
    path = tmp_path / "latin1.yaml"
    path.write_bytes("clé: é\n".encode("latin-1"))
    result = run("check", path)
    assert result.returncode == 2
    assert "is not UTF-8 text" in result.stderr


def test_a_file_over_256_kb_exits_2_unread(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("#" * 300_000, encoding="utf-8")
    result = run("check", path)

    assert result.returncode == 2
    assert "larger than 256 KB" in result.stderr


def test_help_explains_the_commands_and_bad_arguments_exit_2():
    result = run("--help")
    assert result.returncode == 0
    assert "check" in result.stdout
    assert "load" in result.stdout
    assert run("check", "--help").returncode == 0
    no_district = run("load", "x.yaml")
    assert no_district.returncode == 2
    assert "--district" in no_district.stderr
    wrong = run("validate", "x.yaml")
    assert wrong.returncode == 2
    assert "efficacy instrument --help" in wrong.stderr


# --- load: the same checks, then the database (this test's own) ----------------------


@pytest.fixture
def database_env(request, transactional_db):
    """The subprocess reaches the test database: SQLite's copied to a file, or PostgreSQL's."""
    from django.db import connection

    if connection.vendor == "sqlite":
        path = request.getfixturevalue("sqlite_file_db")
        return {"DATABASE_URL": f"sqlite:///{path}"}
    url = os.environ["DATABASE_URL"]
    return {"DATABASE_URL": url.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]}


def test_load_stores_a_valid_file_for_a_district_once(database_env, world, tmp_path):
    path = tmp_path / "climate.yaml"
    path.write_text(example_yaml(), encoding="utf-8")

    first = run("load", path, "--district", str(world.district.pk), env=database_env)
    again = run("load", path, "--district", str(world.district.pk), env=database_env)

    assert first.returncode == 0, first.stderr
    assert "loaded: district-climate 1.0 for district Lakeshore District" in first.stdout
    assert again.returncode == 0
    assert Instrument.objects.filter(key="district-climate", district=world.district).count() == 1


def test_load_refuses_a_file_with_problems_and_an_unknown_district(database_env, world, tmp_path):
    path = tmp_path / "climate.yaml"
    path.write_text(BROKEN, encoding="utf-8")

    broken = run("load", path, "--district", str(world.district.pk), env=database_env)
    assert broken.returncode == 1
    assert "climate.yaml:17:" in broken.stdout
    path.write_text(example_yaml(), encoding="utf-8")
    nowhere = run("load", path, "--district", "999999", env=database_env)
    assert nowhere.returncode == 2
    assert "no district has id 999999" in nowhere.stderr
    assert not Instrument.objects.filter(key="district-climate").exists()
