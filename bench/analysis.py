"""Issue 3: per-class effects over a district-scale table of 1,000,000 scores.

500,000 students in 20,000 classes, a pre and a post score each, half the
students in a focus group. Times the vectorised pre/post effects and Hedges' g
for every class against the obvious ``groupby().apply()`` calling the scalar
function once per class (timed on a subset of classes and scaled, as printed).
"""

from __future__ import annotations

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


if __name__ == "__main__":
    main()
