"""``efficacy analyze`` meta, icc, reliability and runchart: the contract keys, bad input
as one line with exit status 2, and hostile tables never ending in a traceback."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from efficacy.analysis.meta import random_effects
from efficacy.analysis.multilevel import null_model
from efficacy.analysis.runchart import run_chart
from efficacy.analysis.scales import reliability
from efficacy.analyze_cli import main


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys, *argv: str):
    code, out, err = run_cli(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def meta_csv(tmp_path: Path) -> Path:
    path = tmp_path / "cycles.csv"
    path.write_text(
        "cycle,g,se\nA,0.30,0.10\nB,0.55,0.15\nC,0.10,0.12\nD,,0.2\nE,0.42,0.11\nF,0.8,0.2\n"
    )
    return path


def test_meta_prints_the_contract_keys_and_counts_the_dropped_row(capsys, meta_csv):
    data = as_json(capsys, "meta", "--data", str(meta_csv), "--effect", "g", "--se", "se")
    for key in ("estimate", "se", "ci_low", "ci_high", "tau2", "i2", "q", "k"):
        assert key in data
    ref = random_effects([0.30, 0.55, 0.10, 0.42, 0.8], [0.10, 0.15, 0.12, 0.11, 0.2])
    assert data["estimate"] == pytest.approx(ref.estimate)
    assert data["k"] == 5
    assert data["n_dropped"] == 1


def test_meta_takes_the_dl_method_and_hartung_knapp(capsys, meta_csv):
    args = ["meta", "--data", str(meta_csv), "--effect", "g", "--se", "se", "--method", "dl"]
    data = as_json(capsys, *args, "--hartung-knapp")
    ref = random_effects(
        [0.30, 0.55, 0.10, 0.42, 0.8],
        [0.10, 0.15, 0.12, 0.11, 0.2],
        method="dl",
        hartung_knapp=True,
    )
    assert data["tau2"] == pytest.approx(ref.tau2)
    assert data["ci_low"] == pytest.approx(ref.ci.low)
    assert data["hartung_knapp"] is True


def test_meta_names_a_zero_standard_error(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("g,se\n0.3,0.1\n0.4,0\n")
    code, out, err = run_cli(capsys, "meta", "--data", str(path), "--effect", "g", "--se", "se")
    assert code == 2
    assert out == ""
    assert "positive" in err
    assert err.count("\n") == 1


def test_icc_prints_the_contract_keys(capsys, tmp_path):
    rng = np.random.default_rng(0)
    cl = np.repeat(np.arange(12), 15)
    scores = 50 + rng.normal(0, 2, 12)[cl] + rng.normal(0, 5, cl.size)
    path = tmp_path / "scores.csv"
    pd.DataFrame({"score": scores, "class": [f"7{c:02d}" for c in cl]}).to_csv(path, index=False)
    data = as_json(capsys, "icc", "--data", str(path), "--score", "score", "--cluster", "class")
    ref = null_model(scores, cl)
    for key in ("grand_mean", "tau00", "sigma2", "icc", "n", "n_clusters"):
        assert key in data
    assert data["icc"] == pytest.approx(ref.icc, rel=1e-6)
    assert data["n_clusters"] == 12
    assert data["n"] == 180


def test_icc_with_one_cluster_is_a_clear_error(capsys, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("score,class\n" + "".join(f"{i},A\n" for i in range(12)))
    code, _, err = run_cli(
        capsys, "icc", "--data", str(path), "--score", "score", "--cluster", "class"
    )
    assert code == 2
    assert "at least 2 clusters" in err


@pytest.fixture
def survey_csv(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(1)
    f = rng.normal(size=120)
    x = np.clip(np.round(3 + f[:, None] * 0.9 + rng.normal(size=(120, 4))), 1, 5)
    frame = pd.DataFrame(x, columns=["q1", "q2", "q3", "q4"])
    frame["q4"] = 6 - frame["q4"]  # stored reversed
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_reliability_reverses_items_and_prints_the_contract_keys(capsys, survey_csv):
    path, frame = survey_csv
    data = as_json(
        capsys,
        "reliability",
        "--data",
        str(path),
        "--items",
        "q1,q2,q3",
        "--reverse",
        "q4",
        "--scale-min",
        "1",
        "--scale-max",
        "5",
    )
    for key in ("alpha", "alpha_ci_low", "alpha_ci_high", "omega", "n", "k"):
        assert key in data
    ref = reliability(frame, reverse=["q4"], scale_min=1, scale_max=5)
    assert data["alpha"] == pytest.approx(ref.alpha)
    assert data["k"] == 4
    assert data["n"] == 120


def test_reliability_refuses_reverse_without_a_scale_range(capsys, survey_csv):
    path, _ = survey_csv
    code, _, err = run_cli(
        capsys, "reliability", "--data", str(path), "--items", "q1,q2", "--reverse", "q4"
    )
    assert code == 2
    assert "--scale-min" in err


def test_reliability_names_an_answer_outside_the_scale(capsys, survey_csv):
    path, _ = survey_csv
    code, _, err = run_cli(
        capsys,
        "reliability",
        "--data",
        str(path),
        "--items",
        "q1,q2,q3",
        "--scale-min",
        "1",
        "--scale-max",
        "4",
    )
    assert code == 2
    assert "outside the scale" in err


def test_runchart_sorts_by_the_order_column_and_names_signal_points(capsys, tmp_path):
    values = [10, 11, 9, 10, 12, 8, 10, 11, 20, 21, 19, 22, 20, 18]
    weeks = pd.date_range("2026-01-05", periods=len(values), freq="W").strftime("%Y-%m-%d")
    frame = pd.DataFrame({"week": weeks, "value": values}).iloc[::-1]  # stored newest first
    path = tmp_path / "series.csv"
    frame.to_csv(path, index=False)
    data = as_json(capsys, "runchart", "--data", str(path), "--value", "value", "--order", "week")
    ref = run_chart(values)
    for key in ("median", "runs", "crossings", "longest_run", "shift", "trend", "signals"):
        assert key in data
    assert data["median"] == ref.median
    assert data["runs"] == ref.runs
    assert data["shift"] is True
    shift = next(s for s in data["signals"] if s["rule"] == "shift")
    assert shift["at"][0] == weeks[shift["indices"][0]]


def test_runchart_rebaseline_gives_one_result_per_stretch(capsys, tmp_path):
    path = tmp_path / "series.csv"
    values = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 20, 21, 19, 22, 20, 18, 21, 20, 19, 22]
    pd.DataFrame({"value": values}).to_csv(path, index=False)
    data = as_json(capsys, "runchart", "--data", str(path), "--value", "value", "--rebaseline")
    assert [d["start"] for d in data] == [0, 10]


def test_runchart_refuses_an_order_that_is_neither_number_nor_date(capsys, tmp_path):
    path = tmp_path / "series.csv"
    path.write_text("when,value\n1,3\nsoon,4\n3,5\n")
    code, _, err = run_cli(
        capsys, "runchart", "--data", str(path), "--value", "value", "--order", "when"
    )
    assert code == 2
    assert "'soon'" in err


# --- hostile tables ---------------------------------------------------------

CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=32).map(str),
    st.integers(-5, 5).map(str),
    st.sampled_from(["", " ", "NA", "abc", "1e400", "-0", "0", "1", "5", "2026-01-01", "1,5"]),
)


@st.composite
def hostile_tables(draw) -> str:
    columns = ["a", "b", "c", "d"]
    rows = draw(st.integers(0, 25))
    lines = [",".join(columns)]
    for _ in range(rows):
        lines.append(",".join(draw(CELLS) for _ in columns))
    return "\n".join(lines) + "\n"


COMMANDS = [
    ["meta", "--effect", "a", "--se", "b"],
    ["meta", "--effect", "a", "--se", "b", "--method", "dl", "--hartung-knapp-floor"],
    ["icc", "--score", "a", "--cluster", "b"],
    ["reliability", "--items", "a,b,c", "--min-n", "2"],
    ["reliability", "--items", "a,b", "--reverse", "c", "--scale-min", "0", "--scale-max", "5"],
    ["runchart", "--value", "a"],
    ["runchart", "--value", "a", "--order", "b", "--rebaseline"],
]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(table=hostile_tables(), command=st.sampled_from(COMMANDS))
def test_hostile_tables_end_in_a_result_or_one_clear_line_never_a_traceback(capsys, table, command):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hostile.csv"
        path.write_text(table)
        code, out, err = run_cli(capsys, command[0], "--data", str(path), *command[1:], "--json")
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 0:
        json.loads(out)
    else:
        assert out == ""
        assert err.count("\n") == 1


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.lists(
        st.tuples(st.floats(-3, 3, allow_nan=False), st.floats(1e-3, 2, allow_nan=False)),
        min_size=0,
        max_size=15,
    ),
    method=st.sampled_from(["dl", "reml"]),
)
def test_meta_on_any_valid_effects_gives_a_non_negative_tau2_or_a_clear_error(capsys, data, method):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.csv"
        pd.DataFrame(data, columns=["g", "se"]).to_csv(path, index=False)
        args = ["meta", "--data", str(path), "--effect", "g", "--se", "se", "--method", method]
        code, out, _ = run_cli(capsys, *args, "--json")
    assert code == (0 if len(data) >= 2 else 2)
    if code == 0:
        assert json.loads(out)["tau2"] >= 0
