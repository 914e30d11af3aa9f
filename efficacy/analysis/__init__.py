"""Pure statistics for Efficacy: numpy / pandas in, frozen result objects out.

Nothing here imports Django, touches a database or reads a file. Every public
function names its formula and source in its docstring (see
``shared/STATISTICS.md``) and returns a :class:`~efficacy.analysis.results.Result`.
"""

from efficacy.analysis.effects import EffectSize, effect_size, effect_size_by
from efficacy.analysis.results import AnalysisError, ConfidenceInterval, Result

__all__ = ["AnalysisError", "ConfidenceInterval", "Result"]
__all__ += ["EffectSize", "effect_size", "effect_size_by"]
