"""``efficacy schedule-rounds``: the JSON contract, the timetable, exit statuses, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from efficacy.schedule_cli import main
from tests.practice.checker import VISIT_KEYS, violations
from tests.practice.requests import school, trio


def _write(tmp_path: Path, request: object, name: str = "request.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(request))
    return path


def _run(capsys, *argv: str | Path) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_schedule_comes_out_as_the_json_the_issue_names(tmp_path, capsys):
    request = school()
    status, out, err = _run(capsys, _write(tmp_path, request), "--json", "--seconds", "10")

    assert (status, err) == (0, "")
    result = json.loads(out)
    assert list(result) == ["status", "visits", "substitute_periods", "objective", "seconds"]
    assert result["status"] == "feasible"
    assert all(set(v) == VISIT_KEYS for v in result["visits"])
    order = [(v["week"], v["day"], v["period"], v["host"], v["observer"]) for v in result["visits"]]
    assert order == sorted(order)
    assert violations(request, result["visits"]) == []
    assert result["substitute_periods"] == len(result["visits"]) == 24
    assert result["objective"] == 0
    assert 0 < result["seconds"] < 10


def test_without_json_it_prints_a_timetable_week_by_week(tmp_path, capsys):
    status, out, _ = _run(capsys, _write(tmp_path, school()))

    assert status == 0
    assert "Week 1" in out
    assert "Week 2" in out
    assert "observers" in out
    assert "24 visits; 24 periods of substitute cover" in out


def test_an_impossible_request_exits_2_with_its_reasons(tmp_path, capsys):
    status, out, _ = _run(capsys, _write(tmp_path, trio(weeks=1)), "--json")

    assert status == 2
    result = json.loads(out)
    assert list(result) == ["status", "reasons"]
    assert result["status"] == "infeasible"
    assert result["reasons"][0].startswith("No schedule meets all of these at once: ")


def test_an_impossible_request_is_said_in_words_without_json(tmp_path, capsys):
    status, out, _ = _run(capsys, _write(tmp_path, school(substitutes_per_period=0)))

    assert status == 2
    assert out.startswith("No schedule exists:\n- substitutes_per_period is 0")


def test_out_of_time_it_exits_3(tmp_path, capsys):
    request = school(days=5, periods=8, taught=6, teachers=30, team_size=6)
    status, out, _ = _run(capsys, _write(tmp_path, request), "--json", "--seconds", "0.001")

    assert status == 3
    assert json.loads(out)["status"] == "unknown"


def test_an_invalid_request_lists_every_problem_and_exits_2(tmp_path, capsys):
    request = school()
    request["teachers"][0]["teaches"].append([1, 5])
    request["teachers"][1]["id"] = "t00"
    request["teachers"][2]["team"] = "alone"
    path = _write(tmp_path, request)

    status, out, err = _run(capsys, path)

    assert (status, out) == (2, "")
    assert err.splitlines() == [
        "request.json::teachers[0].teaches[9]: period 5 is outside the day "
        "(periods run from 1 to 4)",
        "request.json::teachers[1].id: teacher 't00' is listed twice (first at teachers[0]) "
        "(give each teacher one entry holding all of their teaching periods)",
        "request.json::teachers[2].team: team 'alone' has one teacher: with same_team nobody "
        "can observe them or be observed by them (list the team's other members, correct the "
        "team's name, or set same_team to false)",
        "efficacy schedule-rounds: error: the request has 3 problem(s); nothing was solved",
    ]

    status, out, _ = _run(capsys, path, "--json")

    assert status == 2
    result = json.loads(out)
    assert result["status"] == "invalid"
    assert result["total"] == 3
    assert [e["column"] for e in result["errors"]] == [
        "teachers[0].teaches[9]",
        "teachers[1].id",
        "teachers[2].team",
    ]
    assert set(result["errors"][0]) == {"file", "line", "column", "message", "hint"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is not valid JSON: Expecting value at column 1"),
        (b'{"days": 5,\n "weeks": }', "is not valid JSON: Expecting value at column 11"),
        (b"\xff\xfe{}", "is not UTF-8 text (byte 1)"),
        (b"[" * 100_000, "is nested too deeply to be a request"),
        # Found by fuzzing (tests/fuzz): Python's integer conversion limit raised a ValueError.
        (b'{"days": ' + b"1" * 5_000 + b"}", "holds a number too long to read"),
        (b"null", "the request must be a JSON object, not null"),
        (b'"a request"', "the request must be a JSON object, not a text"),
        (b"{}", "is missing"),
        (b'{"teachers": [{"id": {"x": 1}, "teaches": [[1e999, 1]]}]}', "must be a text"),
    ],
    ids=[
        "empty",
        "syntax",
        "not-utf8",
        "nested",
        "huge-number",
        "null",
        "text",
        "empty-object",
        "odd-values",
    ],
)
def test_garbage_in_is_exit_2_with_a_clear_message_never_a_traceback(
    tmp_path, capsys, content, message
):
    path = tmp_path / "request.json"
    path.write_bytes(content)

    for extra in ([], ["--json"]):
        status, out, err = _run(capsys, path, *extra)

        assert status == 2
        assert message in (out + err)
        assert "Traceback" not in out + err


def test_a_missing_file_or_a_folder_is_exit_2(tmp_path, capsys):
    status, out, err = _run(capsys, tmp_path / "nowhere.json")

    assert (status, out) == (2, "")
    assert err.startswith("nowhere.json::: no such file (check the path)\n")
    status, _, err = _run(capsys, tmp_path)
    assert status == 2
    assert "is a folder, not a file" in err


@pytest.mark.parametrize("seconds", ["0", "-1", "abc", "4000"])
def test_a_bad_time_limit_is_one_line_and_exit_2(tmp_path, capsys, seconds):
    status, out, err = _run(capsys, _write(tmp_path, school()), "--seconds", seconds)

    assert (status, out) == (2, "")
    assert err.startswith("efficacy schedule-rounds: error: ")
    assert len(err.strip().splitlines()) == 1


def test_the_efficacy_command_runs_it_without_setting_up_django(tmp_path):
    path = _write(tmp_path, school())
    script = (
        "import sys; from efficacy.cli import main; "
        f"status = main(['efficacy', 'schedule-rounds', {str(path)!r}, '--json']); "
        "from django.conf import settings; "
        "assert 'django.core.management' not in sys.modules and not settings.configured; "
        "sys.exit(status)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "feasible"
