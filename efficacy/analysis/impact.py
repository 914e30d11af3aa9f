"""Focus group against comparison group over a pre/post cycle.

Formulas (``shared/STATISTICS.md``; What Works Clearinghouse Procedures
Handbook v5.0, sections on baseline equivalence and effect sizes, appendix E):
over the students of each group with both scores,

- ω = 1 − 3/(4N − 9); S_p(x) the pooled SD of x across the two groups
- baseline g = ω·(ȳ_I,pre − ȳ_C,pre)/S_p(pre); WWC baseline equivalence:
  |g| ≤ 0.05 satisfied, ≤ 0.25 requires statistical adjustment, else not satisfied
- difference-in-differences g = ω·((ȳ_I,post − ȳ_I,pre) − (ȳ_C,post − ȳ_C,pre))/S_p(post)
- ANCOVA-adjusted g = ω·β_group/S_p(post), β_group from the OLS fit of
  post ~ 1 + group + pre, and S_p(post) the *unadjusted* pooled posttest SD.
  The common-slope fit has the closed form b = Σ_groups S_xy / Σ_groups S_xx
  (within-group centred cross-products) and β_group = Δȳ_post − b·Δȳ_pre.
- SE and CI of the ANCOVA g as for Hedges' g (sqrt(N/(n_I n_C) + g²/(2N)));
  this ignores the precision the pretest adds, so the interval is conservative.
- SE of the difference-in-differences g: sqrt(2(1 − r)·N/(n_I n_C) + g²/(2N)),
  r the pooled within-group pre/post correlation (the large-sample form of
  Morris 2008, "Estimating effect sizes from pretest-posttest-control group
  designs", Organ. Res. Methods 11(2), eq. 25): gains are more precise than
  posttests when r > ½, less when r < ½.
- improvement index = 100·Φ(ANCOVA g) − 50
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from efficacy.analysis import _core
from efficacy.analysis._core import gettext_noop
from efficacy.analysis.results import (
    MIN_N,
    NO_VARIANCE,
    TOO_FEW,
    TOO_FEW_PAIRS,
    AnalysisError,
    ConfidenceInterval,
    Result,
)

METHOD = gettext_noop(
    "ANCOVA-adjusted Hedges' g and difference-in-differences g, focus vs comparison group "
    "(WWC conventions)"
)
NAN = math.nan

SATISFIED, REQUIRES_ADJUSTMENT, NOT_SATISFIED = "satisfied", "requires_adjustment", "not_satisfied"

NOT_EQUIVALENT = gettext_noop(
    "The groups differed by more than 0.25 SD before the cycle (WWC: baseline equivalence "
    "not satisfied): no estimate here can separate the strategy from that difference."
)
NEEDS_ADJUSTMENT = gettext_noop(
    "The groups differed by 0.05 to 0.25 SD before the cycle: rely on the ANCOVA-adjusted g, "
    "which accounts for the pretest."
)
REGRESSION_TO_MEAN = gettext_noop(
    "The focus group was chosen for (or started with) low scores: part of its gain may be "
    "regression to the mean, which the comparison group offsets only if it was chosen the same way."
)
ATTRITION = gettext_noop(
    "More than a fifth of a group's students lack a pre or a post score; those who stayed "
    "may differ from those who left."
)
SMALL_N = gettext_noop(
    "Small groups: the confidence interval is wide; read the estimate as a rough guide."
)
ZERO_VARIANCE = gettext_noop(
    "Suppressed: the pretest or the posttest scores do not vary (zero variance), so a "
    "standardised effect cannot be computed."
)

#: Columns of :func:`impact_estimate_by`, in order.
IMPACT_COLUMNS = [
    "by",
    "did_g",
    "ancova_g",
    "baseline_g",
    "baseline_equivalence",
    "improvement_index",
    "se",
    "ci_low",
    "ci_high",
    "did_se",
    "did_ci_low",
    "did_ci_high",
    "n_focus",
    "n_comparison",
    "n_focus_pre",
    "n_focus_post",
    "n_comparison_pre",
    "n_comparison_post",
    "adjusted_difference",
    "slope",
    "sd_post_pooled",
    "suppressed",
    "reason",
    "reason_code",
]


@dataclass(frozen=True, kw_only=True)
class ImpactEstimate(Result):
    """Both comparison-group effects, the baseline check and attrition counts.

    ``se`` and ``ci`` are those of ``ancova_g``, the preferred estimate;
    ``did_se`` and ``did_ci`` those of ``did_g``.
    """

    did_g: float = NAN
    ancova_g: float = NAN
    baseline_g: float = NAN
    baseline_equivalence: str | None = None
    improvement_index: float = NAN
    se: float = NAN
    ci: ConfidenceInterval = _core.NO_CI
    did_se: float = NAN
    did_ci: ConfidenceInterval = _core.NO_CI
    n_focus: int = 0
    n_comparison: int = 0
    n_focus_pre: int = 0
    n_focus_post: int = 0
    n_comparison_pre: int = 0
    n_comparison_post: int = 0
    adjusted_difference: float = NAN
    slope: float = NAN
    sd_post_pooled: float = NAN


def baseline_equivalence(baseline_g: ArrayLike) -> np.ndarray:
    """WWC class of each baseline g: satisfied, requires_adjustment or not_satisfied."""
    size = np.abs(np.asarray(baseline_g, dtype=float))
    out = np.where(
        size <= 0.05, SATISFIED, np.where(size <= 0.25, REQUIRES_ADJUSTMENT, NOT_SATISFIED)
    )
    return np.where(np.isnan(size), None, out).astype(object)


def _from_moments(mi: dict, mc: dict, z: float) -> dict[str, np.ndarray]:
    """Every number from the two groups' paired moments, elementwise over groups."""
    ni, nc = mi["n"], mc["n"]
    with np.errstate(all="ignore"):
        omega = _core.omega(ni + nc)
        sd_pre = _core.pooled_sd(
            ni, _core.variance(mi["ss_x"], ni), nc, _core.variance(mc["ss_x"], nc)
        )
        sd_post = _core.pooled_sd(
            ni, _core.variance(mi["ss_y"], ni), nc, _core.variance(mc["ss_y"], nc)
        )
        diff_pre = mi["mean_x"] - mc["mean_x"]
        diff_post = mi["mean_y"] - mc["mean_y"]
        slope = (mi["sp_xy"] + mc["sp_xy"]) / (mi["ss_x"] + mc["ss_x"])
        adjusted = diff_post - slope * diff_pre
        ancova_g = omega * adjusted / sd_post
        se = _core.se_g(ancova_g, ni, nc)
        did_g = omega * (diff_post - diff_pre) / sd_post
        baseline_g = omega * diff_pre / sd_pre
        # Each sum of squares rooted before the product, which would overflow first.
        r = np.clip(
            (mi["sp_xy"] + mc["sp_xy"])
            / (np.sqrt(mi["ss_x"] + mc["ss_x"]) * np.sqrt(mi["ss_y"] + mc["ss_y"])),
            -1.0,
            1.0,
        )
        big_n = ni + nc
        did_se = np.sqrt(2 * (1 - r) * big_n / (ni * nc) + did_g**2 / (2 * big_n))
    return {
        "did_g": did_g,
        "ancova_g": ancova_g,
        "baseline_g": baseline_g,
        "improvement_index": _core.improvement_index(ancova_g),
        "se": se,
        "ci_low": ancova_g - z * se,
        "ci_high": ancova_g + z * se,
        "did_se": did_se,
        "did_ci_low": did_g - z * did_se,
        "did_ci_high": did_g + z * did_se,
        "adjusted_difference": adjusted,
        "slope": slope,
        "sd_post_pooled": sd_post,
        "sd_pre_pooled": sd_pre,
    }


def _flat(mi: dict, mc: dict) -> np.ndarray:
    """Per group: the pretest or the posttest does not vary within either group."""
    pre = _core.does_not_vary(np.fmax(mi["range_x"], mc["range_x"]))
    post = _core.does_not_vary(np.fmax(mi["range_y"], mc["range_y"]))
    return pre | post


def _unusable(values: dict, mi: dict, mc: dict, flat: np.ndarray) -> np.ndarray:
    """Per group: a mean, an effect or its SE, or a pooled SD is not finite
    (:func:`_core.not_finite`); a g of 0 from an infinite SD among them."""
    sums = (mi["mean_x"], mi["mean_y"], mc["mean_x"], mc["mean_y"])
    effects = ("did_g", "ancova_g", "baseline_g", "se", "did_se", "adjusted_difference")
    return _core.not_finite(
        *sums, *(values[k] for k in effects), sd=values["sd_pre_pooled"], varies=~flat
    ) | _core.not_finite(sd=values["sd_post_pooled"], varies=~flat)


def impact_estimate(
    focus_pre: ArrayLike,
    focus_post: ArrayLike,
    comparison_pre: ArrayLike,
    comparison_post: ArrayLike,
    *,
    focus_chosen_for_low_scores: bool = False,
    min_n: int = MIN_N,
    level: float = 0.95,
) -> ImpactEstimate:
    """Impact of a cycle on its focus group, against a comparison group.

    Each group is given as paired arrays, one element per student, NaN where a
    score is missing; students with both scores form the analysis sample and
    the others are counted as attrition. ``focus_chosen_for_low_scores`` adds
    the regression-to-the-mean caveat (added anyway when the focus group
    started more than 0.25 SD below). Either group below ``min_n`` gives a
    suppressed result. Raises :class:`AnalysisError` for fewer than two
    students with both scores in a group, when scores do not vary, or when a
    mean, an effect or a pooled SD is not a finite number (code ``not_finite``:
    scores near 1e155 square to infinity, and an infinite SD would make every g
    0 and the baseline "equivalent").
    """
    min_n = _core.check_min_n(min_n)
    z = _core.z_for(level)
    moments, counts = {}, {}
    for name, pre, post in (
        ("focus", focus_pre, focus_post),
        ("comparison", comparison_pre, comparison_post),
    ):
        x = _core.as_scores(pre, what=f"{name} pretest")
        y = _core.as_scores(post, what=f"{name} posttest")
        if x.shape != y.shape:
            raise AnalysisError(
                f"The {name} group has {len(x)} pretest but {len(y)} posttest scores; give one "
                "of each per student (NaN for a missing one)."
            )
        both = ~np.isnan(x) & ~np.isnan(y)
        n = int(both.sum())
        if n < 2:
            raise AnalysisError(
                f"Only {n} student(s) of the {name} group have both a pretest and a posttest "
                "score; an impact estimate needs at least two.",
                code=TOO_FEW_PAIRS,
                params={"group": name},
            )
        moments[name] = _core.group_moments(np.zeros(n, dtype=np.int64), 1, x[both], y[both])
        counts[f"n_{name}"] = n
        counts[f"n_{name}_pre"] = int((~np.isnan(x)).sum())
        counts[f"n_{name}_post"] = int((~np.isnan(y)).sum())
    mi, mc = moments["focus"], moments["comparison"]
    values = _from_moments(mi, mc, z)
    flat = _flat(mi, mc)
    if flat[0]:
        raise AnalysisError(
            "The pretest or the posttest scores do not vary (zero variance), so a "
            "standardised effect cannot be computed.",
            code=NO_VARIANCE,
        )
    if _unusable(values, mi, mc, flat)[0]:
        raise _core.not_finite_error("mean, an effect or a pooled SD of these scores")
    n_total = counts["n_focus"] + counts["n_comparison"]
    if min(counts["n_focus"], counts["n_comparison"]) < min_n:
        what = "focus group" if counts["n_focus"] < min_n else "comparison group"
        return ImpactEstimate(
            method=METHOD,
            n=n_total,
            suppressed=True,
            reason=_core.suppression_reason(counts[f"n_{what.split()[0]}"], min_n, what=what),
            reason_code=TOO_FEW,
            min_n=min_n,
            **counts,
        )
    v = {k: float(a[0]) for k, a in values.items()}
    equivalence = str(baseline_equivalence([v["baseline_g"]])[0])
    return ImpactEstimate(
        method=METHOD,
        n=n_total,
        caveats=_caveats(v["baseline_g"], equivalence, counts, focus_chosen_for_low_scores),
        did_g=v["did_g"],
        ancova_g=v["ancova_g"],
        baseline_g=v["baseline_g"],
        baseline_equivalence=equivalence,
        improvement_index=v["improvement_index"],
        se=v["se"],
        ci=ConfidenceInterval(v["ci_low"], v["ci_high"], level),
        did_se=v["did_se"],
        did_ci=ConfidenceInterval(v["did_ci_low"], v["did_ci_high"], level),
        adjusted_difference=v["adjusted_difference"],
        slope=v["slope"],
        sd_post_pooled=v["sd_post_pooled"],
        **counts,
    )


def _caveats(
    baseline_g: float, equivalence: str, counts: dict[str, int], chosen_low: bool
) -> tuple[str, ...]:
    out = []
    if equivalence == NOT_SATISFIED:
        out.append(NOT_EQUIVALENT)
    elif equivalence == REQUIRES_ADJUSTMENT:
        out.append(NEEDS_ADJUSTMENT)
    if chosen_low or baseline_g < -0.25:
        out.append(REGRESSION_TO_MEAN)
    for name in ("focus", "comparison"):
        started = max(counts[f"n_{name}_pre"], counts[f"n_{name}_post"])
        if counts[f"n_{name}"] < 0.8 * started:
            out.append(ATTRITION)
            break
    if min(counts["n_focus"], counts["n_comparison"]) < 20:
        out.append(SMALL_N)
    return tuple(out)


def impact_estimate_by(
    table: pd.DataFrame,
    *,
    by: str,
    id: str,
    score: str,
    occasion: str,
    pre: object,
    post: object,
    group: str,
    focus: object,
    comparison: object,
    min_n: int = MIN_N,
    level: float = 0.95,
) -> pd.DataFrame:
    """:func:`impact_estimate` for every value of ``by``, in one vectorised pass.

    ``table`` is long: one row per student (``id``) and ``occasion``, with the
    ``score`` and the student's ``group`` (``focus`` or ``comparison``; other
    labels are ignored). Returns one row per ``by`` value with the columns in
    :data:`IMPACT_COLUMNS`: ``by``, ``did_g``, ``ancova_g``, ``baseline_g``,
    ``baseline_equivalence``, ``improvement_index``, ``se``, ``ci_low``,
    ``ci_high`` (of ``ancova_g``), ``did_se``, ``did_ci_low``, ``did_ci_high``
    (of ``did_g``), ``n_focus``, ``n_comparison`` (students with
    both scores), ``n_focus_pre``, ``n_focus_post``, ``n_comparison_pre``,
    ``n_comparison_post`` (attrition), ``adjusted_difference`` (β_group, in
    points), ``slope`` (pooled within-group pretest slope), ``sd_post_pooled``,
    ``suppressed``, ``reason`` and ``reason_code`` (``not_finite`` for a group whose
    mean, effect or pooled SD is not a finite number).
    """
    min_n = _core.check_min_n(min_n)
    z = _core.z_for(level)
    _core.require_columns(table, group)
    paired = _core.pair_scores(
        table, keys=[by, group], id=id, score=score, occasion=occasion, pre=pre, post=post
    )
    x, y = paired["pre"], paired["post"]
    by_codes, uniques = paired["codes"][by], paired["uniques"][by]
    group_labels = np.asarray(paired["uniques"][group], dtype=object)[paired["codes"][group]]
    n_groups = len(uniques)
    both = ~np.isnan(x) & ~np.isnan(y)
    moments, counts = {}, {}
    for name, label in (("focus", focus), ("comparison", comparison)):
        arm = group_labels == label
        sel = arm & both
        moments[name] = _core.group_moments(by_codes[sel], n_groups, x[sel], y[sel])
        counts[f"n_{name}"] = moments[name]["n"]
        counts[f"n_{name}_pre"] = np.bincount(by_codes[arm & ~np.isnan(x)], minlength=n_groups)
        counts[f"n_{name}_post"] = np.bincount(by_codes[arm & ~np.isnan(y)], minlength=n_groups)
    mi, mc = moments["focus"], moments["comparison"]
    values = _from_moments(mi, mc, z)
    reasons = _core.small_group_reasons(
        {"focus group": mi["n"], "comparison group": mc["n"]}, min_n
    )
    flat = _flat(mi, mc)
    codes = _core.reason_codes(reasons, flat, _unusable(values, mi, mc, flat))
    reasons[(reasons == None) & flat] = ZERO_VARIANCE  # noqa: E711
    values.pop("sd_pre_pooled")
    frame = _core.result_frame(IMPACT_COLUMNS, uniques, values, reasons, codes=codes, **counts)
    # After by, did_g, ancova_g and baseline_g, as in IMPACT_COLUMNS.
    frame.insert(4, "baseline_equivalence", baseline_equivalence(frame["baseline_g"].to_numpy()))
    return frame
