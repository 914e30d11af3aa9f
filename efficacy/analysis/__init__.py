"""Pure statistics for Efficacy: numpy / pandas in, frozen result objects out.

Nothing here imports Django, touches a database or reads a file. Every public
function names its formula and source in its docstring (see
``shared/STATISTICS.md``) and returns a :class:`~efficacy.analysis.results.Result`.
"""

from efficacy.analysis._core import improvement_index, pair_scores
from efficacy.analysis.effects import EffectSize, effect_size, effect_size_by
from efficacy.analysis.gap import GapChange, gap_change
from efficacy.analysis.impact import ImpactEstimate, impact_estimate, impact_estimate_by
from efficacy.analysis.meta import MetaAnalysisResult, random_effects
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
from efficacy.analysis.reliability import ReliabilityResult, reliability
from efficacy.analysis.results import (
    FLAT_OCCASION,
    MIN_N,
    NO_VARIANCE,
    TOO_FEW,
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

__all__ = ["MIN_N", "AnalysisError", "ConfidenceInterval", "Result", "suppression_reason"]
__all__ += ["FLAT_OCCASION", "NO_VARIANCE", "TOO_FEW"]
__all__ += ["improvement_index", "pair_scores"]
__all__ += ["EffectSize", "effect_size", "effect_size_by"]
__all__ += ["GapChange", "gap_change"]
__all__ += ["ImpactEstimate", "impact_estimate", "impact_estimate_by"]
__all__ += ["PREPOST_COLUMNS", "PrePostEffect", "prepost_effect", "prepost_effect_by"]
__all__ += ["HINGE", "SCHOOL_YEAR_WEEKS", "expected_growth", "years_of_growth"]
__all__ += ["MeanGain", "paired_mean_gain"]
__all__ += ["Proportion", "proportion_estimate", "wilson_interval"]

__all__ += ["MetaAnalysisResult", "random_effects"]
__all__ += ["NullModelResult", "null_model", "shrunken_means"]
__all__ += ["ReliabilityResult", "reliability"]
__all__ += ["RunChartResult", "rebaselined_run_charts", "run_chart"]
__all__ += ["OccasionMean", "OccasionMeansChart", "occasion_means_chart"]
