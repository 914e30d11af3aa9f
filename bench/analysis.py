"""Per-class effects over a district-scale table of 1,000,000 scores.

500,000 students in 20,000 classes, a pre and a post score each, half the
students in a focus group. Times the vectorised pre/post effects and Hedges' g
for every class against the obvious ``groupby().apply()`` calling the scalar
function once per class (timed on a subset of classes and scaled, as printed).

Then ``efficacy analyze prepost --by class --json`` end to end, as an analyst runs
it on a Parquet extract of the same table (a new process: start-up, reading,
computing and writing the JSON), against two baselines measured in the same run
(issue 9): starting Python and reading the file (goal: within 2×), and reading the
file then the ``groupby().apply()`` an analyst would write with pandas alone
(goal: at least 10× faster).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import peak_memory_mib, timed
from efficacy.analysis import effect_size, effect_size_by, prepost_effect, prepost_effect_by

STUDENTS, CLASSES, BASELINE_CLASSES = 500_000, 20_000, 1_000


def build_table(rng: np.random.Generator) -> pd.DataFrame:
    student = np.arange(STUDENTS)
    cls = rng.integers(0, CLASSES, STUDENTS)
    group = np.where(rng.random(STUDENTS) < 0.5, "focus", "comparison")
    pre = rng.normal(60, 12, STUDENTS)
    post = 0.8 * pre + rng.normal(15, 7, STUDENTS) + np.where(group == "focus", 2.0, 0.0)
    return pd.DataFrame(
        {
            "student": np.r_[student, student],
            "cls": np.r_[cls, cls],
            "group": pd.Categorical(np.r_[group, group]),
            "occasion": pd.Categorical(["pre"] * STUDENTS + ["post"] * STUDENTS),
            "score": np.r_[pre, post],
        }
    )


def _prepost_one(part: pd.DataFrame) -> float:
    wide = part.pivot(index="student", columns="occasion", values="score")
    return prepost_effect(wide["pre"].to_numpy(), wide["post"].to_numpy()).d_av


def _effect_one(part: pd.DataFrame) -> float:
    return effect_size(
        part.score[part.group == "focus"].to_numpy(),
        part.score[part.group == "comparison"].to_numpy(),
        min_n=2,
    ).hedges_g


def _analyst_d_av(part: pd.DataFrame) -> float:
    """d_av for one class as an analyst would write it with pandas alone."""
    wide = part.pivot(index="student", columns="occasion", values="score").dropna()
    gain = (wide["post"] - wide["pre"]).mean()
    return gain / ((wide["pre"].std() + wide["post"].std()) / 2)


def _wall(argv: list[str]) -> float:
    """Median wall time of three runs of a command, output discarded."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return sorted(times)[1]


def command_line(table: pd.DataFrame) -> None:
    """``efficacy analyze prepost --by`` end to end against its two baselines."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scores.parquet"
        extract = table.assign(cls="class-" + table["cls"].astype(str))
        extract.to_parquet(path, index=False)
        cli = [sys.executable, "-m", "efficacy", "analyze", "prepost", "--data", str(path)]
        cli += ["--id", "student", "--score", "score", "--occasion", "occasion"]
        cli += ["--pre", "pre", "--post", "post", "--by", "cls", "--json"]
        t_cli = _wall(cli)
        read = f"import pandas as pd; pd.read_parquet({str(path)!r})"
        t_read = _wall([sys.executable, "-c", read])
        subset = extract[table["cls"] < BASELINE_CLASSES]
        t_apply, _ = timed(
            lambda: subset.groupby("cls", observed=True)[["student", "occasion", "score"]].apply(
                _analyst_d_av
            )
        )
        t_analyst = t_read + t_apply * CLASSES / BASELINE_CLASSES
    print(
        f"efficacy analyze prepost --by class --json, {len(table):,} scores in {CLASSES:,} "
        f"classes, end to end: {t_cli:.2f} s"
    )
    print(
        f"  python start + read the Parquet file: {t_read:.2f} s; ratio "
        f"{t_cli / t_read:.2f}x (goal <= 2x)"
    )
    print(
        f"  read + pandas groupby().apply() of d_av: {t_analyst:.1f} s (apply timed on "
        f"{BASELINE_CLASSES:,} classes, scaled); speed-up {t_analyst / t_cli:.0f}x (goal >= 10x)"
    )


def main() -> None:
    rng = np.random.default_rng(3)
    table = build_table(rng)
    post = table[table.occasion == "post"]
    print(f"table: {len(table):,} scores, {STUDENTS:,} students, {CLASSES:,} classes")

    t_pp, frame = timed(
        lambda: prepost_effect_by(
            table, by="cls", id="student", score="score", occasion="occasion",
            pre="pre", post="post",
        ),
        repeat=3,
    )  # fmt: skip
    assert len(frame) == CLASSES
    subset = table[table.cls < BASELINE_CLASSES]
    t_pp_base, _ = timed(
        lambda: subset.groupby("cls", observed=True)[["student", "occasion", "score"]].apply(
            _prepost_one
        )
    )
    scaled_pp = t_pp_base * CLASSES / BASELINE_CLASSES
    print(f"pre/post d_av, d_z, r and CIs for every class, vectorised: {t_pp:.3f} s (goal < 1 s)")
    print(
        f"  groupby().apply() baseline: {t_pp_base:.2f} s for {BASELINE_CLASSES:,} classes, "
        f"scaled to {CLASSES:,}: {scaled_pp:.1f} s; speed-up {scaled_pp / t_pp:.0f}x (goal >= 20x)"
    )

    t_g, frame = timed(
        lambda: effect_size_by(
            post, by="cls", score="score", group="group", treatment="focus",
            control="comparison", min_n=2,
        ),
        repeat=3,
    )  # fmt: skip
    assert len(frame) == CLASSES
    post_subset = post[post.cls < BASELINE_CLASSES]
    t_g_base, _ = timed(
        lambda: post_subset.groupby("cls", observed=True)[["group", "score"]].apply(_effect_one)
    )
    scaled_g = t_g_base * CLASSES / BASELINE_CLASSES
    print(f"Hedges' g focus vs comparison for every class, vectorised: {t_g:.3f} s (goal < 1 s)")
    print(
        f"  groupby().apply() baseline: {t_g_base:.2f} s for {BASELINE_CLASSES:,} classes, "
        f"scaled to {CLASSES:,}: {scaled_g:.1f} s; speed-up {scaled_g / t_g:.0f}x (goal >= 20x)"
    )
    print(f"peak memory: {peak_memory_mib():.0f} MiB")
    command_line(table)


if __name__ == "__main__":
    main()
