"""Hostile files on the command line: one clear line and status 2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from efficacy.analyze_cli import main
from efficacy.tabular import write_csv
from tests.tabular.hostile import xlsx_bomb

EFFECT_ARGS = ["--score", "score", "--group", "grp", "--treatment", "=focus", "--control", "@comp"]


def _analyze(capsys, path: Path, *extra: str) -> tuple[int, str, str]:
    status = main(["effect", "--data", str(path), *extra, *EFFECT_ARGS])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("as_json", [[], ["--json"]])
def test_analyze_refuses_an_xlsx_zip_bomb_in_one_line(capsys, tmp_path, as_json):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(xlsx_bomb([["score", "grp"], [1, "=focus"]], expand_to=60 * 1024 * 1024))
    status, out, err = _analyze(capsys, path, *as_json)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert "refused as a zip bomb" in err


def test_analyze_refuses_a_csv_whose_line_is_too_long(capsys, tmp_path):
    path = tmp_path / "long.csv"
    path.write_bytes(b"score,grp\n1," + b"x" * 2_000_000 + b"\n")
    status, _out, err = _analyze(capsys, path, "--json")
    assert status == 2
    assert "long.csv:2:: the line is longer than 1,000,000 bytes" in err


def test_analyze_reads_an_export_whose_labels_look_like_formulas(capsys, tmp_path):
    rows = [[score, "=focus"] for score in (5, 6, 7, 8, 9, 6, 7, 8, 9, 10, 7)]
    rows += [[score, "@comp"] for score in (4, 5, 6, 5, 4, 6, 5, 4, 5, 6, 5)]
    path = tmp_path / "export.csv"
    path.write_bytes(write_csv(["score", "grp"], rows))
    assert b"'=focus" in path.read_bytes()
    status, out, err = _analyze(capsys, path, "--json")
    assert status == 0, err
    result = json.loads(out)
    assert (result["n_treatment"], result["n_control"]) == (11, 11)


def test_the_installed_command_answers_a_damaged_xlsx_without_a_traceback(tmp_path):
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 200)
    efficacy = Path(sys.executable).with_name("efficacy")
    done = subprocess.run(
        [str(efficacy), "analyze", "effect", "--data", str(path), "--json", *EFFECT_ARGS],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "damaged.xlsx::: the file could not be read as a spreadsheet" in done.stderr
