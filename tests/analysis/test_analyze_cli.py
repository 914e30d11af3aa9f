"""``efficacy analyze`` effect / prepost / impact / gap: contract keys, --by, bad input."""

from __future__ import annotations

import json
import string
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from efficacy.analysis import effect_size, gap_change
from efficacy.analyze_cli import main

LONG_ARGS = ["--id", "student", "--score", "score", "--occasion", "when", "--pre", "fall",
             "--post", "spring"]  # fmt: skip
IMPACT_ARGS = [*LONG_ARGS, "--group", "grp", "--focus", "focus", "--comparison", "comp"]
GAP_ARGS = ["--score", "score", "--group", "grp", "--a", "comp", "--b", "focus",
            "--occasion", "when", "--from", "fall", "--to", "spring"]  # fmt: skip
EFFECT_ARGS = ["--score", "score", "--group", "grp", "--treatment", "focus", "--control", "comp"]


@pytest.fixture
def long_csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(51)
    n = 120
    ids = np.arange(n)
    grp = np.where(ids % 2, "focus", "comp")
    pre = rng.normal(50, 10, n)
    post = 0.8 * pre + rng.normal(14, 5, n) + np.where(grp == "focus", 3, 0)
    table = pd.DataFrame(
        {
            "student": np.r_[ids, ids],
            "cls": np.r_[ids % 3, ids % 3],
            "grp": np.r_[grp, grp],
            "when": ["fall"] * n + ["spring"] * n,
            "score": np.r_[pre, post].round(2),
        }
    )
    table.loc[7, "score"] = np.nan
    path = tmp_path / "scores.csv"
    table.to_csv(path, index=False)
    return path


def _run(capsys, *argv: str) -> tuple[int, object, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, (json.loads(out) if status == 0 and "--json" in argv else out), err


@pytest.mark.parametrize(
    ("command", "args", "keys"),
    [
        ("effect", EFFECT_ARGS,
         ["hedges_g", "cohens_d", "se", "ci_low", "ci_high", "n_treatment", "n_control"]),
        ("prepost", [*LONG_ARGS, "--weeks", "10"],
         ["d_av", "d_z", "r", "ci_low", "ci_high", "n", "expected_growth"]),
        ("impact", IMPACT_ARGS,
         ["did_g", "ancova_g", "baseline_g", "baseline_equivalence", "improvement_index",
          "n_focus", "n_comparison"]),
        ("gap", [*GAP_ARGS, "--bootstrap", "200", "--seed", "3"],
         ["gap_from", "gap_to", "gap_from_sd", "gap_to_sd", "reduction_pct", "ci_low", "ci_high"]),
    ],
)  # fmt: skip
def test_each_subcommand_prints_the_contract_keys_and_counts_dropped_rows(
    capsys, long_csv, command, args, keys
):
    status, result, err = _run(capsys, command, "--data", str(long_csv), "--json", *args)
    assert status == 0, err
    assert set(keys) <= set(result)
    assert all(result[k] is not None for k in keys)
    assert result["n_dropped"] == 1


def test_effect_json_matches_the_library_on_the_same_rows(capsys, long_csv):
    table = pd.read_csv(long_csv).dropna()
    expected = effect_size(
        table[table.grp == "focus"].score, table[table.grp == "comp"].score
    ).hedges_g
    _, result, _ = _run(capsys, "effect", "--data", str(long_csv), "--json", *EFFECT_ARGS)
    assert result["hedges_g"] == pytest.approx(expected)


def test_prepost_prints_the_expected_growth_and_no_years_of_growth(capsys, long_csv):
    """0.40 × weeks / weeks-per-year beside d_av; a ratio of the two reads as years."""
    argv = ["prepost", "--data", str(long_csv), "--json", *LONG_ARGS, "--weeks", "12"]
    _, forty, _ = _run(capsys, *argv)
    _, thirty_six, _ = _run(capsys, *argv, "--weeks-per-year", "36")
    _, by_class, _ = _run(capsys, *argv, "--weeks-per-year", "36", "--by", "cls")
    assert forty["expected_growth"] == pytest.approx(0.40 * 12 / 40)
    assert thirty_six["expected_growth"] == pytest.approx(0.40 * 12 / 36)
    assert thirty_six["d_av"] == forty["d_av"]
    assert [row["expected_growth"] for row in by_class] == pytest.approx([0.40 * 12 / 36] * 3)
    for result in (forty, thirty_six, *by_class):
        assert "years_growth" not in result
    status, table, _ = _run(capsys, *[a for a in argv if a != "--json"])
    assert status == 0
    assert "expected_growth" in table
    assert "years" not in table.lower()


@pytest.mark.parametrize(
    ("command", "args"),
    [("effect", EFFECT_ARGS), ("prepost", LONG_ARGS), ("impact", IMPACT_ARGS)],
)
def test_by_gives_one_object_per_group_with_its_value(capsys, long_csv, command, args):
    status, result, err = _run(
        capsys, command, "--data", str(long_csv), "--json", "--by", "cls", *args
    )
    assert status == 0, err
    assert [row["by"] for row in result] == ["0", "1", "2"]
    assert all(row["n_dropped"] == 1 and not row["suppressed"] for row in result)


def test_a_small_group_comes_back_suppressed_with_null_numbers(capsys, long_csv):
    status, result, _ = _run(
        capsys, "prepost", "--data", str(long_csv), "--json", "--by", "cls", "--min-n", "41",
        *LONG_ARGS,
    )  # fmt: skip
    assert status == 0
    assert all(row["suppressed"] and row["d_av"] is None for row in result)
    assert "threshold of 41" in result[0]["reason"]


def test_the_readable_table_shows_the_numbers_and_caveats(capsys, long_csv):
    status, out, _ = _run(capsys, "prepost", "--data", str(long_csv), *LONG_ARGS)
    assert status == 0
    assert "d_av" in out
    assert "no comparison group" in out


def test_gap_with_id_resamples_students_and_says_so(capsys, long_csv):
    """The same 120 students at both occasions: with --id each is resampled with both
    scores, as gap_change(same_students=True) does on the table pivoted by student."""
    status, result, err = _run(
        capsys, "gap", "--data", str(long_csv), "--json", "--id", "student", *GAP_ARGS
    )
    assert status == 0, err
    wide = pd.read_csv(long_csv).pivot(index=["student", "grp"], columns="when", values="score")
    wide = wide.reset_index()
    comp, focus = wide[wide.grp == "comp"], wide[wide.grp == "focus"]
    expected = gap_change(comp.fall, focus.fall, comp.spring, focus.spring, same_students=True)
    assert result["resampling"] == "students"
    assert result["ci_low"] == pytest.approx(expected.ci.low, rel=1e-12)
    assert result["ci_high"] == pytest.approx(expected.ci.high, rel=1e-12)
    assert result["reduction_pct"] == pytest.approx(expected.reduction_pct, rel=1e-12)
    assert result["n_dropped"] == 1
    # Focus student 7 has no fall score: they count at the occasion they have.
    assert (result["n_b_from"], result["n_b_to"]) == (59, 60)


def test_gap_without_id_says_the_occasions_were_resampled_independently(capsys, long_csv):
    status, result, err = _run(capsys, "gap", "--data", str(long_csv), "--json", *GAP_ARGS)
    assert status == 0, err
    assert result["resampling"] == "independent occasions"
    assert any("different students" in c for c in result["caveats"])
    status, out, _ = _run(capsys, "gap", "--data", str(long_csv), *GAP_ARGS)
    assert "independent occasions" in out
    assert "different students" in out


def test_gap_with_id_refuses_a_student_in_both_groups(capsys, tmp_path):
    rows = ["student,grp,when,score"]
    for i in range(12):
        rows += [f"s{i},comp,fall,{50 + i}", f"s{i},comp,spring,{52 + i}"]
        rows += [f"t{i},focus,fall,{40 + i}", f"t{i},focus,spring,{45 + i}"]
    rows[-1] = "s0,focus,spring,45"
    path = _write(tmp_path, "\n".join(rows) + "\n")
    status, _, err = _run(capsys, "gap", "--data", path, "--id", "student", *GAP_ARGS)
    assert status == 2
    assert "student 's0' is in group 'comp' and in group 'focus'" in err
    assert err.count("\n") == 1


def _rubric_csv(tmp_path: Path, *, flat_baseline: bool) -> str:
    """24 students on a 1-4 rubric: a third at level 4 at the final; with
    ``flat_baseline`` every student at level 1 at the baseline."""
    rows = ["student,cls,when,score"]
    for i in range(24):
        pre = 1 if flat_baseline else 1 + i % 3
        rows += [f"s{i},{i % 2},fall,{pre}", f"s{i},{i % 2},spring,{min(4, 2 + i % 3)}"]
    return _write(tmp_path, "\n".join(rows) + "\n", "rubric.csv")


def test_prepost_names_the_share_of_students_at_the_ends_of_the_scale(capsys, tmp_path):
    path = _rubric_csv(tmp_path, flat_baseline=False)
    scale = ["--scale-min", "1", "--scale-max", "4"]
    status, result, err = _run(capsys, "prepost", "--data", path, "--json", *LONG_ARGS, *scale)
    assert status == 0, err
    assert result["ceiling_post"] == pytest.approx(1 / 3)
    assert result["floor_pre"] == pytest.approx(1 / 3)
    assert result["scale_ends"] == ["floor_pre", "ceiling_post"]
    assert any("top or the bottom of the scale" in c for c in result["caveats"])
    status, rows, err = _run(
        capsys, "prepost", "--data", path, "--json", "--by", "cls", "--min-n", "2", *LONG_ARGS,
        *scale,
    )  # fmt: skip
    assert status == 0, err
    assert all(row["ceiling_post"] == pytest.approx(1 / 3) for row in rows)
    status, _, err = _run(capsys, "prepost", "--data", path, *LONG_ARGS, "--scale-min", "4",
                          "--scale-max", "1")  # fmt: skip
    assert status == 2
    assert "must be below its highest" in err


def test_prepost_with_every_baseline_score_the_same_says_why_it_has_no_effect(capsys, tmp_path):
    path = _rubric_csv(tmp_path, flat_baseline=True)
    status, result, err = _run(capsys, "prepost", "--data", path, "--json", *LONG_ARGS)
    assert status == 0, err
    assert result["suppressed"]
    assert result["d_av"] is None
    assert result["reason_code"] == "flat_occasion"
    assert "same score at the first occasion" in result["reason"]


def test_it_reads_xlsx_and_parquet_the_same_as_csv(capsys, long_csv, tmp_path):
    table = pd.read_csv(long_csv)
    table.to_excel(tmp_path / "s.xlsx", index=False)
    table.to_parquet(tmp_path / "s.parquet")
    results = []
    for name in ("scores.csv", "s.xlsx", "s.parquet"):
        status, result, err = _run(
            capsys, "impact", "--data", str(tmp_path / name), "--json", "--by", "cls", *IMPACT_ARGS
        )
        assert status == 0, err
        results.append(result)
    assert results[0] == results[1] == results[2]


def _write(tmp_path: Path, text: str, name: str = "bad.csv") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        ("score,grp\n1,focus\n", ["--score", "points", "--group", "grp", "--treatment",
         "focus", "--control", "comp"], "column 'points' is not in the file; the columns are: score, grp"),
        ("score,grp\n1,focus\n2,comp\n", ["--score", "score", "--group", "grp", "--treatment",
         "focus", "--control", "ctrl"], "--control 'ctrl': no row has grp = 'ctrl'"),
        ("score,grp\n1,focus\nabc,comp\n", EFFECT_ARGS, "column 'score', row 3: 'abc' is not a number"),
        ("", EFFECT_ARGS, "the file is empty"),
        ("score,grp\n", EFFECT_ARGS, "no data rows"),
        ('score,grp\n"1,focus\n', EFFECT_ARGS, "bad.csv:2:: the line has 1 values but the header has 2 columns (check for a missing or extra comma, or an unclosed quote)"),
        ("score,grp\n1,focus\n2,comp\n3,comp\n", EFFECT_ARGS, "treatment group has 1 score"),
        ("score,grp\n" + "5,focus\n5,comp\n" * 6, EFFECT_ARGS, "zero variance"),
    ],
)  # fmt: skip
def test_bad_input_gives_one_line_on_stderr_and_status_2(capsys, tmp_path, text, args, message):
    status, out, err = _run(capsys, "effect", "--data", _write(tmp_path, text), *args)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err


def test_a_binary_file_named_xlsx_is_a_clear_error(capsys, tmp_path):
    status, _, err = _run(
        capsys, "gap", "--data", _write(tmp_path, "not a zip", "x.xlsx"), *GAP_ARGS
    )
    assert status == 2
    assert "x.xlsx::: the file could not be read as a spreadsheet" in err
    assert err.count("\n") == 1


def test_a_missing_argument_is_one_line_too(capsys, long_csv):
    status, _, err = _run(capsys, "impact", "--data", str(long_csv))
    assert status == 2
    assert "--id" in err
    assert err.count("\n") == 1


def test_the_installed_command_runs_in_its_own_process(long_csv):
    efficacy = Path(sys.executable).with_name("efficacy")
    done = subprocess.run(
        [str(efficacy), "analyze", "gap", "--data", str(long_csv), "--json", *GAP_ARGS],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["bootstrap"] == 2000


cells = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**12), 10**12),
    st.text(string.printable, max_size=6),
    st.sampled_from(["focus", "comp", "fall", "spring", "1", ""]),
)
tables = st.lists(
    st.tuples(st.sampled_from(["s1", "s2", "s3", "s4", ""]), cells, cells, cells, cells),
    max_size=25,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=tables, command=st.sampled_from(["effect", "prepost", "impact", "gap"]),
       by=st.booleans())  # fmt: skip
def test_random_and_hostile_tables_exit_0_or_2_with_at_most_one_stderr_line(
    capsys, tmp_path, rows, command, by
):
    path = tmp_path / "hostile.csv"
    pd.DataFrame(rows, columns=["student", "cls", "grp", "when", "score"]).to_csv(path, index=False)
    args = {"effect": EFFECT_ARGS, "prepost": LONG_ARGS, "impact": IMPACT_ARGS, "gap": GAP_ARGS}
    # For gap, the flag's counterpart is --id: the same students at both occasions.
    extra = (["--by", "cls"] if command != "gap" else ["--id", "student"]) if by else []
    status = main([command, "--data", str(path), "--json", "--min-n", "2", *extra, *args[command]])
    out, err = capsys.readouterr()
    assert status in (0, 2), err
    if status == 0:
        json.loads(out)
        assert err == ""
    else:
        assert err.count("\n") == 1
        assert "Traceback" not in err


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path):
    """`efficacy analyze ... | head`: a closed pipe is not an internal error."""
    import subprocess
    import sys

    rows = "\n".join(f"s{i},c{i % 2000},pre,{i % 7}\ns{i},c{i % 2000},post,{i % 5 + 2}"
                     for i in range(8000))  # fmt: skip
    path = tmp_path / "scores.csv"
    path.write_text("student,class,occasion,score\n" + rows + "\n")
    command = [sys.executable, "-m", "efficacy", "analyze", "prepost", "--data", str(path),
               "--id", "student", "--score", "score", "--occasion", "occasion",
               "--pre", "pre", "--post", "post", "--by", "class", "--min-n", "2"]  # fmt: skip
    for output in (["--json"], []):
        process = subprocess.Popen(command + output, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert process.stdout is not None
        process.stdout.read(10)
        process.stdout.close()  # the reader goes away before the output is written
        _out, err = process.communicate(timeout=120)
        assert err == b"", err  # no "internal error", no traceback
        # The JSON path ends with 0; rich's table ends with its own status 1 on a closed pipe.
        assert process.returncode == (0 if output else process.returncode)


def test_grouping_by_the_student_id_is_refused_with_a_message(tmp_path, capsys):
    path = tmp_path / "scores.csv"
    path.write_text("student,occasion,score\ns1,pre,1\ns1,post,2\ns2,pre,2\ns2,post,3\n")
    status = main(["prepost", "--data", str(path), "--id", "student", "--score", "score",
                   "--occasion", "occasion", "--pre", "pre", "--post", "post",
                   "--by", "student"])  # fmt: skip
    assert status == 2
    assert "is the student id column" in capsys.readouterr().err
