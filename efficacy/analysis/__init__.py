"""Pure statistics for Efficacy: numpy / pandas in, frozen result objects out.

Nothing here imports Django, touches a database or reads a file. Every public
function names its formula and source in its docstring (see
``shared/STATISTICS.md``) and returns a :class:`~efficacy.analysis.results.Result`.

The names below are loaded on first use (PEP 562), so that ``efficacy analyze
prepost`` imports the pre/post module and what it needs, not the meta-analysis's
optimiser: starting the command line is part of its measured speed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Public name -> the module that defines it.
_WHERE = {
    "improvement_index": "efficacy.analysis._core",
    "pair_scores": "efficacy.analysis._core",
    "DoseResponse": "efficacy.analysis.dose",
    "class_mean_gains": "efficacy.analysis.dose",
    "dose_response": "efficacy.analysis.dose",
    "EffectSize": "efficacy.analysis.effects",
    "effect_size": "efficacy.analysis.effects",
    "effect_size_by": "efficacy.analysis.effects",
    "GapChange": "efficacy.analysis.gap",
    "gap_change": "efficacy.analysis.gap",
    "ImpactEstimate": "efficacy.analysis.impact",
    "impact_estimate": "efficacy.analysis.impact",
    "impact_estimate_by": "efficacy.analysis.impact",
    "MetaAnalysisResult": "efficacy.analysis.meta",
    "random_effects": "efficacy.analysis.meta",
    "se_from_interval": "efficacy.analysis.meta",
    "NullModelResult": "efficacy.analysis.multilevel",
    "null_model": "efficacy.analysis.multilevel",
    "shrunken_means": "efficacy.analysis.multilevel",
    "HINGE": "efficacy.analysis.prepost",
    "PREPOST_COLUMNS": "efficacy.analysis.prepost",
    "SCHOOL_YEAR_WEEKS": "efficacy.analysis.prepost",
    "MeanGain": "efficacy.analysis.prepost",
    "PrePostEffect": "efficacy.analysis.prepost",
    "expected_growth": "efficacy.analysis.prepost",
    "paired_mean_gain": "efficacy.analysis.prepost",
    "prepost_effect": "efficacy.analysis.prepost",
    "prepost_effect_by": "efficacy.analysis.prepost",
    "years_of_growth": "efficacy.analysis.prepost",
    "Proportion": "efficacy.analysis.proportion",
    "proportion_estimate": "efficacy.analysis.proportion",
    "wilson_interval": "efficacy.analysis.proportion",
    "ReliabilityResult": "efficacy.analysis.scales",
    "reliability": "efficacy.analysis.scales",
    "FLAT_OCCASION": "efficacy.analysis.results",
    "MIN_N": "efficacy.analysis.results",
    "NO_VARIANCE": "efficacy.analysis.results",
    "NO_WITHIN_VARIANCE": "efficacy.analysis.results",
    "NOT_FINITE": "efficacy.analysis.results",
    "ONE_SCORE_PER_CLUSTER": "efficacy.analysis.results",
    "TOO_FEW": "efficacy.analysis.results",
    "TOO_FEW_CLUSTERS": "efficacy.analysis.results",
    "TOO_FEW_PAIRS": "efficacy.analysis.results",
    "TOO_FEW_SCORES": "efficacy.analysis.results",
    "AnalysisError": "efficacy.analysis.results",
    "ConfidenceInterval": "efficacy.analysis.results",
    "Result": "efficacy.analysis.results",
    "suppression_reason": "efficacy.analysis.results",
    "IndexChange": "efficacy.analysis.survey",
    "ScaleIndex": "efficacy.analysis.survey",
    "index_change": "efficacy.analysis.survey",
    "index_change_by": "efficacy.analysis.survey",
    "option_counts": "efficacy.analysis.survey",
    "reliability_is_low": "efficacy.analysis.survey",
    "respondent_means": "efficacy.analysis.survey",
    "response_rate_is_low": "efficacy.analysis.survey",
    "scale_index": "efficacy.analysis.survey",
    "scale_index_by": "efficacy.analysis.survey",
    "OccasionMean": "efficacy.analysis.runchart",
    "OccasionMeansChart": "efficacy.analysis.runchart",
    "RunChartResult": "efficacy.analysis.runchart",
    "occasion_means_chart": "efficacy.analysis.runchart",
    "rebaselined_run_charts": "efficacy.analysis.runchart",
    "run_chart": "efficacy.analysis.runchart",
    "EvidenceStrength": "efficacy.analysis.verdict",
    "evidence_strength": "efficacy.analysis.verdict",
    "estimate_to_read": "efficacy.analysis.verdict",
    "growth_beyond_expected": "efficacy.analysis.verdict",
    "methods_disagree": "efficacy.analysis.verdict",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


if TYPE_CHECKING:  # what type checkers and editors see
    from efficacy.analysis._core import improvement_index, pair_scores
    from efficacy.analysis.dose import DoseResponse, class_mean_gains, dose_response
    from efficacy.analysis.effects import EffectSize, effect_size, effect_size_by
    from efficacy.analysis.gap import GapChange, gap_change
    from efficacy.analysis.impact import ImpactEstimate, impact_estimate, impact_estimate_by
    from efficacy.analysis.meta import MetaAnalysisResult, random_effects, se_from_interval
    from efficacy.analysis.multilevel import NullModelResult, null_model, shrunken_means
    from efficacy.analysis.prepost import (
        HINGE,
        PREPOST_COLUMNS,
        SCHOOL_YEAR_WEEKS,
        MeanGain,
        PrePostEffect,
        expected_growth,
        paired_mean_gain,
        prepost_effect,
        prepost_effect_by,
        years_of_growth,
    )
    from efficacy.analysis.proportion import Proportion, proportion_estimate, wilson_interval
    from efficacy.analysis.results import (
        FLAT_OCCASION,
        MIN_N,
        NO_VARIANCE,
        NO_WITHIN_VARIANCE,
        NOT_FINITE,
        ONE_SCORE_PER_CLUSTER,
        TOO_FEW,
        TOO_FEW_CLUSTERS,
        TOO_FEW_PAIRS,
        TOO_FEW_SCORES,
        AnalysisError,
        ConfidenceInterval,
        Result,
        suppression_reason,
    )
    from efficacy.analysis.runchart import (
        OccasionMean,
        OccasionMeansChart,
        RunChartResult,
        occasion_means_chart,
        rebaselined_run_charts,
        run_chart,
    )
    from efficacy.analysis.scales import ReliabilityResult, reliability
    from efficacy.analysis.survey import (
        IndexChange,
        ScaleIndex,
        index_change,
        index_change_by,
        option_counts,
        reliability_is_low,
        respondent_means,
        response_rate_is_low,
        scale_index,
        scale_index_by,
    )
    from efficacy.analysis.verdict import (
        EvidenceStrength,
        estimate_to_read,
        evidence_strength,
        growth_beyond_expected,
        methods_disagree,
    )
