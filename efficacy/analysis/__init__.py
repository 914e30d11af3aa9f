"""Pure statistics for Efficacy: numpy / pandas in, frozen result objects out.

Nothing here imports Django, touches a database or reads a file. Every public
function names its formula and source in its docstring (see
``shared/STATISTICS.md``) and returns a :class:`~efficacy.analysis.results.Result`.
"""

from efficacy.analysis.effects import EffectSize, effect_size, effect_size_by
from efficacy.analysis.gap import GapChange, gap_change
from efficacy.analysis.impact import ImpactEstimate, impact_estimate, impact_estimate_by
from efficacy.analysis.meta import MetaAnalysisResult, random_effects
from efficacy.analysis.multilevel import NullModelResult, null_model, shrunken_means
from efficacy.analysis.prepost import PrePostEffect, prepost_effect, prepost_effect_by
from efficacy.analysis.reliability import ReliabilityResult, reliability
from efficacy.analysis.results import AnalysisError, ConfidenceInterval, Result
from efficacy.analysis.runchart import RunChartResult, rebaselined_run_charts, run_chart

__all__ = ["AnalysisError", "ConfidenceInterval", "Result"]
__all__ += ["EffectSize", "effect_size", "effect_size_by"]
__all__ += ["GapChange", "gap_change"]
__all__ += ["ImpactEstimate", "impact_estimate", "impact_estimate_by"]
__all__ += ["PrePostEffect", "prepost_effect", "prepost_effect_by"]

__all__ += ["MetaAnalysisResult", "random_effects"]
__all__ += ["NullModelResult", "null_model", "shrunken_means"]
__all__ += ["ReliabilityResult", "reliability"]
__all__ += ["RunChartResult", "rebaselined_run_charts", "run_chart"]
