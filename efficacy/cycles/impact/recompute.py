"""Impact of every cycle of a school or a district at once, stored for dashboards.

:func:`impact_recompute` computes each cycle's headline impact, the same figures
as :func:`efficacy.cycles.impact.panel.cycle_impact` gives for one cycle:

- the impact measure by :func:`~efficacy.cycles.stories.mastery.impact_measures`, the
  rule the panel uses (the performance goal's measure, else the first common
  measure, else the first);
- the focus group's pre/post effect (d_av with CI and n), baseline to final, and
  the growth expected over the cycle's weeks to read it against (0.40 a school
  year of ``EFFICACY_WEEKS_PER_YEAR`` weeks, prorated);
- where the cycle has comparison-group scores, the ANCOVA-adjusted and
  difference-in-differences g with baseline equivalence;

and upserts one :class:`~efficacy.cycles.models.ImpactSummary` per cycle.

How it stays fast for thousands of cycles: cycles are taken in chunks; per chunk
one query reads the measures and the panel's reader
(:func:`~efficacy.cycles.evidence.selectors.measure_scores_frame`) the baseline
and final scores of the impact measures; each distinct group *definition* (school, focus, comparison) is
evaluated once with :func:`efficacy.cycles.plan.groups.group_students`, the very
function :func:`~efficacy.cycles.plan.selectors.cycle_population` uses, so membership
cannot drift from the per-cycle path; and the statistics come from the
vectorised :func:`~efficacy.analysis.prepost.prepost_effect_by` and
:func:`~efficacy.analysis.impact.impact_estimate_by`, grouped by cycle. No
query runs per cycle and no Python loop runs per student.

Students are paired by their database id, as in the panel.

Why a figure is missing is stored as a code with its parameters, never as a
sentence (:meth:`ImpactSummary.reason_text` translates it when shown), and the
size of a group below the reporting threshold is not stored at all (``n`` is
NULL): :mod:`efficacy.privacy`.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.db.models import FloatField, QuerySet
from django.utils import timezone

from efficacy import privacy
from efficacy.analysis import (
    FLAT_OCCASION,
    NO_VARIANCE,
    TOO_FEW,
    expected_growth,
    impact_estimate_by,
    prepost_effect_by,
)
from efficacy.cycles.evidence.selectors import measure_scores_frame
from efficacy.cycles.models import ImpactSummary, InquiryCycle, Occasion
from efficacy.cycles.plan.groups import group_students
from efficacy.cycles.plan.selectors import COMPARISON, FOCUS
from efficacy.cycles.stories.mastery import impact_measures
from efficacy.roster.models import School

#: Cycles per chunk: bounds memory and keeps each ``IN (...)`` list short.
CHUNK_CYCLES = 500

# Why a figure is missing: codes of ImpactSummary.NOTES, or of efficacy.privacy.
NO_MEASURE = {"code": ImpactSummary.NO_MEASURE}
NO_FOCUS_SCORES = {"code": ImpactSummary.NO_FOCUS_SCORES}
NO_COMPARISON = {"code": ImpactSummary.NO_COMPARISON}
#: A group with nobody to count yet (no student with both scores: the final is not in),
#: by the group the analysis names: its note, not a suppression.
EMPTY = {
    "focus_paired": ImpactSummary.NO_FOCUS_SCORES,
    "comparison_paired": ImpactSummary.NO_COMPARISON_PAIRS,
}

#: The columns of :func:`impact_summary_frame`, one row per cycle; the model's fields.
SUMMARY_COLUMNS = [
    "cycle_id",
    "measure_id",
    "measure_name",
    "n",
    "effect",
    "ci_low",
    "ci_high",
    "expected_growth",
    "reason",
    "n_comparison",
    "ancova_g",
    "ancova_ci_low",
    "ancova_ci_high",
    "did_g",
    "did_ci_low",
    "did_ci_high",
    "baseline_g",
    "baseline_equivalence",
    "comparison_reason",
]

Progress = Callable[[int, int], None]

# How the analysis reads the scores frame: each cycle's students, baseline to final.
_BASELINE_TO_FINAL: dict[str, Any] = {
    "by": "cycle",
    "id": "student",
    "score": "score",
    "occasion": "occasion_kind",
    "pre": Occasion.Kind.BASELINE,
    "post": Occasion.Kind.FINAL,
}


@dataclass(frozen=True)
class RecomputeSummary:
    """What a recompute did: cycles written, how many show each figure, how long it took."""

    cycles: int
    with_effect: int
    with_comparison: int
    seconds: float

    @property
    def without_effect(self) -> int:
        return self.cycles - self.with_effect


def cycles_in_scope(
    *, school: School | int | None = None, district: Any | None = None
) -> QuerySet[InquiryCycle]:
    """Every cycle of a school, of a district, or (neither given) of the installation."""
    cycles = InquiryCycle.objects.all()
    if school is not None:
        cycles = cycles.filter(team__school=school)
    if district is not None:
        cycles = cycles.filter(team__school__district=district)
    return cycles


def impact_recompute(
    *,
    cycles: QuerySet[InquiryCycle] | None = None,
    min_n: int | None = None,
    chunk_size: int = CHUNK_CYCLES,
    progress: Progress | None = None,
) -> RecomputeSummary:
    """Recompute and store the headline impact of ``cycles`` (default: all of them).

    Re-running updates each cycle's :class:`ImpactSummary` in place.
    ``progress(done, total)`` is called after each chunk.
    """
    started = time.perf_counter()
    min_n = privacy.min_student_n() if min_n is None else min_n
    ids = list(
        (cycles if cycles is not None else InquiryCycle.objects).values_list("pk", flat=True)
    )
    ids.sort()
    groups = _GroupCache()
    written = with_effect = with_comparison = 0
    if progress:
        progress(0, len(ids))
    for start in range(0, len(ids), chunk_size):
        chunk = InquiryCycle.objects.filter(pk__in=ids[start : start + chunk_size])
        frame = impact_summary_frame(chunk, min_n=min_n, groups=groups)
        _store(frame)
        written += len(frame)
        with_effect += int(frame["effect"].notna().sum())
        with_comparison += int(frame["ancova_g"].notna().sum())
        if progress:
            progress(written, len(ids))
    return RecomputeSummary(
        cycles=written,
        with_effect=with_effect,
        with_comparison=with_comparison,
        seconds=time.perf_counter() - started,
    )


def impact_summary_frame(
    cycles: Iterable[InquiryCycle] | QuerySet[InquiryCycle],
    *,
    min_n: int | None = None,
    groups: _GroupCache | None = None,
) -> pd.DataFrame:
    """The headline impact of each cycle, one row per cycle (columns :data:`SUMMARY_COLUMNS`).

    Reads the database (a few queries for all ``cycles`` together) and writes nothing.
    """
    min_n = privacy.min_student_n() if min_n is None else min_n
    groups = groups or _GroupCache()
    if isinstance(cycles, QuerySet):
        cycles = cycles.select_related("team").order_by("pk")
    cycles = list(cycles)
    out = _blank([c.pk for c in cycles])
    if not cycles:
        return out.reset_index(drop=True)

    measures = _impact_measures(cycles)
    out["measure_id"] = measures["measure_id"].reindex(out.index)
    out["measure_name"] = measures["name"].reindex(out.index).fillna("").astype(object)
    out.loc[out["measure_id"].isna(), "reason"] = ImpactSummary.NO_MEASURE

    scores = _scores(measures)
    scores["group"] = _membership(cycles, scores, groups)
    scores = scores[scores["group"].notna()]

    measured = out["measure_id"].notna()
    _add_prepost(out, scores, cycles, min_n=min_n, measured=measured)
    _add_comparison(out, scores, min_n=min_n, measured=measured)
    out["measure_id"] = out["measure_id"].astype("Int64")
    return _as_stored(out, min_n).reset_index(drop=True)


def _as_stored(out: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Reason codes as the dicts stored (privacy's, with their threshold), and no size
    of a group below the threshold: such an ``n`` becomes missing (NULL when stored).

    A group with nobody to count (no focus or comparison student has both scores yet:
    the final is not in) is not below the threshold, it is empty, and its reason says so
    (:attr:`ImpactSummary.NOTES`), never a privacy suppression."""
    small_focus = (out["n"] > 0) & (out["n"] < min_n)
    small_comparison = (out["n_comparison"] > 0) & (out["n_comparison"] < min_n)
    no_focus = (out["n"] == 0).to_numpy()
    no_comparison = (out["n_comparison"] == 0).to_numpy()

    def stored(code: str, group: str, empty: bool) -> dict[str, Any]:
        if code == TOO_FEW and empty:
            return {"code": EMPTY[group]}
        if code == TOO_FEW:
            return privacy.small_group(min_n, group).to_dict()
        if code == NO_VARIANCE:
            return privacy.SuppressionReason(privacy.NO_VARIANCE).to_dict()
        if code == FLAT_OCCASION:
            return privacy.SuppressionReason(privacy.FLAT_OCCASION).to_dict()
        return {"code": code} if code else {}

    reasons, comparison_reasons = [], []
    rows = zip(
        out["reason"], out["comparison_reason"], small_focus, no_focus, no_comparison, strict=True
    )
    for code, comparison_code, focus_small, focus_empty, comparison_empty in rows:
        reasons.append(stored(code, "focus_paired", focus_empty))
        # The comparison fails on the focus group first: too small, or nobody with both.
        if focus_small or focus_empty:
            comparison_reasons.append(stored(comparison_code, "focus_paired", focus_empty))
        else:
            comparison_reasons.append(
                stored(comparison_code, "comparison_paired", comparison_empty)
            )
    out["reason"] = pd.Series(reasons, index=out.index, dtype=object)
    out["comparison_reason"] = pd.Series(comparison_reasons, index=out.index, dtype=object)
    out["n"] = out["n"].astype("Int64").mask(small_focus)
    out["n_comparison"] = out["n_comparison"].astype("Int64").mask(small_comparison)
    return out


# --- the steps --------------------------------------------------------------


def _blank(cycle_ids: list[int]) -> pd.DataFrame:
    """One row per cycle, indexed by cycle id: no figure, n = 0, no reason yet."""
    size = len(cycle_ids)
    text = {"measure_name", "reason", "baseline_equivalence", "comparison_reason"}
    columns: dict[str, Any] = {"cycle_id": np.asarray(cycle_ids, dtype="int64")}
    for name in SUMMARY_COLUMNS[1:]:
        if name in text:
            columns[name] = np.full(size, "", dtype=object)
        elif name in ("n", "n_comparison"):
            columns[name] = np.zeros(size, dtype="int64")
        else:
            columns[name] = np.full(size, np.nan)
    return pd.DataFrame(columns, index=pd.Index(cycle_ids, dtype="int64"))


def _impact_measures(cycles: list[InquiryCycle]) -> pd.DataFrame:
    """Per cycle (index), ``measure_id`` and ``name`` of its impact measure
    (:func:`~efficacy.cycles.stories.mastery.impact_measures`)."""
    chosen = impact_measures(cycles)
    return pd.DataFrame(
        {
            "measure_id": [m.pk for m in chosen.values()],
            "name": pd.Series([m.name for m in chosen.values()], dtype=object).to_numpy(),
        },
        index=pd.Index(list(chosen), dtype="int64", name="cycle_id"),
    )


def _scores(measures: pd.DataFrame) -> pd.DataFrame:
    """Baseline and final scores of the impact measures: cycle, student, occasion_kind, score."""
    raw = measure_scores_frame(
        [int(m) for m in measures["measure_id"]],
        kinds=[Occasion.Kind.BASELINE, Occasion.Kind.FINAL],
    )
    cycle_of = pd.Series(measures.index.to_numpy(), index=measures["measure_id"].astype("int64"))
    return pd.DataFrame(
        {
            "cycle": raw["measure"].map(cycle_of).to_numpy(dtype="int64"),
            "student": raw["student"].to_numpy(dtype="int64"),
            "occasion_kind": raw["occasion_kind"],
            "score": raw["score"],
        }
    )


class _GroupCache:
    """Each distinct group definition evaluated once: (school, definition) → student ids."""

    def __init__(self) -> None:
        self._ids: dict[tuple, np.ndarray] = {}
        self._schools: dict[int, School] = {}

    def students(self, definition: dict, *, school_id: int, focus: dict) -> np.ndarray:
        # The comparison's earlier term reads the focus definition; nothing else does.
        depends_on_focus = bool(definition.get("earlier_term"))
        key = (school_id, _canonical(definition), _canonical(focus) if depends_on_focus else None)
        if key not in self._ids:
            school = self._schools.get(school_id) or School.objects.get(pk=school_id)
            self._schools[school_id] = school
            ids = (
                group_students(definition, school=school, focus=focus if depends_on_focus else None)
                .order_by()  # a set of ids: no need to sort students by name
                .values_list("pk", flat=True)
            )
            self._ids[key] = np.unique(np.fromiter(ids, dtype="int64"))
        return self._ids[key]


def _canonical(definition: dict) -> str:
    return json.dumps(definition or {}, sort_keys=True, default=str)


def _membership(cycles: list[InquiryCycle], scores: pd.DataFrame, groups: _GroupCache) -> Any:
    """Each score's group (focus, comparison or None), as :func:`cycle_population` decides:
    focus wins a tie, and a student in neither group counts in neither."""
    focus_keys, comparison_keys = [], []
    for cycle in cycles:
        school_id = cycle.team.school_id
        focus = groups.students(cycle.focus, school_id=school_id, focus={})
        comparison = groups.students(cycle.comparison, school_id=school_id, focus=cycle.focus)
        focus_keys.append(_keys(cycle.pk, focus))
        comparison_keys.append(_keys(cycle.pk, comparison))
    score_keys = _keys(scores["cycle"].to_numpy(), scores["student"].to_numpy())
    in_focus = np.isin(score_keys, np.concatenate(focus_keys))
    in_comparison = np.isin(score_keys, np.concatenate(comparison_keys))
    return np.where(in_focus, FOCUS, np.where(in_comparison, COMPARISON, None))


def _keys(cycle: Any, student: np.ndarray) -> np.ndarray:
    # One int64 per (cycle, student): ids stay far below 2**31 in any school district.
    return (np.asarray(cycle, dtype="int64") << 32) | np.asarray(student, dtype="int64")


def _add_prepost(
    out: pd.DataFrame,
    scores: pd.DataFrame,
    cycles: list[InquiryCycle],
    *,
    min_n: int,
    measured: pd.Series,
) -> None:
    focus = scores[scores["group"] == FOCUS]
    effects = prepost_effect_by(focus, **_BASELINE_TO_FINAL, min_n=min_n).set_index("by")
    effects.index = effects.index.astype("int64")
    out.loc[measured, "reason"] = ImpactSummary.NO_FOCUS_SCORES
    if effects.empty:
        return
    # The growth expected over each cycle's own weeks (None: a full year).
    per_year = settings.EFFICACY_WEEKS_PER_YEAR
    weeks = pd.Series({c.pk: c.weeks or per_year for c in cycles}, dtype=float)
    idx = effects.index
    out.loc[idx, "n"] = effects["n"].to_numpy()
    out.loc[idx, "effect"] = effects["d_av"].to_numpy()
    out.loc[idx, "ci_low"] = effects["ci_low"].to_numpy()
    out.loc[idx, "ci_high"] = effects["ci_high"].to_numpy()
    out.loc[idx, "expected_growth"] = expected_growth(
        weeks.reindex(idx).to_numpy(), weeks_per_year=per_year
    )
    out.loc[idx, "reason"] = effects["reason_code"].fillna("").to_numpy()


def _add_comparison(
    out: pd.DataFrame, scores: pd.DataFrame, *, min_n: int, measured: pd.Series
) -> None:
    # As cycle_impact: no comparison-group score at baseline or final, no estimate.
    has_comparison = scores.loc[scores["group"] == COMPARISON, "cycle"].unique()
    out.loc[measured, "comparison_reason"] = ImpactSummary.NO_COMPARISON
    rows = scores[scores["cycle"].isin(has_comparison)]
    if rows.empty:
        return
    estimates = impact_estimate_by(
        rows,
        **_BASELINE_TO_FINAL,
        group="group",
        focus=FOCUS,
        comparison=COMPARISON,
        min_n=min_n,
    ).set_index("by")
    estimates.index = estimates.index.astype("int64")
    idx = estimates.index
    out.loc[idx, "n_comparison"] = estimates["n_comparison"].to_numpy()
    out.loc[idx, "ancova_g"] = estimates["ancova_g"].to_numpy()
    out.loc[idx, "ancova_ci_low"] = estimates["ci_low"].to_numpy()
    out.loc[idx, "ancova_ci_high"] = estimates["ci_high"].to_numpy()
    out.loc[idx, "did_g"] = estimates["did_g"].to_numpy()
    out.loc[idx, "did_ci_low"] = estimates["did_ci_low"].to_numpy()
    out.loc[idx, "did_ci_high"] = estimates["did_ci_high"].to_numpy()
    out.loc[idx, "baseline_g"] = estimates["baseline_g"].to_numpy()
    out.loc[idx, "baseline_equivalence"] = estimates["baseline_equivalence"].fillna("").to_numpy()
    out.loc[idx, "comparison_reason"] = estimates["reason_code"].fillna("").to_numpy()


# --- storing ----------------------------------------------------------------

#: The summary's figures: nullable floats, where NaN and infinities are stored as NULL.
_FLOATS = [f.name for f in ImpactSummary._meta.concrete_fields if isinstance(f, FloatField)]


def _store(frame: pd.DataFrame) -> None:
    """Upsert one ImpactSummary per row: a re-run updates, never duplicates."""
    now = timezone.now()
    records = frame.to_dict("records")
    summaries = [
        ImpactSummary(
            cycle_id=int(r["cycle_id"]),
            measure_id=None if pd.isna(r["measure_id"]) else int(r["measure_id"]),
            measure_name=r["measure_name"],
            n=None if pd.isna(r["n"]) else int(r["n"]),
            reason=r["reason"],
            n_comparison=None if pd.isna(r["n_comparison"]) else int(r["n_comparison"]),
            baseline_equivalence=r["baseline_equivalence"],
            comparison_reason=r["comparison_reason"],
            computed_at=now,
            **{f: _float(r[f]) for f in _FLOATS},
        )
        for r in records
    ]
    fields = ["measure" if f == "measure_id" else f for f in SUMMARY_COLUMNS[1:]] + ["computed_at"]
    with transaction.atomic():
        ImpactSummary.objects.bulk_create(
            summaries,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["cycle"],
            update_fields=fields,
        )


def _float(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return value if math.isfinite(value) else None
